"""Import and export of customers with their vehicles (R-CUS-5).

An import is all-or-nothing per file: every row is checked by the same rules as the
forms (``customer_clean``, ``vehicle_clean``); one bad row and nothing is written, and the
batch keeps a row-by-row report to download.
"""

import io
import logging
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, audit_record_many
from dealercare.core.crypto import id_number_index
from dealercare.core.errors import DomainError
from dealercare.core.masking import mask_name
from dealercare.core.roles import Action, require
from dealercare.customers.models import Customer, ImportBatch, Tag
from dealercare.customers.services import CustomerInput, apply_profile, customer_clean, phone_index
from dealercare.customers.spreadsheets import SheetRow, read_rows
from dealercare.vehicles.models import MileageReading, Ownership, Vehicle
from dealercare.vehicles.services import VEHICLE_FIELDS, VehicleInput, vehicle_clean

log = logging.getLogger(__name__)

BATCH_ROWS = 1000
MAX_REPORTED_ERRORS = 5000
GENDERS = {"男": "M", "女": "F", "M": "M", "F": "F", "": ""}
CUSTOMER_KEYS = ("name", "phone", "phone_alt", "email", "id_number", "address", "birthday")
VEHICLE_KEYS = ("vin", "plate", "make", "model_name", "year", "colour", "purchase_date")


class _RowRejected(Exception):
    def __init__(self, fields: dict[str, list[str]]):
        self.fields = fields


def _parse_date(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.replace("/", "-")[:10])
    except ValueError:
        raise _RowRejected({name: [_("Use the date format YYYY-MM-DD.")]}) from None


def _parse_int(value: str, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(float(value.replace(",", "")))
    except ValueError:
        raise _RowRejected({name: [_("Enter a whole number.")]}) from None


def _customer_input(values: dict[str, str]) -> CustomerInput:
    gender = values.get("gender", "")
    return CustomerInput(
        name=values.get("name", ""),
        phone=values.get("phone", ""),
        phone_alt=values.get("phone_alt", ""),
        email=values.get("email", ""),
        id_number=values.get("id_number", ""),
        address=values.get("address", ""),
        birthday=_parse_date(values.get("birthday", ""), "birthday"),
        gender=GENDERS.get(gender, gender),
        grade=values.get("grade", ""),
        source=values.get("source") or Customer.Source.IMPORT,
        preferred_channel=values.get("preferred_channel") or "sms",
        tags=[t for t in values.get("tags", "").replace("、", ";").split(";") if t.strip()],
    )


def _vehicle_input(values: dict[str, str]) -> VehicleInput | None:
    if not any(values.get(k) for k in VEHICLE_KEYS):
        return None
    return VehicleInput(
        vin=values.get("vin", ""),
        plate=values.get("plate", ""),
        make=values.get("make", ""),
        model_name=values.get("model_name", ""),
        year=_parse_int(values.get("year", ""), "year"),
        colour=values.get("colour", ""),
        purchase_date=_parse_date(values.get("purchase_date", ""), "purchase_date"),
        current_km=_parse_int(values.get("current_km", ""), "current_km"),
    )


@dataclass
class CleanRow:
    number: int
    customer: dict
    vehicle: dict | None


def _clean_row(row: SheetRow) -> CleanRow:
    try:
        customer = customer_clean(_customer_input(row.values))
        vehicle_in = _vehicle_input(row.values)
        vehicle = vehicle_clean(vehicle_in) if vehicle_in else None
    except DomainError as exc:
        raise _RowRejected(exc.fields or {"row": [str(exc.message)]}) from None
    return CleanRow(row.number, customer, vehicle)


@dataclass
class ImportRun:
    actor: object
    deadline: float = math.inf
    customers_by_phone: dict[str, Customer] = field(default_factory=dict)
    first_rows_by_phone: dict[str, CleanRow] = field(default_factory=dict)
    rows_by_id_number: dict[str, CleanRow] = field(default_factory=dict)
    tags_by_phone: dict[str, set[str]] = field(default_factory=dict)
    vins_seen: dict[str, int] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    notices: list[dict] = field(default_factory=list)
    total_rows: int = 0
    customers_created: int = 0
    vehicles_created: int = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _TimeLimit

    def reject(self, number: int, fields: dict[str, list[str]]) -> None:
        _report(self.errors, number, fields)

    def notice(self, number: int, name: str, message: str) -> None:
        _report(self.notices, number, {name: [message]})

    def write_batch(self, rows: list[CleanRow]) -> None:
        dealer_id = self.actor.dealer_id
        new_customers = self._customers_for(self._fold(rows), dealer_id)
        existing_vins = dict(
            Vehicle.objects.filter(
                dealer_id=dealer_id, vin__in=[r.vehicle["vin"] for r in rows if r.vehicle]
            ).values_list("vin", "owner_id")
        )
        vehicles = []
        for row in rows:
            if not row.vehicle:
                continue
            owner = self.customers_by_phone[phone_index(row.customer["phone"])]
            vin = row.vehicle["vin"]
            if vin in existing_vins:
                if existing_vins[vin] != owner.pk:
                    self.reject(
                        row.number, {"vin": [_("This VIN is on file for another customer.")]}
                    )
                continue
            if vin in self.vins_seen:
                self.reject(
                    row.number,
                    {"vin": [_("The same VIN is already in row %s.") % self.vins_seen[vin]]},
                )
                continue
            self.vins_seen[vin] = row.number
            vehicle = Vehicle(
                dealer_id=dealer_id, owner=owner, **{f: row.vehicle[f] for f in VEHICLE_FIELDS}
            )
            vehicle.current_km = row.vehicle["current_km"]
            vehicles.append(vehicle)
        if self.errors:
            return
        Vehicle.objects.bulk_create(vehicles)
        self._histories(vehicles)
        self._link_tags(rows)
        self.vehicles_created += len(vehicles)
        audit_record_many(
            actor=self.actor,
            dealer=self.actor.dealer,
            events=[_import_event(c) for c in new_customers],
        )

    def _fold(self, rows: list[CleanRow]) -> list[CleanRow]:
        """The first row of each mobile in the file; a later row with the same mobile adds
        its vehicle and tags to that row's customer, and the report says so."""
        first_rows = []
        for row in rows:
            digest = phone_index(row.customer["phone"])
            self.tags_by_phone.setdefault(digest, set()).update(row.customer["tags"])
            first = self.first_rows_by_phone.setdefault(digest, row)
            if first is row:
                first_rows.append(row)
            else:
                self.notice(row.number, "phone", _folded_message(first, row))
        return first_rows

    def _customers_for(self, rows: list[CleanRow], dealer_id: int) -> list[Customer]:
        unknown = [phone_index(r.customer["phone"]) for r in rows]
        for customer in Customer.objects.filter(
            dealer_id=dealer_id, phone_hmac__in=unknown, merged_into=None
        ):
            self.customers_by_phone[customer.phone_hmac] = customer
        new_rows = [
            r for r in rows if phone_index(r.customer["phone"]) not in self.customers_by_phone
        ]
        self._refuse_known_id_numbers(new_rows, dealer_id)
        created = []
        for row in new_rows:
            customer = Customer(dealer_id=dealer_id)
            apply_profile(customer, row.customer)
            self.customers_by_phone[customer.phone_hmac] = customer
            created.append(customer)
        if not self.errors:
            Customer.objects.bulk_create(created)
            self.customers_created += len(created)
        return created

    def _refuse_known_id_numbers(self, rows: list[CleanRow], dealer_id: int) -> None:
        """An ID number on file, or earlier in the file, under another mobile is the same
        person: a duplicate to resolve (merge, or correct the mobile), not a new record."""
        digests = [(id_number_index(r.customer["id_number"]), r) for r in rows]
        digests = [(digest, row) for digest, row in digests if digest]
        on_file = dict(
            Customer.objects.filter(
                dealer_id=dealer_id,
                id_number_hmac__in=[digest for digest, _row in digests],
                merged_into=None,
            ).values_list("id_number_hmac", "pk")
        )
        for digest, row in digests:
            earlier = self.rows_by_id_number.setdefault(digest, row)
            if digest in on_file:
                message = _("This ID number is on file for customer #%s, under another mobile.")
                self.reject(row.number, {"id_number": [message % on_file[digest]]})
            elif earlier is not row:
                message = _("The same ID number is in row %s, under another mobile.")
                self.reject(row.number, {"id_number": [message % earlier.number]})

    def _link_tags(self, rows: list[CleanRow]) -> None:
        links = {
            (self.customers_by_phone[digest].pk, name)
            for digest in {phone_index(r.customer["phone"]) for r in rows}
            for name in self.tags_by_phone.pop(digest, ())
        }
        if not links:
            return
        dealer_id = self.actor.dealer_id
        names = {name for _customer, name in links}
        Tag.objects.bulk_create(
            [Tag(dealer_id=dealer_id, name=name) for name in names], ignore_conflicts=True
        )
        tag_ids = dict(
            Tag.objects.filter(dealer_id=dealer_id, name__in=names).values_list("name", "pk")
        )
        Customer.tags.through.objects.bulk_create(
            [Customer.tags.through(customer_id=c, tag_id=tag_ids[n]) for c, n in links],
            ignore_conflicts=True,
        )

    def _histories(self, vehicles: list[Vehicle]) -> None:
        Ownership.objects.bulk_create(
            Ownership(
                dealer_id=v.dealer_id,
                vehicle=v,
                customer=v.owner,
                start_date=v.purchase_date or timezone.localdate(),
            )
            for v in vehicles
        )
        MileageReading.objects.bulk_create(
            MileageReading(
                dealer_id=v.dealer_id,
                vehicle=v,
                km=v.current_km,
                read_on=timezone.localdate(),
                source=MileageReading.Source.IMPORT,
                recorded_by=self.actor,
            )
            for v in vehicles
            if v.current_km is not None
        )


def _report(entries: list[dict], number: int, fields: dict[str, list[str]]) -> None:
    for name, messages in fields.items():
        for message in messages:
            if len(entries) < MAX_REPORTED_ERRORS:
                entries.append({"row": number, "field": name, "message": str(message)})


def _folded_message(first: CleanRow, row: CleanRow) -> str:
    differing = [
        str(Customer._meta.get_field(key).verbose_name)
        for key in CUSTOMER_KEYS
        if row.customer[key] and row.customer[key] != first.customer[key]
    ]
    message = _("Same mobile as row %s: imported into that row's customer.") % first.number
    if differing:
        message += " " + _("Its differing %s were not imported.") % ", ".join(differing)
    return message


def _import_event(customer: Customer) -> AuditEvent:
    return AuditEvent(
        action="customer.import",
        object_type="customer",
        object_id=customer.pk,
        label=mask_name(customer.name),
        customer_id=customer.pk,
    )


class _ImportFailed(Exception):
    pass


class _TimeLimit(Exception):
    pass


def _batches(rows: Iterator[SheetRow], run: ImportRun) -> Iterator[list[CleanRow]]:
    batch: list[CleanRow] = []
    for row in rows:
        run.total_rows += 1
        try:
            batch.append(_clean_row(row))
        except _RowRejected as exc:
            run.reject(row.number, exc.fields)
        if len(batch) >= BATCH_ROWS:
            run.check_time()
            yield batch
            batch = []
    if batch:
        run.check_time()
        yield batch


def customer_import(*, actor, upload, file_name: str) -> ImportBatch:
    """Import a CSV/XLSX file of customers and vehicles inside the request: all rows, or
    none. Returns the finished batch."""
    batch = customer_import_queue(actor=actor, upload=upload, file_name=file_name)
    import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def customer_import_submit(*, actor, upload, file_name: str) -> ImportBatch:
    """A small file is imported at once; a large one is queued as a job (started after
    commit, or by the every-minute job) so that no request holds a worker for minutes."""
    if upload.size <= settings.IMPORT_INLINE_MAX_BYTES:
        return customer_import(actor=actor, upload=upload, file_name=file_name)
    batch = customer_import_queue(actor=actor, upload=upload, file_name=file_name)
    transaction.on_commit(kick_import_jobs)
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


def kick_import_jobs() -> None:
    """Start the queued imports now rather than at the job runner's next minute."""
    if settings.CELERY_BROKER_URL:
        from dealercare.celery import run_job

        run_job.delay("dealercare.customers.jobs.imports_run_queued")
    else:
        threading.Thread(target=_run_queued_and_close, daemon=True).start()


def _run_queued_and_close() -> None:
    try:
        imports_run_queued()
    finally:
        connection.close()


def imports_run_queued() -> int:
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
    except _TimeLimit:
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
        for _rows_checked in _batches(_rows(batch), run):
            ImportBatch.objects.filter(pk=batch.pk).update(rows_checked=run.total_rows)
    except DomainError as exc:
        run.reject(0, exc.fields or {"file": [str(exc.message)]})


def _write_rows(batch: ImportBatch, run: ImportRun) -> None:
    run.total_rows = 0
    try:
        with transaction.atomic():
            for rows in _batches(_rows(batch), run):
                run.write_batch(rows)
            if run.errors:
                raise _ImportFailed
    except _ImportFailed:
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
