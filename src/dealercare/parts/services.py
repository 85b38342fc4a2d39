"""Every write to the parts store: one function per business action, one transaction each.

Stock (``Part.on_hand``) changes only here, and only by one conditional UPDATE per
movement (``on_hand = on_hand + change WHERE on_hand >= -change``): two clerks issuing the
last unit at once both reach the UPDATE, the database lets one through and the other's
WHERE no longer matches, so stock never goes below zero and nobody waits on a read lock.
The movement row carries the stock the UPDATE left (``on_hand_after``).

``stock_issue`` and ``stock_return`` are what repair-order part lines call (service app).
"""

import calendar
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import (
    BusinessRuleViolation,
    Conflict,
    NotFound,
    StaleVersion,
)
from dealercare.core.roles import Action, require
from dealercare.parts.events import PartAuditObject, PartEvent
from dealercare.parts.models import Part, StockMovement, Supplier
from dealercare.parts.selectors import supplier_named

MAX_QUANTITY = 100_000
MAX_PRICE = Decimal("99999999.99")
MAX_WARRANTY_MONTHS = 120
MAX_WARRANTY_KM = 1_000_000
CENT = Decimal("0.01")


class InsufficientStock(BusinessRuleViolation):
    code = "insufficient_stock"
    default_message = _("Not enough stock.")

    def __init__(self, part: Part, *, on_hand: int, wanted: int):
        self.on_hand = on_hand
        message = _("Not enough of %(part)s in stock: %(on_hand)s on hand, %(wanted)s wanted.") % {
            "part": str(part),
            "on_hand": on_hand,
            "wanted": wanted,
        }
        super().__init__(message, fields={"quantity": [message]})

    def as_dict(self) -> dict:
        return super().as_dict() | {"on_hand": self.on_hand}


class DuplicatePart(Conflict):
    code = "duplicate_part"
    default_message = _("A part with this number is already in the catalogue.")

    def __init__(self):
        super().__init__(fields={"part_number": [self.default_message]})


class DuplicateSupplier(Conflict):
    code = "duplicate_supplier"
    default_message = _("A supplier with this name is already on file.")

    def __init__(self):
        super().__init__(fields={"name": [self.default_message]})


# --- checks -------------------------------------------------------------------------------


def _quantity(value, *, allow_zero=False, allow_negative=False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("Enter a whole number."), code="invalid_quantity")
    low = -MAX_QUANTITY if allow_negative else 0 if allow_zero else 1
    if not low <= value <= MAX_QUANTITY or (allow_negative and value == 0):
        if allow_negative:
            message = _("Enter a change other than zero, at most %(max)s either way.")
        elif allow_zero:
            message = _("Enter a quantity from 0 to %(max)s.")
        else:
            message = _("Enter a quantity from 1 to %(max)s.")
        raise ValidationError(message % {"max": MAX_QUANTITY}, code="invalid_quantity")
    return value


def _money(value, *, required=True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError(_("This field is required."), code="required")
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("Enter an amount in yuan."), code="invalid_money") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_PRICE:
        raise ValidationError(
            _("Enter an amount from 0 to %(max)s.") % {"max": MAX_PRICE}, code="invalid_money"
        )
    if amount != amount.quantize(CENT):
        raise ValidationError(_("At most two decimal places (fen)."), code="invalid_money")
    return amount.quantize(CENT)


def _bounded(value, *, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise ValidationError(
            _("Enter a whole number from 0 to %(max)s.") % {"max": high}, code="out_of_range"
        )
    return value


def _same_dealer(actor, obj) -> None:
    """An object handed in by a caller must belong to the actor's dealer."""
    if obj is not None and obj.dealer_id != actor.dealer_id:
        raise NotFound()


# --- suppliers ----------------------------------------------------------------------------


@dataclass
class SupplierInput:
    name: str
    contact: str = ""
    phone: str = ""


SUPPLIER_FIELDS = tuple(f.name for f in fields(SupplierInput))


def supplier_clean(data: SupplierInput) -> dict:
    errors = FieldErrors()
    clean = {}
    checks = {
        "name": lambda v: clean_text(v, max_length=100, required=True),
        "contact": lambda v: clean_text(v, max_length=100),
        "phone": lambda v: clean_text(v, max_length=20),
    }
    clean.update(errors.check_fields(checks, data))
    errors.raise_if_any()
    return clean


def _supplier_event(action, supplier: Supplier, changes: dict) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=PartAuditObject.SUPPLIER,
        object_id=supplier.pk,
        label=supplier.name,
        changes=changes,
    )


def _supplier_snapshot(supplier: Supplier) -> dict:
    return {name: getattr(supplier, name) for name in SUPPLIER_FIELDS}


def _refuse_duplicate_supplier(supplier: Supplier) -> None:
    others = Supplier.objects.filter(dealer_id=supplier.dealer_id, name=supplier.name)
    if others.exclude(pk=supplier.pk).exists():
        raise DuplicateSupplier()


@transaction.atomic
def supplier_create(*, actor, data: SupplierInput) -> Supplier:
    require(actor, Action.PART_MANAGE)
    supplier = Supplier(dealer_id=actor.dealer_id, **supplier_clean(data))
    _refuse_duplicate_supplier(supplier)
    supplier.save()
    changes = changes_between({}, _supplier_snapshot(supplier))
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_supplier_event(PartEvent.SUPPLIER_CREATE, supplier, changes),
    )
    return supplier


@transaction.atomic
def supplier_update(*, actor, supplier: Supplier, changes: dict, version: int) -> Supplier:
    """Change the fields named in ``changes`` (fields of ``SupplierInput``)."""
    require(actor, Action.PART_MANAGE)
    _same_dealer(actor, supplier)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if supplier.version != version:
        raise StaleVersion()
    before = _supplier_snapshot(supplier)
    clean = supplier_clean(SupplierInput(**before | changes))
    for name, value in clean.items():
        setattr(supplier, name, value)
    _refuse_duplicate_supplier(supplier)
    supplier.version += 1
    supplier.save()
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_supplier_event(
            PartEvent.SUPPLIER_UPDATE,
            supplier,
            changes_between(before, _supplier_snapshot(supplier)),
        ),
    )
    return supplier


# --- the catalogue ------------------------------------------------------------------------


@dataclass
class PartInput:
    part_number: str
    name: str
    source: str
    unit_price: Decimal
    supplier_id: int | None = None
    unit: str = "件"
    warranty_months: int = 12
    warranty_km: int = 30000
    reorder_point: int = 0
    reorder_quantity: int = 0
    location: str = ""
    active: bool = True


PART_FIELDS = tuple(f.name for f in fields(PartInput))


def part_clean(data: PartInput) -> dict:
    """Validate every field and return the cleaned values; refuse with all errors at once."""
    errors = FieldErrors()
    clean: dict = {}
    checks = {
        "part_number": lambda v: clean_text(v, max_length=40, required=True).upper(),
        "name": lambda v: clean_text(v, max_length=100, required=True),
        "source": lambda v: clean_choice(v, Part.Source.choices, required=True),
        "unit_price": _money,
        "supplier_id": lambda v: v,
        "unit": lambda v: clean_text(v, max_length=10, required=True),
        "warranty_months": lambda v: _bounded(v, high=MAX_WARRANTY_MONTHS),
        "warranty_km": lambda v: _bounded(v, high=MAX_WARRANTY_KM),
        "reorder_point": lambda v: _bounded(v, high=MAX_QUANTITY),
        "reorder_quantity": lambda v: _bounded(v, high=MAX_QUANTITY),
        "location": lambda v: clean_text(v, max_length=20),
        "active": bool,
    }
    clean.update(errors.check_fields(checks, data))
    errors.raise_if_any()
    return clean


def _part_snapshot(part: Part) -> dict:
    return {name: getattr(part, name) for name in PART_FIELDS}


def _part_event(action, part: Part, changes: dict) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=PartAuditObject.PART,
        object_id=part.pk,
        label=part.part_number,  # the name can be long; it is in the changes
        changes=changes,
    )


def _refuse_duplicate_part(part: Part) -> None:
    others = Part.objects.filter(dealer_id=part.dealer_id, part_number=part.part_number)
    if others.exclude(pk=part.pk).exists():
        raise DuplicatePart()


@transaction.atomic
def part_create(*, actor, data: PartInput) -> Part:
    """Add a part to the catalogue, with no stock: stock comes in by a receipt."""
    require(actor, Action.PART_MANAGE)
    clean = part_clean(data)
    clean["supplier"] = supplier_named(actor=actor, supplier_id=clean.pop("supplier_id"))
    part = Part(dealer_id=actor.dealer_id, **clean)
    _refuse_duplicate_part(part)
    part.save()
    changes = changes_between({}, _part_snapshot(part))
    audit_record(
        actor=actor, dealer=actor.dealer, event=_part_event(PartEvent.CREATE, part, changes)
    )
    return part


@transaction.atomic
def part_update(*, actor, part: Part, changes: dict, version: int) -> Part:
    """Change the catalogue fields named in ``changes`` (fields of ``PartInput``); the stock
    is not among them (it moves only by a movement) and does not make a version stale."""
    require(actor, Action.PART_MANAGE)
    _same_dealer(actor, part)
    part = Part.objects.select_for_update().get(pk=part.pk)
    if part.version != version:
        raise StaleVersion()
    before = _part_snapshot(part)
    clean = part_clean(PartInput(**before | changes))
    clean["supplier"] = supplier_named(actor=actor, supplier_id=clean.pop("supplier_id"))
    for name, value in clean.items():
        setattr(part, name, value)
    _refuse_duplicate_part(part)
    part.version += 1
    part.save()
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_part_event(PartEvent.UPDATE, part, changes_between(before, _part_snapshot(part))),
    )
    return part


# --- stock movements ----------------------------------------------------------------------


def _change_stock(part: Part, change: int) -> int | None:
    """Add ``change`` to the part's stock in one conditional UPDATE (which also holds the
    row until the transaction ends); the new stock, or None when it would go below zero."""
    rows = Part.objects.filter(pk=part.pk)
    if change < 0:
        rows = rows.filter(on_hand__gte=-change)
    if not rows.update(on_hand=F("on_hand") + change, updated_at=timezone.now()):
        return None
    on_hand = Part.objects.values_list("on_hand", flat=True).get(pk=part.pk)
    part.on_hand = on_hand
    return on_hand


def _on_hand(part: Part) -> int:
    return Part.objects.values_list("on_hand", flat=True).get(pk=part.pk)


def _record(actor, part: Part, event: PartEvent, *, on_hand_after: int, **values):
    movement = StockMovement.objects.create(
        dealer_id=part.dealer_id,
        part=part,
        on_hand_after=on_hand_after,
        recorded_by=actor,
        **values,
    )
    change = values["quantity"]
    audit_changes = {"on_hand": [on_hand_after - change, on_hand_after]}
    if values.get("rejected_quantity"):
        audit_changes["rejected_quantity"] = [None, values["rejected_quantity"]]
    if values.get("reason"):
        audit_changes["reason"] = [None, values["reason"]]
    audit_record(actor=actor, dealer=actor.dealer, event=_part_event(event, part, audit_changes))
    return movement


def _texts(errors: FieldErrors, **values) -> dict:
    """Reference (40) and reason (200) as plain one-line text."""
    limits = {"reference": 40, "reason": 200}
    clean = {}
    for name, value in values.items():
        with errors.field(name):
            clean[name] = clean_text(value, max_length=limits[name])
    return clean


@transaction.atomic
def stock_receive(
    *,
    actor,
    part: Part,
    delivered_quantity: int,
    rejected_quantity: int = 0,
    unit_cost: Decimal | None = None,
    supplier: Supplier | None = None,
    reference: str = "",
    reason: str = "",
) -> StockMovement:
    """A delivery after its incoming inspection: what was rejected is recorded and never
    enters stock (rejecting the whole delivery stocks nothing, and is still recorded)."""
    require(actor, Action.STOCK_MOVE)
    _same_dealer(actor, part)
    _same_dealer(actor, supplier)
    errors = FieldErrors()
    with errors.field("delivered_quantity"):
        delivered_quantity = _quantity(delivered_quantity)
    with errors.field("rejected_quantity"):
        rejected_quantity = _quantity(rejected_quantity, allow_zero=True)
        if isinstance(delivered_quantity, int) and rejected_quantity > delivered_quantity:
            raise ValidationError(_("Cannot reject more than was delivered."))
    with errors.field("unit_cost"):
        unit_cost = _money(unit_cost, required=False)
    texts = _texts(errors, reference=reference, reason=reason)
    errors.raise_if_any()
    accepted = delivered_quantity - rejected_quantity
    on_hand = _change_stock(part, accepted)
    return _record(
        actor,
        part,
        PartEvent.RECEIPT,
        on_hand_after=on_hand,
        kind=StockMovement.Kind.RECEIPT,
        quantity=accepted,
        delivered_quantity=delivered_quantity,
        rejected_quantity=rejected_quantity,
        unit_cost=unit_cost,
        supplier=supplier or part.supplier,
        **texts,
    )


@transaction.atomic
def stock_issue(
    *, actor, part: Part, quantity: int, repair_order_line_id: int | None = None, reference=""
) -> StockMovement:
    """Take parts out of stock (to a repair-order line); refused with ``insufficient_stock``
    (409) when fewer are on hand."""
    require(actor, Action.STOCK_MOVE)
    _same_dealer(actor, part)
    errors = FieldErrors()
    with errors.field("quantity"):
        quantity = _quantity(quantity)
    texts = _texts(errors, reference=reference)
    errors.raise_if_any()
    on_hand = _change_stock(part, -quantity)
    if on_hand is None:
        raise InsufficientStock(part, on_hand=_on_hand(part), wanted=quantity)
    return _record(
        actor,
        part,
        PartEvent.ISSUE,
        on_hand_after=on_hand,
        kind=StockMovement.Kind.ISSUE,
        quantity=-quantity,
        repair_order_line_id=repair_order_line_id,
        **texts,
    )


@transaction.atomic
def stock_return(
    *,
    actor,
    part: Part,
    quantity: int,
    repair_order_line_id: int | None = None,
    reference: str = "",
    reason: str,
) -> StockMovement:
    """Put issued parts back into stock (not fitted, or the line was removed)."""
    require(actor, Action.STOCK_MOVE)
    _same_dealer(actor, part)
    errors = FieldErrors()
    with errors.field("quantity"):
        quantity = _quantity(quantity)
    texts = _texts(errors, reference=reference, reason=reason)
    errors.raise_if_any()
    on_hand = _change_stock(part, quantity)
    return _record(
        actor,
        part,
        PartEvent.RETURN,
        on_hand_after=on_hand,
        kind=StockMovement.Kind.RETURN,
        quantity=quantity,
        repair_order_line_id=repair_order_line_id,
        **texts,
    )


@transaction.atomic
def stock_adjust(*, actor, part: Part, quantity_change: int, reason: str) -> StockMovement:
    """Correct the stock after a count (damaged, lost, found); the reason is required and
    the stock cannot go below zero."""
    require(actor, Action.STOCK_MOVE)
    _same_dealer(actor, part)
    errors = FieldErrors()
    with errors.field("quantity_change"):
        quantity_change = _quantity(quantity_change, allow_negative=True)
    with errors.field("reason"):
        reason = clean_text(reason, max_length=200, required=True)
    errors.raise_if_any()
    on_hand = _change_stock(part, quantity_change)
    if on_hand is None:
        raise InsufficientStock(part, on_hand=_on_hand(part), wanted=-quantity_change)
    return _record(
        actor,
        part,
        PartEvent.ADJUSTMENT,
        on_hand_after=on_hand,
        kind=StockMovement.Kind.ADJUSTMENT,
        quantity=quantity_change,
        reason=reason,
    )


# --- warranty on fitted parts (R-PRT-3) -----------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def fitted_part_warranty(
    part: Part, fitted_on: date, km: int | None
) -> tuple[date | None, int | None]:
    """How long a part fitted on ``fitted_on`` at ``km`` is under warranty: (until the
    day, until the odometer reading), whichever comes first. ``None`` where the part has no
    such limit (0 months or 0 km) or the reading is not known; (None, None): no warranty."""
    until = add_months(fitted_on, part.warranty_months) if part.warranty_months else None
    until_km = km + part.warranty_km if part.warranty_km and km is not None else None
    return until, until_km
