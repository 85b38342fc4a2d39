"""Sending what the planner planned (R-CARE-5, R-CARE-6, R-SEC-5, R-CUS-1).

A reminder due today goes, in its own transaction, by the first channel the customer
consented to (their preferred one first, then the rule's order), timed into their chosen
part of the day and out of the rule's quiet hours. Without any consent it becomes a phone
call for an agent, never a silent send. Related persons named for reminders get the
car's reminders too. The outbox's idempotency key (the reminder) means nothing goes twice.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from dealercare.care.events import CareAuditObject, CareEvent
from dealercare.care.models import MARKETING_KINDS, VEHICLE_KINDS, Reminder, ReminderPause
from dealercare.care.services.rules import message_values, template_render
from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.messaging.models import MessageChannel, RecipientKind
from dealercare.core.messaging.recipients import Recipient, recipient_directory
from dealercare.core.messaging.services import message_queue
from dealercare.customers.models import Channel, Customer

S = Reminder.Status
# The customer's chosen part of the day (Customer.ContactTime), as from–until hours.
CONTACT_WINDOWS = {
    Customer.ContactTime.MORNING: (time(9), time(12)),
    Customer.ContactTime.AFTERNOON: (time(12), time(18)),
    Customer.ContactTime.EVENING: (time(18), time(21)),
    Customer.ContactTime.ANY: (time(9), time(21)),
}
STEP = timedelta(minutes=15)


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # over midnight, e.g. 21:00–08:00


def send_time(now: datetime, *, contact_time: str, quiet_start: time, quiet_end: time) -> datetime:
    """The first moment from ``now`` inside the customer's part of the day and outside the
    quiet hours (checked in quarter hours, over the next three days)."""
    local = timezone.localtime(now)
    window_start, window_end = CONTACT_WINDOWS.get(contact_time, CONTACT_WINDOWS["any"])
    moment = local
    for _step in range(3 * 24 * 4):
        clock = moment.time()
        quiet = in_quiet_hours(clock, quiet_start, quiet_end)
        if window_start <= clock < window_end and not quiet:
            return moment
        later = moment + STEP
        moment = later.replace(minute=later.minute - later.minute % 15, second=0, microsecond=0)
    return local  # a window wholly inside the quiet hours: the customer's choice wins


def active_pauses(today):
    return ReminderPause.objects.filter(until__gte=today, ended_on=None)


def reminders_due(today):
    """Planned reminders due by ``today`` that no pause holds back."""
    paused = (
        active_pauses(today)
        .filter(customer=OuterRef("customer_id"))
        .filter(Q(kind="") | Q(kind=OuterRef("kind")))
    )
    due = Reminder.objects.filter(status=S.PLANNED, send_on__lte=today)
    return due.filter(~Exists(paused)).order_by("send_on", "pk")


def care_dispatch(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send (or turn into a phone call) up to ``limit`` reminders due now; how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    handled = 0
    for reminder_id in list(reminders_due(today).values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            handled += reminder_send(reminder_id, now=now)
    return handled


def _locked_planned(reminder_id: int) -> Reminder | None:
    planned = Reminder.objects.filter(pk=reminder_id, status=S.PLANNED)
    planned = planned.select_for_update(of=("self",), skip_locked=True)
    return planned.select_related("rule", "customer", "vehicle", "dealer").first()


def _sent_this_week(reminder: Reminder, now: datetime) -> int:
    return Reminder.objects.filter(
        customer_id=reminder.customer_id,
        status=S.SENT,
        kind__in=MARKETING_KINDS,
        sent_at__gt=now - timedelta(days=7),
    ).count()


def _skip_reason(reminder: Reminder, now: datetime) -> str:
    customer = reminder.customer
    if customer.merged_into_id or customer.erased_at:
        return Reminder.SkipReason.NO_CUSTOMER
    if reminder.kind in MARKETING_KINDS:
        if reminder.due_date < timezone.localdate(now):
            return Reminder.SkipReason.EXPIRED
        if _sent_this_week(reminder, now) >= reminder.rule.weekly_cap:
            return Reminder.SkipReason.WEEKLY_CAP
    return ""


def consented_channel(customer: Customer, channels: list[str]) -> str:
    """The first channel, the customer's preferred one first, that they consented to and
    can be reached on; "" when there is none."""
    directory = recipient_directory(RecipientKind.CUSTOMER)
    outbox_channels = {MessageChannel.SMS, MessageChannel.WECHAT, MessageChannel.EMAIL}
    for channel in dict.fromkeys([customer.preferred_channel, *channels]):
        if channel not in outbox_channels:
            continue
        contact = directory.contact(
            dealer_id=customer.dealer_id, recipient_id=customer.pk, channel=channel
        )
        if not (contact and contact.address):
            continue
        if customer.pk in directory.consenting(channel=channel, recipient_ids=[customer.pk]):
            return channel
    return ""


def reminder_text(reminder: Reminder) -> str:
    vehicle = reminder.vehicle
    values = message_values(
        dealer=reminder.dealer,
        customer=reminder.customer,
        plate=(vehicle.plate or vehicle.vin) if vehicle else "",
        due=reminder.due_date,
    )
    return template_render(reminder.text or reminder.rule.template_zh, values)


def _audit(reminder: Reminder, action: str, changes: dict, actor=None) -> None:
    event = AuditEvent(
        action=action,
        object_type=CareAuditObject.REMINDER,
        object_id=reminder.pk,
        label=str(reminder),
        customer_id=reminder.customer_id,
        changes=changes,
    )
    audit_record(actor=actor, dealer=reminder.dealer, event=event)


def _queue(reminder: Reminder, recipient: Recipient, channel: str, body: str, at: datetime):
    rule = reminder.rule
    return message_queue(
        dealer=reminder.dealer,
        recipient=recipient,
        channel=channel,
        body=body,
        subject=rule.name if channel == MessageChannel.EMAIL else "",
        topic=f"care.{reminder.kind}",
        idempotency_key=f"care:{reminder.pk}:{recipient.kind}:{recipient.id}",
        not_before=at,
    )


def reminder_send(reminder_id: int, *, now: datetime) -> int:
    """Send one due reminder inside the caller's transaction; 0 if another took it."""
    reminder = _locked_planned(reminder_id)
    if reminder is None:
        return 0
    skip = _skip_reason(reminder, now)
    if skip:
        reminder.status, reminder.skip_reason = S.SKIPPED, skip
        reminder.save(update_fields=["status", "skip_reason", "updated_at"])
        return 1
    customer, rule = reminder.customer, reminder.rule
    wants_call = customer.preferred_channel == Channel.PHONE
    channel = "" if wants_call else consented_channel(customer, rule.channels)
    if not channel:
        reminder.status, reminder.channel = S.CALL, Channel.PHONE
        reminder.save(update_fields=["status", "channel", "updated_at"])
        _audit(reminder, CareEvent.CALL_TASK, {"status": [S.PLANNED, S.CALL]})
        return 1
    at = send_time(
        now,
        contact_time=customer.preferred_time,
        quiet_start=rule.quiet_start,
        quiet_end=rule.quiet_end,
    )
    body = reminder_text(reminder)
    reminder.message = _queue(reminder, Recipient.customer(customer), channel, body, at)
    if reminder.kind in VEHICLE_KINDS:
        for person in customer.related.filter(receives_reminders=True).order_by("pk"):
            _queue(reminder, Recipient.related(person), MessageChannel.SMS, body, at)
    reminder.status, reminder.channel, reminder.sent_at = S.SENT, channel, now
    reminder.save(update_fields=["status", "channel", "message", "sent_at", "updated_at"])
    _audit(reminder, CareEvent.SEND, {"status": [S.PLANNED, S.SENT], "channel": ["", channel]})
    return 1
