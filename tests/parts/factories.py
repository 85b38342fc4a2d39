"""Parts test data, built through the parts services."""

from decimal import Decimal

from dealercare.core.roles import Role
from dealercare.parts.services import (
    PartInput,
    SupplierInput,
    part_create,
    stock_receive,
    supplier_create,
)


def clerk_of(cast, dealer="a"):
    return (cast.staff_a if dealer == "a" else cast.staff_b)[Role.PARTS]


def new_supplier(actor, name="博世汽车配件（上海）有限公司", **fields):
    return supplier_create(actor=actor, data=SupplierInput(name=name, **fields))


def new_part(actor, part_number="XT-10001", *, stock=0, **fields):
    values = {
        "part_number": part_number,
        "name": "机油滤清器",
        "source": "oem",
        "unit_price": Decimal("58.00"),
    } | fields
    part = part_create(actor=actor, data=PartInput(**values))
    if stock:
        stock_receive(actor=actor, part=part, delivered_quantity=stock)
        part.refresh_from_db()
    return part
