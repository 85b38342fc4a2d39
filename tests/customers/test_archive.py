import pytest

from dealercare.core.roles import Role
from dealercare.customers.models import Customer
from dealercare.customers.selectors import CustomerFilters, classify_query, customer_list
from dealercare.customers.services import consent_record
from tests.factories import new_customer, new_vehicle


@pytest.fixture
def family(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    zhang = new_customer(
        advisor,
        name="张伟",
        phone="13812345678",
        id_number="11010519491231002X",
        grade="A",
        tags=["VIP"],
    )
    zhangsan = new_customer(advisor, name="张三丰", phone="13912345678", grade="B")
    li = new_customer(advisor, name="李娜", phone="13712345678")
    car = new_vehicle(advisor, owner=zhang, vin="LSVAU218XN2183294", plate="沪AD12345")
    new_vehicle(advisor, owner=li, make="星途", model_name="揽月")
    return {"zhang": zhang, "zhangsan": zhangsan, "li": li, "car": car}


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("13812345678", "phone"),
        ("+86 138 1234 5678", "phone"),
        ("11010519491231002X", "id_number"),
        ("110105 19491231 002x", "id_number"),
        ("沪AD12345", "plate"),
        ("沪 ad·12345", "plate"),
        ("LSVAU218XN2183294", "vin"),
        ("183294", "vin_tail"),
        ("张", "name"),
        ("张伟", "name"),
    ],
)
def test_one_box_understands_what_was_typed(query, kind):
    assert classify_query(query).kind == kind


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("13812345678", ["张伟"]),
        ("11010519491231002X", ["张伟"]),
        ("11010519491231002x", ["张伟"]),
        ("110105194912310011", []),
        ("沪AD12345", ["张伟"]),
        ("lsvau218xn2183294", ["张伟"]),
        ("183294", ["张伟"]),
        ("张", ["张三丰", "张伟"]),
        ("张三", ["张三丰"]),
        ("王", []),
    ],
)
def test_search_finds_by_each_key(cast, family, query, names):
    found = customer_list(actor=cast.staff_a[Role.CSR], filters=CustomerFilters(q=query))
    assert sorted(c.name for c in found) == names


def test_filters_grade_tag_and_model(cast, family):
    csr = cast.staff_a[Role.CSR]

    def names(**filters):
        return sorted(c.name for c in customer_list(actor=csr, filters=CustomerFilters(**filters)))

    assert names(grade="A") == ["张伟"]
    assert names(tag="VIP") == ["张伟"]
    assert names(model="揽月") == ["李娜"]
    assert names(q="张", grade="B") == ["张三丰"]


def test_duplicate_phone_is_offered_as_merge(cast, api_as, family):
    api = api_as(cast.staff_a[Role.ADVISOR])
    response = api.post("/customers", {"name": "张伟伟", "phone": "138 1234 5678"})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_customer"
    assert response.json()["duplicates"] == [family["zhang"].pk]


def test_merge_keeps_all_history(cast, api_as, family):
    advisor = cast.staff_a[Role.ADVISOR]
    twin = Customer.objects.get(pk=family["li"].pk)
    consent_record(actor=advisor, customer=twin, channel="wechat", granted=True, source="staff")
    api = api_as(advisor)
    merged = api.post(f"/customers/{family['zhang'].pk}/merge", {"duplicate_id": twin.pk})
    assert merged.status_code == 200, merged.json()
    zhang = Customer.objects.get(pk=family["zhang"].pk)
    assert zhang.vehicles.count() == 2
    assert zhang.consents.filter(channel="wechat").exists()
    assert zhang.phone_alt == "13712345678"
    assert api.get(f"/customers/{twin.pk}").status_code == 404
    actions = [e["action"] for e in api.get(f"/customers/{zhang.pk}/timeline").json()["items"]]
    assert "customer.merge" in actions and "consent.record" in actions
    assert sorted(
        c.name for c in customer_list(actor=advisor, filters=CustomerFilters(q="13712345678"))
    ) == ["张伟"]


def test_list_is_paged(cast, api_as, family):
    page = api_as(cast.staff_a[Role.CSR]).get("/customers", {"size": 2, "page": 2}).json()
    assert (page["count"], page["page"], page["pages"], len(page["items"])) == (3, 2, 2, 1)


def test_related_persons_are_added_masked_and_audited(cast, api_as, family):
    api = api_as(cast.staff_a[Role.ADVISOR])
    url = f"/customers/{family['zhang'].pk}/related"
    refused = api.post(url, {"name": "张小伟", "relation": "family", "receives_reminders": True})
    assert refused.status_code == 422 and "phone" in refused.json()["fields"]
    added = api.post(
        url,
        {
            "name": "张小伟",
            "relation": "driver",
            "phone": "13600001234",
            "receives_reminders": True,
        },
    )
    assert added.status_code == 201 and added.json()["phone"] == "136****1234"
    detail = api.get(f"/customers/{family['zhang'].pk}").json()
    assert [p["name"] for p in detail["related"]] == ["张小伟"]
    outsider = api_as(cast.staff_b[Role.ADVISOR])
    assert outsider.delete(f"{url}/{added.json()['id']}").status_code == 404
    assert api.delete(f"{url}/{added.json()['id']}").status_code == 204
    actions = [
        e["action"] for e in api.get(f"/customers/{family['zhang'].pk}/timeline").json()["items"]
    ]
    assert actions[:2] == ["customer.related_remove", "customer.related_add"]
