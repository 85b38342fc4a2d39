"""Read-modify-write keeps every value (#13 defect 1): reads are masked, so writes are
partial (PATCH), and no write ever stores a mask as data — on PUT, PATCH and the pages."""

import pytest

from dealercare.core.errors import InvalidInput
from dealercare.core.roles import Role
from dealercare.customers.models import Customer
from dealercare.customers.selectors import CustomerFilters, customer_list
from dealercare.customers.services import (
    CustomerInput,
    RelatedPersonInput,
    customer_clean,
    related_person_add,
)
from tests.customers.test_privacy import PERSON
from tests.factories import new_customer, new_vehicle

CLEAR = ("name", "phone", "phone_alt", "email", "id_number", "address")


@pytest.fixture
def person(cast):
    return new_customer(cast.staff_a[Role.ADVISOR], **PERSON)


@pytest.fixture
def advisor_api(cast, api_as):
    return api_as(cast.staff_a[Role.ADVISOR])


def stored(customer) -> dict:
    row = Customer.objects.get(pk=customer.pk)
    return {name: getattr(row, name) for name in (*CLEAR, "notes")}


def test_get_then_patch_changes_only_what_was_sent(advisor_api, person):
    read = advisor_api.get(f"/customers/{person.pk}").json()
    answer = advisor_api.patch(
        f"/customers/{person.pk}", {"notes": "改约周日", "version": read["version"]}
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["version"] == read["version"] + 1
    assert stored(person) == {name: PERSON[name] for name in CLEAR} | {"notes": "改约周日"}
    assert list(Customer.objects.get(pk=person.pk).tags.values_list("name", flat=True)) == ["VIP"]


def test_get_then_put_of_the_masked_read_keeps_every_clear_value(advisor_api, person):
    read = advisor_api.get(f"/customers/{person.pk}").json()
    assert read["address"].endswith("****") and "****" in read["id_number"]
    answer = advisor_api.put(f"/customers/{person.pk}", read | {"notes": "改约周日"})
    assert answer.status_code == 200, answer.json()
    assert stored(person) == {name: PERSON[name] for name in CLEAR} | {"notes": "改约周日"}


def test_revealed_values_put_back_beside_a_masked_address_keep_the_address(advisor_api, person):
    """The reported case: phone and ID number revealed, the masked address sent back."""
    read = advisor_api.get(f"/customers/{person.pk}").json()
    for field in ("phone", "id_number"):
        read[field] = advisor_api.post(f"/customers/{person.pk}/reveal", {"field": field}).json()[
            "value"
        ]
    assert advisor_api.put(f"/customers/{person.pk}", read).status_code == 200
    assert stored(person)["address"] == PERSON["address"]


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("address", "甘肃省浩市徐****"),
        ("phone", "139****5678"),
        ("phone_alt", "138****5678"),
        ("email", "z***@example.com"),
        ("id_number", "310101********1234"),
    ],
)
def test_a_mask_of_another_value_is_refused_naming_the_field(
    advisor_api, person, method, field, value
):
    read = advisor_api.get(f"/customers/{person.pk}").json()
    body = (read if method == "put" else {"version": read["version"]}) | {field: value}
    answer = getattr(advisor_api, method)(f"/customers/{person.pk}", body)
    assert answer.status_code == 422
    assert answer.json()["code"] == "masked_value"
    assert list(answer.json()["fields"]) == [field]
    assert stored(person) == {name: PERSON[name] for name in (*CLEAR, "notes")}


def test_a_new_customer_with_a_masked_value_is_refused(advisor_api):
    answer = advisor_api.post(
        "/customers", {"name": "王芳", "phone": "13700002222", "address": "甘肃省浩市徐****"}
    )
    assert answer.status_code == 422 and answer.json()["code"] == "masked_value"
    assert not Customer.objects.filter(name="王芳").exists()


def test_no_path_through_the_cleaning_takes_a_mask():
    """Create, update and import all clean through customer_clean."""
    data = CustomerInput(name="王芳", phone="13700002222", address="甘肃省浩市徐****")
    with pytest.raises(InvalidInput) as refused:
        customer_clean(data)
    assert refused.value.code == "masked_value" and list(refused.value.fields) == ["address"]


def test_patch_of_a_new_mobile_is_stored_and_found(cast, advisor_api, person):
    read = advisor_api.get(f"/customers/{person.pk}").json()
    body = {"phone": "+86 136 0000 1111", "birthday": None, "version": read["version"]}
    assert advisor_api.patch(f"/customers/{person.pk}", body).status_code == 200
    assert stored(person)["phone"] == "13600001111"
    found = customer_list(actor=cast.staff_a[Role.CSR], filters=CustomerFilters(q="13600001111"))
    assert [c.pk for c in found] == [person.pk]


def test_patch_refuses_a_stale_version_null_and_bad_values(advisor_api, person):
    url = f"/customers/{person.pk}"
    version = advisor_api.get(url).json()["version"]
    stale = advisor_api.patch(url, {"notes": "x", "version": version - 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    for body in ({"name": None}, {"name": ""}, {"phone": "12345"}, {"notes": "x"}):
        answer = advisor_api.patch(
            url, body | ({"version": version} if "notes" not in body else {})
        )
        assert answer.status_code == 422, body
    assert stored(person) == {name: PERSON[name] for name in (*CLEAR, "notes")}


def test_a_stored_value_an_older_rule_let_in_does_not_block_other_changes(advisor_api, person):
    Customer.objects.filter(pk=person.pk).update(phone_alt="14012345678")  # now refused
    read = advisor_api.get(f"/customers/{person.pk}").json()
    answer = advisor_api.put(f"/customers/{person.pk}", read | {"notes": "改约周日"})
    assert answer.status_code == 200, answer.json()
    assert stored(person)["phone_alt"] == "14012345678"


def test_vehicle_get_then_patch_and_put(cast, advisor_api, person):
    vehicle = new_vehicle(
        cast.staff_a[Role.ADVISOR], owner=person, plate="沪A12345", colour="白", current_km=8000
    )
    url = f"/vehicles/{vehicle.pk}"
    read = advisor_api.get(url).json()
    patched = advisor_api.patch(url, {"colour": "黑", "version": read["version"]})
    assert patched.status_code == 200, patched.json()
    after = patched.json()
    assert {k: v for k, v in after.items() if k not in ("colour", "version", "updated_at")} == {
        k: v for k, v in read.items() if k not in ("colour", "version", "updated_at")
    }
    assert after["colour"] == "黑" and vehicle.readings.count() == 1
    put = advisor_api.put(url, after | {"plate": "沪B54321"})
    assert put.status_code == 200 and put.json()["plate"] == "沪B54321"
    assert put.json()["owner_id"] == person.pk and vehicle.readings.count() == 1
    stale = advisor_api.patch(url, {"colour": "红", "version": read["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"


def test_related_person_patch_keeps_the_masked_mobile(cast, advisor_api, person):
    related = related_person_add(
        actor=cast.staff_a[Role.ADVISOR],
        customer=person,
        data=RelatedPersonInput(name="欧阳小明", relation="family", phone="13600009999"),
    )
    read = advisor_api.get(f"/customers/{person.pk}").json()
    shown = read["related"][0]
    url = f"/customers/{person.pk}/related/{related.pk}"
    body = shown | {"relation": "driver", "receives_reminders": True, "version": read["version"]}
    answer = advisor_api.patch(url, body)
    assert answer.status_code == 200, answer.json()
    related.refresh_from_db()
    assert (related.phone, related.relation, related.receives_reminders) == (
        "13600009999",
        "driver",
        True,
    )
    assert advisor_api.get(f"/customers/{person.pk}").json()["version"] == read["version"] + 1
    stale = advisor_api.patch(url, {"name": "小明", "version": read["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    masked = advisor_api.patch(url, {"phone": "136****0000", "version": read["version"] + 1})
    assert masked.status_code == 422 and list(masked.json()["fields"]) == ["phone"]
    assert stored(person) == {name: PERSON[name] for name in (*CLEAR, "notes")}


def test_the_edit_page_refuses_a_typed_mask(cast, client_as, person):
    client = client_as(cast.staff_a[Role.ADVISOR])
    form = PERSON | {"tags": "VIP",
        "kind": "person", "source": "walk_in", "preferred_channel": "sms",
        "preferred_time": "any", "version": person.version,
    }  # fmt: skip
    refused = client.post(f"/customers/{person.pk}/edit/", form | {"address": "甘肃省兰州市****"})
    assert refused.status_code == 200 and 'class="field-error"' in refused.content.decode()
    assert stored(person) == {name: PERSON[name] for name in (*CLEAR, "notes")}
    kept = client.post(f"/customers/{person.pk}/edit/", form | {"address": "上海市浦东新****"})
    assert kept.status_code == 302
    assert stored(person) == {name: PERSON[name] for name in (*CLEAR, "notes")}
