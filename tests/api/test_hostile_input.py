"""Named hostile inputs: each gets a clear error naming the field, or is stored correctly.
Never a 500, never a partial write."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from dealercare.core.roles import Role
from dealercare.customers.imports import customer_import
from dealercare.customers.models import Customer, ImportBatch
from dealercare.vehicles.models import Vehicle
from tests.customers.test_imports import HEADER, csv_upload, good_rows
from tests.factories import new_vehicle

CUSTOMER = {"name": "王芳", "phone": "13812345678"}
VEHICLE = {"vin": "LSVAU218XN2183294", "make": "星途", "model_name": "瑶光"}


@pytest.fixture
def api(cast, api_as):
    return api_as(cast.staff_a[Role.MANAGER])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "王\x00芳"),
        ("name", "王\x1b[31m芳"),
        ("name", "王\n芳"),
        ("address", "上海\x07市"),
        ("name", "长" * 10_000),
        ("notes", "备" * 10_000),
        ("tags", ["\x00"]),
    ],
)
def test_control_characters_and_huge_fields_are_refused(api, field, value):
    response = api.post("/customers", CUSTOMER | {field: value})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input" and any(k.startswith(field) for k in body["fields"])
    assert not Customer.objects.exists()


@pytest.mark.parametrize("name", ["王芳😀", "Zhang 伟 Ōtsuka", "مرحبا 王", "Ｗａｎｇ　芳"])
def test_emoji_and_mixed_scripts_are_stored_as_typed(api, name):
    response = api.post("/customers", CUSTOMER | {"name": name})
    assert response.status_code == 201, response.json()
    assert Customer.objects.get().name == name.strip()
    assert api.get("/customers", {"q": name[:2]}).json()["count"] == 1


@pytest.mark.parametrize("km", [-1, -10_000, 2_000_001, 10**12])
def test_negative_or_absurd_mileage_is_refused(cast, api, km):
    vehicle = new_vehicle(cast.staff_a[Role.ADVISOR], current_km=1000)
    response = api.post(f"/vehicles/{vehicle.pk}/mileage", {"km": km})
    assert response.status_code == 422 and "km" in response.json()["fields"]
    assert vehicle.readings.count() == 1


def test_future_purchase_date_is_refused(api):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api.post("/vehicles", VEHICLE | {"purchase_date": tomorrow})
    assert response.status_code == 422 and "purchase_date" in response.json()["fields"]
    assert not Vehicle.objects.exists()


def run(cast, upload):
    return customer_import(actor=cast.staff_a[Role.MANAGER], upload=upload, file_name=upload.name)


def test_utf8_csv_with_bom_imports(cast):
    upload = csv_upload(good_rows(3), encoding="utf-8-sig")
    batch = run(cast, upload)
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert Customer.objects.count() == 3


def workbook_upload(fill) -> SimpleUploadedFile:
    workbook = Workbook()
    fill(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("customers.xlsx", buffer.getvalue())


def test_xlsx_with_an_extra_sheet_reads_the_first(cast):
    def fill(workbook):
        workbook.active.append(HEADER)
        for row in good_rows(2):
            workbook.active.append(row)
        workbook.create_sheet("说明").append(["这一页是说明，不导入"])

    batch = run(cast, workbook_upload(fill))
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert Customer.objects.count() == 2


def test_xlsx_with_merged_header_cells_is_refused_by_name(cast):
    def fill(workbook):
        sheet = workbook.active
        sheet.append(["客户信息", None, "车辆信息", None, None, None, None, None])
        sheet.merge_cells("A1:B1")
        sheet.merge_cells("C1:H1")
        sheet.append(HEADER)
        for row in good_rows(2):
            sheet.append(row)

    batch = run(cast, workbook_upload(fill))
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.errors[0]["field"] == "file" and "姓名" in batch.errors[0]["message"]
    assert not Customer.objects.exists()


def test_fifty_megabyte_upload_is_refused_before_reading(cast, api_as):
    big = SimpleUploadedFile("huge.csv", b"a" * (50 * 1024 * 1024))
    manager = api_as(cast.staff_a[Role.MANAGER])
    response = manager.client.post("/api/v1/imports", {"file": big}, headers=manager.headers)
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"
    assert not Customer.objects.exists() and not ImportBatch.objects.exists()


def test_binary_file_is_not_a_spreadsheet(cast):
    batch = run(cast, SimpleUploadedFile("customers.csv", bytes(range(256)) * 20))
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.errors[0]["field"] == "file"
