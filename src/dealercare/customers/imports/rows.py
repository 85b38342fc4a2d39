"""An import file's rows into the archive: each row cleaned by the forms' rules, rows of
one mobile folded into one customer (and reported), duplicates refused, then written in
bulk."""

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record_many
from dealercare.core.crypto import id_number_index
from dealercare.core.errors import DomainError
from dealercare.core.masking import mask_name
from dealercare.customers.events import CustomerAuditObject, CustomerEvent, customer_subject
from dealercare.customers.models import Customer, Tag
from dealercare.customers.services import (
    CustomerInput,
    apply_profile,
    customer_clean,
    customers_changed,
    phone_index,
)
from dealercare.customers.spreadsheets import SheetRow
from dealercare.vehicles.models import MileageReading, Ownership, Vehicle
from dealercare.vehicles.services import (
    VEHICLE_FIELDS,
    VehicleInput,
    vehicle_clean,
    vehicles_changed,
    vehicles_plan_imported,
)

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
            raise TimeLimitReached

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
        vehicles_plan_imported(
            vehicles, brand_id=self.actor.dealer.brand_id, read_on=timezone.localdate()
        )
        Vehicle.objects.bulk_create(vehicles)
        self._histories(vehicles)
        vehicles_changed([v.pk for v in vehicles])
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
            customers_changed([c.pk for c in created])
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
        action=CustomerEvent.IMPORT,
        object_type=CustomerAuditObject.CUSTOMER,
        object_id=customer.pk,
        label=mask_name(customer.name),
        customer_id=customer.pk,
        subject=customer_subject(customer.pk),
    )


class ImportFailed(Exception):
    pass


class TimeLimitReached(Exception):
    pass


def clean_batches(rows: Iterator[SheetRow], run: ImportRun) -> Iterator[list[CleanRow]]:
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
