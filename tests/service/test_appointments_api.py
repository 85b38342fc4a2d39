"""/api/v1/appointments, /service-capacity, /service-bays: tenancy, roles, input."""

import pytest

from dealercare.core.roles import Role
from dealercare.service.models import Appointment

from .booking_factories import book, grid, owner_and_car, tomorrow


@pytest.fixture
def advisor(cast):
    return cast.staff_a[Role.ADVISOR]


@pytest.fixture
def booked(cast, advisor):
    grid(cast.dealer_a, places_per_slot=1)
    return book(advisor, owner_and_car(advisor)[1])


def test_book_read_list_reschedule_and_cancel(cast, advisor, booked, api_as):
    api = api_as(advisor)
    _, vehicle = owner_and_car(advisor)
    body = {"vehicle_id": vehicle.pk, "day": tomorrow().isoformat(), "starts_at": "09:00"}
    full = api.post("/appointments", body)
    assert full.status_code == 409 and full.json()["code"] == "slot_full"
    assert full.json()["next_free"][0]["starts_at"] == "09:30"
    made = api.post("/appointments", body | {"starts_at": "09:30", "mode": "drop_off"})
    assert made.status_code == 201, made.json()
    assert made.json()["customer_id"] == vehicle.owner_id and made.json()["mode"] == "drop_off"
    one = api.get(f"/appointments/{booked.pk}").json()
    assert one["starts_at"] == "09:00" and one["version"] == 1
    listed = api.get("/appointments", {"day": tomorrow().isoformat()}).json()
    assert listed["count"] == 2
    assert api.get("/appointments", {"q": vehicle.plate}).json()["count"] == 1
    slots = api.get("/appointments/free-slots", {"day": tomorrow().isoformat()}).json()
    assert slots[0]["starts_at"] == "10:00"
    moved = api.post(
        f"/appointments/{booked.pk}/reschedule",
        {"day": tomorrow().isoformat(), "starts_at": "10:00", "version": 1},
    )
    assert moved.status_code == 200 and moved.json()["version"] == 2
    no_reason = api.post(f"/appointments/{booked.pk}/transition", {"move": "cancel"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]
    gone = api.post(f"/appointments/{booked.pk}/transition", {"move": "cancel", "reason": "改期"})
    assert gone.json()["status"] == "cancelled"
    again = api.post(f"/appointments/{booked.pk}/transition", {"move": "arrive"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_bad_input_is_422_naming_the_fields(advisor, booked, api_as):
    api = api_as(advisor)
    response = api.post("/appointments", {"vehicle_id": 0, "day": "tomorrow", "starts_at": "x"})
    assert response.status_code == 422
    assert {"vehicle_id", "day", "starts_at"} <= set(response.json()["fields"])
    body = {"vehicle_id": booked.vehicle_id, "day": tomorrow().isoformat(), "starts_at": "09:10"}
    response = api.post("/appointments", body | {"advisor_id": 999999, "service_ids": [99999]})
    assert response.status_code == 422
    assert {"starts_at", "advisor_id", "service_ids"} <= set(response.json()["fields"])
    far = api.get("/appointments/free-slots", {"day": "9999-12-31"})
    assert far.status_code == 200 and far.json() == []


def test_outsider_gets_404(cast, booked, api_as):
    api = api_as(cast.staff_b[Role.ADVISOR])
    assert api.get(f"/appointments/{booked.pk}").status_code == 404
    assert api.post(f"/appointments/{booked.pk}/transition", {"move": "arrive"}).status_code == 404
    body = {"day": tomorrow().isoformat(), "starts_at": "10:00", "version": 1}
    assert api.post(f"/appointments/{booked.pk}/reschedule", body).status_code == 404
    assert api.get("/appointments").json()["count"] == 0
    body = {"vehicle_id": booked.vehicle_id, "day": tomorrow().isoformat(), "starts_at": "10:00"}
    response = api.post("/appointments", body)
    assert response.status_code == 422 and "vehicle_id" in response.json()["fields"]


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        (Role.PARTS, "get", "/appointments", None),
        (Role.PARTS, "get", "/appointments/{pk}", None),
        (Role.SALES, "get", "/appointments/free-slots?day=2030-01-01", None),
        (Role.TECHNICIAN, "post", "/appointments", {}),
        (Role.TECHNICIAN, "post", "/appointments/{pk}/transition", {"move": "arrive"}),
        (
            Role.INSPECTOR,
            "post",
            "/appointments/{pk}/reschedule",
            {"day": "2030-01-01", "starts_at": "10:00", "version": 1},
        ),
        (Role.ADVISOR, "put", "/service-capacity", "capacity"),
        (Role.ADVISOR, "post", "/service-bays", {"name": "2号"}),
        (Role.PARTS, "get", "/service-capacity", None),
        (Role.PARTS, "get", "/service-bays", None),
    ],
)
def test_wrong_role_gets_403(cast, booked, api_as, role, method, path, body):
    if body == "capacity":
        body = {
            "slot_minutes": 30,
            "opens_at": "08:00",
            "closes_at": "17:00",
            "places_per_slot": 3,
            "places_per_day": 30,
            "per_advisor_per_day": 10,
            "per_bay_per_day": 8,
            "open_weekdays": "012345",
            "pickup_offered": True,
            "version": 1,
        }
    if body == {}:
        body = {
            "vehicle_id": booked.vehicle_id,
            "day": tomorrow().isoformat(),
            "starts_at": "10:00",
        }
    api = api_as(cast.staff_a[role])
    response = getattr(api, method)(path.format(pk=booked.pk), *([body] if body else []))
    assert response.status_code == 403, response.json()
    assert Appointment.objects.get(pk=booked.pk).status == "booked"


def test_capacity_and_bays_by_the_manager(cast, api_as):
    api = api_as(cast.staff_a[Role.MANAGER])
    capacity = api.get("/service-capacity").json()
    assert capacity["slot_minutes"] == 30 and capacity["version"] == 1
    changed = api.put("/service-capacity", capacity | {"places_per_slot": 6, "opens_at": "08:00"})
    assert changed.status_code == 200 and changed.json()["places_per_slot"] == 6
    stale = api.put("/service-capacity", capacity)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    bad = api.put("/service-capacity", changed.json() | {"closes_at": "07:00"})
    assert bad.status_code == 422 and "closes_at" in bad.json()["fields"]
    assert api.post("/service-bays", {"name": "1号工位"}).status_code == 201
    assert api.post("/service-bays", {"name": "1号工位"}).status_code == 409
    assert [b["name"] for b in api.get("/service-bays").json()] == ["1号工位"]
