"""Pages of repair orders, the service catalogue and the workshop settings."""

from decimal import Decimal

import pytest
from django.test import Client

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.service.models import RepairOrder, RepairOrderLine, ServiceSettings
from dealercare.service.services.orders import repair_order_approve
from tests.factories import new_customer, new_repair_order, new_vehicle
from tests.service.orders_factories import add_labour, add_part, new_operation, new_part

S = RepairOrder.Status


@pytest.fixture
def order(cast, vehicle):
    advisor = cast.staff_a[Role.ADVISOR]
    order = new_repair_order(advisor, vehicle=vehicle, fault_description="刹车异响", km_in=12500)
    add_labour(advisor, order, new_operation(cast))
    order.refresh_from_db()
    return order


def pages(order):
    line = order.lines.first()
    base = f"/service/orders/{order.pk}"
    operation = line.operation_id
    return {
        "get": [
            "/service/orders/",
            "/service/orders/new/",
            f"{base}/",
            f"{base}/edit/",
            f"{base}/lines/{line.pk}/",
            "/service/operations/",
            f"/service/operations/{operation}/",
            "/service/operations/new/",
            f"/service/operations/{operation}/edit/",
            "/service/settings/",
        ],
        "post": [
            f"{base}/edit/",
            f"{base}/lines/",
            f"{base}/lines/{line.pk}/remove/",
            f"{base}/lines/{line.pk}/issue/",
            f"{base}/lines/{line.pk}/",
            f"{base}/lines/{line.pk}/return/",
            f"{base}/approve/",
            f"{base}/warranty/",
            f"{base}/move/",
        ],
    }


def test_login_required(cast, order):
    for url in pages(order)["get"]:
        assert Client().get(url)["Location"].startswith("/login/"), url


def test_the_detail_shows_lines_totals_with_vat_in_chinese_and_english(cast, order, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    html = client.get(f"/service/orders/{order.pk}/").content.decode()
    assert order.number in html and "刹车异响" in html and "张伟" in html
    assert "¥450.00" in html and "¥58.50" in html and "¥508.50" in html
    assert "增值税" in html and "客户确认" in html and "添加工时" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/service/orders/{order.pk}/").content.decode()
    assert "VAT" in html and "Customer's approval" in html and "Add labour" in html


def test_a_technician_sees_the_order_without_the_forms(cast, order, client_as):
    html = client_as(cast.staff_a[Role.TECHNICIAN]).get(f"/service/orders/{order.pk}/")
    html = html.content.decode()
    assert order.number in html and "add-labour" not in html and "signature-pad" not in html


def test_an_order_opened_lined_approved_and_moved_on_the_pages(cast, vehicle, client_as):
    advisor = client_as(cast.staff_a[Role.ADVISOR])
    operation = new_operation(cast)
    part = new_part(cast.dealer_a)
    response = advisor.post(
        "/service/orders/new/", {"vehicle": "沪A12345", "fault_description": "刹车异响"}
    )
    order = RepairOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/service/orders/{order.pk}/"
    base = f"/service/orders/{order.pk}"
    assert (
        advisor.post(
            f"{base}/lines/",
            {"kind": "labour", "operation_id": operation.pk, "pay_type": "customer"},
        ).status_code
        == 302
    )
    assert (
        advisor.post(
            f"{base}/lines/",
            {"kind": "part", "part_id": part.pk, "quantity": "2", "pay_type": "customer"},
        ).status_code
        == 302
    )
    order.refresh_from_db()
    assert order.grand_total == Decimal("1160.51")  # (450 + 577) × 1.13
    refused = advisor.post(f"{base}/approve/", {"method": "signature", "approved_by": "张伟"})
    assert refused.status_code == 422 and "请客户在平板上签名" in refused.content.decode()
    response = advisor.post(
        f"{base}/approve/",
        {"method": "signature", "approved_by": "张伟", "signature": "data:image/png;base64,AA"},
    )
    assert response.status_code == 302
    technician = client_as(cast.staff_a[Role.TECHNICIAN])
    assert technician.post(f"{base}/move/", {"move": "start"}).status_code == 302
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS
    refused = technician.post(f"{base}/move/", {"move": "start"})
    assert refused.status_code == 422 and "不允许" in refused.content.decode()
    assert technician.post(f"{base}/move/", {"move": "deliver"}).status_code == 403


@pytest.mark.parametrize(
    ("status", "role", "link", "move"),
    [
        (S.QUALITY_CHECK, Role.INSPECTOR, "inspection", "pass"),
        (S.READY, Role.ADVISOR, "delivery", "deliver"),
    ],
)
def test_inspection_and_delivery_go_through_their_forms(
    cast, order, client_as, status, role, link, move
):
    RepairOrder.objects.filter(pk=order.pk).update(status=status)
    page = client_as(cast.staff_a[role])
    html = page.get(f"/service/orders/{order.pk}/").content.decode()
    assert f'href="/service/orders/{order.pk}/{link}/"' in html
    assert f'value="{move}"' not in html
    refused = page.post(f"/service/orders/{order.pk}/move/", {"move": move, "reason": "x"})
    assert refused.status_code == 422 and "后再" in refused.content.decode()
    order.refresh_from_db()
    assert order.status == status


def test_a_line_changed_on_its_page(cast, order, client_as):
    advisor = client_as(cast.staff_a[Role.ADVISOR])
    line = order.lines.get()
    url = f"/service/orders/{order.pk}/lines/{line.pk}/"
    assert url in advisor.get(f"/service/orders/{order.pk}/").content.decode()
    html = advisor.get(url).content.decode()
    assert "修改项目" in html and 'name="quantity"' in html
    change = {
        "quantity": "2.5",
        "unit_price": "300",
        "pay_type": "customer",
        "description": "刹车片",
    }
    refused = advisor.post(url, change | {"quantity": "-1", "version": order.version})
    assert refused.status_code == 422 and 'id="id_quantity"' in refused.content.decode()
    stale = advisor.post(url, change | {"version": order.version - 1})
    assert stale.status_code == 422
    line.refresh_from_db()
    assert line.quantity != Decimal("2.5")
    response = advisor.post(url, change | {"version": order.version})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.labour_total == Decimal("750.00")
    assert order.lines.get().description == "刹车片"


def test_parts_returned_to_stock_on_the_line_page(cast, vehicle, client_as):
    advisor_user, clerk_user = cast.staff_a[Role.ADVISOR], cast.staff_a[Role.PARTS]
    part = new_part(cast.dealer_a, on_hand=3)
    order = new_repair_order(advisor_user, vehicle=vehicle)
    line = add_part(advisor_user, order, part, quantity=2)
    repair_order_approve(actor=advisor_user, order=order, method="phone", approved_by="张伟")
    advisor, clerk = client_as(advisor_user), client_as(clerk_user)
    html = advisor.get(f"/service/orders/{order.pk}/").content.decode()
    assert 'id="parts-counter"' in html and "配件柜台" in html
    issue = clerk.post(f"/service/orders/{order.pk}/lines/{line.pk}/issue/")
    assert issue.status_code == 302
    url = f"/service/orders/{order.pk}/lines/{line.pk}/return/"
    assert "退料入库" in clerk.get(f"/service/orders/{order.pk}/lines/{line.pk}/").content.decode()
    assert advisor.post(url, {"quantity": "1", "reason": "未安装"}).status_code == 403
    refused = clerk.post(url, {"quantity": "3", "reason": "未安装"})
    assert refused.status_code == 422
    assert clerk.post(url, {"quantity": "1", "reason": "未安装"}).status_code == 302
    part.refresh_from_db()
    line.refresh_from_db()
    assert (part.on_hand, line.issued_quantity) == (2, 1)


def test_bad_input_on_the_pages_names_the_field_and_writes_nothing(cast, vehicle, order, client_as):
    advisor = client_as(cast.staff_a[Role.ADVISOR])
    response = advisor.post("/service/orders/new/", {"vehicle": "沪Z00000"})
    assert response.status_code == 200 and "没有符合条件的车辆" in response.content.decode()
    response = advisor.post(f"/service/orders/{order.pk}/lines/", {"kind": "part", "pay_type": "x"})
    assert response.status_code == 422 and RepairOrderLine.objects.count() == 1
    response = advisor.post(
        f"/service/orders/{order.pk}/edit/", {"km_in": "100", "version": order.version}
    )
    assert response.status_code == 200 and "里程不能倒退" in response.content.decode()
    assert RepairOrder.objects.count() == 1


def test_list_search_and_filters(cast, order, client_as):
    other = new_repair_order(cast.staff_a[Role.ADVISOR])
    client = client_as(cast.staff_a[Role.ADVISOR])
    html = client.get("/service/orders/").content.decode()
    assert order.number in html and other.number in html
    for q in [order.number, "沪A12345", "E2184517"[-6:], "张伟"]:
        html = client.get("/service/orders/", {"q": q}).content.decode()
        assert order.number in html and other.number not in html, q
    found = client.post("/service/orders/", {"q": "13812345678"}, follow=True).content.decode()
    assert order.number in found and other.number not in found
    assert client.get("/service/orders/", {"q": "13812345678"}).status_code == 422
    html = client.get("/service/orders/", {"vehicle": order.vehicle_id}).content.decode()
    assert order.number in html and other.number not in html


def test_vehicle_and_customer_pages_show_the_service_history_and_the_moves(cast, order, client_as):
    advisor = cast.staff_a[Role.ADVISOR]
    repair_order_approve(actor=advisor, order=order, method="phone", approved_by="张伟")
    client = client_as(advisor)
    vehicle_page = client.get(f"/vehicles/{order.vehicle_id}/").content.decode()
    assert "维修记录" in vehicle_page and order.number in vehicle_page
    assert "开具了维修工单" in vehicle_page and "客户确认" in vehicle_page
    customer_page = client.get(f"/customers/{order.customer_id}/").content.decode()
    assert "维修记录" in customer_page and order.number in customer_page
    approve_entry = AuditEntry.objects.get(action="repair_order.approve")
    assert approve_entry.customer_id == order.customer_id
    # a role that may not see repair orders does not get the section
    sales_page = client_as(cast.staff_a[Role.SALES]).get(f"/vehicles/{order.vehicle_id}/")
    assert order.number not in sales_page.content.decode()


def test_the_catalogue_and_settings_pages(cast, client_as):
    manager = client_as(cast.staff_a[Role.MANAGER])
    response = manager.post(
        "/service/operations/new/",
        {"code": "ac01", "name": "空调系统检修", "category": "repair", "standard_hours": "2"},
    )
    assert response.status_code == 302
    html = manager.get(response["Location"]).content.decode()
    assert "AC01" in html and "¥600.00" in html
    refused = manager.post("/service/operations/new/", {"code": "ac01", "name": "x"})
    assert refused.status_code == 200 and "AC01" not in refused.content.decode()[:0]
    response = manager.post(
        "/service/settings/", {"labour_rate": "320", "tax_rate": "0.09", "comeback_days": "45"}
    )
    assert response.status_code == 302
    settings = ServiceSettings.objects.get(dealer=cast.dealer_a)
    assert (settings.labour_rate, settings.tax_rate, settings.comeback_days) == (
        Decimal("320.00"),
        Decimal("0.090"),
        45,
    )
    response = manager.post(
        "/service/settings/", {"labour_rate": "320", "tax_rate": "0.9", "comeback_days": "45"}
    )
    assert response.status_code == 200 and "0.5" in response.content.decode()
    html = client_as(cast.staff_a[Role.TECHNICIAN]).get("/service/operations/").content.decode()
    assert "AC01" in html and "空调系统检修" in html


def test_outsider_gets_404(cast, order, client_as):
    outsider = client_as(cast.staff_b[Role.DEALER_ADMIN])
    urls = pages(order)
    for url in urls["get"]:
        if str(order.pk) in url or ("/operations/" in url and url[-5:-1].strip("/").isdigit()):
            assert outsider.get(url).status_code == 404, url
    for url in urls["post"]:
        assert outsider.post(url, {"move": "cancel", "reason": "x"}).status_code == 404, url
    operation = order.lines.first().operation_id
    for url in [f"/service/operations/{operation}/", f"/service/operations/{operation}/edit/"]:
        assert outsider.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [Role.SALES, Role.INSURANCE, Role.OEM_ANALYST])
def test_a_role_without_repair_orders_gets_403_everywhere(cast, order, client_as, role):
    user = cast.oem if role == Role.OEM_ANALYST else cast.staff_a[role]
    client = client_as(user)
    urls = pages(order)
    for url in urls["get"]:
        assert client.get(url).status_code == 403, url
    for url in urls["post"]:
        assert client.post(url, {"move": "cancel", "reason": "x"}).status_code == 403, url
    order.refresh_from_db()
    assert order.status == S.OPEN and order.lines.count() == 1


def test_roles_that_see_but_may_not_write_get_403(cast, order, client_as):
    technician = client_as(cast.staff_a[Role.TECHNICIAN])
    base = f"/service/orders/{order.pk}"
    for url in ["/service/orders/new/", f"{base}/edit/", "/service/operations/new/"]:
        assert technician.get(url).status_code == 403, url
    assert technician.get("/service/settings/").status_code == 403
    assert technician.post(f"{base}/lines/", {"kind": "labour"}).status_code == 403
    assert technician.post(f"{base}/approve/", {"method": "phone"}).status_code == 403
    clerk = client_as(cast.staff_a[Role.PARTS])
    assert clerk.get(f"{base}/").status_code == 200
    assert clerk.post(f"{base}/move/", {"move": "cancel", "reason": "x"}).status_code == 403
    advisor = client_as(cast.staff_a[Role.ADVISOR])
    line = order.lines.first()
    assert advisor.post(f"{base}/lines/{line.pk}/issue/").status_code == 403


def test_wrong_method_is_405(cast, order, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    assert client.get(f"/service/orders/{order.pk}/move/").status_code == 405
    assert client.get(f"/service/orders/{order.pk}/approve/").status_code == 405
    assert client.put(f"/service/orders/{order.pk}/").status_code == 405


def test_new_order_from_the_vehicle_page_is_prefilled(cast, vehicle, client_as):
    html = client_as(cast.staff_a[Role.ADVISOR]).get(f"/service/orders/new/?vehicle={vehicle.pk}")
    assert "沪A12345" in html.content.decode()
    owner_less = new_vehicle(cast.staff_a[Role.ADVISOR], plate="沪B88888")
    response = client_as(cast.staff_a[Role.ADVISOR]).post(
        "/service/orders/new/", {"vehicle": "沪B88888"}
    )
    assert response.status_code == 200 and "请先登记车主" in response.content.decode()
    assert not RepairOrder.objects.filter(vehicle=owner_less).exists()
    assert new_customer  # the fixture's owner is 张伟
