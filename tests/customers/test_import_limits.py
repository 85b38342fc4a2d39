"""Defect 14: a hostile workbook is refused before it costs memory or CPU, and a large
import runs as a job with a time limit and visible progress, not inside the request."""

import io
import time
import tracemalloc
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from dealercare.core.models import JobState
from dealercare.core.roles import Role
from dealercare.customers.imports import customer_import_submit, import_batch_run
from dealercare.customers.jobs import imports_run_queued
from dealercare.customers.models import Customer, ImportBatch
from tests.customers.test_imports import csv_upload, good_rows, run_import, xlsx_upload

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_with(parts: dict[str, bytes], rows: int = 2) -> SimpleUploadedFile:
    """A real workbook (openpyxl's, with shared strings) with some parts replaced or added."""
    good = zipfile.ZipFile(io.BytesIO(xlsx_upload(good_rows(rows)).read()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name in good.namelist():
            package.writestr(name, parts.pop(name, None) or good.read(name))
        for name, content in parts.items():
            package.writestr(name, content)
    return SimpleUploadedFile("hostile.xlsx", out.getvalue())


def sheet(body: str, prolog: str = "", dimension: str = "A1:B2") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    ).encode()


HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>手机号</t></is></c></row>'
)


def assert_refused(batch, words=""):
    assert batch.status == ImportBatch.Status.REJECTED, batch.errors
    [error] = batch.errors
    assert error["field"] == "file" and words in error["message"]
    assert not Customer.objects.exists()


def test_a_huge_shared_string_is_refused_before_it_is_read(cast):
    text = "长" * (20 * 1024 * 1024)  # 60 MB of UTF-8, ~60 KB packed
    strings = f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
    upload = workbook_with({"xl/sharedStrings.xml": strings.encode()})
    assert upload.size < 1024 * 1024
    tracemalloc.start()
    batch = run_import(cast, upload)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert_refused(batch)
    assert peak < 20 * 1024 * 1024, peak  # the string was never unpacked


@override_settings(IMPORT_XLSX_MAX_RATIO=10**6, IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES=1024 * 1024)
def test_shared_strings_past_their_cap_are_refused(cast):
    strings = f'<sst xmlns="{MAIN}"><si><t>{"王" * 400_000}</t></si></sst>'
    assert_refused(run_import(cast, workbook_with({"xl/sharedStrings.xml": strings.encode()})))


def test_a_zip_bomb_part_is_refused_by_its_ratio(cast):
    bomb = workbook_with({"xl/media/image1.bin": b"\0" * (30 * 1024 * 1024)})
    assert_refused(run_import(cast, bomb))


@override_settings(IMPORT_XLSX_MAX_UNPACKED_BYTES=64 * 1024)
def test_unpacked_size_is_capped(cast):
    assert_refused(run_import(cast, workbook_with({}, rows=300)))


def test_too_many_entries_are_refused(cast):
    parts = {f"xl/custom/{n}.xml": b"<a/>" for n in range(150)}
    assert_refused(run_import(cast, workbook_with(parts)))


def test_a_sheet_declaring_a1_to_xfd50000_is_refused_at_once(cast):
    last = '<row r="50000"><c r="A50000" t="inlineStr"><is><t>王芳</t></is></c></row>'
    upload = workbook_with({SHEET: sheet(HEADER_ROW + last, dimension="A1:XFD50000")})
    started = time.process_time()
    batch = run_import(cast, upload)
    assert time.process_time() - started < 2
    assert_refused(batch, "50000")


def test_an_undeclared_far_row_and_column_cost_little(cast):
    far = '<row r="50000"><c r="XFD50000" t="inlineStr"><is><t>王芳</t></is></c></row>'
    upload = workbook_with({SHEET: sheet(HEADER_ROW + far, dimension="A1")})
    started = time.process_time()
    batch = run_import(cast, upload)
    assert time.process_time() - started < 5
    assert_refused(batch)  # the far cell lies outside the columns read: no data rows


@override_settings(IMPORT_MAX_ROWS=5)
def test_rows_past_the_cap_are_refused(cast):
    assert_refused(run_import(cast, xlsx_upload(good_rows(6))), "7")  # declared: 1 + 6 rows
    assert_refused(run_import(cast, csv_upload(good_rows(6))), "5")


XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _laugh(n: int) -> str:
    inner = "&lol;" if n == 1 else f"&lol{n - 1};"
    return f'<!ENTITY lol{n} "{inner * 10}">'


LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(map(_laugh, range(1, 10))) + "]>"


@pytest.mark.parametrize(
    "part",
    [
        sheet(
            HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>', XXE
        ),
        sheet(
            HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
            LAUGHS,
        ),
        sheet(HEADER_ROW + "<row r=", ""),
        sheet(HEADER_ROW, "<!--" + "x" * 70_000 + "-->" + XXE),
    ],
    ids=["external-entity", "billion-laughs", "malformed", "dtd-after-a-long-comment"],
)
def test_entities_and_malformed_xml_are_an_invalid_file(cast, api_as, part):
    upload = workbook_with({SHEET: part})
    manager = api_as(cast.staff_a[Role.MANAGER])
    response = manager.client.post("/api/v1/imports", {"file": upload}, headers=manager.headers)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected"
    assert response.json()["errors"][0]["field"] == "file"
    assert not Customer.objects.exists()


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@override_settings(IMPORT_INLINE_MAX_BYTES=1024)
def test_a_large_import_is_queued_and_run_by_the_job(
    cast, api_as, django_capture_on_commit_callbacks
):
    manager = api_as(cast.staff_a[Role.MANAGER])
    with django_capture_on_commit_callbacks() as kicks:
        response = manager.client.post(
            "/api/v1/imports", {"file": xlsx_upload(good_rows(40))}, headers=manager.headers
        )
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] == "queued" and queued["rows_checked"] == 0
    assert len(kicks) == 1 and not Customer.objects.exists()  # nothing ran in the request
    assert JobState.objects.get(name="imports_run_queued").requested_at  # the job is asked
    assert ImportBatch.objects.get().content

    assert imports_run_queued() == 1
    done = manager.get(f"/imports/{queued['id']}").json()
    assert done["status"] == "imported" and done["total_rows"] == done["rows_checked"] == 40
    assert done["started_at"] and done["finished_at"]
    assert Customer.objects.count() == 40
    assert not ImportBatch.objects.get().content  # the file is not kept
    assert imports_run_queued() == 0


def queue(cast, rows=3):
    with override_settings(IMPORT_INLINE_MAX_BYTES=0):
        return customer_import_submit(
            actor=cast.staff_a[Role.MANAGER],
            upload=xlsx_upload(good_rows(rows)),
            file_name="big.xlsx",
        )


def test_a_claimed_import_is_not_run_twice(cast):
    batch = queue(cast)
    assert import_batch_run(batch_id=batch.pk).status == ImportBatch.Status.IMPORTED
    assert import_batch_run(batch_id=batch.pk) is None
    assert Customer.objects.count() == 3


@override_settings(IMPORT_TIME_LIMIT_SECONDS=0)
def test_an_import_past_its_time_limit_fails_and_writes_nothing(cast):
    batch = import_batch_run(batch_id=queue(cast).pk)
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.errors[0]["field"] == "file" and not Customer.objects.exists()


def test_an_import_lost_with_its_process_is_marked_failed(cast):
    batch = queue(cast)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.RUNNING, started_at=timezone.now() - timedelta(hours=2)
    )
    assert imports_run_queued() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and not batch.content


def test_an_encrypted_part_is_an_invalid_file(cast):
    upload = workbook_with({})
    data = bytearray(upload.read())
    data[6] |= 0x01  # the "encrypted" flag of the first part, in its local header
    data[data.find(b"PK\x01\x02") + 8] |= 0x01  # and in the central directory
    assert_refused(run_import(cast, SimpleUploadedFile("locked.xlsx", bytes(data))))
