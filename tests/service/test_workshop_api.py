"""The workshop's API: every endpoint for the outsider (404), the wrong role (403) and bad
input (422 naming the field), and the happy paths."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.core.roles import Role
from dealercare.service.models import FollowUpTask, RepairOrder
from tests.factories import new_customer, new_vehicle

from .workshop_factories import ALL_FINE, order_in

S = RepairOrder.Status


@pytest.fixture
def api(cast, api_as):
    clients = {}

    def client(role, dealer="a"):
        user = (cast.staff_a if dealer == "a" else cast.staff_b)[role]
        if user.pk not in clients:
            clients[user.pk] = api_as(user)
        return clients[user.pk]

    return client


def later(hours=4):
    return (timezone.now() + timedelta(hours=hours)).isoformat()


RECEPTION = {
    "km": 15000,
    "fault_description": "刹车异响",
    "checklist": ALL_FINE,
    "fuel_level": 50,
    "confirmation": "in_person",
    "confirmed_by": "张伟",
}


def test_reception_opens_the_order(cast, api):
    advisor = cast.staff_a[Role.ADVISOR]
    vehicle = new_vehicle(advisor, owner=new_customer(advisor), current_km=12000)
    response = api(Role.ADVISOR).post("/receptions", RECEPTION | {"vehicle_id": vehicle.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    order = RepairOrder.objects.get(pk=body["order_id"])
    assert order.km_in == 15000 and body["order_number"] == order.number
    read = api(Role.TECHNICIAN).get(f"/repair-orders/{order.pk}/reception")
    assert read.status_code == 200 and read.json()["checklist"]["exterior"]["ok"] is False
    assert api(Role.ADVISOR, "b").get(f"/repair-orders/{order.pk}/reception").status_code == 404
    bad = api(Role.ADVISOR).post(
        "/receptions", RECEPTION | {"vehicle_id": vehicle.pk, "km": 100, "fuel_level": 101}
    )
    assert bad.status_code == 422 and "fuel_level" in bad.json()["fields"]
    lower = api(Role.ADVISOR).post("/receptions", RECEPTION | {"vehicle_id": vehicle.pk, "km": 100})
    assert lower.status_code == 422 and "km" in lower.json()["fields"]
    outsider = api(Role.ADVISOR, "b").post("/receptions", RECEPTION | {"vehicle_id": vehicle.pk})
    assert outsider.status_code == 404
    technician = api(Role.TECHNICIAN).post("/receptions", RECEPTION | {"vehicle_id": vehicle.pk})
    assert technician.status_code == 403


def test_board_by_status_with_late_ones_marked(cast, api):
    late = order_in(cast, S.IN_PROGRESS, promised_at=timezone.now() - timedelta(hours=1))
    on_time = order_in(cast, S.IN_PROGRESS, promised_at=timezone.now() + timedelta(hours=1))
    ready = order_in(cast, S.READY, promised_at=timezone.now() - timedelta(hours=1))
    order_in(cast, S.OPEN)
    order_in(cast, S.IN_PROGRESS, dealer="b")
    response = api(Role.TECHNICIAN).get("/workshop-board")
    assert response.status_code == 200
    columns = {column["status"]: column["orders"] for column in response.json()}
    assert list(columns) == ["approved", "in_progress", "quality_check", "ready"]
    assert [(o["id"], o["late"]) for o in columns["in_progress"]] == [
        (late.pk, True),
        (on_time.pk, False),
    ]
    assert [(o["id"], o["late"]) for o in columns["ready"]] == [(ready.pk, False)]
    assert api(Role.INSURANCE).get("/workshop-board").status_code == 403


def test_my_jobs_and_progress(cast, api):
    technician = cast.staff_a[Role.TECHNICIAN]
    mine = order_in(cast, S.APPROVED, technician=technician)
    order_in(cast, S.APPROVED)
    jobs = api(Role.TECHNICIAN).get("/my-jobs").json()
    assert [job["id"] for job in jobs] == [mine.pk]
    started = api(Role.TECHNICIAN).post(f"/repair-orders/{mine.pk}/job", {"move": "start"})
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    report = api(Role.TECHNICIAN).post(f"/repair-orders/{mine.pk}/progress", {"percent": 50})
    assert report.status_code == 201
    bad = api(Role.TECHNICIAN).post(f"/repair-orders/{mine.pk}/progress", {"percent": 150})
    assert bad.status_code == 422 and "percent" in bad.json()["fields"]
    assert api(Role.ADVISOR).get(f"/repair-orders/{mine.pk}/progress").json()[0]["percent"] == 50
    assert api(Role.ADVISOR).get("/my-jobs").status_code == 403
    outsider = api(Role.TECHNICIAN, "b").post(f"/repair-orders/{mine.pk}/progress", {"note": "x"})
    assert outsider.status_code == 404


def test_assign_and_delay(cast, api):
    order = order_in(cast, S.IN_PROGRESS, promised_at=timezone.now() + timedelta(hours=1))
    technician = cast.staff_a[Role.TECHNICIAN]
    assigned = api(Role.ADVISOR).put(
        f"/repair-orders/{order.pk}/technician", {"technician_id": technician.pk}
    )
    assert assigned.status_code == 200 and assigned.json()["technician_id"] == technician.pk
    assert (
        api(Role.TECHNICIAN)
        .put(f"/repair-orders/{order.pk}/technician", {"technician_id": technician.pk})
        .status_code
        == 403
    )
    path = f"/repair-orders/{order.pk}/promised-time"
    moved = api(Role.TECHNICIAN).post(path, {"promised_at": later(), "reason": "等配件"})
    assert moved.status_code == 201 and moved.json()["delayed_to"]
    missing = api(Role.TECHNICIAN).post(path, {"promised_at": later(5)})
    assert missing.status_code == 422 and "reason" in missing.json()["fields"]
    assert api(Role.PARTS).post(path, {"promised_at": later(6), "reason": "x"}).status_code == 403
    outsider = api(Role.ADVISOR, "b").post(path, {"promised_at": later(6), "reason": "x"})
    assert outsider.status_code == 404


def test_inspection(cast, api):
    order = order_in(cast, S.QUALITY_CHECK, part=True, total="200.00")
    path = f"/repair-orders/{order.pk}/inspection"
    assert api(Role.TECHNICIAN).post(path, {"result": "pass"}).status_code == 403
    assert api(Role.INSPECTOR, "b").post(path, {"result": "pass"}).status_code == 404
    no_road_test = api(Role.INSPECTOR).post(path, {"result": "pass"})
    assert no_road_test.status_code == 422 and "road_test_done" in no_road_test.json()["fields"]
    failed = api(Role.INSPECTOR).post(
        path, {"result": "fail", "defects": "异响", "road_test_done": True}
    )
    assert failed.status_code == 201
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS and order.rework_count == 1
    listed = api(Role.ADVISOR).get(f"/repair-orders/{order.pk}/inspections").json()
    assert listed[0]["result"] == "fail"


def test_delivery_and_follow_up(cast, api):
    order = order_in(cast, S.READY, total="880.00")
    path = f"/repair-orders/{order.pk}/delivery"
    body = {
        "handed_over_to": "张伟",
        "payment_method": "alipay",
        "amount_paid": "880.00",
        "invoice_number": "FP-1",
        "cleaning_done": True,
    }
    assert api(Role.TECHNICIAN).post(path, body).status_code == 403
    assert api(Role.ADVISOR, "b").post(path, body).status_code == 404
    wrong = api(Role.ADVISOR).post(path, body | {"amount_paid": "800.00"})
    assert wrong.status_code == 422 and "amount_paid" in wrong.json()["fields"]
    delivered = api(Role.ADVISOR).post(path, body)
    assert delivered.status_code == 201, delivered.content
    task_id = delivered.json()["follow_up_id"]
    assert api(Role.ADVISOR).get(path).json()["invoice_number"] == "FP-1"

    tasks = api(Role.CSR).get("/follow-ups").json()
    assert [t["id"] for t in tasks["items"]] == [task_id]
    assert api(Role.CSR, "b").get("/follow-ups").json()["count"] == 0
    assert api(Role.CSR, "b").get(f"/follow-ups/{task_id}").status_code == 404
    assert api(Role.TECHNICIAN).get("/follow-ups").status_code == 403
    calls = f"/follow-ups/{task_id}/calls"
    answers = {"reached": True, "quality_score": 5, "attitude_score": 5, "price_score": 4}
    assert api(Role.ADVISOR).post(calls, answers).status_code == 403
    assert api(Role.CSR, "b").post(calls, answers).status_code == 404
    missing = api(Role.CSR).post(calls, {"reached": True, "quality_score": 0})
    assert missing.status_code == 422
    assert set(missing.json()["fields"]) == {"quality_score", "attitude_score", "price_score"}
    unhappy = api(Role.CSR).post(calls, answers | {"price_score": 1})
    assert unhappy.status_code == 422 and set(unhappy.json()["fields"]) == {"remarks"}
    no_answer = api(Role.CSR).post(calls, {"reached": False})
    assert no_answer.status_code == 200 and no_answer.json()["attempts"] == 1
    stale = api(Role.CSR).post(calls, answers | {"version": 1})
    assert stale.status_code == 409
    done = api(Role.CSR).post(calls, answers | {"version": no_answer.json()["version"]})
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["quality_score"], done.json()["attempts"]) == (
        "done",
        5,
        2,
    )
    assert FollowUpTask.objects.get().status == "done"
    overdue = api(Role.CSR).get("/follow-ups", {"overdue": "true"}).json()
    assert overdue["count"] == 0


def test_a_follow_up_taken_by_hand(cast, api):
    order = order_in(cast, S.DELIVERED)
    body = {"customer_id": order.customer_id, "reason": "电话回访充电桩安装", "channel": "phone"}
    assert api(Role.TECHNICIAN).post("/follow-ups", body).status_code == 403
    outsider = api(Role.CSR, "b").post("/follow-ups", body)
    assert outsider.status_code == 422 and set(outsider.json()["fields"]) == {"customer_id"}
    made = api(Role.CSR).post("/follow-ups", body | {"vehicle_id": order.vehicle_id})
    assert made.status_code == 201, made.json()
    assert (made.json()["kind"], made.json()["vehicle_id"]) == ("manual", order.vehicle_id)
    assert api(Role.CSR).get(f"/follow-ups/{made.json()['id']}").json()["reason"] == body["reason"]


def test_pdf(cast, api):
    order = order_in(cast, S.IN_PROGRESS)
    response = api(Role.TECHNICIAN).get(f"/repair-orders/{order.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "no-store" in response["Cache-Control"]
    assert api(Role.TECHNICIAN, "b").get(f"/repair-orders/{order.pk}/pdf").status_code == 404
    assert api(Role.INSURANCE).get(f"/repair-orders/{order.pk}/pdf").status_code == 403
