from typing import Literal

from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from dealercare.core.api_errors import ERRORS
from dealercare.core.downloads import XLSX_TYPE
from dealercare.core.http import api_no_store
from dealercare.core.schemas import file_response, text
from dealercare.customers import exports, imports, selectors
from dealercare.customers.api import CustomerQuery, url_filters
from dealercare.customers.models import ImportBatch
from dealercare.customers.schemas import ImportOut

router = Router(tags=["imports"])


ANSWERS = {ImportBatch.Status.IMPORTED: 201, ImportBatch.Status.QUEUED: 202}


@router.post("", response={201: ImportOut, 202: ImportOut, 200: ImportOut, **ERRORS})
def import_create(request, file: File[UploadedFile]):
    """Import customers and vehicles from CSV or XLSX. All rows or none: a rejected file
    answers 200 with status "rejected" and the row-by-row errors. A large file is queued
    (202): read `imports/{id}` for its progress until it is imported or rejected."""
    batch = imports.customer_import_submit(
        actor=request.user, upload=file, file_name=file.name or ""
    )
    return Status(ANSWERS.get(batch.status, 200), batch)


@router.get("/{batch_id}", response={200: ImportOut, **ERRORS})
def import_read(request, batch_id: int):
    return selectors.import_batch_get(actor=request.user, batch_id=batch_id)


@router.get(
    "/{batch_id}/report.csv",
    response=ERRORS,
    openapi_extra=file_response("text/csv", description="The row-by-row error report"),
)
def import_report(request, batch_id: int):
    batch = selectors.import_batch_get(actor=request.user, batch_id=batch_id)
    return imports.import_report_response(batch)


export_router = Router(tags=["customers"])


@export_router.get(
    "/export",
    response=ERRORS,
    openapi_extra=file_response("text/csv", XLSX_TYPE, description="The customers, streamed"),
)
@api_no_store
def customer_export(
    request,
    query: Query[CustomerQuery],
    format: Literal["xlsx", "csv"] = "xlsx",
    clear: bool = False,
    reason: text(200) = "",
):
    """The customer list (same filters) as XLSX or CSV, streamed, in the import's columns.
    Mobiles, e-mail, ID numbers, addresses and birthdays are masked; `clear=true` with a
    `reason` writes them in clear, for a role allowed to (audited either way)."""
    return exports.customer_export_response(
        actor=request.user,
        filters=url_filters(query),
        file_format=format,
        clear=clear,
        reason=reason,
    )
