"""Builders for the workshop's tests: orders in a given state, with or without a part line."""

from decimal import Decimal

from dealercare.core.roles import Role
from dealercare.service.models import RepairOrderLine
from dealercare.service.services.workshop import ReceptionInput
from tests.factories import new_customer, new_repair_order, new_vehicle

ALL_FINE = {
    "exterior": {"ok": False, "findings": "左后门划痕约5厘米"},
    "interior": {"ok": True, "findings": ""},
    "functions": {"ok": True, "findings": ""},
    "belongings": {"ok": True, "findings": "行车记录仪"},
}


def reception_input(**fields) -> ReceptionInput:
    values = {
        "km": 15000,
        "fault_description": "刹车异响",
        "checklist": ALL_FINE,
        "fuel_level": 60,
        "battery_level": 90,
        "confirmation": "in_person",
        "confirmed_by": "张伟",
    } | fields
    return ReceptionInput(**values)


def order_in(cast, status, *, dealer="a", technician=None, part=False, total="0.00", **fields):
    """A repair order of dealer a (or b) in ``status``, its customer reached by SMS."""
    staff = cast.staff_a if dealer == "a" else cast.staff_b
    advisor = staff[Role.ADVISOR]
    customer = new_customer(advisor)
    vehicle = new_vehicle(advisor, owner=customer)
    order = new_repair_order(
        advisor,
        vehicle=vehicle,
        status=status,
        technician=technician,
        customer_total=Decimal(total),
        **fields,
    )
    if part:
        RepairOrderLine.objects.create(
            dealer=order.dealer,
            order=order,
            kind=RepairOrderLine.Kind.PART,
            description="前刹车片",
            quantity=Decimal("1"),
            unit_price=Decimal(total),
            amount=Decimal(total),
        )
    return order
