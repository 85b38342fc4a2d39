from django.db import connection

from dealercare.core.roles import Role
from dealercare.customers.models import Customer
from dealercare.customers.selectors import CustomerFilters, customer_list
from dealercare.customers.services import CustomerInput, customer_create
from tests.factories import new_customer


def raw_row(customer_id: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, phone_hmac, email, id_number, address FROM customers_customer"
            " WHERE id = %s",
            [customer_id],
        )
        columns = [c[0] for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_raw_columns_hold_no_plaintext_and_phone_search_finds_it(advisor):
    customer = new_customer(
        advisor,
        phone="13812345678",
        email="li.na@example.com",
        id_number="11010519491231002X",
        address="上海市浦东新区张江路88号",
    )
    raw = raw_row(customer.pk)
    for plain in ("13812345678", "12345678", "li.na@example.com", "11010519491231002X", "张江路"):
        assert all(plain not in str(value) for value in raw.values())
    assert raw["phone"].startswith("v1.")
    assert Customer.objects.get(pk=customer.pk).phone == "13812345678"
    for typed in ("13812345678", "+86 138 1234 5678", "138-1234-5678"):
        found = customer_list(actor=advisor, filters=CustomerFilters(q=typed))
        assert list(found) == [customer]


def test_ciphertext_differs_for_equal_values(advisor):
    same = {"phone": "13900000001", "email": "a@b.cn", "address": "上海市浦东新区张江路88号"}
    first = new_customer(advisor, **same)
    second = customer_create(
        actor=advisor, data=CustomerInput(name="李娜", **same), allow_duplicate=True
    )
    first_raw, second_raw = raw_row(first.pk), raw_row(second.pk)
    for field in ("phone", "email", "address"):
        assert first_raw[field] != second_raw[field], field
    assert first_raw["phone_hmac"] == second_raw["phone_hmac"]  # exact search still finds both
    assert Customer.objects.get(pk=second.pk).phone == same["phone"]


def test_reveal_is_allowed_by_role_and_audited(cast, api_as):
    customer = new_customer(cast.staff_a[Role.ADVISOR], phone="13812345678")
    csr = api_as(cast.staff_a[Role.CSR])
    revealed = csr.post(f"/customers/{customer.pk}/reveal", {"field": "phone"})
    assert revealed.json() == {"field": "phone", "value": "13812345678"}
    timeline = csr.get(f"/customers/{customer.pk}/timeline").json()["items"]
    assert timeline[0]["action"] == "customer.reveal" and timeline[0]["actor"] == "csr@sh01"
    technician = api_as(cast.staff_a[Role.TECHNICIAN])
    assert technician.get(f"/customers/{customer.pk}").json()["phone"] == "138****5678"
    refused = technician.post(f"/customers/{customer.pk}/reveal", {"field": "phone"})
    assert refused.status_code == 403
