"""Every write to a repair order (维修工单, R-SVC-3): open, lines, approval, moves.

One business action = one transaction, with its audit entry. The order's entries carry the
customer's id (the customer's timeline) and are about the order, which belongs to one
vehicle (the vehicle's timeline reads them through ``vehicle_timeline``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import (
    BusinessRuleViolation,
    InvalidInput,
    InvalidTransition,
    NotFound,
    StaleVersion,
)
from dealercare.core.roles import Action, allows, require
from dealercare.core.workflow import workflow_move
from dealercare.customers.services import customer_lock_writable
from dealercare.parts.models import Part
from dealercare.parts.services import fitted_part_warranty, stock_issue, stock_return
from dealercare.service.events import ServiceAuditObject, ServiceEvent
from dealercare.service.models import (
    RepairOrder,
    RepairOrderApproval,
    RepairOrderLine,
    RepairOrderSequence,
    ServiceOperation,
)
from dealercare.service.selectors.catalogue import service_settings_get
from dealercare.service.services.catalogue import MAX_RATE, clean_decimal, required
from dealercare.service.workflow import REPAIR_ORDER_FLOW
from dealercare.vehicles.models import Vehicle
from dealercare.vehicles.services import MAX_ODOMETER_KM

Status = RepairOrder.Status
Line = RepairOrderLine
FEN = Decimal("0.01")
MAX_QUANTITY = Decimal("9999.99")
MAX_SIGNATURE = 200_000  # a drawn signature as a data: URL (PNG, base64)
# Lines may be added, changed and removed until the work is finished.
LINES_OPEN = (Status.OPEN, Status.APPROVED, Status.IN_PROGRESS)
DONE = (Status.DELIVERED, Status.CLOSED, Status.CANCELLED)
EARLIEST_PROMISE, LATEST_PROMISE = datetime(2000, 1, 1), datetime(2099, 12, 31)


class OrderError(models.TextChoices):
    """The order's own refusals (codes clients and tests match on)."""

    NO_OWNER = (
        "vehicle_without_owner",
        _("The vehicle has no owner on file: record the owner first."),
    )
    LINES_CLOSED = "lines_closed", _("Lines can no longer be changed on this order.")
    LINE_APPROVED = (
        "line_approved",
        _("The customer approved this line: it can no longer be changed or removed."),
    )
    PARTS_ISSUED = "parts_issued", _("Parts were issued to this order: return them first.")
    NOTHING_TO_APPROVE = "nothing_to_approve", _("There is nothing waiting for approval.")
    ADDED_WORK_UNAPPROVED = (
        "added_work_unapproved",
        _("Work was added after the approval: the customer must approve it first."),
    )
    APPROVE_WITH_RECORD = (
        "approval_required",
        _("Record the customer's approval (who and how) to approve the order."),
    )
    NOT_UNDER_WARRANTY = "not_under_warranty", _("This part is no longer under warranty.")
    NOT_APPROVED_YET = (
        "not_approved_yet",
        _("The customer has not approved this work yet: no parts for it."),
    )
    ORDER_DONE = "order_done", _("This order is finished and can no longer be changed.")
    INSPECT_WITH_RECORD = (
        "inspection_required",
        _("Record the quality inspection (checks, road test, result) to pass or rework the order."),
    )
    DELIVER_WITH_RECORD = (
        "delivery_required",
        _("Record the hand-over (who collected the car, payment, invoice) to deliver the order."),
    )


def refuse(error: OrderError, **kwargs) -> BusinessRuleViolation:
    return BusinessRuleViolation(error.label, code=error.value, **kwargs)


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(FEN, rounding=ROUND_HALF_UP)


# --- Numbers -------------------------------------------------------------------------------


def repair_order_number_next(*, dealer, year: int | None = None) -> str:
    """The dealer's next order number of the year, ``SH01-2026-000123``. The conditional
    UPDATE takes the number and holds the row's lock until the caller's transaction ends,
    so no two orders share one; the year's row is created on first use, and of two
    creators the loser (unique constraint, in its own savepoint) takes the next number."""
    year = year or timezone.localdate().year
    sequences = RepairOrderSequence.objects.filter(dealer_id=dealer.pk, year=year)
    for _attempt in range(3):
        if sequences.update(last=F("last") + 1):
            last = sequences.values_list("last", flat=True).get()
            return f"{dealer.code.upper()}-{year}-{last:06d}"
        try:
            with transaction.atomic():
                RepairOrderSequence.objects.create(dealer_id=dealer.pk, year=year, last=1)
            return f"{dealer.code.upper()}-{year}-{1:06d}"
        except IntegrityError:
            continue
    raise RuntimeError("repair-order sequence row could not be created")


# --- Events --------------------------------------------------------------------------------


def _event(action, order: RepairOrder, changes: dict | None = None) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=ServiceAuditObject.REPAIR_ORDER,
        object_id=order.pk,
        label=order.number,
        customer_id=order.customer_id,
        changes=changes,
    )


def _record(actor, order: RepairOrder, action, changes: dict | None = None) -> None:
    audit_record(actor=actor, dealer=order.dealer, event=_event(action, order, changes))


# --- Comebacks (R-SVC-8) -------------------------------------------------------------------

DTC = re.compile(r"\b[PBCU][0-9A-F]{4}\b")
LATIN_WORD = re.compile(r"[a-z0-9]{3,}")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Words in nearly every description: they say nothing about which fault it is.
COMMON_WORDS = frozenset(
    {"客户", "要求", "检查", "车辆", "需要", "反映", "出现", "有时", "时候", "一下", "问题"}
)
MATCHING_SHARE = 0.4
MATCHING_CATEGORIES = (ServiceOperation.Category.REPAIR,)


def fault_terms(text: str) -> set[str]:
    """What a fault description is about: its DTC codes, its Latin words (3+ letters) and
    the pairs of adjacent Chinese characters (Chinese has no spaces between words)."""
    text = (text or "").upper()
    terms = set(DTC.findall(text))
    terms |= set(LATIN_WORD.findall(DTC.sub(" ", text).lower()))
    for word in COMMON_WORDS:
        text = text.replace(word, " ")
    for run in CJK_RUN.findall(text):
        terms |= {run[i : i + 2] for i in range(len(run) - 1)}
    return terms


def faults_match(first: str, second: str) -> bool:
    """Two descriptions name the same fault when they share a DTC code, or when at least
    two of their terms are shared and the shared terms are 40 % or more of all of them
    (Dice coefficient): 刹车异响 / 刹车有异响 match, 空调不制冷 / 左前门异响 do not."""
    a, b = fault_terms(first), fault_terms(second)
    if {t for t in a & b if DTC.fullmatch(t)}:
        return True
    shared = len(a & b)
    return shared >= 2 and 2 * shared / (len(a) + len(b)) >= MATCHING_SHARE


def _repair_operations(order_ids) -> dict[int, set[int]]:
    lines = RepairOrderLine.objects.filter(
        order_id__in=order_ids,
        kind=Line.Kind.LABOUR,
        operation__category__in=MATCHING_CATEGORIES,
    ).values_list("order_id", "operation_id")
    found: dict[int, set[int]] = {}
    for order_id, operation_id in lines:
        found.setdefault(order_id, set()).add(operation_id)
    return found


def _comeback_check(actor, order: RepairOrder) -> None:
    """Flag the order as a comeback (R-SVC-8) when the same vehicle was delivered within
    the dealer's comeback window with a matching fault: the same repair operation of the
    catalogue on both orders, or fault descriptions that match (:func:`faults_match`).
    The comeback points at the first order of the chain."""
    if order.comeback_of_id or order.status in DONE:
        return
    days = service_settings_get(dealer=order.dealer_id).comeback_days
    since = timezone.now() - timedelta(days=days)
    earlier = list(
        RepairOrder.objects.filter(
            dealer_id=order.dealer_id,
            vehicle_id=order.vehicle_id,
            status__in=(Status.DELIVERED, Status.CLOSED),
        )
        .exclude(pk=order.pk)
        .annotate(back_on=Coalesce("delivered_at", "closed_at", "updated_at"))
        .filter(back_on__gte=since)
        .order_by("back_on", "id")
    )
    if not earlier:
        return
    operations = _repair_operations([order.pk, *(o.pk for o in earlier)])
    own = operations.get(order.pk, set())
    for candidate in earlier:
        if own & operations.get(candidate.pk, set()) or faults_match(
            order.fault_description, candidate.fault_description
        ):
            first = candidate.comeback_of or candidate
            RepairOrder.objects.filter(pk=order.pk).update(comeback_of=first)
            order.comeback_of = first
            _record(actor, order, ServiceEvent.COMEBACK, {"comeback_of": ["", first.number]})
            return


# --- Open and change -----------------------------------------------------------------------


def _clean_km(value, vehicle: Vehicle) -> int | None:
    if value in (None, ""):
        return None
    try:
        km = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number of km."), code="invalid") from None
    if not 0 <= km <= MAX_ODOMETER_KM:
        raise ValidationError(
            _("Odometer must be between 0 and %(max)s km.") % {"max": f"{MAX_ODOMETER_KM:,}"},
            code="invalid_km",
        )
    if vehicle.current_km is not None and km < vehicle.current_km:
        raise ValidationError(
            _("The odometer cannot go backwards: %(km)s km is lower than the %(last)s km on file.")
            % {"km": km, "last": vehicle.current_km},
            code="lower_than_before",
        )
    return km


def _clean_promised(value) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, datetime):
        raise ValidationError(_("Enter a date and time."), code="invalid")
    if not EARLIEST_PROMISE <= value.replace(tzinfo=None) <= LATEST_PROMISE:
        raise ValidationError(_("Enter a date between 2000 and 2099."), code="out_of_range")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _clean_technician(actor, value):
    if value in (None, ""):
        return None
    technician_id = getattr(value, "pk", value)
    technician = (
        get_user_model()
        .objects.filter(pk=technician_id, dealer_id=actor.dealer_id, is_active=True)
        .first()
    )
    if technician is None or not allows(technician, Action.REPAIR_ORDER_WORK):
        raise ValidationError(_("Choose a technician of this workshop."), code="invalid")
    return technician


def _order_clean(actor, vehicle: Vehicle, values: dict) -> dict:
    errors = FieldErrors()
    clean = {}
    checks: dict[str, Callable] = {
        "fault_description": lambda v: clean_text(v, max_length=2000, multiline=True),
        "km_in": lambda v: _clean_km(v, vehicle),
        "promised_at": _clean_promised,
        "technician": lambda v: _clean_technician(actor, v),
    }
    for name, value in values.items():
        with errors.field(name):
            clean[name] = checks[name](value)
    errors.raise_if_any()
    return clean


@transaction.atomic
def repair_order_open(
    *,
    actor,
    vehicle: Vehicle,
    fault_description: str = "",
    km_in: int | None = None,
    promised_at: datetime | None = None,
    technician=None,
) -> RepairOrder:
    """Open a repair order for a vehicle of the actor's dealer, for its owner, with the
    next number; flagged as a comeback when it is one."""
    require(actor, Action.REPAIR_ORDER_WRITE)
    if vehicle.dealer_id != actor.dealer_id:
        raise NotFound()
    vehicle = Vehicle.objects.get(pk=vehicle.pk)
    if vehicle.owner_id is None:
        raise refuse(OrderError.NO_OWNER, fields={"vehicle": [OrderError.NO_OWNER.label]})
    customer = customer_lock_writable(vehicle.owner, field="vehicle")
    clean = _order_clean(
        actor,
        vehicle,
        {
            "fault_description": fault_description,
            "km_in": km_in,
            "promised_at": promised_at,
            "technician": technician,
        },
    )
    order = RepairOrder.objects.create(
        dealer_id=actor.dealer_id,
        number=repair_order_number_next(dealer=actor.dealer),
        customer=customer,
        vehicle=vehicle,
        advisor=actor,
        **clean,
    )
    changes = changes_between(
        {},
        {
            "number": order.number,
            "vehicle": str(vehicle),
            "km_in": order.km_in,
            "promised_at": order.promised_at,
        },
    )
    _record(actor, order, ServiceEvent.ORDER_OPEN, changes)
    _comeback_check(actor, order)
    return order


def _lock(order: RepairOrder, expected_version: int | None = None) -> RepairOrder:
    locked = (
        RepairOrder.objects.select_for_update(of=("self",))
        .select_related("dealer", "vehicle")
        .filter(pk=order.pk, dealer_id=order.dealer_id)
        .first()
    )
    if locked is None:
        raise NotFound()
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion()
    return locked


ORDER_FIELDS = ("fault_description", "km_in", "promised_at", "technician")


@transaction.atomic
def repair_order_update(*, actor, order: RepairOrder, changes: dict, version: int) -> RepairOrder:
    """Change the fields named in ``changes`` (fault description, km at reception, promised
    time, technician) of an order not yet delivered or cancelled."""
    require(actor, Action.REPAIR_ORDER_WRITE)
    order = _lock(order, version)
    if order.status in DONE:
        raise refuse(OrderError.ORDER_DONE)
    clean = _order_clean(
        actor, order.vehicle, {k: v for k, v in changes.items() if k in ORDER_FIELDS}
    )
    before = {name: getattr(order, name) for name in ORDER_FIELDS}
    for name, value in clean.items():
        setattr(order, name, value)
    order.version += 1
    order.save()
    after = {name: getattr(order, name) for name in ORDER_FIELDS}
    _record(actor, order, ServiceEvent.ORDER_UPDATE, changes_between(before, after))
    if "fault_description" in clean:
        _comeback_check(actor, order)
    return order


# --- Lines and totals ----------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    labour_total: Decimal
    parts_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    customer_total: Decimal


def totals_for(*, labour: Decimal, parts: Decimal, customer: Decimal, tax_rate: Decimal) -> Totals:
    """VAT on the order's net amount, and on the customer's share of it, each rounded half
    up to the fen. Only customer-pay lines are the customer's to pay; warranty, insurance
    and internal lines are billed elsewhere."""
    labour, parts, customer = money(labour), money(parts), money(customer)
    tax = money((labour + parts) * tax_rate)
    return Totals(
        labour_total=labour,
        parts_total=parts,
        tax_total=tax,
        grand_total=labour + parts + tax,
        customer_total=customer + money(customer * tax_rate),
    )


def _recalculate(order: RepairOrder) -> Totals:
    """The order's totals from its lines, summed by the database (the caller holds the
    order's lock, in the transaction that changed the lines)."""
    zero = Decimal("0")
    sums = RepairOrderLine.objects.filter(order_id=order.pk).aggregate(
        labour=Sum("amount", filter=Q(kind=Line.Kind.LABOUR), default=zero),
        parts=Sum("amount", filter=Q(kind=Line.Kind.PART), default=zero),
        customer=Sum("amount", filter=Q(pay_type=Line.PayType.CUSTOMER), default=zero),
    )
    rate = service_settings_get(dealer=order.dealer_id).tax_rate
    totals = totals_for(**sums, tax_rate=rate)
    for name, value in totals.__dict__.items():
        setattr(order, name, value)
    order.version += 1
    order.save()
    return totals


@dataclass
class LineInput:
    kind: str
    operation_id: int | None = None
    part_id: int | None = None
    description: str = ""
    quantity: Decimal | None = None  # hours for labour, pieces for a part
    unit_price: Decimal | None = None  # rate for labour; None: the catalogue's
    pay_type: str = Line.PayType.CUSTOMER
    technician_id: int | None = None


def _operation(dealer_id, operation_id) -> ServiceOperation:
    if operation_id in (None, ""):
        raise ValidationError(_("Choose an operation from the catalogue."), code="required")
    found = ServiceOperation.objects.filter(pk=operation_id, dealer_id=dealer_id).first()
    if found is None or not found.active:
        raise ValidationError(_("Unknown or inactive operation."), code="invalid")
    return found


def _part(dealer_id, part_id) -> Part:
    if part_id in (None, ""):
        raise ValidationError(_("Choose a part."), code="required")
    found = Part.objects.filter(pk=part_id, dealer_id=dealer_id).first()
    if found is None or not found.active:
        raise ValidationError(_("Unknown or inactive part."), code="invalid")
    return found


def _whole(value: Decimal) -> Decimal:
    if value != value.to_integral_value():
        raise ValidationError(_("Parts are counted in whole pieces."), code="not_whole")
    return value


def line_clean(actor, data: LineInput, *, order: RepairOrder) -> dict:
    """The line's fields, the hours and rate (or quantity and price) taken from the
    catalogue where not given, and its amount."""
    errors = FieldErrors()
    with errors.field("kind"):
        kind = clean_choice(data.kind, Line.Kind.choices, required=True)
    clean: dict = {"kind": kind}
    source = None
    if kind == Line.Kind.LABOUR:
        with errors.field("operation_id"):
            source = clean["operation"] = _operation(order.dealer_id, data.operation_id)
    elif kind == Line.Kind.PART:
        with errors.field("part_id"):
            source = clean["part"] = _part(order.dealer_id, data.part_id)
    with errors.field("description"):
        clean["description"] = clean_text(data.description, max_length=200) or (
            source.name if source else ""
        )
    quantity, price = data.quantity, data.unit_price
    if source is not None:
        if quantity in (None, "") and kind == Line.Kind.LABOUR:
            quantity = source.standard_hours
        if price in (None, ""):
            price = source.labour_rate if kind == Line.Kind.LABOUR else source.unit_price
    # Without its operation or part a line's own error says why; no more on the numbers.
    if source is not None or quantity not in (None, ""):
        with errors.field("quantity"):
            quantity = clean_decimal(required(quantity), low=FEN, high=MAX_QUANTITY)
            clean["quantity"] = _whole(quantity) if kind == Line.Kind.PART else quantity
    if source is not None or price not in (None, ""):
        with errors.field("unit_price"):
            clean["unit_price"] = clean_decimal(required(price), low=Decimal("0"), high=MAX_RATE)
    with errors.field("pay_type"):
        clean["pay_type"] = clean_choice(data.pay_type, Line.PayType.choices, required=True)
    with errors.field("technician_id"):
        clean["technician"] = _clean_technician(actor, data.technician_id)
    errors.raise_if_any()
    clean["amount"] = money(clean["quantity"] * clean["unit_price"])
    return clean


def _line_snapshot(line: RepairOrderLine) -> dict:
    return {
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "amount": line.amount,
        "pay_type": line.pay_type,
        "technician": line.technician_id,
    }


def _lines_writable(order: RepairOrder) -> None:
    if order.status not in LINES_OPEN:
        raise refuse(OrderError.LINES_CLOSED)


def _awaiting_approval(order: RepairOrder) -> bool:
    """Lines written after the estimate was approved wait for their own approval."""
    return order.status != Status.OPEN


@transaction.atomic
def repair_order_line_add(
    *, actor, order: RepairOrder, data: LineInput, expected_version: int | None = None
) -> RepairOrderLine:
    """Add a labour line (an operation of the catalogue: its hours × rate, copied) or a
    part line (quantity × the part's price). Work added after the customer approved the
    estimate is flagged and waits for its own approval before anyone does it."""
    require(actor, Action.REPAIR_ORDER_WRITE)
    order = _lock(order, expected_version)
    _lines_writable(order)
    clean = line_clean(actor, data, order=order)
    line = RepairOrderLine.objects.create(
        dealer_id=order.dealer_id,
        order=order,
        added_after_approval=_awaiting_approval(order),
        **clean,
    )
    _recalculate(order)
    changes = changes_between({}, _line_snapshot(line) | {"kind": line.kind})
    if line.added_after_approval:
        changes["added_after_approval"] = [False, True]
    _record(actor, order, ServiceEvent.LINE_ADD, changes)
    if line.operation_id:
        _comeback_check(actor, order)
    return line


def _line_lock(order: RepairOrder, line_id) -> RepairOrderLine:
    line = (
        RepairOrderLine.objects.select_for_update(of=("self",))
        .select_related("operation", "part")
        .filter(pk=line_id, order_id=order.pk)
        .first()
    )
    if line is None:
        raise NotFound()
    return line


def _line_changeable(order: RepairOrder, line: RepairOrderLine) -> None:
    _lines_writable(order)
    if line.approval_id is not None or (
        order.status != Status.OPEN and not line.added_after_approval
    ):
        raise refuse(OrderError.LINE_APPROVED)


LINE_FIELDS = ("description", "quantity", "unit_price", "pay_type", "technician_id")


@transaction.atomic
def repair_order_line_update(
    *,
    actor,
    order: RepairOrder,
    line_id,
    changes: dict,
    expected_version: int | None = None,
) -> RepairOrderLine:
    """Change a line the customer has not approved yet (its technician at any time while
    the order is worked on); the totals follow in the same transaction."""
    require(actor, Action.REPAIR_ORDER_WRITE)
    order = _lock(order, expected_version)
    line = _line_lock(order, line_id)
    changes = {k: v for k, v in changes.items() if k in LINE_FIELDS}
    if set(changes) - {"technician_id"}:
        _line_changeable(order, line)
    else:
        _lines_writable(order)
    if line.issued_quantity and "quantity" in changes:
        quantity = Decimal(str(changes["quantity"] or 0))
        if quantity < line.issued_quantity:
            raise InvalidInput(fields={"quantity": [OrderError.PARTS_ISSUED.label]})
    values = {
        "kind": line.kind,
        "operation_id": line.operation_id,
        "part_id": line.part_id,
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "pay_type": line.pay_type,
        "technician_id": line.technician_id,
    } | changes
    clean = line_clean(actor, LineInput(**values), order=order)
    before = _line_snapshot(line)
    for name in ("description", "quantity", "unit_price", "pay_type", "technician", "amount"):
        setattr(line, name, clean[name])
    line.save()
    _recalculate(order)
    _record(actor, order, ServiceEvent.LINE_UPDATE, changes_between(before, _line_snapshot(line)))
    return line


@transaction.atomic
def repair_order_line_remove(
    *, actor, order: RepairOrder, line_id, expected_version: int | None = None
) -> None:
    require(actor, Action.REPAIR_ORDER_WRITE)
    order = _lock(order, expected_version)
    line = _line_lock(order, line_id)
    _line_changeable(order, line)
    if line.issued_quantity:
        raise refuse(OrderError.PARTS_ISSUED)
    before = _line_snapshot(line) | {"kind": line.kind}
    line.delete()
    _recalculate(order)
    _record(actor, order, ServiceEvent.LINE_REMOVE, changes_between(before, {}))


def pending_added_lines(order: RepairOrder):
    """Lines added after the approval that the customer has not approved yet: nobody may
    work on them (the workshop's services ask this too)."""
    return RepairOrderLine.objects.filter(
        order_id=order.pk, added_after_approval=True, approval=None
    )


# --- Parts to and from the line (R-PRT-2) ---------------------------------------------------


def _issuable(order: RepairOrder, line: RepairOrderLine) -> None:
    if line.kind != Line.Kind.PART:
        raise InvalidInput(fields={"line_id": [_("Only a part line takes parts from stock.")]})
    if order.status not in (Status.APPROVED, Status.IN_PROGRESS) or line.approval_id is None:
        raise refuse(OrderError.NOT_APPROVED_YET)


def _clean_count(value, *, most: int) -> int:
    errors = FieldErrors()
    with errors.field("quantity"):
        count = int(clean_decimal(required(value), low=Decimal("1"), high=Decimal(most), places=0))
    errors.raise_if_any()
    return count


@transaction.atomic
def repair_order_line_issue(
    *, actor, order: RepairOrder, line_id, quantity: int
) -> RepairOrderLine:
    """Take the line's parts from stock (``parts.services.stock_issue``, refused with
    ``insufficient_stock``), no more than the line holds; the fitted part's warranty runs
    from today and the order's km at reception."""
    require(actor, Action.STOCK_MOVE)
    order = _lock(order)
    line = _line_lock(order, line_id)
    _issuable(order, line)
    left = int(line.quantity) - line.issued_quantity
    if left < 1:
        raise InvalidInput(fields={"quantity": [_("Every part of this line was issued.")]})
    count = _clean_count(quantity, most=left)
    stock_issue(
        actor=actor,
        part=line.part,
        quantity=count,
        repair_order_line_id=line.pk,
        reference=order.number,
    )
    before = {"issued_quantity": line.issued_quantity}
    line.issued_quantity += count
    line.warranty_until, line.warranty_until_km = fitted_part_warranty(
        line.part, timezone.localdate(), order.km_in
    )
    line.save()
    after = {"issued_quantity": line.issued_quantity}
    _record(actor, order, ServiceEvent.LINE_UPDATE, changes_between(before, after))
    return line


@transaction.atomic
def repair_order_line_return(
    *, actor, order: RepairOrder, line_id, quantity: int, reason: str = ""
) -> RepairOrderLine:
    """Put parts issued to the line back into stock (``parts.services.stock_return``)."""
    require(actor, Action.STOCK_MOVE)
    order = _lock(order)
    line = _line_lock(order, line_id)
    if order.status in DONE:
        raise refuse(OrderError.ORDER_DONE)
    if line.issued_quantity < 1:
        raise InvalidInput(fields={"quantity": [_("No part of this line was issued.")]})
    count = _clean_count(quantity, most=line.issued_quantity)
    stock_return(
        actor=actor,
        part=line.part,
        quantity=count,
        repair_order_line_id=line.pk,
        reference=order.number,
        reason=reason,
    )
    before = {"issued_quantity": line.issued_quantity}
    line.issued_quantity -= count
    if not line.issued_quantity:
        line.warranty_until = line.warranty_until_km = None
    line.save()
    after = {"issued_quantity": line.issued_quantity}
    _record(actor, order, ServiceEvent.LINE_UPDATE, changes_between(before, after))
    return line


# --- Warranty (R-PRT-3) --------------------------------------------------------------------


def line_under_warranty(line: RepairOrderLine, *, on, km: int | None) -> bool:
    """A fitted part is covered until its warranty date and, where it has one, its km
    limit (whichever comes first); a part without a recorded warranty is not covered."""
    if line.kind != Line.Kind.PART or line.warranty_until is None:
        return False
    if on > line.warranty_until:
        return False
    return not (
        line.warranty_until_km is not None and km is not None and km > line.warranty_until_km
    )


@transaction.atomic
def repair_order_warranty_claim(
    *, actor, order: RepairOrder, failed_line: RepairOrderLine, expected_version: int | None = None
) -> RepairOrderLine:
    """A fitted part failed within its warranty: a free-of-charge replacement line (paid
    under warranty, nothing to the customer) on ``order``, pointing back at the failed one."""
    require(actor, Action.REPAIR_ORDER_WRITE)
    order = _lock(order, expected_version)
    _lines_writable(order)
    failed = (
        RepairOrderLine.objects.select_related("order", "part")
        .filter(pk=failed_line.pk, dealer_id=order.dealer_id, order__vehicle_id=order.vehicle_id)
        .first()
    )
    if failed is None or failed.order_id == order.pk:
        raise InvalidInput(
            fields={"failed_line_id": [_("Choose a part fitted to this vehicle earlier.")]}
        )
    km = order.km_in if order.km_in is not None else order.vehicle.current_km
    if not line_under_warranty(failed, on=timezone.localdate(), km=km):
        raise refuse(
            OrderError.NOT_UNDER_WARRANTY,
            fields={"failed_line_id": [OrderError.NOT_UNDER_WARRANTY.label]},
        )
    line = RepairOrderLine.objects.create(
        dealer_id=order.dealer_id,
        order=order,
        kind=Line.Kind.PART,
        part=failed.part,
        description=failed.description,
        quantity=failed.quantity,
        unit_price=failed.unit_price,
        amount=failed.amount,
        pay_type=Line.PayType.WARRANTY,
        added_after_approval=_awaiting_approval(order),
        warranty_claim_of=failed,
    )
    _recalculate(order)
    changes = changes_between({}, _line_snapshot(line)) | {
        "warranty_claim_of": ["", failed.order.number]
    }
    _record(actor, order, ServiceEvent.WARRANTY_CLAIM, changes)
    return line


# --- Approval (R-SVC-3) --------------------------------------------------------------------


def _clean_approval(method, approved_by, signature, note) -> dict:
    errors = FieldErrors()
    clean = {}
    with errors.field("method"):
        clean["method"] = clean_choice(method, RepairOrderApproval.Method.choices, required=True)
    with errors.field("approved_by"):
        clean["approved_by"] = clean_text(approved_by, max_length=50, required=True)
    with errors.field("signature"):
        signature = (signature or "").strip()
        if clean.get("method") == RepairOrderApproval.Method.SIGNATURE and not signature:
            raise ValidationError(_("The customer signs on the tablet."), code="required")
        if len(signature) > MAX_SIGNATURE or (
            signature and not signature.startswith("data:image/")
        ):
            raise ValidationError(_("The signature is not a drawn image."), code="invalid")
        clean["signature"] = signature
    with errors.field("note"):
        clean["note"] = clean_text(note, max_length=200)
    errors.raise_if_any()
    return clean


def _customer_amount(lines, tax_rate: Decimal) -> Decimal:
    net = lines.filter(pay_type=Line.PayType.CUSTOMER).aggregate(
        net=Sum("amount", default=Decimal("0"))
    )["net"]
    return money(net) + money(money(net) * tax_rate)


@transaction.atomic
def repair_order_approve(
    *,
    actor,
    order: RepairOrder,
    method: str,
    approved_by: str,
    signature: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> RepairOrderApproval:
    """Record the customer's yes — who, when, how, for what amount (their share, with
    VAT). On an open order it approves the estimate and the order moves to "approved";
    later it approves the work added since, and the order stays where it is."""
    require(actor, Action.REPAIR_ORDER_APPROVE)
    order = _lock(order, expected_version)
    clean = _clean_approval(method, approved_by, signature, note)
    if order.status == Status.OPEN:
        lines = RepairOrderLine.objects.filter(order_id=order.pk, approval=None)
    elif order.status in LINES_OPEN:
        lines = pending_added_lines(order)
    else:
        raise InvalidTransition()
    if not lines.exists():
        raise refuse(OrderError.NOTHING_TO_APPROVE)
    rate = service_settings_get(dealer=order.dealer_id).tax_rate
    approval = RepairOrderApproval.objects.create(
        dealer_id=order.dealer_id,
        order=order,
        approved_at=timezone.now(),
        amount=_customer_amount(lines, rate),
        recorded_by=actor,
        **clean,
    )
    count = lines.update(approval=approval)
    changes = {
        "method": ["", approval.method],
        "amount": ["", str(approval.amount)],
        "approved_lines": ["", count],
    }
    _record(actor, order, ServiceEvent.APPROVAL, changes)
    if order.status == Status.OPEN:
        workflow_move(actor, order, "approve", expected_version=order.version)
    else:
        RepairOrder.objects.filter(pk=order.pk).update(version=F("version") + 1)
    return approval


# --- Moves ---------------------------------------------------------------------------------

MoveGuard = Callable[..., None]
MOVE_GUARDS: dict[str, list[MoveGuard]] = {}


def repair_order_move_guard(move: str):
    """Register a check that runs, inside the move's transaction with the order locked,
    before ``move`` is made through :func:`repair_order_transition`; it raises a domain
    error to refuse. ``guard(actor=…, order=…, reason=…)``."""

    def register(guard: MoveGuard) -> MoveGuard:
        MOVE_GUARDS.setdefault(move, []).append(guard)
        return guard

    return register


@repair_order_move_guard("approve")
def _approve_needs_a_record(*, actor, order, reason):
    raise refuse(OrderError.APPROVE_WITH_RECORD)


@repair_order_move_guard("pass")
@repair_order_move_guard("rework")
def _inspection_needs_a_record(*, actor, order, reason):
    raise refuse(OrderError.INSPECT_WITH_RECORD)


@repair_order_move_guard("deliver")
def _delivery_needs_a_record(*, actor, order, reason):
    raise refuse(OrderError.DELIVER_WITH_RECORD)


@repair_order_move_guard("start")
@repair_order_move_guard("finish")
def _added_work_approved_first(*, actor, order, reason):
    if pending_added_lines(order).exists():
        raise refuse(OrderError.ADDED_WORK_UNAPPROVED)


@repair_order_move_guard("cancel")
def _no_parts_on_a_cancelled_order(*, actor, order, reason):
    if RepairOrderLine.objects.filter(order_id=order.pk, issued_quantity__gt=0).exists():
        raise refuse(OrderError.PARTS_ISSUED)


# The time of a move the order keeps in its own columns.
MOVE_STAMPS = {"close": "closed_at"}


@transaction.atomic
def repair_order_transition(
    *, actor, order: RepairOrder, move: str, reason=None, expected_version=None
) -> RepairOrder:
    """Move the order one step through its workflow (``service.workflow``), after the
    checks registered for that move; the move goes on the customer's and the vehicle's
    timeline."""
    step = REPAIR_ORDER_FLOW.table.get(move)
    if step is None:
        raise InvalidTransition()
    require(actor, step.action)
    order = _lock(order)
    if order.status not in step.sources:
        raise InvalidTransition()
    for guard in MOVE_GUARDS.get(move, ()):
        guard(actor=actor, order=order, reason=reason)
    workflow_move(actor, order, move, reason=reason, expected_version=expected_version)
    stamp = MOVE_STAMPS.get(move)
    if stamp and getattr(order, stamp) is None:
        setattr(order, stamp, timezone.now())
        RepairOrder.objects.filter(pk=order.pk).update(**{stamp: getattr(order, stamp)})
    return order
