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
