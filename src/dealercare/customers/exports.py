"""The customer list as a file (CSV/XLSX), in the import's columns."""

from collections.abc import Iterator
from datetime import date

from django.db import transaction

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.roles import Action, require
from dealercare.customers.imports import CUSTOMER_KEYS, VEHICLE_KEYS
from dealercare.customers.selectors import CustomerFilters, customer_list
from dealercare.customers.spreadsheets import COLUMNS


@transaction.atomic
def customer_export(*, actor, filters: CustomerFilters, file_format: str) -> Iterator[list]:
    """Record who exported what, then hand back the rows to stream."""
    require(actor, Action.CUSTOMER_EXPORT)
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=AuditEvent(
            action="customer.export",
            object_type="export",
            object_id=None,
            label=file_format,
            changes={"filters": [None, _filters_for_log(filters)]},
        ),
    )
    return _export_rows(actor, filters)


def _filters_for_log(filters: CustomerFilters) -> dict:
    # The search box may hold a mobile number: log that a search was used, not what it was.
    return {k: "…" if k == "q" else str(v) for k, v in vars(filters).items() if v}


def _export_rows(actor, filters: CustomerFilters) -> Iterator[list]:
    """One row per vehicle (a customer without a car gets one row), in the import's columns."""
    customers = customer_list(actor=actor, filters=filters).prefetch_related("vehicles")
    for customer in customers.iterator(chunk_size=2000):
        base = {k: getattr(customer, k) for k in CUSTOMER_KEYS}
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
