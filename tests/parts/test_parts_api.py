"""The parts store through /api/v1: catalogue, suppliers, stock movements, reorder list."""

import pytest

from dealercare.core.roles import Role
from dealercare.parts.models import Part, StockMovement, Supplier

from .factories import clerk_of, new_part, new_supplier

PART = {"part_number": "xt-20001", "name": "前刹车片", "source": "oem", "unit_price": "320.50"}


@pytest.fixture
def clerk(cast):
    return clerk_of(cast)


@pytest.fixture
def part(clerk):
    return new_part(clerk, stock=3, reorder_point=5, reorder_quantity=10)


def test_create_read_and_patch_a_part_with_its_version(cast, api_as, clerk):
    api = api_as(clerk)
    supplier = new_supplier(clerk)
    created = api.post("/parts", PART | {"supplier_id": supplier.pk})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["part_number"] == "XT-20001" and body["unit_price"] == "320.50"
    assert body["supplier_name"] == supplier.name and body["on_hand"] == 0
    url = f"/parts/{body['id']}"
    patched = api.patch(url, {"unit_price": "330.00", "version": body["version"]})
    assert patched.status_code == 200 and patched.json()["unit_price"] == "330.00"
    stale = api.patch(url, {"name": "后刹车片", "version": body["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert api.get(url).json()["name"] == "前刹车片"
    again = api.post("/parts", PART)
    assert again.status_code == 409 and again.json()["code"] == "duplicate_part"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("part_number", ""),
        ("name", "\x00"),
        ("source", "pirate"),
        ("unit_price", "-1"),
        ("unit_price", "1.234"),
        ("warranty_months", 999),
        ("reorder_point", -1),
        ("supplier_id", 999999),
    ],
)
def test_bad_part_fields_are_named(api_as, clerk, field, value):
    response = api_as(clerk).post("/parts", PART | {field: value})
    assert response.status_code == 422, response.json()
    assert field in response.json()["fields"]
    assert not Part.objects.exists()


def test_search_filters_and_paging(api_as, clerk):
    supplier = new_supplier(clerk)
    new_part(clerk, "XT-1", name="机油滤清器", stock=1, reorder_point=2)
    new_part(clerk, "XT-2", name="空气滤清器", source="third_party", supplier_id=supplier.pk)
    new_part(clerk, "AB-3", name="火花塞", stock=9, reorder_point=2)
    api = api_as(clerk)

    def numbers(**params):
        return sorted(p["part_number"] for p in api.get("/parts", params).json()["items"])

    assert numbers(q="xt") == ["XT-1", "XT-2"]
    assert numbers(q="滤清器") == ["XT-1", "XT-2"]
    assert numbers(source="third_party") == ["XT-2"]
    assert numbers(supplier_id=supplier.pk) == ["XT-2"]
    assert numbers(below_reorder_point="true") == ["XT-1"]
    second = api.get("/parts", {"size": 2, "page": 2}).json()
    assert second["count"] == 3 and second["pages"] == 2 and len(second["items"]) == 1
    assert api.get("/parts", {"source": "x"}).status_code == 422


def test_reorder_list(api_as, clerk, part):
    new_part(clerk, "XT-FULL", stock=9, reorder_point=5)
    listed = api_as(clerk).get("/parts/reorder").json()
    assert [(p["id"], p["suggested_quantity"]) for p in listed] == [(part.pk, 10)]


def test_receipt_with_rejects_issue_return_and_adjustment(api_as, clerk, part):
    api = api_as(clerk)
    receipt = api.post(
        "/stock-movements/receipts",
        {
            "part_id": part.pk,
            "delivered_quantity": 6,
            "rejected_quantity": 2,
            "unit_cost": "240.00",
            "reference": "DN-1",
            "reason": "包装破损",
        },
    )
    assert receipt.status_code == 201, receipt.json()
    assert receipt.json()["quantity"] == 4 and receipt.json()["on_hand_after"] == 7
    issue = api.post(
        "/stock-movements/issues", {"part_id": part.pk, "quantity": 7, "repair_order_line_id": 5}
    )
    assert issue.status_code == 201 and issue.json()["on_hand_after"] == 0
    refused = api.post("/stock-movements/issues", {"part_id": part.pk, "quantity": 1})
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_stock" and refused.json()["on_hand"] == 0
    assert part.part_number in refused.json()["message"]
    back = api.post(
        "/stock-movements/returns", {"part_id": part.pk, "quantity": 2, "reason": "未用"}
    )
    assert back.status_code == 201 and back.json()["on_hand_after"] == 2
    adjusted = api.post(
        "/stock-movements/adjustments",
        {"part_id": part.pk, "quantity_change": -1, "reason": "损坏"},
    )
    assert adjusted.status_code == 201 and adjusted.json()["on_hand_after"] == 1
    listed = api.get("/stock-movements", {"part_id": part.pk}).json()
    assert [m["kind"] for m in listed["items"]] == [
        "adjustment",
        "return",
        "issue",
        "receipt",
        "receipt",
    ]
    one = api.get(f"/stock-movements/{adjusted.json()['id']}").json()
    assert one["reason"] == "损坏" and one["recorded_by"] == clerk.display_name
    assert Part.objects.get(pk=part.pk).on_hand == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("receipts", {"delivered_quantity": 0}, "delivered_quantity"),
        ("receipts", {"delivered_quantity": 2, "rejected_quantity": 3}, "rejected_quantity"),
        ("receipts", {"delivered_quantity": 2, "unit_cost": "abc"}, "unit_cost"),
        ("receipts", {"delivered_quantity": 2, "supplier_id": 999999}, "supplier_id"),
        ("issues", {"quantity": -2}, "quantity"),
        ("returns", {"quantity": "many"}, "quantity"),
        ("adjustments", {"quantity_change": 1, "reason": ""}, "reason"),
        ("adjustments", {"quantity_change": 0, "reason": "盘点"}, "quantity_change"),
    ],
)
def test_bad_movements_are_422_naming_the_field(api_as, clerk, part, path, body, field):
    response = api_as(clerk).post(f"/stock-movements/{path}", {"part_id": part.pk} | body)
    assert response.status_code == 422, response.json()
    assert field in response.json()["fields"]
    assert StockMovement.objects.count() == 1  # the fixture's receipt


def test_suppliers(api_as, clerk):
    api = api_as(clerk)
    created = api.post("/suppliers", {"name": "上海配件", "contact": "王经理"})
    assert created.status_code == 201
    url = f"/suppliers/{created.json()['id']}"
    assert api.patch(url, {"phone": "021-5555", "version": 1}).json()["phone"] == "021-5555"
    assert api.patch(url, {"phone": "021-6666", "version": 1}).status_code == 409
    assert api.post("/suppliers", {"name": "上海配件"}).json()["code"] == "duplicate_supplier"
    assert api.post("/suppliers", {"name": ""}).json()["fields"].keys() == {"name"}
    assert api.get("/suppliers", {"q": "上海"}).json()["count"] == 1


def _urls(part, supplier, movement):
    return [
        ("get", f"/parts/{part.pk}", None),
        ("patch", f"/parts/{part.pk}", {"name": "x", "version": part.version}),
        ("get", f"/suppliers/{supplier.pk}", None),
        ("patch", f"/suppliers/{supplier.pk}", {"name": "x", "version": 1}),
        ("get", f"/stock-movements/{movement.pk}", None),
        ("post", "/stock-movements/receipts", {"part_id": part.pk, "delivered_quantity": 1}),
        ("post", "/stock-movements/issues", {"part_id": part.pk, "quantity": 1}),
        ("post", "/stock-movements/returns", {"part_id": part.pk, "quantity": 1}),
        (
            "post",
            "/stock-movements/adjustments",
            {"part_id": part.pk, "quantity_change": 1, "reason": "x"},
        ),
    ]


def test_another_dealers_parts_are_not_found(cast, api_as, clerk, part):
    supplier = new_supplier(clerk)
    movement = StockMovement.objects.get()
    outsider = api_as(clerk_of(cast, "b"))
    for method, url, body in _urls(part, supplier, movement):
        response = getattr(outsider, method)(url, *([body] if body else []))
        assert response.status_code == 404, (method, url)
    for url in ["/parts", "/suppliers", "/stock-movements"]:
        assert outsider.get(url).json()["count"] == 0
    assert outsider.get("/parts/reorder").json() == []
    assert Part.objects.get(pk=part.pk).on_hand == 3


# Written from the duties, not read from the role table: who may do what in the store.
WRONG_ROLE = [
    (Role.SALES, "get", "/parts", None),
    (Role.CSR, "get", "/parts/reorder", None),
    (Role.INSURANCE, "get", "/stock-movements", None),
    (Role.SALES, "get", "/suppliers", None),
    (Role.ADVISOR, "post", "/parts", PART),
    (Role.TECHNICIAN, "patch", "/parts/{part}", {"name": "x", "version": 1}),
    (Role.ADVISOR, "post", "/suppliers", {"name": "新供应商"}),
    (Role.INSPECTOR, "patch", "/suppliers/{supplier}", {"name": "x", "version": 1}),
    (Role.ADVISOR, "post", "/stock-movements/receipts", {"delivered_quantity": 1}),
    (Role.TECHNICIAN, "post", "/stock-movements/issues", {"quantity": 1}),
    (Role.MANAGER, "post", "/stock-movements/returns", {"quantity": 1}),
    (Role.INSPECTOR, "post", "/stock-movements/adjustments", {"quantity_change": 1, "reason": "x"}),
]


@pytest.mark.parametrize(("role", "method", "url", "body"), WRONG_ROLE)
def test_a_role_without_the_right_gets_403(cast, api_as, clerk, part, role, method, url, body):
    supplier = new_supplier(clerk)
    url = url.format(part=part.pk, supplier=supplier.pk)
    if body is not None and "stock-movements" in url:
        body = body | {"part_id": part.pk}
    api = api_as(cast.staff_a[role])
    response = getattr(api, method)(url, *([body] if body is not None else []))
    assert response.status_code == 403, response.json()
    assert Part.objects.get(pk=part.pk).on_hand == 3
    assert Supplier.objects.get(pk=supplier.pk).version == 1


def test_the_workshop_may_read_the_store(cast, api_as, part):
    for role in (Role.ADVISOR, Role.TECHNICIAN, Role.INSPECTOR, Role.MANAGER):
        assert api_as(cast.staff_a[role]).get(f"/parts/{part.pk}").status_code == 200
