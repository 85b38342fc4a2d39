"""The equipment register's pages under /service/equipment/."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dealercare.core.roles import Role
from dealercare.service.models import Equipment, EquipmentUse
from tests.factories import new_repair_order
from tests.service.test_equipment import new_equipment


def days(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def inspector(cast):
    return cast.staff_a[Role.INSPECTOR]


@pytest.fixture
def tester(inspector):
    return new_equipment(inspector, calibration_due=days(-3), calibration_interval_days=365)


@pytest.fixture
def order(cast):
    return new_repair_order(cast.staff_a[Role.ADVISOR])


def urls(tester):
    return [
        "/service/equipment/",
        "/service/equipment/new/",
        f"/service/equipment/{tester.pk}/",
        f"/service/equipment/{tester.pk}/edit/",
    ]


def test_login_required(tester):
    for url in urls(tester):
        assert Client().get(url)["Location"].startswith("/login/"), url


def test_pages_render_in_chinese_and_english_with_due_marks(client_as, inspector, tester):
    new_equipment(inspector, "EQ-SOON", calibration_due=days(10))
    new_equipment(inspector, "EQ-FINE", calibration_due=days(200))
    client = client_as(inspector)
    for url in urls(tester):
        assert client.get(url).status_code == 200, url
    listed = client.get("/service/equipment/").content.decode()
    assert listed.count("due-overdue") == 1 and listed.count("due-soon") == 1
    assert "已逾期" in listed and "即将到期" in listed
    overdue = client.get("/service/equipment/", {"due": "overdue"}).content.decode()
    assert "EQ-001" in overdue and "EQ-SOON" not in overdue
    client.cookies["django_language"] = "en"
    detail = client.get(f"/service/equipment/{tester.pk}/").content.decode()
    assert "Calibration history" in detail and "Overdue" in detail


def test_register_edit_and_calibrate(client_as, inspector, tester):
    client = client_as(inspector)
    form = {"asset_number": "EQ-NEW", "name": "扭力扳手", "kind": "tool", "status": "in_service"}
    bad = client.post("/service/equipment/new/", form | {"kind": "", "asset_number": ""})
    assert bad.status_code == 200 and bad.content.decode().count("has-error") == 2
    zero = client.post("/service/equipment/new/", form | {"calibration_interval_days": 0})
    assert "1 到 3660" in zero.content.decode()
    assert client.post("/service/equipment/new/", form).status_code == 302
    edit = form | {"asset_number": "EQ-001", "calibration_interval_days": 365}
    edit |= {"name": "诊断仪", "version": tester.version}
    assert client.post(f"/service/equipment/{tester.pk}/edit/", edit).status_code == 302
    calibrate = {"calibrated_on": days(0).isoformat(), "performed_by": "市计量所"}
    url = f"/service/equipment/{tester.pk}/calibrations/"
    assert client.post(url, calibrate).status_code == 302
    assert Equipment.objects.get(pk=tester.pk).calibration_due == days(365)
    future = client.post(url, {"calibrated_on": days(4).isoformat()}).content.decode()
    assert "has-error" in future


def test_overdue_tester_use_is_refused_on_the_page(cast, client_as, inspector, tester, order):
    technician = client_as(cast.staff_a[Role.TECHNICIAN])
    url = f"/service/equipment/{tester.pk}/uses/"
    refused = technician.post(url, {"repair_order_id": order.pk})
    assert refused.status_code == 200 and "校准" in refused.content.decode()
    assert not EquipmentUse.objects.exists()
    tester.calibration_due = days(30)
    tester.save()
    assert technician.post(url, {"repair_order_id": order.pk}).status_code == 302
    assert order.number in technician.get(f"/service/equipment/{tester.pk}/").content.decode()


def test_outsider_gets_404(cast, client_as, tester, order):
    outsider = client_as(cast.staff_b[Role.INSPECTOR])
    for url in urls(tester)[2:]:
        assert outsider.get(url).status_code == 404, url
    base = f"/service/equipment/{tester.pk}/"
    assert outsider.post(base + "uses/", {"repair_order_id": order.pk}).status_code == 404
    assert outsider.post(base + "calibrations/", {"calibrated_on": "2026-01-01"}).status_code == 404
    assert "EQ-001" not in outsider.get("/service/equipment/").content.decode()


@pytest.mark.parametrize(
    ("role", "method", "url"),
    [
        (Role.SALES, "get", "/service/equipment/"),
        (Role.PARTS, "get", "/service/equipment/{id}/"),
        (Role.TECHNICIAN, "get", "/service/equipment/new/"),
        (Role.ADVISOR, "get", "/service/equipment/{id}/edit/"),
        (Role.TECHNICIAN, "post", "/service/equipment/{id}/calibrations/"),
        (Role.ADVISOR, "post", "/service/equipment/{id}/uses/"),
    ],
)
def test_role_without_the_right_gets_403(cast, client_as, tester, order, role, method, url):
    client = client_as(cast.staff_a[role])
    body = {"repair_order_id": order.pk, "calibrated_on": days(0).isoformat()}
    response = getattr(client, method)(url.format(id=tester.pk), body)
    assert response.status_code == 403
    assert not EquipmentUse.objects.exists() and not tester.calibrations.exists()


def test_wrong_method_is_405(client_as, inspector, tester):
    client = client_as(inspector)
    assert client.get(f"/service/equipment/{tester.pk}/uses/").status_code == 405
    assert client.post("/service/equipment/").status_code == 405
