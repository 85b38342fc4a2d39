"""The parts store's pages: list, reorder list, part with its movements, forms, suppliers."""

import pytest
from django.test import Client

from dealercare.core.roles import Role
from dealercare.parts.models import Part, StockMovement, Supplier
from tests.parts.factories import clerk_of, new_part, new_supplier


@pytest.fixture
def clerk(cast):
    return clerk_of(cast)


@pytest.fixture
def supplier(clerk):
    return new_supplier(clerk)


@pytest.fixture
def part(clerk, supplier):
    return new_part(clerk, stock=3, reorder_point=5, reorder_quantity=10, supplier_id=supplier.pk)


def page_urls(part, supplier):
    return [
        "/parts/",
        "/parts/reorder/",
        "/parts/new/",
        "/parts/movements/",
        "/parts/suppliers/",
        "/parts/suppliers/new/",
        f"/parts/suppliers/{supplier.pk}/edit/",
        f"/parts/{part.pk}/",
        f"/parts/{part.pk}/edit/",
        f"/parts/{part.pk}/receive/",
        f"/parts/{part.pk}/issue/",
        f"/parts/{part.pk}/return/",
        f"/parts/{part.pk}/adjust/",
    ]


def test_login_required(part, supplier):
    for url in page_urls(part, supplier):
        assert Client().get(url)["Location"].startswith("/login/"), url


def test_every_page_renders_in_chinese_and_in_english(client_as, clerk, part, supplier):
    client = client_as(clerk)
    for url in page_urls(part, supplier):
        response = client.get(url)
        assert response.status_code == 200, url
    chinese = client.get(f"/parts/{part.pk}/").content.decode()
    assert "库存" in chinese and "XT-10001" in chinese and "¥58.00" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(f"/parts/{part.pk}/").content.decode()
    assert "On hand" in english and "Stock movements" in english


def test_list_search_filters_and_reorder_view(client_as, clerk, part):
    new_part(clerk, "AB-77", name="火花塞", stock=20, reorder_point=5)
    client = client_as(clerk)
    assert "AB-77" not in client.get("/parts/", {"q": "xt-1"}).content.decode()
    assert "XT-10001" in client.get("/parts/", {"q": "滤清"}).content.decode()
    below = client.get("/parts/", {"below_reorder_point": "on"}).content.decode()
    assert "XT-10001" in below and "AB-77" not in below
    partial = client.get("/parts/", {"q": "AB"}, headers={"HX-Request": "true"}).content.decode()
    assert "AB-77" in partial and "<html" not in partial
    reorder = client.get("/parts/reorder/").content.decode()
    assert "XT-10001" in reorder and "AB-77" not in reorder


def test_create_with_errors_writes_nothing_then_saves(client_as, clerk, supplier):
    client = client_as(clerk)
    form = {"part_number": "NEW-1", "name": "雨刮片", "source": "oem", "unit": "件"}
    form |= {"unit_price": "45.00", "warranty_months": 12, "warranty_km": 30000}
    form |= {"reorder_point": 0, "reorder_quantity": 0, "supplier_id": supplier.pk}
    bad = client.post("/parts/new/", form | {"unit_price": "-3", "part_number": ""})
    assert bad.status_code == 200 and bad.content.decode().count("has-error") == 2
    assert not Part.objects.exists()
    saved = client.post("/parts/new/", form)
    assert saved.status_code == 302
    assert Part.objects.get().supplier == supplier


def test_edit_with_version_and_stale_refusal(client_as, clerk, part):
    client = client_as(clerk)
    values = {
        "part_number": part.part_number,
        "name": "机油滤清器（新款）",
        "source": "oem",
        "unit": "件",
        "unit_price": "60.00",
        "warranty_months": 12,
        "warranty_km": 30000,
        "reorder_point": 5,
        "reorder_quantity": 10,
        "active": "on",
        "version": part.version,
    }
    assert 'name="version"' in client.get(f"/parts/{part.pk}/edit/").content.decode()
    assert client.post(f"/parts/{part.pk}/edit/", values).status_code == 302
    assert Part.objects.get(pk=part.pk).name == "机油滤清器（新款）"
    stale = client.post(f"/parts/{part.pk}/edit/", values).content.decode()
    assert "其他人" in stale


def test_receipt_rejects_never_enter_stock(client_as, clerk, part):
    client = client_as(clerk)
    form = {"delivered_quantity": 5, "rejected_quantity": 5, "reason": "全部锈蚀"}
    assert client.post(f"/parts/{part.pk}/receive/", form).status_code == 302
    assert Part.objects.get(pk=part.pk).on_hand == 3
    too_many = client.post(f"/parts/{part.pk}/receive/", form | {"rejected_quantity": 6})
    assert "拒收数量不能多于到货数量" in too_many.content.decode()


def test_issue_beyond_stock_is_refused_on_the_page(client_as, clerk, part):
    client = client_as(clerk)
    page = client.post(f"/parts/{part.pk}/issue/", {"quantity": 4}).content.decode()
    assert "库存不足" in page and "现有 3" in page
    assert client.post(f"/parts/{part.pk}/issue/", {"quantity": 3}).status_code == 302
    assert client.post(f"/parts/{part.pk}/return/", {"quantity": 1}).status_code == 302
    no_reason = client.post(f"/parts/{part.pk}/adjust/", {"quantity_change": -1})
    assert no_reason.status_code == 200 and "has-error" in no_reason.content.decode()
    adjust = {"quantity_change": -1, "reason": "损坏"}
    assert client.post(f"/parts/{part.pk}/adjust/", adjust).status_code == 302
    assert Part.objects.get(pk=part.pk).on_hand == 0
    detail = client.get(f"/parts/{part.pk}/").content.decode()
    assert "损坏" in detail


def test_suppliers_create_and_edit(client_as, clerk, supplier):
    client = client_as(clerk)
    assert client.post("/parts/suppliers/new/", {"name": "广州配件"}).status_code == 302
    url = f"/parts/suppliers/{supplier.pk}/edit/"
    assert client.post(url, {"name": "博世", "version": 1}).status_code == 302
    assert set(Supplier.objects.values_list("name", flat=True)) == {"广州配件", "博世"}
    assert "广州配件" in client.get("/parts/suppliers/").content.decode()


def test_outsider_gets_404(cast, client_as, part, supplier):
    outsider = client_as(cast.staff_b[Role.PARTS])
    for url in page_urls(part, supplier)[6:]:
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/parts/{part.pk}/issue/", {"quantity": 1}).status_code == 404
    assert "XT-10001" not in outsider.get("/parts/").content.decode()
    assert Part.objects.get(pk=part.pk).on_hand == 3


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.SALES, "/parts/"),
        (Role.CSR, "/parts/reorder/"),
        (Role.INSURANCE, "/parts/movements/"),
        (Role.SALES, "/parts/suppliers/"),
        (Role.ADVISOR, "/parts/new/"),
        (Role.TECHNICIAN, "/parts/{part}/edit/"),
        (Role.ADVISOR, "/parts/suppliers/new/"),
        (Role.INSPECTOR, "/parts/suppliers/{supplier}/edit/"),
        (Role.SALES, "/parts/{part}/"),
        (Role.ADVISOR, "/parts/{part}/receive/"),
        (Role.TECHNICIAN, "/parts/{part}/issue/"),
        (Role.MANAGER, "/parts/{part}/return/"),
        (Role.INSPECTOR, "/parts/{part}/adjust/"),
    ],
)
def test_role_without_the_right_gets_403(cast, client_as, part, supplier, role, url):
    client = client_as(cast.staff_a[role])
    url = url.format(part=part.pk, supplier=supplier.pk)
    assert client.get(url).status_code == 403
    body = {"quantity": 1, "delivered_quantity": 1, "quantity_change": 1, "reason": "x"}
    assert client.post(url, body).status_code in (403, 405)
    assert StockMovement.objects.count() == 1


def test_menu_entry_is_gated_by_part_view(cast, client_as):
    assert 'href="/parts/"' in client_as(cast.staff_a[Role.TECHNICIAN]).get("/").content.decode()
    assert 'href="/parts/"' not in client_as(cast.staff_a[Role.SALES]).get("/").content.decode()


def test_wrong_method_is_405(client_as, clerk, part):
    client = client_as(clerk)
    assert client.post("/parts/").status_code == 405
    assert client.put(f"/parts/{part.pk}/receive/").status_code == 405
