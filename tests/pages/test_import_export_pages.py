"""The export page (masked by default; clear values with a reason for the admin) and the
import pages (upload, progress while queued or running, the report)."""

import pytest
from django.test import override_settings

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.customers.jobs import imports_run_queued
from dealercare.customers.models import ImportBatch
from tests.customers.test_imports import csv_upload, good_rows


def download(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_export_page_writes_masked_values(cast, customer, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    page = client.get("/customers/export/").content.decode()
    assert 'name="format"' in page and 'name="clear"' not in page
    response = client.post("/customers/export/", {"format": "csv", "grade": "A"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = download(response)
    assert "张伟" in body and "138****5678" in body and "13812345678" not in body
    assert AuditEntry.objects.get(action="customer.export").changes["values"][1] == "masked"


def test_export_page_gives_the_admin_clear_values_with_a_reason(cast, customer, client_as):
    client = client_as(cast.staff_a[Role.DEALER_ADMIN])
    assert 'name="clear"' in client.get("/customers/export/").content.decode()
    refused = client.post("/customers/export/", {"format": "csv", "clear": "on"})
    assert refused.status_code == 200 and "field-error" in refused.content.decode()
    response = client.post(
        "/customers/export/", {"format": "csv", "clear": "on", "reason": "年度对账"}
    )
    assert "13812345678" in download(response)
    assert AuditEntry.objects.get(action="customer.export").changes["reason"][1] == "年度对账"


@pytest.mark.parametrize("path", ["/customers/export/", "/customers/imports/"])
def test_pages_refuse_roles_and_methods(cast, client_as, path):
    assert client_as(cast.staff_a[Role.ADVISOR]).get(path).status_code == 403
    assert client_as(cast.staff_a[Role.MANAGER]).put(path).status_code == 405


def test_an_upload_is_imported_and_reported(cast, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    rows = good_rows(3)
    rows[1][1] = "123"
    response = client.post("/customers/imports/", {"file": csv_upload(rows)})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/imports/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "hx-trigger" not in page and "phone" in page
    report = client.get(f"/customers/imports/{batch.pk}/report.csv")
    assert "phone" in report.content.decode("utf-8-sig")
    assert batch.file_name in client.get("/customers/imports/").content.decode()
    other = client_as(cast.staff_b[Role.MANAGER])
    assert other.get(f"/customers/imports/{batch.pk}/").status_code == 404


@override_settings(IMPORT_INLINE_MAX_BYTES=0)
def test_a_queued_import_shows_its_progress_until_done(cast, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    location = client.post("/customers/imports/", {"file": csv_upload(good_rows(4))})["Location"]
    page = client.get(location).content.decode()
    assert 'hx-trigger="every 2s"' in page and "0" in page
    imports_run_queued()
    partial = client.get(location, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "hx-trigger" not in partial and "4" in partial
