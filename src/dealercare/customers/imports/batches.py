"""Import batches: a file kept with its batch, queued, run by a job under a time limit,
and finished as imported, rejected or failed with a row-by-row report."""

import csv
import io
import logging
import time
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.downloads import as_attachment
from dealercare.core.errors import DomainError
from dealercare.core.roles import Action, require
from dealercare.core.services import job_request
from dealercare.customers.imports.rows import (
    ImportFailed,
    ImportRun,
    TimeLimitReached,
    clean_batches,
)
from dealercare.customers.models import ImportBatch
from dealercare.customers.spreadsheets import SheetRow, read_rows

log = logging.getLogger(__name__)

IMPORT_JOB = "imports_run_queued"  # declared in customers/jobs.py


def customer_import(*, actor, upload, file_name: str) -> ImportBatch:
    """Import a CSV/XLSX file of customers and vehicles inside the request: all rows, or
    none. Returns the finished batch."""
    batch = customer_import_queue(actor=actor, upload=upload, file_name=file_name)
    import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def customer_import_submit(*, actor, upload, file_name: str) -> ImportBatch:
    """A small file is imported at once; a large one is queued for the import job, asked
    to run at once, so that no request holds a worker for minutes."""
    if upload.size <= settings.IMPORT_INLINE_MAX_BYTES:
        return customer_import(actor=actor, upload=upload, file_name=file_name)
    with transaction.atomic():
        batch = customer_import_queue(actor=actor, upload=upload, file_name=file_name)
        if batch.status == ImportBatch.Status.QUEUED:
            job_request(IMPORT_JOB)
    return batch


@transaction.atomic
def customer_import_queue(*, actor, upload, file_name: str) -> ImportBatch:
    """Keep the uploaded file with a queued batch; a file past the size limit is refused
    without being read."""
    require(actor, Action.CUSTOMER_IMPORT)
    batch = ImportBatch(dealer_id=actor.dealer_id, created_by=actor, file_name=file_name[:200])
    if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        limit = settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)
        message = _("The file is larger than %(mb)s MB.") % {"mb": limit}
        batch.status = ImportBatch.Status.REJECTED
        batch.errors = [{"row": 0, "field": "file", "message": str(message)}]
        batch.finished_at = timezone.now()
        batch.save()
        _audit_batch(batch)
    else:
        batch.content = upload.read()
        batch.save()
    return batch


def import_batches_run_queued() -> int:
    """Run every queued import, oldest first; an import still "running" long after its
    time limit lost its process and is marked failed. Returns the imports run."""
    limit = timedelta(seconds=settings.IMPORT_TIME_LIMIT_SECONDS)
    lost = ImportBatch.objects.filter(
        status=ImportBatch.Status.RUNNING, started_at__lt=timezone.now() - 2 * limit
    )
    for batch in lost:
        _finish(batch, ImportRun(actor=batch.created_by), ImportBatch.Status.FAILED, _LOST)
    queued = ImportBatch.objects.filter(status=ImportBatch.Status.QUEUED).order_by("pk")
    return sum(
        import_batch_run(batch_id=pk) is not None for pk in queued.values_list("pk", flat=True)
    )


_LOST = _("The import stopped before it finished. Upload the file again.")
_TOO_SLOW = _(
    "The import took longer than %(minutes)s minutes and was stopped; nothing was imported."
)


def import_batch_run(*, batch_id: int) -> ImportBatch | None:
    """Run one queued import, unless another runner claimed it first (a conditional
    UPDATE: two runners never import one file twice). First every row is checked, with
    the progress saved as it goes; then, if no row was refused, all are written in one
    transaction."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    batch = ImportBatch.objects.select_related("created_by__dealer").get(pk=batch_id)
    run = ImportRun(
        actor=batch.created_by,
        deadline=time.monotonic() + settings.IMPORT_TIME_LIMIT_SECONDS,
    )
    try:
        _check_rows(batch, run)
        if not run.errors:
            _write_rows(batch, run)
    except TimeLimitReached:
        minutes = settings.IMPORT_TIME_LIMIT_SECONDS // 60
        return _finish(batch, run, ImportBatch.Status.FAILED, _TOO_SLOW % {"minutes": minutes})
    except Exception:
        log.exception("import %s failed", batch_id)
        return _finish(batch, run, ImportBatch.Status.FAILED, _LOST)
    if not run.total_rows and not run.errors:
        run.reject(0, {"file": [_("The file has no data rows.")]})
    status = ImportBatch.Status.REJECTED if run.errors else ImportBatch.Status.IMPORTED
    return _finish(batch, run, status)


def _rows(batch: ImportBatch) -> Iterator[SheetRow]:
    return read_rows(io.BytesIO(bytes(batch.content)), batch.file_name)


def _check_rows(batch: ImportBatch, run: ImportRun) -> None:
    try:
        for _rows_checked in clean_batches(_rows(batch), run):
            ImportBatch.objects.filter(pk=batch.pk).update(rows_checked=run.total_rows)
    except DomainError as exc:
        run.reject(0, exc.fields or {"file": [str(exc.message)]})


def _write_rows(batch: ImportBatch, run: ImportRun) -> None:
    run.total_rows = 0
    try:
        with transaction.atomic():
            for rows in clean_batches(_rows(batch), run):
                run.write_batch(rows)
            if run.errors:
                raise ImportFailed
    except ImportFailed:
        run.customers_created = run.vehicles_created = 0


@transaction.atomic
def _finish(batch: ImportBatch, run: ImportRun, status: str, failure=None) -> ImportBatch:
    if failure is not None:
        run.reject(0, {"file": [failure]})
    batch.status = status
    batch.total_rows = run.total_rows
    batch.rows_checked = max(batch.rows_checked, run.total_rows)
    batch.customers_created = run.customers_created
    batch.vehicles_created = run.vehicles_created
    batch.errors = run.errors
    batch.notices = run.notices
    batch.content = b""  # the file holds personal data: not kept once imported
    batch.finished_at = timezone.now()
    batch.save()
    _audit_batch(batch)
    return batch


def _audit_batch(batch: ImportBatch) -> None:
    audit_record(
        actor=batch.created_by,
        dealer=batch.created_by.dealer,
        event=AuditEvent(
            action="import.run",
            object_type="import",
            object_id=batch.pk,
            label=batch.file_name,
            changes={"status": [None, batch.status], "rows": [None, batch.total_rows]},
        ),
    )


def import_report_response(batch: ImportBatch) -> HttpResponse:
    """The row-by-row report as CSV: the errors and the notices, by row."""
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
