"""Appointments (R-SVC-1): capacity per slot, day, advisor and bay; reschedule, cancel,
no-show; the reminder the day before."""

import threading
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dealercare.core.errors import DomainError
from dealercare.core.messaging.models import MessageStatus, OutboxMessage, StopReason
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.service.models import Appointment, ServiceBay
from dealercare.service.services.appointments import (
    appointment_cancel,
    appointment_mark_arrived,
    appointment_move,
    appointment_no_show,
    appointment_reschedule,
    appointments_mark_no_shows,
    appointments_remind,
    service_capacity_update,
)
from tests.factories import new_repair_order

from .booking_factories import NINE, book, grid, operation, owner_and_car, second_advisor, tomorrow

HALF_NINE = time(9, 30)


@pytest.fixture
def advisor(cast):
    return cast.staff_a[Role.ADVISOR]


@pytest.fixture
def capacity(cast):
    return grid(cast.dealer_a)


def cars(advisor, n):
    return [owner_and_car(advisor)[1] for _ in range(n)]


def test_a_booking_holds_its_place_and_is_on_the_customers_timeline(advisor, capacity):
    customer, vehicle = owner_and_car(advisor)
    oil = operation(advisor.dealer)
    appointment = book(
        advisor, vehicle, service_ids=[oil.pk], mode="drop_off", fault_codes=["p0301"]
    )
    assert appointment.status == "booked" and appointment.customer == customer
    assert appointment.advisor == advisor and appointment.fault_codes == ["P0301"]
    assert list(appointment.services.all()) == [oil]
    entry = AuditEntry.objects.get(action="appointment.book")
    assert entry.customer_id == customer.pk and entry.object_id == appointment.pk


def test_the_place_after_the_last_free_one_is_refused_with_the_next_free_slots(advisor, capacity):
    first, second, third = cars(advisor, 3)
    book(advisor, first)
    book(advisor, second)
    with pytest.raises(DomainError) as refused:
        book(advisor, third)
    error = refused.value.as_dict()
    assert refused.value.status == 409 and error["code"] == "slot_full"
    assert error["full"] == ["slot"] and "starts_at" in error["fields"]
    assert error["next_free"][0] == {"day": tomorrow().isoformat(), "starts_at": "09:30"}
    assert len(error["next_free"]) == 5
    assert Appointment.objects.count() == 2


def test_day_advisor_and_bay_limits(cast, advisor, capacity):
    grid(cast.dealer_a, per_advisor_per_day=1, places_per_day=3, places_per_slot=3)
    bay = ServiceBay.objects.create(dealer=cast.dealer_a, name="1号工位")
    a, b, c, d = cars(advisor, 4)
    other = second_advisor(cast.dealer_a)
    book(advisor, a, bay_id=bay.pk)
    with pytest.raises(DomainError) as refused:
        book(advisor, b, starts_at=HALF_NINE)
    assert refused.value.full == ["advisor"]
    with pytest.raises(DomainError) as refused:
        book(advisor, b, advisor_id=other.pk, bay_id=bay.pk)
    assert refused.value.full == ["bay"]
    assert refused.value.next_free[0].starts_at == HALF_NINE
    book(advisor, b, advisor_id=other.pk)
    grid(cast.dealer_a, per_advisor_per_day=5, places_per_day=3, places_per_slot=3)
    book(advisor, c, starts_at=HALF_NINE)
    with pytest.raises(DomainError) as refused:
        book(advisor, d, starts_at=time(10, 0))
    assert refused.value.full == ["day"]
    assert refused.value.next_free[0].day == tomorrow() + timedelta(days=1)


def test_bad_input_names_the_fields(cast, advisor, capacity):
    _, vehicle = owner_and_car(advisor)
    outsider_car = owner_and_car(cast.staff_b[Role.ADVISOR])[1]
    with pytest.raises(DomainError) as refused:
        book(advisor, outsider_car, starts_at=time(9, 10), channel="fax")
    assert refused.value.code == "invalid_input"
    assert {"vehicle_id", "starts_at", "channel"} <= set(refused.value.fields)
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        book(advisor, vehicle, day=yesterday, pickup=True, fault_codes=["XYZ"])
    assert {"day", "pickup", "fault_codes"} <= set(refused.value.fields)
    assert Appointment.objects.count() == 0


def test_pickup_where_the_dealer_offers_it(cast, advisor, capacity):
    grid(cast.dealer_a, pickup_offered=True)
    _, vehicle = owner_and_car(advisor)
    with pytest.raises(DomainError) as refused:
        book(advisor, vehicle, pickup=True, pickup_from=time(8, 0), pickup_until=time(7, 0))
    assert set(refused.value.fields) == {"pickup_address", "pickup_until"}
    appointment = book(
        advisor,
        vehicle,
        pickup=True,
        pickup_address="上海市浦东新区碧波路690号",
        pickup_from=time(8, 0),
        pickup_until=time(8, 30),
    )
    assert appointment.pickup and appointment.pickup_address.startswith("上海市")
    changes = AuditEntry.objects.get(action="appointment.book").changes
    assert "碧波路" not in str(changes)


def test_reschedule_checks_capacity_again_and_frees_the_old_place(advisor, capacity):
    a, b, c = cars(advisor, 3)
    moved = book(advisor, a)
    book(advisor, b, starts_at=HALF_NINE)
    book(advisor, c, starts_at=HALF_NINE)
    with pytest.raises(DomainError) as refused:
        appointment_reschedule(
            actor=advisor, appointment=moved, day=tomorrow(), starts_at=HALF_NINE, version=1
        )
    assert refused.value.code == "slot_full"
    with pytest.raises(DomainError) as stale:
        appointment_reschedule(
            actor=advisor, appointment=moved, day=tomorrow(), starts_at=time(10, 0), version=7
        )
    assert stale.value.code == "stale_version"
    moved = appointment_reschedule(
        actor=advisor, appointment=moved, day=tomorrow(), starts_at=time(10, 0), version=1
    )
    assert moved.starts_at == time(10, 0) and moved.version == 2
    book(advisor, owner_and_car(advisor)[1])  # 09:00 has room again
    entry = AuditEntry.objects.get(action="appointment.reschedule")
    assert entry.changes["starts_at"] == ["09:00", "10:00"]


def test_cancel_needs_a_reason_and_frees_the_place(advisor, capacity):
    a, b, c = cars(advisor, 3)
    cancelled = book(advisor, a)
    book(advisor, b)
    with pytest.raises(DomainError) as refused:
        appointment_cancel(actor=advisor, appointment=cancelled, reason="")
    assert list(refused.value.fields) == ["reason"]
    appointment_cancel(actor=advisor, appointment=cancelled, reason="客户出差")
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "客户出差"
    book(advisor, c)
    with pytest.raises(DomainError) as refused:
        appointment_reschedule(
            actor=advisor, appointment=cancelled, day=tomorrow(), starts_at=NINE, version=2
        )
    assert refused.value.code == "invalid_transition"


def test_moves_arrive_complete_and_no_show(cast, advisor, capacity):
    arriving, missing = book(advisor, cars(advisor, 1)[0]), book(advisor, cars(advisor, 1)[0])
    order = new_repair_order(advisor, vehicle=arriving.vehicle)
    arriving = appointment_mark_arrived(actor=advisor, appointment=arriving, repair_order=order)
    assert arriving.status == "arrived" and arriving.repair_order == order
    assert arriving.arrived_at is not None
    appointment_move(actor=advisor, appointment=arriving, move="complete")
    appointment_no_show(actor=advisor, appointment=missing)
    assert Appointment.objects.get(pk=missing.pk).status == "no_show"
    with pytest.raises(DomainError) as refused:
        appointment_move(actor=advisor, appointment=missing, move="arrive")
    assert refused.value.code == "invalid_transition"
    with pytest.raises(DomainError) as refused:
        appointment_no_show(actor=cast.staff_a[Role.TECHNICIAN], appointment=arriving)
    assert refused.value.code == "permission_denied"


def test_the_job_marks_past_bookings_that_never_arrived_as_no_shows(advisor, capacity):
    slots = [NINE, HALF_NINE, time(10, 0)]
    past, arrived, future = (
        book(advisor, c, starts_at=t) for c, t in zip(cars(advisor, 3), slots, strict=True)
    )
    Appointment.objects.filter(pk__in=[past.pk, arrived.pk]).update(
        day=timezone.localdate() - timedelta(days=2)
    )
    Appointment.objects.filter(pk=arrived.pk).update(status="arrived")
    assert appointments_mark_no_shows() == 1
    assert appointments_mark_no_shows() == 0
    statuses = dict(Appointment.objects.values_list("pk", "status"))
    assert statuses == {past.pk: "no_show", arrived.pk: "arrived", future.pk: "booked"}
    entry = AuditEntry.objects.get(action="appointment.no_show")
    assert entry.actor_id is None and entry.object_id == past.pk


def test_reminder_the_day_before_once_by_channel_and_consent(advisor, capacity):
    by_sms = book(advisor, owner_and_car(advisor)[1])
    _, wechat_car = owner_and_car(
        advisor, consent=("wechat",), preferred_channel="wechat", email="a@example.com"
    )
    by_wechat = book(advisor, wechat_car)
    no_consent = book(advisor, owner_and_car(advisor, consent=())[1], starts_at=HALF_NINE)
    cancelled = book(advisor, owner_and_car(advisor)[1], starts_at=HALF_NINE)
    appointment_cancel(actor=advisor, appointment=cancelled, reason="不来了")
    later = book(advisor, owner_and_car(advisor)[1], day=tomorrow() + timedelta(days=1))

    assert appointments_remind() == 3
    assert appointments_remind() == 0
    sent = {m.customer_id: m for m in OutboxMessage.objects.all()}
    assert set(sent) == {by_sms.customer_id, by_wechat.customer_id, no_consent.customer_id}
    assert sent[by_sms.customer_id].channel == "sms"
    assert sent[by_sms.customer_id].status == MessageStatus.QUEUED
    assert "09:00" in sent[by_sms.customer_id].body
    assert sent[by_wechat.customer_id].channel == "wechat"
    assert sent[no_consent.customer_id].status == MessageStatus.CANCELLED
    assert sent[no_consent.customer_id].last_error == StopReason.NO_CONSENT
    assert later.customer_id not in sent and cancelled.customer_id not in sent


def test_a_rescheduled_booking_gets_a_new_reminder_and_the_old_one_is_withdrawn(advisor, capacity):
    appointment = book(advisor, owner_and_car(advisor)[1])
    appointments_remind()
    appointment_reschedule(
        actor=advisor, appointment=appointment, day=tomorrow(), starts_at=time(11, 0), version=1
    )
    assert appointments_remind() == 1
    old, new = OutboxMessage.objects.order_by("id")
    assert old.status == MessageStatus.CANCELLED and new.status == MessageStatus.QUEUED
    assert "11:00" in new.body


def test_capacity_settings_by_service_setup_only(cast, advisor):
    manager = cast.staff_a[Role.MANAGER]
    with pytest.raises(DomainError) as refused:
        service_capacity_update(actor=advisor, changes={"places_per_slot": 9}, version=1)
    assert refused.value.code == "permission_denied"
    with pytest.raises(DomainError) as refused:
        service_capacity_update(
            actor=manager,
            changes={"slot_minutes": 5, "closes_at": time(6, 0), "open_weekdays": "9"},
            version=1,
        )
    assert {"slot_minutes", "closes_at", "open_weekdays"} <= set(refused.value.fields)
    capacity = service_capacity_update(actor=manager, changes={"places_per_slot": 9}, version=1)
    assert capacity.places_per_slot == 9 and capacity.version == 2
    assert AuditEntry.objects.filter(action="service_capacity.update").count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_bookings_of_the_last_five_places_make_exactly_five(cast, advisor):
    grid(cast.dealer_a, places_per_slot=5, places_per_day=100, per_advisor_per_day=100)
    vehicles = cars(advisor, 20)
    start = threading.Barrier(20)
    outcomes = []

    def attempt(vehicle):
        try:
            start.wait()
            book(advisor, vehicle)
            outcomes.append("booked")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(v,)) for v in vehicles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] * 5 + ["slot_full"] * 15
    assert Appointment.objects.filter(day=tomorrow(), starts_at=NINE).count() == 5


def test_reception_sees_the_cars_open_bookings(advisor, capacity):
    from dealercare.service.selectors.appointments import appointments_open_for_vehicle

    kept = book(advisor, owner_and_car(advisor)[1])
    cancelled = book(advisor, kept.vehicle, starts_at=HALF_NINE)
    appointment_cancel(actor=advisor, appointment=cancelled, reason="重复")
    assert list(appointments_open_for_vehicle(actor=advisor, vehicle=kept.vehicle)) == [kept]
