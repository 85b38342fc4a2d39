"""What staff do with a customer's reminders (R-CARE-5): pause them, move one, change its
text, cancel it, and make the phone calls the planner could not send. Every action names
the staff member and a reason, in the audit trail, on the customer's timeline."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.care.events import CareAuditObject, CareError, CareEvent
from dealercare.care.models import Reminder, ReminderKind, ReminderPause
from dealercare.care.services.planner import STALE_READING_DAYS
from dealercare.care.services.rules import clean_template
from dealercare.care.services.sending import active_pauses
from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import InvalidTransition, NotFound, StaleVersion
from dealercare.core.roles import Action, require
from dealercare.customers.events import customer_subject
from dealercare.customers.selectors import active_customers

S = Reminder.Status
MAX_PAUSE_DAYS = 366


def _reason(value) -> str:
    return clean_text(value, max_length=300, required=True)


def _lock(actor, reminder_id: int, version: int | None, statuses: set[str]) -> Reminder:
    require(actor, Action.CARE_HANDLE)
    reminders = Reminder.objects.select_for_update(of=("self",)).select_related("rule", "dealer")
    reminder = reminders.filter(pk=reminder_id, dealer_id=actor.dealer_id).first()
    if reminder is None:
        raise NotFound()
    if version is not None and reminder.version != version:
        raise StaleVersion()
    if reminder.status not in statuses:
        raise InvalidTransition(
            CareError.NOT_A_CALL.label if statuses == {S.CALL} else CareError.NOT_OPEN.label,
            code=CareError.NOT_A_CALL if statuses == {S.CALL} else CareError.NOT_OPEN,
        )
    return reminder


def _record(actor, reminder: Reminder, action: str, changes: dict) -> None:
    reminder.version += 1
    reminder.handled_by = actor
    reminder.save()
    event = AuditEvent(
        action=action,
        object_type=CareAuditObject.REMINDER,
        object_id=reminder.pk,
        label=str(reminder),
        customer_id=reminder.customer_id,
        changes=changes,
        subject=customer_subject(reminder.customer_id),
    )
    audit_record(actor=actor, dealer=actor.dealer, event=event)


def _clean_send_on(value: date | None, reminder: Reminder) -> date:
    if value is None:
        raise ValidationError(_("This field is required."), code="required")
    if value < timezone.localdate():
        raise ValidationError(_("The day cannot be in the past."))
    if value > reminder.due_date + timedelta(days=MAX_PAUSE_DAYS):
        raise ValidationError(_("At most a year after the due day."))
    return value


@transaction.atomic
def reminder_move(*, actor, reminder_id: int, send_on: date, reason: str, version: int):
    reminder = _lock(actor, reminder_id, version, {S.PLANNED})
    errors = FieldErrors()
    clean = errors.check_fields(
        {"send_on": lambda v: _clean_send_on(v, reminder), "reason": _reason},
        {"send_on": send_on, "reason": reason},
    )
    errors.raise_if_any()
    before = reminder.send_on
    reminder.send_on = clean["send_on"]
    changes = {"send_on": [str(before), str(reminder.send_on)], "reason": ["", clean["reason"]]}
    _record(actor, reminder, CareEvent.MOVE, changes)
    return reminder


@transaction.atomic
def reminder_edit_text(*, actor, reminder_id: int, text: str, reason: str, version: int):
    """The reminder's own text in place of the rule's (variables as in the rule)."""
    reminder = _lock(actor, reminder_id, version, {S.PLANNED})
    errors = FieldErrors()
    clean = errors.check_fields(
        {"text": lambda v: clean_template(v, required=True), "reason": _reason},
        {"text": text, "reason": reason},
    )
    errors.raise_if_any()
    before = reminder.text or reminder.rule.template_zh
    reminder.text = clean["text"]
    changes = {"text": [before, reminder.text], "reason": ["", clean["reason"]]}
    _record(actor, reminder, CareEvent.EDIT, changes)
    return reminder


@transaction.atomic
def reminder_cancel(*, actor, reminder_id: int, reason: str, version: int):
    reminder = _lock(actor, reminder_id, version, {S.PLANNED, S.CALL})
    errors = FieldErrors()
    clean = errors.check_fields({"reason": _reason}, {"reason": reason})
    errors.raise_if_any()
    before = reminder.status
    reminder.status = S.CANCELLED
    changes = {"status": [before, S.CANCELLED], "reason": ["", clean["reason"]]}
    _record(actor, reminder, CareEvent.CANCEL, changes)
    return reminder


@transaction.atomic
def reminder_call_done(*, actor, reminder_id: int, note: str, version: int):
    """The agent made the call a reminder without consent became."""
    reminder = _lock(actor, reminder_id, version, {S.CALL})
    errors = FieldErrors()
    clean = errors.check_fields(
        {"note": lambda v: clean_text(v, max_length=500, required=True)}, {"note": note}
    )
    errors.raise_if_any()
    reminder.status, reminder.call_note = S.CALLED, clean["note"]
    _record(actor, reminder, CareEvent.CALLED, {"status": [S.CALL, S.CALLED]})
    return reminder


def _clean_until(value: date | None) -> date:
    today = timezone.localdate()
    if value is None:
        raise ValidationError(_("This field is required."), code="required")
    if value < today:
        raise ValidationError(_("The day cannot be in the past."))
    if value > today + timedelta(days=MAX_PAUSE_DAYS):
        raise ValidationError(_("At most a year from today."))
    return value


def _pause_event(action: str, pause: ReminderPause, changes: dict) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=CareAuditObject.PAUSE,
        object_id=pause.pk,
        label=pause.get_kind_display() or str(_("All reminders")),
        customer_id=pause.customer_id,
        changes=changes,
        subject=customer_subject(pause.customer_id),
    )


@transaction.atomic
def reminder_pause(
    *, actor, customer_id: int, until: date, reason: str, kind: str = ""
) -> ReminderPause:
    """Hold back a customer's reminders (all, or one kind) up to and including ``until``;
    greetings whose day passes meanwhile are not sent late."""
    require(actor, Action.CARE_HANDLE)
    customer = active_customers(actor.dealer_id).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    errors = FieldErrors()
    clean = errors.check_fields(
        {
            "until": _clean_until,
            "reason": _reason,
            "kind": lambda v: clean_choice(v, ReminderKind.choices),
        },
        {"until": until, "reason": reason, "kind": kind},
    )
    errors.raise_if_any()
    pause = ReminderPause.objects.create(
        dealer=actor.dealer, customer=customer, created_by=actor, **clean
    )
    changes = {"until": ["", str(pause.until)], "reason": ["", pause.reason]}
    audit_record(
        actor=actor, dealer=actor.dealer, event=_pause_event(CareEvent.PAUSE, pause, changes)
    )
    return pause


@transaction.atomic
def reminder_pause_end(*, actor, pause_id: int) -> ReminderPause:
    """Lift a pause today: what it held back goes out from now on."""
    require(actor, Action.CARE_HANDLE)
    today = timezone.localdate()
    pauses = active_pauses(today).select_for_update().filter(dealer_id=actor.dealer_id)
    pause = pauses.filter(pk=pause_id).first()
    if pause is None:
        raise NotFound()
    before = pause.until
    pause.ended_on, pause.until = today, today - timedelta(days=1)
    pause.save(update_fields=["ended_on", "until", "updated_at"])
    changes = {"until": [str(before), str(pause.until)]}
    audit_record(
        actor=actor, dealer=actor.dealer, event=_pause_event(CareEvent.PAUSE_END, pause, changes)
    )
    return pause


def reminders_follow_maintenance(vehicle, before: date | None) -> None:
    """After a replan: the car's planned, unsent maintenance reminder moves with the
    projection, and a pending ask for the mileage is dropped once a fresh reading is in."""
    planned = Reminder.objects.filter(vehicle_id=vehicle.pk, status=S.PLANNED)
    fresh_since = timezone.localdate() - timedelta(days=STALE_READING_DAYS)
    if vehicle.readings.filter(read_on__gte=fresh_since).exists():
        planned.filter(kind=ReminderKind.MILEAGE_CHECK).update(
            status=S.SKIPPED, skip_reason=Reminder.SkipReason.READING_RECEIVED
        )
    if vehicle.next_maintenance_due != before:
        maintenance = planned.filter(kind=ReminderKind.MAINTENANCE).select_related("rule")
        for reminder in maintenance.select_for_update(of=("self",)):
            _follow(reminder, vehicle.next_maintenance_due)


def _follow(reminder: Reminder, due: date | None) -> None:
    taken = Reminder.objects.filter(
        vehicle_id=reminder.vehicle_id, kind=reminder.kind, due_date=due
    ).exists()
    if due is None or taken:
        reminder.status = S.CANCELLED
    else:
        lead = timedelta(days=reminder.rule.lead_days)
        reminder.due_date, reminder.send_on = due, max(timezone.localdate(), due - lead)
    reminder.version += 1
    reminder.save(update_fields=["status", "due_date", "send_on", "version", "updated_at"])
