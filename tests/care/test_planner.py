"""The planner (R-CARE-1..4): each due reminder once, on the right day, for the right
subject — with a frozen clock."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection

from dealercare.care.models import Reminder, ReminderKind, ReminderRule
from dealercare.care.services import planner
from dealercare.care.services.planner import care_plan
from dealercare.core.calendars import lunar_birthday_key
from dealercare.core.roles import Role
from dealercare.customers.services import customer_update
from dealercare.vehicles.services import vehicle_record_mileage, vehicle_update
from tests.care.factories import car, consenting_customer

K = ReminderKind
TODAY = date(2027, 2, 3)


def reminders(**filters):
    return list(Reminder.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def frozen():
    with time_machine.travel(date(2027, 2, 3), tick=False) as traveller:
        yield traveller


def test_a_birthday_is_greeted_seven_days_ahead(cast, frozen):
    customer = consenting_customer(cast, birthday=date(1985, 2, 10))
    care_plan(TODAY)
    (greeting,) = reminders(kind=K.BIRTHDAY)
    assert greeting.customer == customer
    assert greeting.due_date == date(2027, 2, 10)
    assert greeting.send_on == date(2027, 2, 3)


def test_a_lunar_birthday_is_greeted_on_this_years_solar_date(cast, frozen):
    born = date(1990, 10, 3)  # 八月十五 (Mid-Autumn) of 1990
    assert lunar_birthday_key(born) == 815
    customer = consenting_customer(cast, birthday=born, birthday_lunar=True)
    with time_machine.travel(date(2027, 9, 1), tick=False):
        care_plan(date(2027, 9, 1))
    (greeting,) = reminders(kind=K.BIRTHDAY)
    assert greeting.customer == customer
    assert greeting.due_date == date(2027, 9, 15)  # 八月十五 of 2027
    assert greeting.send_on == date(2027, 9, 8)


def test_a_car_sold_eleven_months_ago_on_a_twelve_month_schedule_is_reminded_today(cast, frozen):
    owner = consenting_customer(cast)
    vehicle = car(cast, owner, purchase_date=date(2026, 3, 3), last_service_date=date(2026, 3, 3))
    vehicle.refresh_from_db()
    assert vehicle.next_maintenance_due == date(2027, 3, 3)
    care_plan(TODAY)
    (reminder,) = reminders(kind=K.MAINTENANCE)
    assert (reminder.vehicle, reminder.send_on) == (vehicle, TODAY)


def test_two_cars_of_one_owner_due_the_same_day_are_two_reminders(cast, frozen):
    owner = consenting_customer(cast)
    first = car(cast, owner, inspection_due=date(2027, 3, 1))
    second = car(cast, owner, inspection_due=date(2027, 3, 1))
    care_plan(TODAY)
    assert {r.vehicle for r in reminders(kind=K.INSPECTION)} == {first, second}


def test_the_planner_run_twice_writes_nothing_new(cast, frozen):
    owner = consenting_customer(cast, birthday=date(1980, 2, 10))
    car(cast, owner, insurance_expiry=date(2027, 2, 25), inspection_due=date(2027, 3, 1))
    first = care_plan(TODAY)
    assert first[K.INSURANCE] == 1 and first[K.INSPECTION] == 1 and first[K.BIRTHDAY] == 1
    assert first[K.HOLIDAY] == 1  # the Spring Festival, 6 February
    assert set(care_plan(TODAY).values()) == {0}
    assert Reminder.objects.count() == sum(first.values()) == 4


def test_a_run_killed_half_way_ends_with_the_expected_set_when_run_again(cast, frozen, monkeypatch):
    owner = consenting_customer(cast, birthday=date(1980, 2, 10))
    car(cast, owner, insurance_expiry=date(2027, 2, 25), inspection_due=date(2027, 3, 1))
    care_plan(TODAY)
    expected = {(r.kind, r.vehicle_id, r.due_date) for r in reminders()}
    Reminder.objects.all().delete()
    ReminderRule.objects.update(planned_through=None)

    def crash(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(planner, "_plan_birthdays", crash)
    with pytest.raises(RuntimeError):
        care_plan(TODAY)
    assert 0 < Reminder.objects.count() < len(expected)
    monkeypatch.undo()
    care_plan(TODAY)
    assert {(r.kind, r.vehicle_id, r.due_date) for r in reminders()} == expected


def test_a_projection_within_three_weeks_is_reminded_now_and_moves_with_a_new_reading(cast, frozen):
    owner = consenting_customer(cast)
    advisor = cast.staff_a[Role.ADVISOR]
    vehicle = car(
        cast,
        owner,
        purchase_date=date(2026, 8, 1),
        last_service_date=date(2026, 8, 1),
        last_service_km=20000,
    )
    vehicle_record_mileage(actor=advisor, vehicle=vehicle, km=21000, read_on=date(2026, 12, 3))
    vehicle_record_mileage(actor=advisor, vehicle=vehicle, km=28400, read_on=date(2027, 2, 1))
    vehicle.refresh_from_db()
    # 7,400 km in 60 days: the 10,000 km service at 30,000 km comes about 13 days later.
    assert vehicle.next_maintenance_due < TODAY + timedelta(days=21)
    care_plan(TODAY)
    (reminder,) = reminders(kind=K.MAINTENANCE)
    assert reminder.send_on == TODAY
    before = reminder.due_date
    # The car then stood still: a reading that stretches the projection moves the reminder.
    vehicle_record_mileage(actor=advisor, vehicle=vehicle, km=28500, read_on=TODAY)
    reminder.refresh_from_db()
    vehicle.refresh_from_db()
    assert reminder.due_date == vehicle.next_maintenance_due != before
    assert reminder.status == Reminder.Status.PLANNED


def test_a_car_with_a_stale_reading_is_asked_for_its_mileage(cast, frozen):
    owner = consenting_customer(cast)
    advisor = cast.staff_a[Role.ADVISOR]
    serviced = {"last_service_date": date(2026, 3, 10), "last_service_km": 100}
    vehicle = car(cast, owner, purchase_date=date(2026, 3, 10), **serviced)
    vehicle_record_mileage(actor=advisor, vehicle=vehicle, km=100, read_on=date(2026, 3, 10))
    vehicle_record_mileage(actor=advisor, vehicle=vehicle, km=1000, read_on=date(2026, 7, 1))
    vehicle.refresh_from_db()
    assert vehicle.next_maintenance_due == date(2027, 3, 10)  # by time; the last reading is old
    care_plan(TODAY)
    assert reminders(kind=K.MAINTENANCE) == []
    (ask,) = reminders(kind=K.MILEAGE_CHECK)
    assert ask.vehicle == vehicle
    vehicle_record_mileage(actor=advisor, vehicle=vehicle, km=9000, read_on=TODAY)
    ask.refresh_from_db()
    assert ask.status == Reminder.Status.SKIPPED
    assert connection.vendor in {"sqlite", "postgresql"}


def test_the_next_days_run_plans_only_the_new_day(cast, frozen):
    owner = consenting_customer(cast)
    lead = 30
    horizon = TODAY + timedelta(days=lead + 7)
    car(cast, owner, inspection_due=horizon)
    later = car(cast, owner, inspection_due=horizon + timedelta(days=1))
    assert care_plan(TODAY)[K.INSPECTION] == 1
    rule = ReminderRule.objects.get(dealer=owner.dealer, kind=K.INSPECTION)
    assert rule.planned_through == horizon
    assert care_plan(TODAY + timedelta(days=1))[K.INSPECTION] == 1
    assert reminders(kind=K.INSPECTION)[-1].vehicle == later
    assert Reminder.objects.filter(kind=K.INSPECTION).count() == 2


def test_a_date_entered_inside_the_planned_range_is_planned_at_once(cast, frozen):
    owner = consenting_customer(cast)
    vehicle = car(cast, owner)
    care_plan(TODAY)
    assert not reminders(kind=K.INSURANCE)
    advisor = cast.staff_a[Role.ADVISOR]
    changes = {"insurance_expiry": date(2027, 2, 20)}
    vehicle_update(actor=advisor, vehicle=vehicle, changes=changes, version=vehicle.version)
    (reminder,) = reminders(kind=K.INSURANCE)
    assert reminder.send_on == TODAY
    changes = {"birthday": date(1990, 2, 8)}
    customer_update(actor=advisor, customer=owner, changes=changes, version=owner.version)
    (greeting,) = reminders(kind=K.BIRTHDAY)
    assert greeting.due_date == date(2027, 2, 8) and greeting.send_on == TODAY
