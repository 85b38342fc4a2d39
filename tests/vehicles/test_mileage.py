"""Odometer integrity by date (R-VEH-6): a reading fits between its neighbours in time."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.vehicles.models import MileageReading, Vehicle
from dealercare.vehicles.services import vehicle_record_mileage
from tests.factories import new_vehicle

OWNER = MileageReading.Source.OWNER


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def car(advisor) -> Vehicle:
    """Read at 10,000 km 100 days ago and 20,000 km 10 days ago, serviced then."""
    vehicle = new_vehicle(
        advisor, purchase_date=days_ago(400), last_service_date=days_ago(10), last_service_km=20000
    )
    for days, km in [(100, 10000), (10, 20000)]:
        vehicle_record_mileage(actor=advisor, vehicle=vehicle, km=km, read_on=days_ago(days))
    return Vehicle.objects.get(pk=vehicle.pk)


def post_reading(api, vehicle, km, days):
    return api.post(f"/vehicles/{vehicle.pk}/mileage", {"km": km, "read_on": str(days_ago(days))})


@pytest.mark.parametrize(
    ("km", "code", "other_km", "other_days"),
    [
        (25000, "mileage_higher_than_after", 20000, 10),
        (9000, "mileage_lower_than_before", 10000, 100),
    ],
)
def test_back_dated_reading_outside_its_neighbours_is_refused(
    cast, api_as, car, km, code, other_km, other_days
):
    response = post_reading(api_as(cast.staff_a[Role.ADVISOR]), car, km, 50)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    reason = body["fields"]["km"][0]
    assert str(other_km) in reason and str(days_ago(other_days)) in reason
    assert car.readings.count() == 2


def test_a_reading_lower_than_one_the_same_day_is_refused(cast, api_as, car):
    response = post_reading(api_as(cast.staff_a[Role.ADVISOR]), car, 19000, 10)
    assert response.json()["code"] == "mileage_lower_than_before"


def test_back_dated_reading_that_fits_is_kept_without_moving_the_odometer(cast, api_as, car):
    response = post_reading(api_as(cast.staff_a[Role.ADVISOR]), car, 15000, 50)
    assert response.status_code == 201, response.json()
    assert response.json()["consistency"] == "consistent"
    car.refresh_from_db()
    assert car.current_km == 20000 and car.mileage_consistent


def test_vehicle_edit_names_the_odometer_field(cast, api_as, car):
    api = api_as(cast.staff_a[Role.ADVISOR])
    current = api.get(f"/vehicles/{car.pk}").json()
    fields = ("vin", "plate", "make", "model_name", "purchase_date", "version")
    response = api.put(f"/vehicles/{car.pk}", {k: current[k] for k in fields} | {"current_km": 5})
    assert response.json()["code"] == "mileage_lower_than_before"
    assert "current_km" in response.json()["fields"]


def test_owner_upload_that_contradicts_is_kept_and_flagged(cast, advisor, api_as, car):
    due_before = car.next_maintenance_due
    flagged = vehicle_record_mileage(
        actor=advisor, vehicle=car, km=90000, read_on=days_ago(50), source=OWNER
    )
    assert flagged.consistency == MileageReading.Consistency.CONFLICT
    assert flagged.conflicts_with.km == 20000
    car.refresh_from_db()
    assert not car.mileage_consistent
    assert car.current_km == 20000
    assert car.next_maintenance_due == due_before

    api = api_as(cast.staff_a[Role.PARTS])
    assert api.get(f"/vehicles/{car.pk}").json()["mileage_consistent"] is False
    readings = {r["km"]: r for r in api.get(f"/vehicles/{car.pk}/mileage").json()}
    assert readings[90000]["consistency"] == "conflict"
    assert readings[90000]["conflicts_with"] == readings[20000]["id"]
    assert readings[20000]["consistency"] == "consistent"
    assert readings[20000]["conflicts_with"] is None
    audit = AuditEntry.objects.filter(action="vehicle.mileage").latest("seq")
    assert audit.changes["consistency"] == [None, "conflict"]


def test_an_import_reading_that_contradicts_is_flagged_not_lost(advisor, car):
    flagged = vehicle_record_mileage(
        actor=advisor,
        vehicle=car,
        km=5000,
        read_on=days_ago(5),
        source=MileageReading.Source.IMPORT,
    )
    assert flagged.consistency == MileageReading.Consistency.CONFLICT
    assert flagged.conflicts_with.km == 20000
    assert car.readings.count() == 3


def test_flagged_readings_neither_drive_the_projection_nor_block(cast, advisor, api_as, car):
    for km, days in [(900000, 50), (5000, 2)]:
        vehicle_record_mileage(
            actor=advisor, vehicle=car, km=km, read_on=days_ago(days), source=OWNER
        )
    car.refresh_from_db()
    assert car.readings.filter(consistency="conflict").count() == 2
    # 10,000 → 20,000 km in 90 days is ~111 km a day: the 30,000 km service is ~90 days after
    # the last good reading. Counting the flagged 5,000 km as the latest would fall back to
    # 40 km a day and put it a year away.
    assert 75 <= (car.next_maintenance_due - timezone.localdate()).days <= 85
    assert post_reading(api_as(advisor), car, 21000, 1).status_code == 201
    car.refresh_from_db()
    assert car.current_km == 21000


def test_the_page_warns_about_an_inconsistent_history(cast, advisor, car):
    client = Client()
    client.force_login(cast.staff_a[Role.ADVISOR])
    assert 'id="mileage-warning"' not in client.get(f"/vehicles/{car.pk}/").content.decode()
    vehicle_record_mileage(actor=advisor, vehicle=car, km=90000, read_on=days_ago(50), source=OWNER)
    page = client.get(f"/vehicles/{car.pk}/").content.decode()
    assert 'id="mileage-warning"' in page and "里程记录不一致" in page
    assert f"与 {days_ago(10):%Y-%m-%d} 的 20,000 km 矛盾" in page


def test_migration_flags_histories_the_old_rule_let_through(advisor, car):
    # The old rule compared with the highest reading only, so a back-dated higher reading
    # was stored as if it were fine.
    back_dated = MileageReading.objects.create(
        dealer_id=car.dealer_id, vehicle=car, km=30000, read_on=days_ago(50), source="staff"
    )
    Vehicle.objects.filter(pk=car.pk).update(current_km=30000)
    migration = importlib.import_module("dealercare.vehicles.migrations.0003_mileage_consistency")
    migration.flag_existing_conflicts(apps, None)
    back_dated.refresh_from_db()
    assert back_dated.consistency == MileageReading.Consistency.CONFLICT
    assert back_dated.conflicts_with.km == 20000
    car.refresh_from_db()
    assert not car.mileage_consistent and car.current_km == 20000
    assert car.readings.filter(consistency="conflict").count() == 1
