"""The equipment register through /api/v1/equipment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.core.roles import Role
from dealercare.service.models import Equipment, EquipmentCalibration, EquipmentUse
from tests.factories import new_repair_order

from .test_equipment import new_equipment


def days(n):
    return (timezone.localdate() + timedelta(days=n)).isoformat()


BODY = {"asset_number": "eq-100", "name": "四轮定位仪", "kind": "tester"}


@pytest.fixture
def inspector(cast):
    return cast.staff_a[Role.INSPECTOR]


@pytest.fixture
def tester(inspector):
    return new_equipment(inspector, calibration_due=timezone.localdate() - timedelta(days=1))


@pytest.fixture
def order(cast):
    return new_repair_order(cast.staff_a[Role.ADVISOR])


def test_register_read_patch_and_list_with_due_filters(api_as, inspector):
    api = api_as(inspector)
    created = api.post(
        "/equipment", BODY | {"last_calibrated": days(-300), "calibration_interval_days": 310}
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["asset_number"] == "EQ-100" and body["calibration_due"] == days(10)
    assert body["overdue"] is False
    url = f"/equipment/{body['id']}"
    patched = api.patch(url, {"location": "三号工位", "version": body["version"]})
    assert patched.status_code == 200 and patched.json()["location"] == "三号工位"
    assert api.patch(url, {"location": "x", "version": body["version"]}).status_code == 409
    new_equipment(inspector, "EQ-LATE", calibration_due=timezone.localdate() - timedelta(days=1))
    new_equipment(inspector, "EQ-FAR", calibration_due=timezone.localdate() + timedelta(days=90))

    def numbers(**params):
        return sorted(e["asset_number"] for e in api.get("/equipment", params).json()["items"])

    assert numbers(due="overdue") == ["EQ-LATE"]
    assert numbers(due="soon") == ["EQ-100", "EQ-LATE"]
    assert numbers(q="eq-f") == ["EQ-FAR"]
    assert api.get("/equipment", {"due": "later"}).status_code == 422


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("asset_number", ""),
        ("kind", "hammer"),
        ("calibration_interval_days", 0),
        ("last_calibrated", "2999-01-01"),
        ("status", "lost"),
    ],
)
def test_bad_fields_are_named(api_as, inspector, field, value):
    response = api_as(inspector).post("/equipment", BODY | {field: value})
    assert response.status_code == 422, response.json()
    assert field in response.json()["fields"]
    assert not Equipment.objects.exists()


def test_calibration_then_use_on_a_repair_order(cast, api_as, inspector, tester, order):
    technician, keeper = api_as(cast.staff_a[Role.TECHNICIAN]), api_as(inspector)
    refused = technician.post(f"/equipment/{tester.pk}/uses", {"repair_order_id": order.pk})
    assert refused.status_code == 409
    assert refused.json()["code"] == "equipment_calibration_overdue"
    assert tester.asset_number in refused.json()["message"]
    calibrated = keeper.post(
        f"/equipment/{tester.pk}/calibrations",
        {"calibrated_on": days(0), "next_due": days(365), "performed_by": "市计量所"},
    )
    assert calibrated.status_code == 201, calibrated.json()
    assert keeper.get(f"/equipment/{tester.pk}").json()["calibration_due"] == days(365)
    used = technician.post(f"/equipment/{tester.pk}/uses", {"repair_order_id": order.pk})
    assert used.status_code == 201 and used.json()["repair_order_number"] == order.number
    assert len(technician.get(f"/equipment/{tester.pk}/uses").json()) == 1
    assert len(technician.get(f"/equipment/{tester.pk}/calibrations").json()) == 1


def test_bad_calibration_and_use_bodies_name_the_field(api_as, inspector, tester):
    api = api_as(inspector)
    future = api.post(f"/equipment/{tester.pk}/calibrations", {"calibrated_on": days(5)})
    assert future.status_code == 422 and "calibrated_on" in future.json()["fields"]
    backwards = api.post(
        f"/equipment/{tester.pk}/calibrations", {"calibrated_on": days(0), "next_due": days(-1)}
    )
    assert backwards.status_code == 422 and "next_due" in backwards.json()["fields"]
    unknown = api.post(f"/equipment/{tester.pk}/uses", {"repair_order_id": 999999})
    assert unknown.status_code == 422 and "repair_order_id" in unknown.json()["fields"]


def test_another_dealers_equipment_is_not_found(cast, api_as, tester, order):
    for role in (Role.INSPECTOR, Role.TECHNICIAN):
        outsider = api_as(cast.staff_b[role])
        assert outsider.get(f"/equipment/{tester.pk}").status_code == 404
        assert (
            outsider.patch(f"/equipment/{tester.pk}", {"name": "x", "version": 1}).status_code
            == 404
        )
        calibration = {"calibrated_on": days(0), "next_due": days(9)}
        assert outsider.post(f"/equipment/{tester.pk}/calibrations", calibration).status_code == 404
        assert (
            outsider.post(f"/equipment/{tester.pk}/uses", {"repair_order_id": order.pk}).status_code
            == 404
        )
        assert outsider.get(f"/equipment/{tester.pk}/uses").status_code == 404
        assert outsider.get("/equipment").json()["count"] == 0
    assert not EquipmentCalibration.objects.exists() and not EquipmentUse.objects.exists()


# From the duties: the parts desk and sales have no business with the workshop's testers;
# technicians read and use them, inspectors and managers keep the register.
@pytest.mark.parametrize(
    ("role", "method", "url", "body"),
    [
        (Role.SALES, "get", "/equipment", None),
        (Role.PARTS, "get", "/equipment/{id}", None),
        (Role.TECHNICIAN, "post", "/equipment", BODY),
        (Role.ADVISOR, "patch", "/equipment/{id}", {"name": "x", "version": 1}),
        (Role.TECHNICIAN, "post", "/equipment/{id}/calibrations", {"calibrated_on": days(0)}),
        (Role.ADVISOR, "post", "/equipment/{id}/uses", {"repair_order_id": 0}),
        (Role.CSR, "get", "/equipment/{id}/uses", None),
    ],
)
def test_a_role_without_the_right_gets_403(cast, api_as, tester, order, role, method, url, body):
    if body and "repair_order_id" in body:
        body = {"repair_order_id": order.pk}
    api = api_as(cast.staff_a[role])
    response = getattr(api, method)(url.format(id=tester.pk), *([body] if body else []))
    assert response.status_code == 403, response.json()
    assert Equipment.objects.count() == 1 and not EquipmentUse.objects.exists()
