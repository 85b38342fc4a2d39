import csv
import io
from typing import Literal

from django.http import HttpResponse, StreamingHttpResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from dealercare.core.access import get_for
from dealercare.core.api_errors import ERRORS
from dealercare.core.downloads import XLSX_TYPE, as_attachment
from dealercare.core.roles import Action
from dealercare.core.schemas import file_response
from dealercare.customers import imports
from dealercare.customers.api import CustomerQuery, filters_from
from dealercare.customers.models import ImportBatch
from dealercare.customers.schemas import ImportOut
from dealercare.customers.spreadsheets import csv_stream, xlsx_stream

router = Router(tags=["imports"])


@router.post("", response={201: ImportOut, 200: ImportOut, **ERRORS})
def import_create(request, file: File[UploadedFile]):
    """Import customers and vehicles from CSV or XLSX. All rows or none: a rejected file
    answers 200 with status "rejected" and the row-by-row errors."""
    batch = imports.customer_import(actor=request.user, upload=file, file_name=file.name or "")
    return Status(201 if batch.status == ImportBatch.Status.IMPORTED else 200, batch)


@router.get("/{batch_id}", response={200: ImportOut, **ERRORS})
def import_read(request, batch_id: int):
    return get_for(request.user, ImportBatch.objects, batch_id, action=Action.CUSTOMER_IMPORT)


@router.get(
    "/{batch_id}/report.csv",
    response=ERRORS,
    openapi_extra=file_response("text/csv", description="The row-by-row error report"),
)
def import_report(request, batch_id: int):
    batch = get_for(request.user, ImportBatch.objects, batch_id, action=Action.CUSTOMER_IMPORT)
    return import_report_response(batch)


def import_report_response(batch: ImportBatch) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号 row", "字段 field", "原因 reason", "类别 kind"])
    entries = [(e, "错误 error") for e in batch.errors] + [
        (n, "提示 notice") for n in batch.notices
    ]
    entries.sort(key=lambda entry: entry[0]["row"])
    writer.writerows([e["row"], e["field"], e["message"], kind] for e, kind in entries)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    return as_attachment(response, f"import-{batch.pk}-errors.csv")


export_router = Router(tags=["customers"])


@export_router.get(
    "/export",
    response=ERRORS,
    openapi_extra=file_response("text/csv", XLSX_TYPE, description="The customers, streamed"),
)
def customer_export(request, query: Query[CustomerQuery], format: Literal["xlsx", "csv"] = "xlsx"):
    """The customer list (same filters) as XLSX or CSV, streamed, in the import's columns."""
    return export_response(request.user, filters_from(query), format)


def export_response(actor, filters, file_format: str):
    file_format = "csv" if file_format == "csv" else "xlsx"
    rows = imports.customer_export(actor=actor, filters=filters, file_format=file_format)
    if file_format == "csv":
        response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(xlsx_stream(rows), content_type=XLSX_TYPE)
    return as_attachment(response, f"customers.{file_format}")
