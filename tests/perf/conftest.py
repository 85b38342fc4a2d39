"""A small but complete dealer archive for the performance guards, made by the demo-data
generator (the product's own code): customers with tags, consents, one or two cars each,
mileage readings and audit entries."""

from dataclasses import dataclass

import pytest

from dealercare.core.roles import Role
from dealercare.customers.models import Customer
from dealercare.customers.selectors import PERSONAL_SEARCHES, classify_query
from dealercare.demo_data import dealer_fill
from dealercare.vehicles.models import Vehicle


@dataclass
class Archive:
    api: object
    customer: Customer
    vehicle: Vehicle


@pytest.fixture
def archive(cast, api_as) -> Archive:
    dealer_fill(cast.dealer_a, customers=60, vehicles=80, seed=7, batch=25)
    dealer_fill(cast.dealer_b, customers=20, vehicles=20, seed=8, batch=25)
    owner = (
        Customer.objects.filter(dealer=cast.dealer_a, vehicles__isnull=False)
        .exclude(id_number_hmac="")
        .order_by("id")
        .first()
    )
    return Archive(
        api=api_as(cast.staff_a[Role.ADVISOR]),
        customer=owner,
        vehicle=owner.vehicles.order_by("id").first(),
    )


def search_terms(archive: Archive) -> dict[str, str]:
    """One query of every kind the search box understands, all matching ``archive``."""
    customer, vehicle = archive.customer, archive.vehicle
    return {
        "phone": customer.phone,
        "id_number": customer.id_number,
        "plate": vehicle.plate,
        "vin": vehicle.vin,
        "vin_tail": vehicle.vin[-6:],  # a generated VIN ends in a 6-digit serial
        "name": customer.name[:2],
        "surname": customer.name[:1],
    }


def list_call(api, path: str, params: dict):
    """GET a list with its filters, or POST them to its search when the term is personal
    data, which never goes in a URL."""
    if classify_query(params.get("q", "")).kind in PERSONAL_SEARCHES:
        return api.post(f"{path}/search", params)
    return api.get(path, params)
