"""Remote diagnosis pages: reports with codes, parts and stock; answer remotely; book in;
the fault-code catalogue; tenancy and roles."""

import pytest
from django.test import Client

from dealercare.core.roles import Role
from dealercare.service.models import Appointment, DiagnosisReport, FaultCode
from dealercare.service.services.diagnosis import (
    FaultCodeInput,
    diagnosis_receive,
    fault_code_create,
)
from tests.parts.factories import clerk_of, new_part
from tests.service.booking_factories import grid, owner_and_car, tomorrow


@pytest.fixture
def advisor(cast):
    return cast.staff_a[Role.ADVISOR]


@pytest.fixture
def report(cast, advisor):
    coil = new_part(clerk_of(cast), "XT-IGN-01", name="点火线圈", stock=2)
    fault_code_create(
        actor=cast.staff_a[Role.MANAGER],
        data=FaultCodeInput(
            code="P0457",
            description_zh="油箱盖松动",
            severity="low",
            remote_answerable=True,
            guidance="请拧紧油箱盖。",
            part_ids=[coil.pk],
        ),
    )
    _, car = owner_and_car(advisor)
    return diagnosis_receive(actor=advisor, vehicle_id=car.pk, codes=["P0457"], note="故障灯亮")


def urls(report):
    fault = FaultCode.objects.get()
    base = f"/service/diagnosis/{report.pk}/"
    return [
        "/service/diagnosis/",
        base,
        f"{base}book/",
        "/service/fault-codes/",
        "/service/fault-codes/new/",
        f"/service/fault-codes/{fault.pk}/",
    ]


def test_login_required(report):
    for url in urls(report):
        assert Client().get(url)["Location"].startswith("/login/")


def test_list_and_detail_with_parts_and_stock(advisor, report, client_as):
    client = client_as(advisor)
    listed = client.get("/service/diagnosis/", {"status": "new"}).content.decode()
    assert f"/service/diagnosis/{report.pk}/" in listed and "P0457" in listed
    detail = client.get(f"/service/diagnosis/{report.pk}/").content.decode()
    assert "油箱盖松动" in detail and "XT-IGN-01" in detail and "库存 2" in detail
    assert "发送指导" in detail
    client.cookies["django_language"] = "en"
    english = client.get(f"/service/diagnosis/{report.pk}/").content.decode()
    assert "2 in stock" in english and "Send the guidance" in english


def test_answer_remotely_then_book(cast, advisor, report, client_as):
    client = client_as(advisor)
    empty = client.post(f"/service/diagnosis/{report.pk}/answer/", {"answer": ""})
    assert empty.status_code == 422
    done = client.post(f"/service/diagnosis/{report.pk}/answer/", {"answer": "请拧紧油箱盖。"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == "answered_remotely" and report.answered_by == advisor
    grid(cast.dealer_a)
    form = client.get(f"/service/diagnosis/{report.pk}/book/").content.decode()
    assert "P0457" in form
    booked = client.post(
        f"/service/diagnosis/{report.pk}/book/",
        {
            "vehicle": report.vehicle.plate,
            "day": tomorrow().isoformat(),
            "starts_at": "09:00",
            "channel": "phone",
            "mode": "waiting",
            "fault_codes": "P0457",
        },
    )
    assert booked.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.fault_codes == ["P0457"] and appointment.diagnosis == report
    assert DiagnosisReport.objects.get(pk=report.pk).status == "booked"


def test_close_needs_a_reason(advisor, report, client_as):
    client = client_as(advisor)
    url = f"/service/diagnosis/{report.pk}/move/"
    assert client.post(url, {"move": "close"}).status_code == 422
    assert client.post(url, {"move": "close", "reason": "误报"}).status_code == 302
    assert DiagnosisReport.objects.get(pk=report.pk).status == "closed"


def test_fault_codes_taken_on_the_phone(cast, advisor, report, client_as):
    client = client_as(advisor)
    assert "/service/diagnosis/new/" in client.get("/service/diagnosis/").content.decode()
    plate = report.vehicle.plate
    bad = client.post("/service/diagnosis/new/", {"vehicle": "沪Z00000", "codes": "", "km": "-5"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "没有该车牌或车架号的车辆" in html
    assert DiagnosisReport.objects.count() == 1
    bad = client.post("/service/diagnosis/new/", {"vehicle": plate, "codes": "XYZ"})
    assert bad.status_code == 200 and DiagnosisReport.objects.count() == 1
    made = client.post(
        "/service/diagnosis/new/", {"vehicle": plate, "codes": "p0457, P0420", "km": "23000"}
    )
    assert made.status_code == 302
    taken = DiagnosisReport.objects.latest("id")
    assert (taken.codes, taken.source, taken.km) == (["P0457", "P0420"], "staff", 23000)
    assert made["Location"] == f"/service/diagnosis/{taken.pk}/"
    refused = client_as(cast.staff_a[Role.TECHNICIAN]).get("/service/diagnosis/new/")
    assert refused.status_code == 403


def test_fault_code_catalogue_pages(cast, report, client_as):
    manager = client_as(cast.staff_a[Role.MANAGER])
    assert "P0457" in manager.get("/service/fault-codes/", {"q": "P04"}).content.decode()
    form = {"code": "p0420", "description_zh": "三元催化效率低", "severity": "medium"}
    bad = manager.post("/service/fault-codes/new/", form | {"part_numbers": "NOPE-1"})
    assert bad.status_code == 200 and "NOPE-1" in bad.content.decode()
    made = manager.post("/service/fault-codes/new/", form | {"part_numbers": "XT-IGN-01"})
    assert made.status_code == 302
    fault = FaultCode.objects.get(code="P0420")
    assert [p.part_number for p in fault.likely_parts.all()] == ["XT-IGN-01"]
    edited = manager.post(
        f"/service/fault-codes/{fault.pk}/",
        form | {"severity": "high", "version": 1, "part_numbers": ""},
    )
    assert edited.status_code == 302
    fault.refresh_from_db()
    assert fault.severity == "high" and not fault.likely_parts.exists()


def test_outsider_gets_404(cast, report, client_as):
    outsider = client_as(cast.staff_b[Role.MANAGER])
    for url in urls(report)[1:3] + urls(report)[5:]:
        assert outsider.get(url).status_code == 404, url
    answer = outsider.post(f"/service/diagnosis/{report.pk}/answer/", {"answer": "x"})
    assert answer.status_code == 404
    move = outsider.post(f"/service/diagnosis/{report.pk}/move/", {"move": "close"})
    assert move.status_code == 404


@pytest.mark.parametrize(
    ("role", "method", "url"),
    [
        (Role.TECHNICIAN, "get", "/service/diagnosis/"),
        (Role.CSR, "get", "/service/diagnosis/{pk}/"),
        (Role.CSR, "post", "/service/diagnosis/{pk}/answer/"),
        (Role.CSR, "post", "/service/diagnosis/{pk}/move/"),
        (Role.TECHNICIAN, "get", "/service/diagnosis/{pk}/book/"),
        (Role.PARTS, "get", "/service/fault-codes/"),
        (Role.ADVISOR, "get", "/service/fault-codes/new/"),
        (Role.ADVISOR, "post", "/service/fault-codes/{fault}/"),
    ],
)
def test_wrong_role_gets_403(cast, report, client_as, role, method, url):
    client = client_as(cast.staff_a[role])
    fault = FaultCode.objects.get()
    target = url.format(pk=report.pk, fault=fault.pk)
    response = getattr(client, method)(target, {"answer": "x", "move": "close", "reason": "x"})
    assert response.status_code == 403
    assert DiagnosisReport.objects.get(pk=report.pk).status == "new"
