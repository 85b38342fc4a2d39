"""Every write to appointments (R-SVC-1): booking into the dealer's slot grid, reschedule,
the status moves, the grid itself, and the reminder the day before."""

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, audit_record_many, changes_between
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import Conflict, InvalidInput, InvalidTransition, StaleVersion
from dealercare.core.masking import mask_address
from dealercare.core.messaging.models import (
    MessageChannel,
    MessageStatus,
    OutboxMessage,
    StopReason,
)
from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.models import User
from dealercare.core.roles import Action, Role, require
from dealercare.core.workflow import workflow_move
from dealercare.customers.models import Channel, Customer
from dealercare.customers.selectors import active_customers
from dealercare.service.events import BookingAuditObject, BookingEvent
from dealercare.service.models import (
    Appointment,
    AppointmentDay,
    ServiceBay,
    ServiceCapacity,
    ServiceOperation,
)
from dealercare.service.selectors.appointments import (
    BOOK_AHEAD_DAYS,
    FULL_ADVISOR,
    FULL_BAY,
    FULL_DAY,
    FULL_SLOT,
    capacity_get,
    day_usage,
    free_slots,
    is_open_on,
    slot_is_past,
    slot_times,
    what_is_full,
)
from dealercare.service.workflow import APPOINTMENT_FLOW
from dealercare.vehicles.models import Vehicle

FAULT_CODE = re.compile(r"^[PCBU][0-9A-F]{4}$")
MAX_FAULT_CODES = 20
Status = Appointment.Status


@dataclass
class AppointmentInput:
    vehicle_id: int
    day: date
    starts_at: time
    channel: str = Appointment.Channel.PHONE
    mode: str = Appointment.Mode.WAITING
    customer_id: int | None = None
    advisor_id: int | None = None
    bay_id: int | None = None
    service_ids: list[int] = field(default_factory=list)
    note: str = ""
    pickup: bool = False
    pickup_address: str = ""
    pickup_from: time | None = None
    pickup_until: time | None = None
    fault_codes: list[str] = field(default_factory=list)


_FULL = {
    FULL_DAY: _("the day is fully booked"),
    FULL_SLOT: _("every place in this slot is taken"),
    FULL_ADVISOR: _("the advisor's day is full"),
    FULL_BAY: _("the bay is taken"),
}
_FULL_FIELD = {
    FULL_DAY: "day",
    FULL_SLOT: "starts_at",
    FULL_ADVISOR: "advisor_id",
    FULL_BAY: "bay_id",
}


class SlotFull(Conflict):
    """No place left: says what is full and offers the next free slots."""

    code = "slot_full"
    default_message = _("This slot is full. Choose one of the free slots offered.")

    def __init__(self, full: list[str], next_free: list):
        self.full = full
        self.next_free = next_free
        reasons: dict[str, list] = {}
        for what in full:
            reasons.setdefault(_FULL_FIELD[what], []).append(_FULL[what])
        super().__init__(fields=reasons)

    def as_dict(self) -> dict:
        return super().as_dict() | {
            "full": self.full,
            "next_free": [slot.as_dict() for slot in self.next_free],
        }


# ---- cleaning -------------------------------------------------------------------------


def _clean_slot(capacity: ServiceCapacity, day: date | None, starts_at: time | None, errors):
    if day is None:
        errors.add("day", _("This field is required."))
        return
    if starts_at is None:
        errors.add("starts_at", _("This field is required."))
        return
    today = timezone.localdate()
    if day < today:
        errors.add("day", _("The day is in the past."))
    elif day > today + timedelta(days=BOOK_AHEAD_DAYS):
        errors.add("day", _("Book at most %(days)s days ahead.") % {"days": BOOK_AHEAD_DAYS})
    elif not is_open_on(capacity, day):
        errors.add("day", _("The workshop is closed on this day."))
    elif starts_at not in slot_times(capacity):
        first, step = capacity.opens_at, capacity.slot_minutes
        errors.add(
            "starts_at",
            _("Not a slot: slots start at %(first)s every %(step)s minutes, until %(last)s.")
            % {
                "first": first.strftime("%H:%M"),
                "step": step,
                "last": capacity.closes_at.strftime("%H:%M"),
            },
        )
    elif slot_is_past(day, starts_at):
        errors.add("starts_at", _("This slot has already begun."))


def _advisor(actor, advisor_id, errors):
    if advisor_id is None:
        if actor.role == Role.ADVISOR:
            return actor
        errors.add("advisor_id", _("Choose the service advisor."))
        return None
    advisor = User.objects.filter(
        pk=advisor_id, dealer_id=actor.dealer_id, role=Role.ADVISOR, is_active=True
    ).first()
    if advisor is None:
        errors.add("advisor_id", _("Not a service advisor of this dealer."))
    return advisor


def _bay(actor, bay_id, errors):
    if bay_id is None:
        return None
    bay = ServiceBay.objects.filter(pk=bay_id, dealer_id=actor.dealer_id, active=True).first()
    if bay is None:
        errors.add("bay_id", _("Unknown bay."))
    return bay


def clean_fault_codes(codes) -> list[str]:
    cleaned = []
    for code in codes or []:
        code = str(code).strip().upper()
        if not FAULT_CODE.match(code):
            raise ValidationError(
                _("“%(code)s” is not a fault code (like P0301).") % {"code": code[:10]}
            )
        if code not in cleaned:
            cleaned.append(code)
    if len(cleaned) > MAX_FAULT_CODES:
        raise ValidationError(_("At most %(n)s fault codes.") % {"n": MAX_FAULT_CODES})
    return cleaned


def _clean_pickup(capacity, data: AppointmentInput, errors) -> dict:
    if not data.pickup:
        return {"pickup": False, "pickup_address": "", "pickup_from": None, "pickup_until": None}
    if not capacity.pickup_offered:
        errors.add("pickup", _("This dealer does not offer pick-up and drop-off."))
        return {}
    clean = {"pickup": True, "pickup_from": data.pickup_from, "pickup_until": data.pickup_until}
    with errors.field("pickup_address"):
        clean["pickup_address"] = clean_text(data.pickup_address, max_length=200, required=True)
    if data.pickup_from is None:
        errors.add("pickup_from", _("This field is required."))
    if data.pickup_until is None:
        errors.add("pickup_until", _("This field is required."))
    elif data.pickup_from is not None and data.pickup_until <= data.pickup_from:
        errors.add("pickup_until", _("The window must end after it starts."))
    return clean


def appointment_clean(actor, data: AppointmentInput, capacity: ServiceCapacity) -> dict:
    """Every field checked, all errors at once (422 naming each field)."""
    errors = FieldErrors()
    clean: dict = {}
    vehicles = Vehicle.objects.select_related("owner")
    vehicle = vehicles.filter(pk=data.vehicle_id, dealer_id=actor.dealer_id).first()
    if vehicle is None:
        errors.add("vehicle_id", _("Unknown vehicle."))
    customer = None
    if data.customer_id is not None:
        customer = active_customers(actor.dealer_id).filter(pk=data.customer_id).first()
        if customer is None:
            errors.add("customer_id", _("Unknown customer."))
    elif vehicle is not None:
        customer = vehicle.owner
        if customer is None or customer.erased_at:
            errors.add("customer_id", _("The vehicle has no owner on file: name the customer."))
    with errors.field("channel"):
        clean["channel"] = clean_choice(data.channel, Appointment.Channel.choices, required=True)
    with errors.field("mode"):
        clean["mode"] = clean_choice(data.mode, Appointment.Mode.choices, required=True)
    _clean_slot(capacity, data.day, data.starts_at, errors)
    clean["advisor"] = _advisor(actor, data.advisor_id, errors)
    clean["bay"] = _bay(actor, data.bay_id, errors)
    service_ids = set(data.service_ids or [])
    services = list(
        ServiceOperation.objects.filter(pk__in=service_ids, dealer_id=actor.dealer_id, active=True)
    )
    if len(services) != len(service_ids):
        errors.add("service_ids", _("Unknown service operation."))
    with errors.field("note"):
        clean["note"] = clean_text(data.note, max_length=500, multiline=True)
    with errors.field("fault_codes"):
        clean["fault_codes"] = clean_fault_codes(data.fault_codes)
    clean |= _clean_pickup(capacity, data, errors)
    errors.raise_if_any()
    return clean | {
        "vehicle": vehicle,
        "customer": customer,
        "services": services,
        "day": data.day,
        "starts_at": data.starts_at,
    }


# ---- the place in the grid ------------------------------------------------------------


def _lock_day(dealer_id: int, day: date) -> None:
    """Take the day's lock row (created on first use; INSERT … ON CONFLICT DO NOTHING waits
    for a concurrent insert of the same row to commit)."""
    AppointmentDay.objects.bulk_create(
        [AppointmentDay(dealer_id=dealer_id, day=day)], ignore_conflicts=True
    )
    AppointmentDay.objects.select_for_update().get(dealer_id=dealer_id, day=day)


def _hold_place(capacity, *, dealer_id, day, starts_at, advisor, bay, exclude_id=None) -> None:
    """Lock the day, then count: of two bookings of the last place, the second counts
    after the first committed, and is refused."""
    _lock_day(dealer_id, day)
    usage = day_usage(dealer_id=dealer_id, day=day, exclude_id=exclude_id)
    advisor_id, bay_id = advisor.pk, bay.pk if bay else None
    full = what_is_full(capacity, usage, starts_at, advisor_id, bay_id)
    if full:
        offered = free_slots(
            dealer_id=dealer_id,
            day=day,
            advisor_id=advisor_id,
            bay_id=bay_id,
            exclude_id=exclude_id,
        )
        raise SlotFull(full, offered)


def _event(action, appointment: Appointment, changes=None) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=BookingAuditObject.APPOINTMENT,
        object_id=appointment.pk,
        label=str(appointment),
        customer_id=appointment.customer_id,
        changes=changes,
    )


def _snapshot(appointment: Appointment) -> dict:
    return {
        "day": appointment.day,
        "starts_at": appointment.starts_at.strftime("%H:%M"),
        "advisor": appointment.advisor_id,
        "bay": appointment.bay_id,
        "vehicle": appointment.vehicle_id,
        "channel": appointment.channel,
        "mode": appointment.mode,
        "pickup": appointment.pickup,
        "pickup_address": appointment.pickup_address,
        "fault_codes": " ".join(appointment.fault_codes),
    }


_MASKS = {"pickup_address": mask_address}


@transaction.atomic
def appointment_book(*, actor, data: AppointmentInput, diagnosis=None) -> Appointment:
    """Book a car into a slot; a full slot is refused (409 slot_full) with the next free
    slots offered."""
    require(actor, Action.APPOINTMENT_BOOK)
    capacity = capacity_get(dealer_id=actor.dealer_id)
    clean = appointment_clean(actor, data, capacity)
    _hold_place(
        capacity,
        dealer_id=actor.dealer_id,
        day=clean["day"],
        starts_at=clean["starts_at"],
        advisor=clean["advisor"],
        bay=clean["bay"],
    )
    services = clean.pop("services")
    appointment = Appointment.objects.create(
        dealer_id=actor.dealer_id, created_by=actor, diagnosis=diagnosis, **clean
    )
    Booked = Appointment.services.through
    Booked.objects.bulk_create(
        [Booked(appointment=appointment, serviceoperation=s) for s in services]
    )
    changes = changes_between({}, _snapshot(appointment), _MASKS)
    if services:
        changes["services"] = ["", ", ".join(s.code for s in services)]
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_event(BookingEvent.APPOINTMENT_BOOK, appointment, changes),
    )
    return appointment


def _lock_current(appointment: Appointment, version: int | None) -> Appointment:
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("vehicle")
        .get(pk=appointment.pk)
    )
    if version is not None and locked.version != version:
        raise StaleVersion()
    return locked


@transaction.atomic
def appointment_reschedule(
    *,
    actor,
    appointment: Appointment,
    day: date,
    starts_at: time,
    version: int,
    advisor_id: int | None = None,
    bay_id: int | None = None,
) -> Appointment:
    """Move a booking to another slot (and advisor or bay): the capacity is checked again,
    and the reminder follows the new slot."""
    require(actor, Action.APPOINTMENT_BOOK)
    appointment = _lock_current(appointment, version)
    if appointment.status != Status.BOOKED:
        raise InvalidTransition(_("Only a booked appointment can be rescheduled."))
    capacity = capacity_get(dealer_id=appointment.dealer_id)
    errors = FieldErrors()
    _clean_slot(capacity, day, starts_at, errors)
    advisor = _advisor(actor, advisor_id or appointment.advisor_id, errors)
    bay = _bay(actor, bay_id, errors) if bay_id is not None else appointment.bay
    errors.raise_if_any()
    _hold_place(
        capacity,
        dealer_id=appointment.dealer_id,
        day=day,
        starts_at=starts_at,
        advisor=advisor,
        bay=bay,
        exclude_id=appointment.pk,
    )
    before = _snapshot(appointment)
    _withdraw_reminder(appointment)
    appointment.day, appointment.starts_at = day, starts_at
    appointment.advisor, appointment.bay = advisor, bay
    appointment.version += 1
    appointment.save()
    changes = changes_between(before, _snapshot(appointment), _MASKS)
    audit_record(
        actor=actor,
        dealer=appointment.dealer,
        event=_event(BookingEvent.APPOINTMENT_RESCHEDULE, appointment, changes),
    )
    return appointment


@transaction.atomic
def appointment_move(
    *, actor, appointment: Appointment, move: str, reason: str = "", version: int | None = None
) -> Appointment:
    """A status move from the workflow's table (arrive, complete, cancel, no_show)."""
    workflow_move(actor, appointment, move, reason=reason, expected_version=version)
    stamps = {}
    if move == "arrive":
        stamps["arrived_at"] = timezone.now()
    if move == "cancel":
        stamps["cancel_reason"] = reason.strip()
    if move in ("cancel", "no_show"):
        _withdraw_reminder(appointment)
    if stamps:
        Appointment.objects.filter(pk=appointment.pk).update(**stamps)
        for name, value in stamps.items():
            setattr(appointment, name, value)
    return appointment


def appointment_cancel(*, actor, appointment, reason: str, version=None) -> Appointment:
    return appointment_move(
        actor=actor, appointment=appointment, move="cancel", reason=reason, version=version
    )


def appointment_no_show(*, actor, appointment, version=None) -> Appointment:
    return appointment_move(actor=actor, appointment=appointment, move="no_show", version=version)


@transaction.atomic
def appointment_mark_arrived(*, actor, appointment: Appointment, repair_order=None) -> Appointment:
    """Reception: the booked car arrived (and its repair order, when one was opened, is
    linked to the booking)."""
    if appointment.status == Status.BOOKED:
        appointment = appointment_move(actor=actor, appointment=appointment, move="arrive")
    elif appointment.status != Status.ARRIVED:
        raise InvalidTransition()
    if repair_order is not None:
        require(actor, Action.APPOINTMENT_BOOK)
        if repair_order.dealer_id != appointment.dealer_id:
            raise InvalidInput(fields={"repair_order": [_("Unknown repair order.")]})
        before = appointment.repair_order_id
        Appointment.objects.filter(pk=appointment.pk).update(
            repair_order=repair_order, version=F("version") + 1
        )
        appointment.refresh_from_db()
        audit_record(
            actor=actor,
            dealer=appointment.dealer,
            event=_event(
                BookingEvent.APPOINTMENT_ORDER,
                appointment,
                {"repair_order": [before, repair_order.pk]},
            ),
        )
    return appointment


def appointments_mark_no_shows(*, today: date | None = None) -> int:
    """Bookings of days gone by whose car never arrived become no-shows (the job's work; the
    move is the workflow's ``no_show``, recorded by the system)."""
    today = today or timezone.localdate()
    move = APPOINTMENT_FLOW.table["no_show"]
    overdue = Appointment.objects.filter(status__in=move.sources, day__lt=today)
    marked = 0
    for appointment in overdue.select_related("dealer", "vehicle")[:1000]:
        with transaction.atomic():
            moved = Appointment.objects.filter(pk=appointment.pk, status=Status.BOOKED).update(
                status=move.target, version=F("version") + 1, updated_at=timezone.now()
            )
            if not moved:
                continue
            _withdraw_reminder(appointment)
            event = _event(
                "appointment.no_show", appointment, {"status": [Status.BOOKED, move.target]}
            )
            audit_record_many(actor=None, dealer=appointment.dealer, events=[event])
            marked += 1
    return marked


# ---- the reminder the day before ------------------------------------------------------

# A phone call is not a message: those customers get their messages by SMS.
_MESSAGE_CHANNEL = {
    Channel.SMS: MessageChannel.SMS,
    Channel.WECHAT: MessageChannel.WECHAT,
    Channel.EMAIL: MessageChannel.EMAIL,
    Channel.PHONE: MessageChannel.SMS,
}


def customer_channel(customer: Customer) -> str:
    """The outbox channel of the customer's preferred one."""
    return _MESSAGE_CHANNEL.get(customer.preferred_channel, MessageChannel.SMS)


def reminder_key(appointment: Appointment) -> str:
    """One reminder per booking and slot: a rescheduled booking gets a new one."""
    slot = f"{appointment.day:%Y%m%d}{appointment.starts_at:%H%M}"
    return f"service:appointment-reminder:{appointment.pk}:{slot}"


def _withdraw_reminder(appointment: Appointment) -> None:
    """The reminder of a slot the booking no longer holds must not go out."""
    OutboxMessage.objects.filter(
        idempotency_key=reminder_key(appointment), status=MessageStatus.QUEUED
    ).update(status=MessageStatus.CANCELLED, last_error=StopReason.BY_STAFF)


def _reminder_text(appointment: Appointment) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Your service appointment tomorrow")
        body = gettext(
            "%(dealer)s: your car %(plate)s is booked in for %(day)s at %(time)s. "
            "To change the time, please call us."
        ) % {
            "dealer": appointment.dealer.name,
            "plate": appointment.vehicle.plate or appointment.vehicle.vin[-6:],
            "day": appointment.day.strftime("%Y-%m-%d"),
            "time": appointment.starts_at.strftime("%H:%M"),
        }
    return subject, body


def appointments_remind(*, today: date | None = None) -> int:
    """Queue the reminder for tomorrow's bookings, by each customer's preferred channel
    (the outbox checks the consent). A booking already reminded for its slot is skipped."""
    tomorrow = (today or timezone.localdate()) + timedelta(days=1)
    due = Appointment.objects.filter(status=Status.BOOKED, day=tomorrow).select_related(
        "dealer", "vehicle", "customer"
    )
    queued = 0
    for appointment in due:
        key = reminder_key(appointment)
        if OutboxMessage.objects.filter(idempotency_key=key).exists():
            continue
        subject, body = _reminder_text(appointment)
        channel = customer_channel(appointment.customer)
        with transaction.atomic():
            message_queue(
                dealer=appointment.dealer,
                recipient=Recipient.customer(appointment.customer),
                channel=channel,
                subject=subject,
                body=body,
                topic="service.appointment_reminder",
                idempotency_key=key,
            )
        queued += 1
    return queued


# ---- the slot grid --------------------------------------------------------------------

CAPACITY_FIELDS = (
    "slot_minutes",
    "opens_at",
    "closes_at",
    "places_per_slot",
    "places_per_day",
    "per_advisor_per_day",
    "per_bay_per_day",
    "open_weekdays",
    "pickup_offered",
)


def _count(value, low: int, high: int) -> int:
    if value is None or not low <= int(value) <= high:
        raise ValidationError(_("Between %(low)s and %(high)s.") % {"low": low, "high": high})
    return int(value)


def _weekdays(value) -> str:
    days = "".join(sorted(set(str(value or ""))))
    if not days or any(d not in "0123456" for d in days):
        raise ValidationError(_("Choose at least one day of the week."))
    return days


def capacity_clean(values: dict) -> dict:
    errors = FieldErrors()
    checks = {
        "slot_minutes": lambda v: _count(v, 10, 240),
        "opens_at": lambda v: v,
        "closes_at": lambda v: v,
        "places_per_slot": lambda v: _count(v, 1, 500),
        "places_per_day": lambda v: _count(v, 1, 5000),
        "per_advisor_per_day": lambda v: _count(v, 1, 500),
        "per_bay_per_day": lambda v: _count(v, 1, 500),
        "open_weekdays": _weekdays,
        "pickup_offered": bool,
    }
    clean = {}
    clean.update(errors.check_fields(checks, values))
    opens, closes = clean.get("opens_at"), clean.get("closes_at")
    for name, value in (("opens_at", opens), ("closes_at", closes)):
        if not isinstance(value, time):
            errors.add(name, _("This field is required."))
    if isinstance(opens, time) and isinstance(closes, time) and closes <= opens:
        errors.add("closes_at", _("Closing must come after the first slot."))
    errors.raise_if_any()
    return clean


def _plain_times(values: dict) -> dict:
    return {k: v.strftime("%H:%M") if isinstance(v, time) else v for k, v in values.items()}


@transaction.atomic
def service_capacity_update(*, actor, changes: dict, version: int) -> ServiceCapacity:
    """Change the slot grid (bookings already made keep their places)."""
    require(actor, Action.SERVICE_SETUP)
    ServiceCapacity.objects.bulk_create(
        [ServiceCapacity(dealer_id=actor.dealer_id)], ignore_conflicts=True
    )
    capacity = ServiceCapacity.objects.select_for_update().get(dealer_id=actor.dealer_id)
    if capacity.version != version:
        raise StaleVersion()
    before = {name: getattr(capacity, name) for name in CAPACITY_FIELDS}
    clean = capacity_clean(before | changes)
    for name, value in clean.items():
        setattr(capacity, name, value)
    capacity.version += 1
    capacity.save()
    event = AuditEvent(
        action=BookingEvent.CAPACITY_UPDATE,
        object_type=BookingAuditObject.SERVICE_CAPACITY,
        object_id=capacity.pk,
        label=gettext("Booking capacity"),
        changes=changes_between(_plain_times(before), _plain_times(clean)),
    )
    audit_record(actor=actor, dealer=actor.dealer, event=event)
    return capacity


@transaction.atomic
def service_bay_create(*, actor, name: str) -> ServiceBay:
    require(actor, Action.SERVICE_SETUP)
    errors = FieldErrors()
    with errors.field("name"):
        name = clean_text(name, max_length=40, required=True)
    errors.raise_if_any()
    if ServiceBay.objects.filter(dealer_id=actor.dealer_id, name=name).exists():
        raise Conflict(fields={"name": [_("A bay with this name exists.")]})
    bay = ServiceBay.objects.create(dealer_id=actor.dealer_id, name=name)
    event = AuditEvent(
        action=BookingEvent.BAY_CREATE,
        object_type=BookingAuditObject.SERVICE_BAY,
        object_id=bay.pk,
        label=bay.name,
        changes={"name": ["", name]},
    )
    audit_record(actor=actor, dealer=actor.dealer, event=event)
    return bay


@transaction.atomic
def service_bay_set_active(*, actor, bay: ServiceBay, active: bool) -> ServiceBay:
    require(actor, Action.SERVICE_SETUP)
    before = bay.active
    ServiceBay.objects.filter(pk=bay.pk).update(active=active)
    bay.active = active
    event = AuditEvent(
        action=BookingEvent.BAY_UPDATE,
        object_type=BookingAuditObject.SERVICE_BAY,
        object_id=bay.pk,
        label=bay.name,
        changes={"active": [before, active]},
    )
    audit_record(actor=actor, dealer=actor.dealer, event=event)
    return bay
