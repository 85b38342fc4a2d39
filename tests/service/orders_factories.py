"""Builders for the repair-order tests: a catalogue operation, a part, an order with lines."""

from decimal import Decimal

from dealercare.core.roles import Role
from dealercare.parts.models import Part
from dealercare.service.models import ServiceOperation
from dealercare.service.services.catalogue import OperationInput, service_operation_create
from dealercare.service.services.orders import LineInput, repair_order_line_add, repair_order_open
from tests.factories import new_customer, new_vehicle


def new_operation(cast, code="BRK01", **fields) -> ServiceOperation:
    values = {
        "code": code,
        "name": "更换前刹车片",
        "category": ServiceOperation.Category.REPAIR,
        "standard_hours": Decimal("1.50"),
        "sop": "1. 举升车辆 2. 拆卸车轮 3. 更换刹车片",
    } | fields
    return service_operation_create(actor=cast.staff_a[Role.MANAGER], data=OperationInput(**values))


def new_part(dealer, number="BP-001", **fields) -> Part:
    values = {
        "dealer": dealer,
        "part_number": number,
        "name": "前刹车片",
        "source": Part.Source.OEM,
        "unit_price": Decimal("288.50"),
        "on_hand": 10,
    } | fields
    return Part.objects.create(**values)


def new_open_order(advisor, vehicle=None, **fields):
    vehicle = vehicle or new_vehicle(advisor, owner=new_customer(advisor))
    return repair_order_open(actor=advisor, vehicle=vehicle, **fields)


def add_labour(advisor, order, operation, **fields):
    return repair_order_line_add(
        actor=advisor,
        order=order,
        data=LineInput(kind="labour", operation_id=operation.pk, **fields),
    )


def add_part(advisor, order, part, quantity=1, **fields):
    return repair_order_line_add(
        actor=advisor,
        order=order,
        data=LineInput(kind="part", part_id=part.pk, quantity=quantity, **fields),
    )
