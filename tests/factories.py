"""Small builders that go through the services, so test data obeys the same rules."""

import random

from dealercare.core.validators import make_mobile, make_plate, make_vin
from dealercare.customers.services import CustomerInput, customer_create
from dealercare.vehicles.services import VehicleInput, vehicle_create

_rng = random.Random(2026)


def new_customer(actor, **fields):
    values = {"name": "李娜", "phone": make_mobile(_rng)} | fields
    return customer_create(actor=actor, data=CustomerInput(**values))


def new_vehicle(actor, owner=None, **fields):
    values = {
        "vin": make_vin(_rng),
        "plate": make_plate(_rng),
        "make": "星途",
        "model_name": "瑶光",
        "owner_id": owner.pk if owner else None,
    } | fields
    return vehicle_create(actor=actor, data=VehicleInput(**values))


def new_repair_order(actor, vehicle=None, **fields):
    """An order in any state, for tests of the steps after it was written (the order's
    own rules are tested through ``service.services.orders``)."""
    from dealercare.service.models import RepairOrder

    vehicle = vehicle or new_vehicle(actor, owner=new_customer(actor))
    number = f"{actor.dealer.code.upper()}-T-{RepairOrder.objects.count() + 1:06d}"
    values = {
        "dealer": actor.dealer,
        "number": number,
        "customer": vehicle.owner,
        "vehicle": vehicle,
        "advisor": actor,
    } | fields
    return RepairOrder.objects.create(**values)
