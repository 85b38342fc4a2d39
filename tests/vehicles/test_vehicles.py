from datetime import date, timedelta

import pytest
from django.utils import timezone

from dealercare.core.roles import Role
from dealercare.vehicles.maintenance import Schedule, add_months, km_per_day, next_maintenance
from dealercare.vehicles.models import Vehicle
from tests.factories import new_customer, new_vehicle

VIN = "LSVAU218XN2183294"


def vehicle_body(**fields):
    return {"vin": VIN, "plate": "沪AD12345", "make": "星途", "model_name": "瑶光"} | fields


def test_create_with_owner_reading_and_next_service(cast, api_as):
    owner = new_customer(cast.staff_a[Role.ADVISOR])
    api = api_as(cast.staff_a[Role.ADVISOR])
    purchase = (timezone.localdate() - timedelta(days=100)).isoformat()
    body = vehicle_body(owner_id=owner.pk, purchase_date=purchase, current_km=4000)
    response = api.post("/vehicles", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["next_maintenance_km"] == 5000
    assert created["next_maintenance_due"] is not None
    vehicle = Vehicle.objects.get(pk=created["id"])
    assert vehicle.ownerships.get().customer == owner
    assert vehicle.readings.get().km == 4000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vin", "LSVAU2180N2183295"),
        ("vin", "SHORT"),
        ("plate", "沪I12345"),
        ("purchase_date", "2999-01-01"),
        ("year", 1800),
        ("current_km", -5),
        ("make", "\x00"),
    ],
)
def test_bad_fields_are_named(cast, api_as, field, value):
    response = api_as(cast.staff_a[Role.ADVISOR]).post("/vehicles", vehicle_body(**{field: value}))
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert not Vehicle.objects.exists()


def test_same_vin_twice_is_offered_as_the_existing_vehicle(cast, api_as):
    api = api_as(cast.staff_a[Role.ADVISOR])
    first = api.post("/vehicles", vehicle_body()).json()
    again = api.post("/vehicles", vehicle_body(plate="沪B12345"))
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_vehicle"
    assert again.json()["duplicates"] == [first["id"]]
    other_dealer = api_as(cast.staff_b[Role.ADVISOR]).post("/vehicles", vehicle_body())
    assert other_dealer.status_code == 201


def test_odometer_cannot_go_backwards(cast, api_as):
    api = api_as(cast.staff_a[Role.ADVISOR])
    vehicle = new_vehicle(cast.staff_a[Role.ADVISOR], current_km=12000)
    lower = api.post(f"/vehicles/{vehicle.pk}/mileage", {"km": 11000})
    assert lower.status_code == 422
    assert lower.json()["code"] == "mileage_lower_than_before"
    assert "12000" in lower.json()["fields"]["km"][0]
    assert api.post(f"/vehicles/{vehicle.pk}/mileage", {"km": 13000}).status_code == 201
    assert Vehicle.objects.get(pk=vehicle.pk).current_km == 13000


def test_owner_change_keeps_ownership_history(cast, api_as):
    advisor = cast.staff_a[Role.ADVISOR]
    seller, buyer = new_customer(advisor, name="卖家"), new_customer(advisor, name="买家")
    vehicle = new_vehicle(advisor, owner=seller)
    api = api_as(advisor)
    current = api.get(f"/vehicles/{vehicle.pk}").json()
    body = {k: current[k] for k in ("vin", "plate", "make", "model_name", "version")}
    assert api.put(f"/vehicles/{vehicle.pk}", body | {"owner_id": buyer.pk}).status_code == 200
    history = list(vehicle.ownerships.order_by("id").values_list("customer__name", "end_date"))
    assert history == [("卖家", timezone.localdate()), ("买家", None)]
    assert api.put(f"/vehicles/{vehicle.pk}", body).status_code == 409


def test_other_dealer_vehicle_is_not_found(cast, api_as):
    vehicle = new_vehicle(cast.staff_a[Role.ADVISOR])
    outsider = api_as(cast.staff_b[Role.ADVISOR])
    assert outsider.get(f"/vehicles/{vehicle.pk}").status_code == 404
    assert outsider.post(f"/vehicles/{vehicle.pk}/mileage", {"km": 1}).status_code == 404
    assert outsider.get("/vehicles", {"q": vehicle.plate}).json()["count"] == 0


def test_schedule_first_service_by_time_or_by_distance():
    schedule = Schedule(every_km=10000, every_months=12, first_km=5000, first_months=6)
    bought = date(2026, 1, 31)
    by_time = next_maintenance(
        schedule=schedule,
        purchase_date=bought,
        last_service_date=None,
        last_service_km=None,
        readings=[],
    )
    assert by_time.due == date(2026, 7, 31) and by_time.due_km == 5000
    heavy_use = [(date(2026, 1, 31), 0), (date(2026, 3, 2), 3000)]  # 100 km a day
    by_distance = next_maintenance(
        schedule=schedule,
        purchase_date=bought,
        last_service_date=None,
        last_service_km=None,
        readings=heavy_use,
    )
    assert by_distance.due == date(2026, 3, 22)
    assert km_per_day(heavy_use) == 100
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_later_services_count_from_the_last_one():
    schedule = Schedule(every_km=10000, every_months=12, first_km=5000, first_months=6)
    plan = next_maintenance(
        schedule=schedule,
        purchase_date=date(2024, 1, 1),
        last_service_date=date(2026, 3, 1),
        last_service_km=25000,
        readings=[],
    )
    assert plan == type(plan)(date(2027, 3, 1), 35000)
