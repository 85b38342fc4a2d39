"""Remote diagnosis (R-VEH-5): codes reach the advisor described from the catalogue with
the parts likely needed and their stock; a simple fault answered remotely is recorded and
sent; a booking from a report carries the codes. API: tenancy, roles, input."""

import pytest

from dealercare.core.errors import DomainError
from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.service.models import Appointment, DiagnosisReport
from dealercare.service.services.appointments import AppointmentInput
from dealercare.service.services.diagnosis import (
    FaultCodeInput,
    diagnosis_book,
    diagnosis_receive,
    fault_code_create,
)
from tests.parts.factories import clerk_of, new_part

from .booking_factories import NINE, grid, owner_and_car, tomorrow


@pytest.fixture
def advisor(cast):
    return cast.staff_a[Role.ADVISOR]


@pytest.fixture
def catalogue(cast):
    manager = cast.staff_a[Role.MANAGER]
    coil = new_part(clerk_of(cast), "XT-IGN-01", name="点火线圈", stock=3)
    plug = new_part(clerk_of(cast), "XT-SPK-04", name="火花塞", stock=0)
    misfire = fault_code_create(
        actor=manager,
        data=FaultCodeInput(
            code="P0301",
            description_zh="一缸失火",
            description_en="Cylinder 1 misfire",
            severity="high",
            part_ids=[coil.pk, plug.pk],
        ),
    )
    cap = fault_code_create(
        actor=manager,
        data=FaultCodeInput(
            code="P0457",
            description_zh="燃油蒸发系统泄漏（油箱盖松动）",
            severity="low",
            remote_answerable=True,
            guidance="请拧紧油箱盖直到听到咔哒声，行驶几次后故障灯会自行熄灭。",
        ),
    )
    return {"misfire": misfire, "cap": cap, "coil": coil, "plug": plug}


@pytest.fixture
def car(advisor):
    return owner_and_car(advisor, consent=("sms",))[1]


def test_codes_reach_the_advisors_inbox_described_with_parts_and_stock(
    cast, advisor, catalogue, car, api_as
):
    api = api_as(advisor)
    sent = api.post(
        "/fault-codes/reports",
        {"vehicle_id": car.pk, "codes": ["p0301", "P1234"], "note": "抖动", "km": 23000},
    )
    assert sent.status_code == 201, sent.json()
    body = sent.json()
    assert body["codes"] == ["P0301", "P1234"] and body["status"] == "new"
    misfire, unknown = body["described"]
    assert misfire["description"] == "一缸失火" and misfire["severity"] == "high"
    stock = {p["part_number"]: p["on_hand"] for p in misfire["likely_parts"]}
    assert stock == {"XT-IGN-01": 3, "XT-SPK-04": 0}
    assert unknown == {
        "code": "P1234",
        "known": False,
        "description": "",
        "severity": None,
        "remote_answerable": False,
        "guidance": "",
        "likely_parts": [],
    }
    inbox = OutboxMessage.objects.get(channel="inbox")
    assert inbox.recipient_id == advisor.pk and inbox.link.endswith(f"/{body['id']}/")
    assert "P0301" in inbox.body
    entry = AuditEntry.objects.get(action="diagnosis_report.receive")
    assert entry.customer_id == car.owner_id
    listed = api.get("/fault-codes/reports", {"status": "new"}).json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]


def test_a_simple_fault_is_answered_remotely_and_the_customer_told(advisor, catalogue, car, api_as):
    api = api_as(advisor)
    hard = diagnosis_receive(actor=advisor, vehicle_id=car.pk, codes=["P0301"])
    refused = api.post(f"/fault-codes/reports/{hard.pk}/answer", {"answer": "请到店检查"})
    assert refused.status_code == 409 and refused.json()["code"] == "not_remote_answerable"
    simple = diagnosis_receive(actor=advisor, vehicle_id=car.pk, codes=["P0457"])
    empty = api.post(f"/fault-codes/reports/{simple.pk}/answer", {"answer": " "})
    assert empty.status_code == 422 and "answer" in empty.json()["fields"]
    answered = api.post(
        f"/fault-codes/reports/{simple.pk}/answer", {"answer": catalogue["cap"].guidance}
    )
    assert answered.status_code == 200, answered.json()
    body = answered.json()
    assert body["status"] == "answered_remotely" and body["answered_by_id"] == advisor.pk
    assert body["answer"].startswith("请拧紧油箱盖")
    told = OutboxMessage.objects.get(customer_id=car.owner_id)
    assert told.channel == "sms" and told.status == "queued" and "油箱盖" in told.body
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"diagnosis_report.answer", "diagnosis_report.guidance"} <= actions
    again = api.post(f"/fault-codes/reports/{simple.pk}/answer", {"answer": "再说一次"})
    assert again.status_code == 409


def test_a_booking_from_a_report_carries_the_codes(cast, advisor, catalogue, car, api_as):
    grid(cast.dealer_a)
    report = diagnosis_receive(actor=advisor, vehicle_id=car.pk, codes=["P0301"])
    made = api_as(advisor).post(
        f"/fault-codes/reports/{report.pk}/book",
        {"day": tomorrow().isoformat(), "starts_at": "09:00", "mode": "drop_off"},
    )
    assert made.status_code == 201, made.json()
    assert made.json()["fault_codes"] == ["P0301"] and made.json()["diagnosis_id"] == report.pk
    report.refresh_from_db()
    assert report.status == "booked"
    second = diagnosis_receive(actor=advisor, vehicle_id=car.pk, codes=["P0457"])
    grid(cast.dealer_a, places_per_day=1)
    with pytest.raises(DomainError) as refused:
        diagnosis_book(
            actor=advisor,
            report=second,
            data=AppointmentInput(vehicle_id=0, day=tomorrow(), starts_at=NINE),
        )
    assert refused.value.code == "slot_full"
    assert DiagnosisReport.objects.get(pk=second.pk).status == "new"
    assert Appointment.objects.count() == 1


def test_catalogue_api(cast, catalogue, api_as):
    manager = api_as(cast.staff_a[Role.MANAGER])
    listed = manager.get("/fault-codes", {"q": "P03"}).json()
    assert [c["code"] for c in listed["items"]] == ["P0301"]
    assert manager.get("/fault-codes", {"q": "油箱"}).json()["count"] == 1
    body = {"code": "p0420", "description_zh": "三元催化效率低", "severity": "medium"}
    made = manager.post("/fault-codes", body)
    assert made.status_code == 201 and made.json()["code"] == "P0420"
    assert manager.post("/fault-codes", body).json()["code"] == "duplicate_fault_code"
    bad = manager.post("/fault-codes", {"code": "X1", "description_zh": " ", "severity": "huge"})
    assert bad.status_code == 422
    assert {"code", "description_zh", "severity"} <= set(bad.json()["fields"])
    simple_without_guidance = manager.post(
        "/fault-codes", body | {"code": "P0171", "remote_answerable": True}
    )
    assert "guidance" in simple_without_guidance.json()["fields"]
    fault_id = made.json()["id"]
    patched = manager.patch(
        f"/fault-codes/{fault_id}", {"part_ids": [catalogue["coil"].pk], "version": 1}
    )
    assert patched.status_code == 200 and patched.json()["likely_parts"][0]["on_hand"] == 3
    assert patched.json()["description_zh"] == "三元催化效率低"
    stale = manager.patch(f"/fault-codes/{fault_id}", {"severity": "low", "version": 1})
    assert stale.status_code == 409


def test_outsider_gets_404(cast, advisor, catalogue, car, api_as):
    report = diagnosis_receive(actor=advisor, vehicle_id=car.pk, codes=["P0301"])
    outsider = api_as(cast.staff_b[Role.MANAGER])
    fault = catalogue["misfire"].pk
    assert outsider.get(f"/fault-codes/reports/{report.pk}").status_code == 404
    assert outsider.get(f"/fault-codes/{fault}").status_code == 404
    assert outsider.patch(f"/fault-codes/{fault}", {"version": 1}).status_code == 404
    answer = outsider.post(f"/fault-codes/reports/{report.pk}/answer", {"answer": "x"})
    assert answer.status_code == 404
    book = {"day": tomorrow().isoformat(), "starts_at": "09:00"}
    assert outsider.post(f"/fault-codes/reports/{report.pk}/book", book).status_code == 404
    close = outsider.post(f"/fault-codes/reports/{report.pk}/transition", {"move": "close"})
    assert close.status_code == 404
    assert outsider.get("/fault-codes").json()["count"] == 0
    assert outsider.get("/fault-codes/reports").json()["count"] == 0
    sent = outsider.post("/fault-codes/reports", {"vehicle_id": car.pk, "codes": ["P0301"]})
    assert sent.status_code == 422 and "vehicle_id" in sent.json()["fields"]


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        (Role.TECHNICIAN, "get", "/fault-codes/reports", None),
        (Role.CSR, "post", "/fault-codes/reports", {"vehicle_id": 1, "codes": ["P0301"]}),
        (Role.PARTS, "get", "/fault-codes/reports/{report}", None),
        (Role.CSR, "post", "/fault-codes/reports/{report}/answer", {"answer": "x"}),
        (
            Role.TECHNICIAN,
            "post",
            "/fault-codes/reports/{report}/book",
            {"day": "2030-01-01", "starts_at": "09:00"},
        ),
        (Role.CSR, "post", "/fault-codes/reports/{report}/transition", {"move": "close"}),
        (Role.PARTS, "get", "/fault-codes", None),
        (
            Role.ADVISOR,
            "post",
            "/fault-codes",
            {"code": "P0420", "description_zh": "x", "severity": "low"},
        ),
        (Role.TECHNICIAN, "get", "/fault-codes/{fault}", None),
        (Role.ADVISOR, "patch", "/fault-codes/{fault}", {"severity": "low", "version": 1}),
    ],
)
def test_wrong_role_gets_403(cast, advisor, catalogue, car, api_as, role, method, path, body):
    report = diagnosis_receive(actor=advisor, vehicle_id=car.pk, codes=["P0301"])
    api = api_as(cast.staff_a[role])
    url = path.format(report=report.pk, fault=catalogue["misfire"].pk)
    response = getattr(api, method)(url, *([body] if body is not None else []))
    assert response.status_code == 403, response.json()
    assert DiagnosisReport.objects.get(pk=report.pk).status == "new"
