"""Roadside assistance (R-SVC-9): request, dispatch, status to the end with each step's
time, conversion to a repair order; API tenancy, roles and input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.core.errors import DomainError
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.service.models import RoadsideRequest
from dealercare.service.services.roadside import (
    RoadsideInput,
    roadside_dispatch,
    roadside_move,
    roadside_receive,
)

from .booking_factories import owner_and_car

PHONE = "13912345678"
WHERE = "上海市浦东新区世纪大道100号附近"


@pytest.fixture
def advisor(cast):
    return cast.staff_a[Role.ADVISOR]


@pytest.fixture
def car(advisor):
    return owner_and_car(advisor)[1]


def take(actor, car=None, **fields):
    values = {
        "location": WHERE,
        "problem": "高速上爆胎，无法行驶",
        "contact_name": "王先生",
        "contact_phone": PHONE,
        "vehicle_id": car.pk if car else None,
    } | fields
    return roadside_receive(actor=actor, data=RoadsideInput(**values))


def test_request_to_the_end_with_the_time_of_each_step(cast, advisor, car):
    received = timezone.now() - timedelta(minutes=50)
    request = take(advisor, car, received_at=received)
    assert request.plate == car.plate and request.customer == car.owner
    technician = cast.staff_a[Role.TECHNICIAN]
    request = roadside_dispatch(
        actor=advisor,
        request=request,
        dispatched_to_id=technician.pk,
        service_vehicle="救援车 沪A·J1234",
        eta=timezone.now() + timedelta(minutes=30),
    )
    assert request.status == "dispatched" and request.dispatched_to == technician
    RoadsideRequest.objects.filter(pk=request.pk).update(
        dispatched_at=received + timedelta(minutes=10)
    )
    request.refresh_from_db()
    request = roadside_move(actor=advisor, request=request, move="on_scene")
    request = roadside_move(actor=advisor, request=request, move="tow")
    request.refresh_from_db()
    assert request.status == "towed" and request.finished_at is not None
    durations = [(end - start).total_seconds() // 60 for _n, start, end in request.step_times()]
    assert durations[0] == 10 and len(durations) == 3
    actions = list(
        AuditEntry.objects.filter(object_type="roadside_request").values_list("action", flat=True)
    )
    assert "roadside_request.receive" in actions and "roadside_request.tow" in actions
    entries = AuditEntry.objects.filter(object_type="roadside_request")
    assert PHONE not in str(list(entries.values("changes", "object_label")))
    with pytest.raises(DomainError) as refused:
        roadside_move(actor=advisor, request=request, move="fix")
    assert refused.value.code == "invalid_transition"


def test_cancel_needs_a_reason_and_illegal_moves_are_refused(advisor):
    request = take(advisor)
    with pytest.raises(DomainError) as refused:
        roadside_move(actor=advisor, request=request, move="tow")
    assert refused.value.code == "invalid_transition"
    with pytest.raises(DomainError) as refused:
        roadside_move(actor=advisor, request=request, move="cancel")
    assert list(refused.value.fields) == ["reason"]
    request = roadside_move(actor=advisor, request=request, move="cancel", reason="客户自行解决")
    request.refresh_from_db()
    assert request.status == "cancelled" and request.outcome_note == "客户自行解决"


def test_contact_and_location_are_encrypted(advisor):
    from django.db import connection

    request = take(advisor)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_phone, location FROM service_roadsiderequest WHERE id = %s",
            [request.pk],
        )
        phone, location = cursor.fetchone()
    assert PHONE not in phone and "世纪大道" not in location


def test_becomes_a_repair_order(cast, advisor, car):
    pytest.importorskip("dealercare.service.services.orders")
    from dealercare.service.services.roadside import roadside_open_repair_order

    request = take(advisor, car)
    with pytest.raises(DomainError) as refused:
        roadside_open_repair_order(actor=advisor, request=request)
    assert refused.value.code == "not_reached"
    request = roadside_dispatch(actor=advisor, request=request, dispatched_to_id=advisor.pk)
    request = roadside_move(actor=advisor, request=request, move="on_scene")
    request = roadside_move(actor=advisor, request=request, move="tow")
    order = roadside_open_repair_order(actor=advisor, request=request)
    assert order.vehicle == car and order.fault_description == "高速上爆胎，无法行驶"
    assert RoadsideRequest.objects.get(pk=request.pk).repair_order == order
    with pytest.raises(DomainError) as refused:
        roadside_open_repair_order(actor=advisor, request=request)
    assert refused.value.code == "already_ordered"


def test_api_flow_masks_and_input(cast, advisor, car, api_as):
    api = api_as(advisor)
    bad = api.post(
        "/roadside-requests",
        {"location": " ", "problem": "x", "contact_name": "王", "contact_phone": "abc"},
    )
    assert bad.status_code == 422 and {"location", "contact_phone"} <= set(bad.json()["fields"])
    made = api.post(
        "/roadside-requests",
        {
            "location": WHERE,
            "problem": "电瓶亏电",
            "contact_name": "王先生",
            "contact_phone": PHONE,
            "vehicle_id": car.pk,
            "latitude": "31.230416",
            "longitude": "121.473701",
        },
    )
    assert made.status_code == 201, made.json()
    rid = made.json()["id"]
    assert made.json()["contact_phone"] == PHONE  # the advisor may reveal
    csr_view = api_as(cast.staff_a[Role.CSR]).get(f"/roadside-requests/{rid}").json()
    assert csr_view["contact_phone"] == PHONE
    sent = api.post(
        f"/roadside-requests/{rid}/dispatch",
        {"dispatched_to_id": cast.staff_a[Role.TECHNICIAN].pk, "service_vehicle": "救援1号"},
    )
    assert sent.status_code == 200 and sent.json()["status"] == "dispatched"
    assert api.post(f"/roadside-requests/{rid}/dispatch", {"dispatched_to_id": 1}).status_code in (
        409,
        422,
    )
    moved = api.post(f"/roadside-requests/{rid}/transition", {"move": "on_scene"})
    fixed = api.post(f"/roadside-requests/{rid}/transition", {"move": "fix"})
    assert moved.status_code == 200 and fixed.json()["status"] == "fixed"
    assert [s["minutes"] for s in fixed.json()["steps"]] == [0, 0, 0]
    listed = api.get("/roadside-requests", {"status": "fixed"}).json()
    assert [r["id"] for r in listed["items"]] == [rid]


def test_outsider_gets_404(cast, advisor, car, api_as):
    request = take(advisor, car)
    outsider = api_as(cast.staff_b[Role.MANAGER])
    assert outsider.get(f"/roadside-requests/{request.pk}").status_code == 404
    body = {"dispatched_to_id": cast.staff_b[Role.TECHNICIAN].pk}
    assert outsider.post(f"/roadside-requests/{request.pk}/dispatch", body).status_code == 404
    move = outsider.post(f"/roadside-requests/{request.pk}/transition", {"move": "cancel"})
    assert move.status_code == 404
    assert outsider.post(f"/roadside-requests/{request.pk}/repair-order").status_code == 404
    assert outsider.get("/roadside-requests").json()["count"] == 0


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        (Role.TECHNICIAN, "get", "/roadside-requests", None),
        (Role.PARTS, "get", "/roadside-requests/{pk}", None),
        (
            Role.SALES,
            "post",
            "/roadside-requests",
            {"location": "x", "problem": "x", "contact_name": "x", "contact_phone": PHONE},
        ),
        (Role.INSPECTOR, "post", "/roadside-requests/{pk}/dispatch", {"dispatched_to_id": 1}),
        (Role.TECHNICIAN, "post", "/roadside-requests/{pk}/transition", {"move": "cancel"}),
        (Role.CSR, "post", "/roadside-requests/{pk}/repair-order", None),
    ],
)
def test_wrong_role_gets_403(cast, advisor, car, api_as, role, method, path, body):
    request = take(advisor, car)
    api = api_as(cast.staff_a[role])
    response = getattr(api, method)(path.format(pk=request.pk), *([body] if body else []))
    assert response.status_code == 403, response.json()
    assert RoadsideRequest.objects.get(pk=request.pk).status == "received"
