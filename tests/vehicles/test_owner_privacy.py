"""Least privilege (#13 defect 18): a role without customer access (the parts clerk) sees
no owner's personal value on any vehicle page or API answer, and cannot find cars by
their owner's mobile, ID number or name. Each role is checked against the expected
matrix of tests/core/test_roles.py, not against the table under test."""

import pytest

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Action, Role
from dealercare.vehicles.selectors import VehicleFilters, vehicle_list
from tests.core.test_roles import DEALER_ROLES, EXPECTED
from tests.factories import new_customer, new_vehicle

OWNER = {"name": "赵敏", "phone": "13700001111", "id_number": "11010519491231002X"}


@pytest.fixture
def owned(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    owner = new_customer(advisor, **OWNER)
    return owner, new_vehicle(advisor, owner=owner, plate="沪A5C678")


def sees_owners(role) -> bool:
    return role in EXPECTED[Action.CUSTOMER_VIEW]


@pytest.mark.parametrize("role", DEALER_ROLES)
def test_owner_searches_need_customer_access(cast, owned, role):
    _owner, vehicle = owned
    actor = cast.staff_a[role]
    for q in (OWNER["phone"], "+86 137 0000 1111", OWNER["id_number"], "赵敏", "赵"):
        found = list(vehicle_list(actor=actor, filters=VehicleFilters(q=q)))
        assert found == ([vehicle] if sees_owners(role) else []), q
    assert list(vehicle_list(actor=actor, filters=VehicleFilters(q="沪A5C678"))) == [vehicle]


@pytest.mark.parametrize("role", DEALER_ROLES)
def test_vehicle_api_hides_the_owner_from_roles_without_customer_access(cast, api_as, owned, role):
    owner, vehicle = owned
    api = api_as(cast.staff_a[role])
    listed = api.get("/vehicles", {"q": vehicle.plate})
    read = api.get(f"/vehicles/{vehicle.pk}")
    for body in (listed.json()["items"][0], read.json()):
        if sees_owners(role):
            assert (body["owner_id"], body["owner_hidden"]) == (owner.pk, False)
        else:
            assert (body["owner_id"], body["owner_hidden"]) == (None, True)
    unowned = new_vehicle(cast.staff_a[Role.ADVISOR])
    assert api.get(f"/vehicles/{unowned.pk}").json()["owner_hidden"] is False


@pytest.mark.parametrize("role", DEALER_ROLES)
def test_vehicle_pages_hide_the_owner_from_roles_without_customer_access(
    cast, client_as, owned, role
):
    owner, vehicle = owned
    client = client_as(cast.staff_a[role])
    pages = [
        client.get("/vehicles/", {"q": vehicle.plate}).content.decode(),
        client.get(f"/vehicles/{vehicle.pk}/").content.decode(),
    ]
    for page in pages:
        assert ("赵敏" in page) is sees_owners(role)
        assert ("不可见" in page) is not sees_owners(role)
        assert (f'href="/customers/{owner.pk}/"' in page) is sees_owners(role)
        assert "1370000" not in page and "110105" not in page


def test_the_data_quality_download_is_audited(cast, client_as, owned):
    manager = cast.staff_a[Role.MANAGER]
    response = client_as(manager).get("/customers/quality/data-quality.xlsx")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="customer.data_quality_export")
    assert (entry.actor, entry.dealer) == (manager, cast.dealer_a)
    assert entry.changes["rows"][1]["stale_mileage"] == 1
    assert (
        client_as(cast.staff_a[Role.PARTS]).get("/customers/quality/data-quality.xlsx").status_code
        == 403
    )
    assert AuditEntry.objects.filter(action="customer.data_quality_export").count() == 1
