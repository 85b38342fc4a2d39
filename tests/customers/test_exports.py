"""Defect 4: the bulk export is masked by default; clear values only for a role granted
them, with a reason; the audit entry names the filter, the row count, clear or masked."""

import csv
import io

import pytest

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from tests.factories import new_customer, new_vehicle

CLEAR = {
    "phone": "13812345678",
    "email": "wang.fang@example.cn",
    "id_number": "110105199001011232",
    "address": "上海市浦东新区张江路88号",
}


@pytest.fixture
def archive(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    wang = new_customer(advisor, name="王芳", grade="A", **CLEAR)
    new_vehicle(advisor, owner=wang)
    new_vehicle(advisor, owner=wang)
    new_customer(advisor, name="李娜", grade="B")
    return wang


def exported(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def last_export() -> AuditEntry:
    return AuditEntry.objects.filter(action="customer.export").latest("pk")


def test_the_export_is_masked_by_default_and_not_cached(cast, api_as, archive):
    response = api_as(cast.staff_a[Role.MANAGER]).get("/customers/export", {"format": "csv"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    header, *rows = exported(response)
    body = "\n".join(",".join(r) for r in rows)
    for value in [*CLEAR.values(), "1990-01-01"]:
        assert value not in body
    wang = [dict(zip(header, r, strict=True)) for r in rows if r[0] == "王芳"]
    assert len(wang) == 2 and wang[0]["手机号"] == "138****5678"
    assert wang[0]["身份证号"].startswith("110105") and "*" in wang[0]["身份证号"]
    entry = last_export()
    assert entry.changes["values"] == [None, "masked"] and entry.changes["rows"] == [None, 3]
    assert "reason" not in entry.changes


def test_the_filter_and_row_count_are_audited(cast, api_as, archive):
    manager = api_as(cast.staff_a[Role.MANAGER])
    response = manager.get("/customers/export", {"format": "csv", "grade": "B", "q": "李"})
    assert len(exported(response)) == 2
    changes = last_export().changes
    assert changes["filters"] == [None, {"q": "…", "grade": "B"}]
    assert changes["rows"] == [None, 1]


def test_clear_values_are_the_admins_with_a_reason(cast, api_as, archive):
    admin = api_as(cast.staff_a[Role.DEALER_ADMIN])
    params = {"format": "csv", "clear": "true", "reason": "迁移到新的经销商系统"}
    response = admin.get("/customers/export", params)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert all(value in body for value in CLEAR.values())
    changes = last_export().changes
    assert changes["values"] == [None, "clear"]
    assert changes["reason"] == [None, "迁移到新的经销商系统"] and changes["rows"] == [None, 3]


def test_clear_values_need_a_reason(cast, api_as, archive):
    admin = api_as(cast.staff_a[Role.DEALER_ADMIN])
    response = admin.get("/customers/export", {"clear": "true", "reason": "  "})
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    assert not AuditEntry.objects.filter(action="customer.export").exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADVISOR])
def test_other_roles_get_no_clear_values(cast, api_as, archive, role):
    response = api_as(cast.staff_a[role]).get(
        "/customers/export", {"clear": "true", "reason": "想看"}
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="customer.export").exists()
