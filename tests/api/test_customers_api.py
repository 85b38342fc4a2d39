import pytest

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.core.shredding import audit_open
from dealercare.customers.models import Customer

NEW_CUSTOMER = {
    "name": "张伟",
    "phone": "+86 138-1234-5678",
    "email": "zhangwei@example.com",
    "id_number": "11010519491231002X",
    "address": "上海市浦东新区张江路88号",
    "birthday": "1949-12-31",
    "gender": "M",
    "tags": ["VIP", "车主俱乐部"],
}


def test_token_login_and_bearer_required(cast, api_as):
    anonymous = api_as()
    assert anonymous.get("/customers").status_code == 401
    response = anonymous.post(
        "/auth/token", {"username": "advisor@sh01", "password": "dealercare-demo"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    listed = anonymous.client.get("/api/v1/customers", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    bad = anonymous.post("/auth/token", {"username": "advisor@sh01", "password": "wrong"})
    assert bad.status_code == 401 and bad.json()["code"] == "authentication_failed"


def test_create_read_update_with_masking_and_audit(cast, api_as):
    api = api_as(cast.staff_a[Role.ADVISOR])
    created = api.post("/customers", NEW_CUSTOMER)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["phone"] == "138****5678"
    assert body["tags"] == ["VIP", "车主俱乐部"]
    stored = Customer.objects.get(pk=body["id"])
    assert stored.phone == "13812345678"

    update = NEW_CUSTOMER | {"phone": "13900001111", "version": body["version"]}
    changed = api.put(f"/customers/{body['id']}", update)
    assert changed.status_code == 200
    assert changed.json()["phone"] == "139****1111"
    entry = AuditEntry.objects.filter(action="customer.update").get()
    assert audit_open(entry).changes["phone"] == ["138****5678", "139****1111"]

    stale = api.put(f"/customers/{body['id']}", update)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"


def test_invalid_fields_are_named_and_nothing_is_written(cast, api_as):
    api = api_as(cast.staff_a[Role.ADVISOR])
    response = api.post(
        "/customers", NEW_CUSTOMER | {"phone": "12345", "id_number": "110105194912310021"}
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"phone", "id_number"}
    assert not Customer.objects.exists()


def test_other_dealer_customer_is_not_found(cast, api_as):
    mine = api_as(cast.staff_a[Role.ADVISOR]).post("/customers", NEW_CUSTOMER).json()
    theirs = api_as(cast.staff_b[Role.ADVISOR])
    assert theirs.get(f"/customers/{mine['id']}").status_code == 404
    assert theirs.put(f"/customers/{mine['id']}", NEW_CUSTOMER | {"version": 1}).status_code == 404
    assert theirs.delete(f"/customers/{mine['id']}").status_code == 404
    assert theirs.get("/customers", {"q": "张"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADVISOR, 201),
        (Role.SALES, 201),
        (Role.TECHNICIAN, 403),
        (Role.PARTS, 403),
        (Role.CSR, 201),  # a complainant new to the dealer becomes a customer at the desk
    ],
)
def test_create_is_limited_by_role(cast, api_as, role, status):
    assert api_as(cast.staff_a[role]).post("/customers", NEW_CUSTOMER).status_code == status
