"""The customer list as a file (CSV/XLSX), in the import's columns."""

from collections.abc import Iterator
from datetime import date

from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils.cache import add_never_cache_headers

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.cleaning import FieldErrors, clean_text
from dealercare.core.downloads import XLSX_TYPE, as_attachment
from dealercare.core.roles import Action, require
from dealercare.customers.imports import CUSTOMER_KEYS, VEHICLE_KEYS
from dealercare.customers.selectors import CustomerFilters, customer_list
from dealercare.customers.services import AUDIT_MASKS, PERSONAL_FIELDS
from dealercare.customers.spreadsheets import COLUMNS, csv_stream, xlsx_stream
from dealercare.vehicles.models import Vehicle


def customer_export_response(
    *, actor, filters: CustomerFilters, file_format: str, clear: bool = False, reason: str = ""
) -> StreamingHttpResponse:
    """The export as a streamed download, for the page and the API alike."""
    file_format = "csv" if file_format == "csv" else "xlsx"
    rows = customer_export(
        actor=actor, filters=filters, file_format=file_format, clear=clear, reason=reason
    )
    if file_format == "csv":
        response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(xlsx_stream(rows), content_type=XLSX_TYPE)
    add_never_cache_headers(response)  # personal data: no copy in any cache
    return as_attachment(response, f"customers.{file_format}")


# Masked by default: a bulk file leaves the system and its audit trail behind.
EXPORT_MASKS = {name: AUDIT_MASKS[name] for name in (*PERSONAL_FIELDS, "birthday")}


@transaction.atomic
def customer_export(
    *, actor, filters: CustomerFilters, file_format: str, clear: bool = False, reason: str = ""
) -> Iterator[list]:
    """Record who exported what (the filter, the row count, clear or masked and why), then
    hand back the rows to stream. Personal values are masked unless the role may export
    them in clear and gives a reason."""
    require(actor, Action.CUSTOMER_EXPORT)
    changes = {"filters": [None, _filters_for_log(filters)]}
    if clear:
        require(actor, Action.CUSTOMER_EXPORT_CLEAR)
        errors = FieldErrors()
        with errors.field("reason"):
            reason = clean_text(reason, max_length=200, required=True)
        errors.raise_if_any()
        changes["reason"] = [None, reason]
    customers = customer_list(actor=actor, filters=filters)
    changes["rows"] = [None, _row_count(customers)]
    changes["values"] = [None, "clear" if clear else "masked"]
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=AuditEvent(
            action="customer.export",
            object_type="export",
            object_id=None,
            label=file_format,
            changes=changes,
        ),
    )
    return _export_rows(customers, masks={} if clear else EXPORT_MASKS)


def _row_count(customers) -> int:
    """The file's rows: one per vehicle, one for each customer without a vehicle."""
    vehicles = Vehicle.objects.filter(owner__in=customers.values("pk")).count()
    return vehicles + customers.filter(vehicles=None).count()


def _filters_for_log(filters: CustomerFilters) -> dict:
    # The search box may hold a mobile number: log that a search was used, not what it was.
    return {k: "…" if k == "q" else str(v) for k, v in vars(filters).items() if v}


def _export_rows(customers, masks: dict) -> Iterator[list]:
    """One row per vehicle (a customer without a car gets one row), in the import's columns."""
    for customer in customers.prefetch_related("vehicles").iterator(chunk_size=2000):
        base = {k: getattr(customer, k) for k in CUSTOMER_KEYS}
        base |= {k: mask(base[k]) for k, mask in masks.items()}
        base |= {
            "gender": customer.gender,
            "grade": customer.grade,
            "tags": ";".join(customer.tag_list),
            "source": customer.source,
            "preferred_channel": customer.preferred_channel,
        }
        for vehicle in list(customer.vehicles.all()) or [None]:
            values = base | (
                {k: getattr(vehicle, k) for k in (*VEHICLE_KEYS, "current_km")} if vehicle else {}
            )
            yield [_export_cell(values.get(key)) for key, _zh in COLUMNS]


def _export_cell(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value
