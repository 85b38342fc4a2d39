from datetime import date

import pytest

from dealercare.core.roles import Role
from dealercare.customers.services import CustomerInput, customer_create
from dealercare.vehicles.services import VehicleInput, vehicle_create

VIN = "LSVAA4183E2184517"


@pytest.fixture
def customer(cast):
    data = CustomerInput(
        name="张伟", phone="13812345678", email="zhangwei@example.com", tags=["VIP"], grade="A"
    )
    return customer_create(actor=cast.staff_a[Role.ADVISOR], data=data)


@pytest.fixture
def vehicle(cast, customer):
    data = VehicleInput(
        vin=VIN,
        make="星途",
        model_name="瑶光",
        plate="沪A12345",
        owner_id=customer.pk,
        purchase_date=date(2024, 3, 1),
        current_km=12000,
    )
    return vehicle_create(actor=cast.staff_a[Role.ADVISOR], data=data)
