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
    """An order in any state, for tests of the steps after it was written: opened through
    ``service.services.orders.repair_order_open`` (its number, its audit entry) when the
    actor may write orders, then given ``fields`` as they are (a status, a technician…)."""
    from dealercare.core.roles import Action, allows
    from dealercare.service.models import RepairOrder
    from dealercare.service.services.orders import repair_order_number_next, repair_order_open

    vehicle = vehicle or new_vehicle(actor, owner=new_customer(actor))
    opening = {k: fields.pop(k) for k in ("fault_description", "km_in") if k in fields}
    if allows(actor, Action.REPAIR_ORDER_WRITE):
        order = repair_order_open(actor=actor, vehicle=vehicle, **opening)
        if fields:
            RepairOrder.objects.filter(pk=order.pk).update(**fields)
            order.refresh_from_db()
        return order
    values = (
        {
            "dealer": actor.dealer,
            "number": repair_order_number_next(dealer=actor.dealer),
            "customer": vehicle.owner,
            "vehicle": vehicle,
            "advisor": actor,
        }
        | opening
        | fields
    )
    return RepairOrder.objects.create(**values)
