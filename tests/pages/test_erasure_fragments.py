"""After erasure no fragment of the person is readable anywhere: not in any table (as
stored, or decrypted with the application's field keys), not on any page or API answer."""

import math
from datetime import date

import pytest
from django.db import connection

from dealercare.core import crypto
from dealercare.core.audit import audit_chain_verify
from dealercare.core.models import AuditEntry
from dealercare.core.pagination import PAGE_SIZE
from dealercare.core.roles import Role
from dealercare.customers.services import (
    CustomerInput,
    RelatedPersonInput,
    customer_create,
    customer_merge,
    customer_reveal,
    customer_update,
    related_person_add,
)
from dealercare.customers.services.privacy import customer_data_export
from tests.factories import new_vehicle

PERSON = {
    "name": "龚俐",
    "phone": "13812345678",
    "phone_alt": "13987654321",
    "email": "gongli@gonglimail.cn",
    "id_number": "11010519491231002X",
    "address": "甘肃省浩市徐家湾路1号",
    "birthday": date(1949, 12, 31),
    "notes": "常来喝茶",
}
FRAGMENTS = [
    "龚",  # the first character of the name, kept by its mask
    "138****5678",
    "139****4321",
    "136****0000",
    "137****9999",
    "********002X",
    "甘肃省浩市徐",
    "g***@",
    "gonglimail",
    "12345678",
    "87654321",
    "常来喝茶",
    "1949-12-31",
]  # no fragment shorter than 8 digits: base64 ciphertext holds short digit runs by chance


@pytest.fixture
def person(cast):
    manager = cast.staff_a[Role.MANAGER]
    customer = customer_create(actor=manager, data=CustomerInput(**PERSON))
    customer = customer_update(
        actor=manager,
        customer=customer,
        changes={"address": "甘肃省浩市徐家湾路2号", "tags": ["茶"]},
        version=customer.version,
    )
    twin = customer_create(
        actor=manager,
        data=CustomerInput(name="龚俐", phone="13600000000", email="gl@gonglimail.cn"),
        allow_duplicate=True,
    )
    customer = customer_merge(actor=manager, target=customer, duplicate=twin)
    related_person_add(
        actor=manager,
        customer=customer,
        data=RelatedPersonInput(name="龚小明", relation="family", phone="13700009999"),
    )
    customer_reveal(actor=manager, customer=customer, field_name="id_number")
    customer_data_export(actor=manager, customer=customer, reason="customer_request")
    customer.car = new_vehicle(manager, owner=customer, current_km=8000)
    customer.twin = twin
    return customer


def database_dump() -> str:
    """Every column of every table, as stored and, for field ciphertext, decrypted."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    text = (
                        value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                    )
                    chunks.append(text)
                    if text.startswith("v1."):
                        chunks.append(crypto.decrypt(text))
    return "\n".join(chunks)


def responses_about(client, api, dealer, person) -> str:
    answers = [
        client.get(f"/customers/{person.pk}/"),
        client.get(f"/customers/{person.twin.pk}/"),
        client.get(f"/vehicles/{person.car.pk}/"),
        client.get("/customers/"),
        api.get(f"/customers/{person.pk}"),
        api.get(f"/customers/{person.pk}/timeline"),
        api.get(f"/customers/{person.pk}/export", {"reason": "customer_request"}),
        api.get(f"/vehicles/{person.car.pk}"),
    ]
    entries = AuditEntry.objects.filter(dealer=dealer).count()
    answers += [
        client.get("/audit/", {"page": n}) for n in range(1, math.ceil(entries / PAGE_SIZE) + 1)
    ]
    assert all(a.status_code < 500 for a in answers)
    return "\n".join(a.content.decode() for a in answers)


def found(fragments: list[str], text: str) -> list[str]:
    return [fragment for fragment in fragments if fragment in text]


def test_erasure_leaves_no_fragment_in_the_database_or_any_answer(cast, client_as, api_as, person):
    manager = cast.staff_a[Role.MANAGER]
    client, api = client_as(manager), api_as(manager)
    before = responses_about(client, api, cast.dealer_a, person)
    assert found(["138****5678", "********002X", "甘肃省浩市徐", "g***@", "龚"], before)

    erased = api.post(f"/customers/{person.pk}/erase", {"confirm_name": "龚俐"})
    assert erased.status_code == 200, erased.json()

    assert found(FRAGMENTS, database_dump()) == []
    after = responses_about(client, api, cast.dealer_a, person)
    assert found(FRAGMENTS, after) == []
    assert "已删除" in after  # what the sealed values show now
    assert audit_chain_verify(cast.dealer_a) == []  # no entry was touched


def test_the_timeline_opens_sealed_values_until_erasure(cast, client_as, person):
    page = client_as(cast.staff_a[Role.MANAGER]).get(f"/customers/{person.pk}/").content.decode()
    assert "甘肃省浩市徐****" in page and "茶" in page
    stored = AuditEntry.objects.filter(customer_id=person.pk, action="customer.update").get()
    assert stored.sealed_with is not None and "甘肃" not in str(stored.changes)
