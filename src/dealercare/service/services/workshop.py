"""Every write of the workshop: reception, technician and progress, quality inspection,
delivery and the follow-up visit. One business action, one transaction each."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from dealercare.core.messaging.models import MessageChannel
from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.models import User
from dealercare.core.roles import Action, Role, allows, require
from dealercare.core.workflow import workflow_move
from dealercare.customers.models import Channel, Customer
from dealercare.service.events import ServiceAuditObject, ServiceEvent
from dealercare.service.models import (
    Delivery,
    ProgressReport,
    QualityInspection,
    Reception,
    RepairOrder,
    RepairOrderLine,
    WalkAround,
)
from dealercare.service.services.follow_ups import follow_up_plan
from dealercare.service.services.orders import repair_order_open, repair_order_transition
from dealercare.vehicles.models import MileageReading, Vehicle
from dealercare.vehicles.services import MAX_ODOMETER_KM, vehicle_record_mileage

Status = RepairOrder.Status
FINDINGS_MAX = 500
NOTE_MAX = 500
SIGNATURE_MAX = 200_000
# Where a car is being worked on: a technician may be (re)assigned and report progress.
IN_WORKSHOP = (Status.OPEN, Status.APPROVED, Status.IN_PROGRESS, Status.QUALITY_CHECK)
# A customer who prefers a phone call gets the written notices by SMS.
MESSAGE_CHANNEL = {
    Channel.SMS: MessageChannel.SMS,
    Channel.WECHAT: MessageChannel.WECHAT,
    Channel.EMAIL: MessageChannel.EMAIL,
    Channel.PHONE: MessageChannel.SMS,
}


def _event(action, order: RepairOrder, changes: dict | None = None) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=ServiceAuditObject.REPAIR_ORDER,
        object_id=order.pk,
        label=order.number,
        customer_id=order.customer_id,
        changes=changes,
    )


def _lock(order: RepairOrder, *, version: int | None = None) -> RepairOrder:
    """The order, locked for this transaction; a stale version is refused."""
    locked = RepairOrder.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if version is not None and locked.version != version:
        raise StaleVersion()
    return locked


def _require_state(order: RepairOrder, *states) -> None:
    if order.status not in states:
        raise InvalidTransition()


def _percent(value) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise ValidationError(_("Give a number from 0 to 100."), code="invalid_percent")
    return value


def _future(value: datetime | None, *, required: bool = False) -> datetime | None:
    if value is None:
        if required:
            raise ValidationError(_("This field is required."), code="required")
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value <= timezone.now():
        raise ValidationError(_("The time must be in the future."), code="time_in_past")
    return value


def customer_message_channel(customer: Customer) -> str:
    return MESSAGE_CHANNEL.get(customer.preferred_channel, MessageChannel.SMS)


def _tell_customer(actor, order: RepairOrder, *, key: str, subject: str, body: str) -> None:
    """A notice to the order's customer on their preferred channel; without their consent
    the outbox keeps it as cancelled, with the reason."""
    message_queue(
        dealer=order.dealer,
        recipient=Recipient.customer(order.customer),
        channel=customer_message_channel(order.customer),
        subject=subject,
        body=body,
        topic="repair_order",
        idempotency_key=key,
        actor=actor,
    )


def _in_customer_language(text_function):
    with translation.override(settings.LANGUAGE_CODE):
        return text_function()


# ---------------------------------------------------------------- reception (R-SVC-2)


@dataclass
class ReceptionInput:
    km: int | None
    fault_description: str = ""
    # {area: {"ok": bool, "findings": str}} for each WalkAround area
    checklist: dict = field(default_factory=dict)
    fuel_level: int | None = None
    battery_level: int | None = None
    confirmation: str = ""
    confirmed_by: str = ""
    signature: str = ""
    promised_at: datetime | None = None
    technician_id: int | None = None


def _clean_checklist(checklist, errors: FieldErrors) -> dict:
    """Every area of the walk-around, checked (fine, or not fine with what was found)."""
    checklist = checklist if isinstance(checklist, dict) else {}
    clean = {}
    for area in WalkAround.values:
        item = checklist.get(area)
        if not isinstance(item, dict) or not isinstance(item.get("ok"), bool):
            errors.add(f"checklist.{area}", _("Record this part of the walk-around check."))
            continue
        with errors.field(f"checklist.{area}.findings"):
            findings = clean_text(
                item.get("findings"), max_length=FINDINGS_MAX, required=not item["ok"]
            )
            clean[area] = {"ok": item["ok"], "findings": findings}
    return clean


def _technician(actor, technician_id: int | None, field_name="technician_id") -> User | None:
    if technician_id is None:
        return None
    technician = User.objects.filter(
        pk=technician_id, dealer_id=actor.dealer_id, is_active=True, role=Role.TECHNICIAN
    ).first()
    if technician is None:
        raise InvalidInput(fields={field_name: [_("Choose a technician of this dealer.")]})
    return technician


def reception_clean(actor, data: ReceptionInput) -> dict:
    errors = FieldErrors()
    clean = {}
    if data.km is None:
        errors.add("km", _("This field is required."))
    elif not 0 <= data.km <= MAX_ODOMETER_KM:
        errors.add("km", _("Odometer must be between 0 and %(max)s km.") % {"max": "2,000,000"})
    clean["km"] = data.km
    with errors.field("fault_description"):
        clean["fault_description"] = clean_text(
            data.fault_description, max_length=2000, multiline=True
        )
    clean["checklist"] = _clean_checklist(data.checklist, errors)
    for name in ("fuel_level", "battery_level"):
        with errors.field(name):
            clean[name] = _percent(getattr(data, name))
    with errors.field("confirmation"):
        clean["confirmation"] = clean_choice(
            data.confirmation, Reception.Confirmation.choices, required=True
        )
    with errors.field("confirmed_by"):
        clean["confirmed_by"] = clean_text(data.confirmed_by, max_length=50, required=True)
    with errors.field("signature"):
        clean["signature"] = clean_text(data.signature, max_length=SIGNATURE_MAX)
        if clean.get("confirmation") == Reception.Confirmation.SIGNATURE and not clean["signature"]:
            raise ValidationError(_("The customer signs on the tablet."), code="required")
    with errors.field("promised_at"):
        clean["promised_at"] = _future(data.promised_at)
    errors.raise_if_any()
    clean["technician"] = _technician(actor, data.technician_id)
    return clean


@transaction.atomic
def reception_record(*, actor, vehicle: Vehicle, data: ReceptionInput) -> Reception:
    """Receive a car (接车): its odometer through the mileage rule, the walk-around check
    confirmed by the customer, and the repair order opened with it."""
    require(actor, Action.REPAIR_ORDER_WRITE)
    if vehicle.dealer_id != actor.dealer_id:
        raise NotFound()
    clean = reception_clean(actor, data)
    reading = vehicle_record_mileage(
        actor=actor, vehicle=vehicle, km=clean["km"], source=MileageReading.Source.RECEPTION
    )
    vehicle.refresh_from_db()
    order = repair_order_open(
        actor=actor,
        vehicle=vehicle,
        fault_description=clean["fault_description"],
        km_in=clean["km"],
        promised_at=clean["promised_at"],
        technician=clean["technician"],
    )
    reception = Reception.objects.create(
        dealer_id=order.dealer_id,
        order=order,
        km=clean["km"],
        reading=reading,
        fault_description=clean["fault_description"],
        checklist=clean["checklist"],
        fuel_level=clean["fuel_level"],
        battery_level=clean["battery_level"],
        confirmation=clean["confirmation"],
        confirmed_by=clean["confirmed_by"],
        confirmed_at=timezone.now(),
        signature=clean["signature"],
        received_by=actor,
    )
    findings = {
        area: item["findings"] for area, item in clean["checklist"].items() if not item["ok"]
    }
    changes = changes_between({}, {"km": clean["km"], "findings": findings or ""})
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(ServiceEvent.RECEPTION, order, changes)
    )
    return reception


# ------------------------------------------------------- technician and progress (R-SVC-4)


def _require_own_job(actor, order: RepairOrder) -> None:
    """A technician works on their own jobs; the desk may act on any."""
    if allows(actor, Action.REPAIR_ORDER_WRITE):
        return
    if order.technician_id not in (None, actor.pk):
        raise PermissionDenied(_("This job is assigned to another technician."))


@transaction.atomic
def technician_assign(*, actor, order: RepairOrder, technician_id: int | None) -> RepairOrder:
    require(actor, Action.REPAIR_ORDER_WRITE)
    technician = _technician(actor, technician_id)
    order = _lock(order)
    _require_state(order, *IN_WORKSHOP)
    before = order.technician_id
    order.technician = technician
    order.version += 1
    order.save(update_fields=["technician", "version", "updated_at"])
    changes = changes_between({"technician": before}, {"technician": order.technician_id})
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(ServiceEvent.ASSIGN, order, changes)
    )
    return order


@dataclass
class ProgressInput:
    note: str = ""
    percent: int | None = None
    step: str = ""


@transaction.atomic
def progress_report(*, actor, order: RepairOrder, data: ProgressInput) -> ProgressReport:
    """A technician's word on the job; the advisor (and later the customer) sees it."""
    require(actor, Action.REPAIR_ORDER_WORK)
    errors = FieldErrors()
    note, step, percent = "", "", None
    with errors.field("note"):
        note = clean_text(data.note, max_length=NOTE_MAX, multiline=True)
    with errors.field("step"):
        step = clean_text(data.step, max_length=100)
    with errors.field("percent"):
        percent = _percent(data.percent)
    if not (note or step or percent is not None):
        errors.add("note", _("Write a note, a step or how far the job is."))
    errors.raise_if_any()
    order = _lock(order)
    _require_own_job(actor, order)
    _require_state(order, Status.APPROVED, Status.IN_PROGRESS)
    report = ProgressReport.objects.create(
        dealer_id=order.dealer_id,
        order=order,
        reported_by=actor,
        note=note,
        step=step,
        percent=percent,
    )
    changes = changes_between({}, {"note": note, "step": step, "percent": percent})
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(ServiceEvent.PROGRESS, order, changes)
    )
    return report


@transaction.atomic
def promised_time_move(
    *, actor, order: RepairOrder, promised_at: datetime | None, reason: str
) -> ProgressReport:
    """A delay: the promised time moves later, with the reason, and the customer is told
    on their preferred channel (if they consented to it)."""
    if not (allows(actor, Action.REPAIR_ORDER_WORK) or allows(actor, Action.REPAIR_ORDER_WRITE)):
        raise PermissionDenied()
    errors = FieldErrors()
    with errors.field("promised_at"):
        promised_at = _future(promised_at, required=True)
    with errors.field("reason"):
        reason = clean_text(reason, max_length=NOTE_MAX, required=True)
    errors.raise_if_any()
    order = _lock(order)
    _require_own_job(actor, order)
    _require_state(order, *IN_WORKSHOP)
    if order.promised_at and promised_at <= order.promised_at:
        raise InvalidInput(fields={"promised_at": [_("A delay moves the promised time later.")]})
    before = order.promised_at
    order.promised_at = promised_at
    order.version += 1
    order.save(update_fields=["promised_at", "version", "updated_at"])
    report = ProgressReport.objects.create(
        dealer_id=order.dealer_id,
        order=order,
        reported_by=actor,
        note=reason,
        delayed_to=promised_at,
    )
    local = timezone.localtime(promised_at).strftime("%Y-%m-%d %H:%M")
    _tell_customer(
        actor,
        order,
        key=f"repair_order:delay:{order.pk}:{report.pk}",
        subject=_in_customer_language(lambda: gettext("Your car will be ready later")),
        body=_in_customer_language(
            lambda: (
                gettext(
                    "Repair order %(number)s (%(plate)s): we need more time. The car will be "
                    "ready at %(time)s. Reason: %(reason)s"
                )
                % {
                    "number": order.number,
                    "plate": order.vehicle.plate,
                    "time": local,
                    "reason": reason,
                }
            )
        ),
    )
    changes = changes_between({"promised_at": before}, {"promised_at": promised_at})
    changes["reason"] = ["", reason]
    audit_record(actor=actor, dealer=actor.dealer, event=_event(ServiceEvent.DELAY, order, changes))
    return report


@transaction.atomic
def job_move(*, actor, order: RepairOrder, move: str, reason: str | None = None) -> RepairOrder:
    """Start or finish a job through the order's workflow; a technician only their own."""
    if move not in ("start", "finish"):
        raise InvalidTransition()
    order = _lock(order)
    _require_own_job(actor, order)
    order = repair_order_transition(actor=actor, order=order, move=move, reason=reason)
    if move == "start" and order.technician_id is None and actor.role == Role.TECHNICIAN:
        order.technician = actor
        order.save(update_fields=["technician", "updated_at"])
    return order


# ------------------------------------------------------------ quality inspection (R-SVC-5)


@dataclass
class InspectionInput:
    result: str
    checklist: dict = field(default_factory=dict)
    road_test_done: bool = False
    road_test_notes: str = ""
    defects: str = ""


def parts_replaced(order: RepairOrder) -> bool:
    return RepairOrderLine.objects.filter(order=order, kind=RepairOrderLine.Kind.PART).exists()


def _clean_inspection(order: RepairOrder, data: InspectionInput) -> dict:
    errors = FieldErrors()
    clean = {"road_test_done": bool(data.road_test_done)}
    with errors.field("result"):
        clean["result"] = clean_choice(data.result, QualityInspection.Result.choices, required=True)
    checklist = data.checklist if isinstance(data.checklist, dict) else {}
    if any(
        not isinstance(k, str) or len(k) > 50 or not isinstance(v, bool)
        for k, v in checklist.items()
    ):
        errors.add("checklist", _("Each item is a name with true (fine) or false."))
    clean["checklist"] = checklist
    with errors.field("road_test_notes"):
        clean["road_test_notes"] = clean_text(
            data.road_test_notes, max_length=NOTE_MAX, multiline=True
        )
    with errors.field("defects"):
        clean["defects"] = clean_text(
            data.defects,
            max_length=2000,
            multiline=True,
            required=clean.get("result") == QualityInspection.Result.FAIL,
        )
    if parts_replaced(order) and not clean["road_test_done"]:
        errors.add(
            "road_test_done", _("Parts were replaced: a road test is part of the inspection.")
        )
    errors.raise_if_any()
    return clean


@transaction.atomic
def inspection_record(*, actor, order: RepairOrder, data: InspectionInput) -> QualityInspection:
    """The inspector's verdict (质检): a pass makes the car ready and tells the customer;
    a fail sends it back to rework with the defects, and counts the rework."""
    require(actor, Action.REPAIR_ORDER_INSPECT)
    order = _lock(order)
    _require_state(order, Status.QUALITY_CHECK)
    clean = _clean_inspection(order, data)
    inspection = QualityInspection.objects.create(
        dealer_id=order.dealer_id, order=order, inspector=actor, **clean
    )
    if clean["result"] == QualityInspection.Result.PASS:
        workflow_move(actor, order, "pass")
        _tell_ready(actor, order)
    else:
        workflow_move(actor, order, "rework", reason=clean["defects"][:500])
        RepairOrder.objects.filter(pk=order.pk).update(rework_count=F("rework_count") + 1)
        order.refresh_from_db(fields=["rework_count"])
    changes = changes_between({}, {"result": clean["result"], "road_test": clean["road_test_done"]})
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(ServiceEvent.INSPECTION, order, changes)
    )
    return inspection


def _tell_ready(actor, order: RepairOrder) -> None:
    _tell_customer(
        actor,
        order,
        key=f"repair_order:ready:{order.pk}:{order.rework_count}",
        subject=_in_customer_language(lambda: gettext("Your car is ready")),
        body=_in_customer_language(
            lambda: (
                gettext(
                    "Repair order %(number)s (%(plate)s) is finished and has passed the quality "
                    "check. Your car is ready for collection. Amount due: ¥%(total)s."
                )
                % {
                    "number": order.number,
                    "plate": order.vehicle.plate,
                    "total": f"{order.customer_total:,.2f}",
                }
            )
        ),
    )


# ---------------------------------------------------------------------- delivery (R-SVC-6)


@dataclass
class DeliveryInput:
    handed_over_to: str
    payment_method: str
    amount_paid: Decimal | str | None
    invoice_number: str = ""
    cleaning_done: bool = False


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("Give an amount in yuan, e.g. 1234.50."), code="invalid") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationError(_("Give an amount in yuan, e.g. 1234.50."), code="invalid")
    return amount


def _clean_delivery(order: RepairOrder, data: DeliveryInput) -> dict:
    errors = FieldErrors()
    clean = {"cleaning_done": bool(data.cleaning_done)}
    with errors.field("handed_over_to"):
        clean["handed_over_to"] = clean_text(data.handed_over_to, max_length=50, required=True)
    with errors.field("payment_method"):
        clean["payment_method"] = clean_choice(
            data.payment_method, Delivery.PaymentMethod.choices, required=True
        )
    with errors.field("invoice_number"):
        clean["invoice_number"] = clean_text(data.invoice_number, max_length=30)
        if order.customer_total > 0 and not clean["invoice_number"]:
            raise ValidationError(_("Give the invoice number."), code="required")
    with errors.field("amount_paid"):
        amount = _money(data.amount_paid)
        if amount != order.customer_total:
            raise ValidationError(
                _("The payment must equal the amount due, ¥%(due)s.")
                % {"due": f"{order.customer_total:,.2f}"},
                code="amount_mismatch",
            )
        clean["amount_paid"] = amount
    nothing_to_pay = clean.get("payment_method") == Delivery.PaymentMethod.NONE
    if nothing_to_pay and order.customer_total > 0:
        errors.add("payment_method", _("The customer has an amount to pay."))
    errors.raise_if_any()
    return clean


def _invoice_taken() -> InvalidInput:
    return InvalidInput(
        fields={"invoice_number": [_("This invoice number is already used.")]},
        code="invoice_number_taken",
    )


@transaction.atomic
def delivery_record(*, actor, order: RepairOrder, data: DeliveryInput) -> Delivery:
    """Hand the car over (交车): cleaning, who took it, the payment of exactly the amount
    due and the invoice; the order moves to delivered and the follow-up visit is planned."""
    require(actor, Action.REPAIR_ORDER_DELIVER)
    order = _lock(order)
    _require_state(order, Status.READY)
    clean = _clean_delivery(order, data)
    invoice = clean["invoice_number"]
    if (
        invoice
        and Delivery.objects.filter(dealer_id=order.dealer_id, invoice_number=invoice).exists()
    ):
        raise _invoice_taken()
    now = timezone.now()
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                dealer_id=order.dealer_id,
                order=order,
                delivered_at=now,
                delivered_by=actor,
                **clean,
            )
    except IntegrityError:
        raise _invoice_taken() from None
    workflow_move(actor, order, "deliver")
    order.delivered_at, order.invoice_number = now, invoice
    order.save(update_fields=["delivered_at", "invoice_number", "updated_at"])
    changes = changes_between(
        {},
        {
            "amount_paid": clean["amount_paid"],
            "payment_method": clean["payment_method"],
            "invoice_number": invoice,
        },
    )
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(ServiceEvent.DELIVERY, order, changes)
    )
    follow_up_plan(actor=actor, order=order, delivered_at=now)
    return delivery


def repair_order_close(*, actor, order: RepairOrder) -> RepairOrder:
    """Close a delivered order: nothing on it changes any more."""
    return repair_order_transition(actor=actor, order=order, move="close")
