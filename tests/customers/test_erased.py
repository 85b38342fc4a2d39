"""An erased customer stays erased (#13 defect 15): every write to the record is refused,
whichever way it comes, and the page and the API ask for the same confirmation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.customers.jobs import customers_retention_anonymise
from dealercare.customers.models import Customer
from dealercare.customers.services.privacy import customer_erase
from tests.factories import new_customer, new_vehicle

NAME = "欧阳娜娜"


@pytest.fixture
def erased(cast):
    customer = new_customer(cast.staff_a[Role.ADVISOR], name=NAME, phone="13812345678")
    return customer_erase(actor=cast.staff_a[Role.MANAGER], customer=customer, confirm_name=NAME)


def stored(customer) -> dict:
    row = Customer.objects.get(pk=customer.pk)
    return {
        "name": row.name,
        "phone": row.phone,
        "email": row.email,
        "id_number": row.id_number,
        "version": row.version,
        "related": row.related.count(),
        "consents": row.consents.count(),
        "vehicles": row.vehicles.count(),
    }


def test_erasure_is_confirmed_by_the_current_full_name_in_the_api(cast, api_as):
    customer = new_customer(cast.staff_a[Role.ADVISOR], name=NAME)
    manager = api_as(cast.staff_a[Role.MANAGER])
    url = f"/customers/{customer.pk}/erase"
    for body in ({}, {"confirm_name": ""}, {"confirm_name": "欧阳"}, {"confirm": True}):
        refused = manager.post(url, body)
        assert refused.status_code == 422, body
        assert refused.json()["code"] == "erasure_not_confirmed"
        assert "confirm_name" in refused.json()["fields"]
    assert Customer.objects.get(pk=customer.pk).erased_at is None
    assert manager.post(url, {"confirm_name": f" {NAME} "}).status_code == 200
    again = manager.post(url, {"confirm_name": NAME})
    assert again.status_code == 409 and again.json()["code"] == "already_erased"


def test_the_page_asks_the_service_for_the_same_confirmation(cast, client_as):
    customer = new_customer(cast.staff_a[Role.ADVISOR], name=NAME)
    client = client_as(cast.staff_a[Role.MANAGER])
    refused = client.post(f"/customers/{customer.pk}/erase/", {"confirm_name": "欧阳"})
    assert refused.status_code == 200 and 'class="field-error"' in refused.content.decode()
    assert Customer.objects.get(pk=customer.pk).erased_at is None


def test_api_writes_to_an_erased_customer_are_refused(cast, api_as, erased):
    advisor = api_as(cast.staff_a[Role.ADVISOR])
    manager = api_as(cast.staff_a[Role.MANAGER])
    live = new_customer(cast.staff_a[Role.ADVISOR], name="王芳", email="wang@example.com")
    before = stored(erased)
    full = {"name": "新名字", "phone": "13912345678", "id_number": "11010519491231002X"}
    writes = {
        "update": advisor.put(f"/customers/{erased.pk}", full | {"version": erased.version}),
        "patch": advisor.patch(
            f"/customers/{erased.pk}", {"email": "new@example.com", "version": erased.version}
        ),
        "merge into erased": manager.post(
            f"/customers/{erased.pk}/merge", {"duplicate_id": live.pk}
        ),
        "merge erased away": manager.post(
            f"/customers/{live.pk}/merge", {"duplicate_id": erased.pk}
        ),
        "related person": advisor.post(
            f"/customers/{erased.pk}/related",
            {"name": "欧阳小明", "relation": "family", "phone": "13600009999"},
        ),
        "consent": advisor.post(
            f"/customers/{erased.pk}/consents",
            {"channel": "sms", "granted": True, "source": "phone"},
        ),
        "vehicle created for it": advisor.post(
            "/vehicles",
            {
                "vin": "LSVAA4183E2184517",
                "make": "星途",
                "model_name": "瑶光",
                "owner_id": erased.pk,
            },
        ),
    }
    answers = {name: (r.status_code, r.json()["code"]) for name, r in writes.items()}
    assert answers == dict.fromkeys(writes, (409, "customer_erased"))
    assert writes["vehicle created for it"].json()["fields"].keys() == {"owner_id"}
    assert stored(erased) == before
    assert Customer.objects.get(pk=live.pk).merged_into_id is None


def test_a_vehicle_cannot_be_handed_to_an_erased_customer(cast, api_as, erased):
    vehicle = new_vehicle(cast.staff_a[Role.ADVISOR])
    body = {"vin": vehicle.vin, "make": "星途", "model_name": "瑶光", "version": vehicle.version}
    answer = api_as(cast.staff_a[Role.ADVISOR]).put(
        f"/vehicles/{vehicle.pk}", body | {"owner_id": erased.pk}
    )
    assert answer.status_code == 409 and answer.json()["code"] == "customer_erased"
    vehicle.refresh_from_db()
    assert vehicle.owner_id is None and not erased.ownerships.exists()


def test_page_edit_of_an_erased_customer_is_refused(cast, client_as, erased):
    client = client_as(cast.staff_a[Role.ADVISOR])
    detail = client.get(f"/customers/{erased.pk}/").content.decode()
    assert f"/customers/{erased.pk}/edit/" not in detail
    form = {
        "name": "新名字", "phone": "13912345678", "kind": "person", "source": "walk_in",
        "preferred_channel": "sms", "preferred_time": "any", "version": erased.version,
    }  # fmt: skip
    answer = client.post(f"/customers/{erased.pk}/edit/", form)
    assert answer.status_code == 200 and 'class="alert error"' in answer.content.decode()
    assert Customer.objects.get(pk=erased.pk).name == erased.name


def test_the_retention_job_never_touches_an_erased_record(cast, time_machine):
    time_machine.move_to(timezone.now() - timedelta(days=6 * 365))
    customer = new_customer(cast.staff_a[Role.ADVISOR], name=NAME)
    customer_erase(actor=cast.staff_a[Role.MANAGER], customer=customer, confirm_name=NAME)
    time_machine.move_to(timezone.now() + timedelta(days=6 * 365))
    row = Customer.objects.get(pk=customer.pk)
    entries = AuditEntry.objects.count()
    assert customers_retention_anonymise() == 0
    after = Customer.objects.get(pk=customer.pk)
    assert (after.erased_at, after.updated_at, after.version) == (
        row.erased_at,
        row.updated_at,
        row.version,
    )
    assert AuditEntry.objects.count() == entries
