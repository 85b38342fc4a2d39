"""Builders for the booking desk's tests (appointments, diagnosis, roadside)."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from dealercare.core.models import User
from dealercare.core.roles import Role
from dealercare.customers.services import consent_record
from dealercare.service.models import ServiceCapacity, ServiceOperation
from dealercare.service.services.appointments import AppointmentInput, appointment_book
from tests.factories import new_customer, new_vehicle

NINE = time(9, 0)


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def grid(dealer, **values) -> ServiceCapacity:
    """A small grid open every day: 09:00–12:00 in 30-minute slots."""
    defaults = {
        "slot_minutes": 30,
        "opens_at": time(9, 0),
        "closes_at": time(12, 0),
        "places_per_slot": 2,
        "places_per_day": 10,
        "per_advisor_per_day": 8,
        "per_bay_per_day": 4,
        "open_weekdays": "0123456",
    }
    capacity, _ = ServiceCapacity.objects.update_or_create(
        dealer=dealer, defaults=defaults | values
    )
    return capacity


def operation(dealer, code="M01", name="小保养") -> ServiceOperation:
    return ServiceOperation.objects.create(
        dealer=dealer,
        code=code,
        name=name,
        category="maintenance",
        standard_hours=Decimal("1.00"),
        labour_rate=Decimal("300.00"),
    )


def owner_and_car(advisor, *, consent=("sms",), **customer_fields):
    customer = new_customer(advisor, **customer_fields)
    for channel in consent:
        consent_record(
            actor=advisor, customer=customer, channel=channel, granted=True, source="paper"
        )
    return customer, new_vehicle(advisor, owner=customer)


def book(actor, vehicle, day=None, starts_at=NINE, **fields):
    data = AppointmentInput(vehicle_id=vehicle.pk, day=day or tomorrow(), starts_at=starts_at)
    for name, value in fields.items():
        setattr(data, name, value)
    return appointment_book(actor=actor, data=data)


def second_advisor(dealer):
    user = User(username=f"advisor2@{dealer.code}", dealer=dealer, role=Role.ADVISOR)
    user.set_unusable_password()
    user.save()
    return user
