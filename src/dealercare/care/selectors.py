"""Reads of relationship care, scoped to the actor's dealer: the reminders, their month
calendar, the rules and a customer's pauses."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone

from dealercare.care.models import Reminder, ReminderKind, ReminderPause, ReminderRule
from dealercare.care.services.rules import care_rules_ensure
from dealercare.care.services.sending import active_pauses
from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.roles import Action, require
from dealercare.customers.models import Customer
from dealercare.customers.selectors import search_condition

_RELATED = ("customer", "vehicle", "rule", "message")


def _reminders(actor) -> QuerySet:
    return scope_to_dealer(actor, Reminder.objects.select_related(*_RELATED))


def reminder_list(
    *,
    actor,
    kind: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    customer_id: int | None = None,
    q: str | None = None,
) -> QuerySet:
    """The dealer's reminders by the day they go out (``send_on``), filtered."""
    require(actor, Action.CARE_VIEW)
    rows = _reminders(actor)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if date_from:
        rows = rows.filter(send_on__gte=date_from)
    if date_to:
        rows = rows.filter(send_on__lte=date_to)
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    if q and q.strip():
        customers = Customer.objects.filter(search_condition(actor.dealer_id, q))
        rows = rows.filter(customer_id__in=customers.filter(dealer_id=actor.dealer_id).values("pk"))
    return rows.order_by("send_on", "pk")


def reminder_get(*, actor, reminder_id) -> Reminder:
    return get_for(
        actor,
        Reminder.objects.select_related(*_RELATED, "dealer", "handled_by"),
        reminder_id,
        action=Action.CARE_VIEW,
    )


def rule_list(*, actor) -> QuerySet:
    """The dealer's rules (one per kind, made from the defaults when missing) and campaigns."""
    require(actor, Action.CARE_VIEW)
    if actor.dealer_id:
        care_rules_ensure(actor.dealer)
    rows = scope_to_dealer(actor, ReminderRule.objects.select_related("segment_tag"))
    return rows.order_by("kind", "-campaign_date", "name", "pk")


def rule_get(*, actor, rule_id) -> ReminderRule:
    if actor.dealer_id:
        care_rules_ensure(actor.dealer)
    return get_for(
        actor, ReminderRule.objects.select_related("segment_tag"), rule_id, action=Action.CARE_VIEW
    )


def pauses_for(*, actor, customer: Customer) -> QuerySet:
    """The customer's pauses still holding reminders back."""
    require(actor, Action.CARE_VIEW)
    pauses = active_pauses(timezone.localdate()).filter(
        dealer_id=actor.dealer_id, customer_id=customer.pk
    )
    return pauses.select_related("created_by").order_by("until", "pk")


def pause_get(*, actor, pause_id) -> ReminderPause:
    return get_for(
        actor, ReminderPause.objects.select_related("customer"), pause_id, action=Action.CARE_VIEW
    )


@dataclass(frozen=True)
class CalendarDay:
    day: date
    counts: dict[str, int]  # kind → reminders going out that day

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def month_end(month_start: date) -> date:
    """The first day of the next month."""
    start = month_start.replace(day=1)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def reminder_calendar(*, actor, month_start: date) -> list[CalendarDay]:
    """Every day of the month with its reminders counted per kind (cancelled ones left
    out), in one query."""
    require(actor, Action.CARE_VIEW)
    start = month_start.replace(day=1)
    end = month_end(start)
    rows = (
        scope_to_dealer(actor, Reminder.objects.all())
        .filter(send_on__gte=start, send_on__lt=end)
        .exclude(status=Reminder.Status.CANCELLED)
        .values("send_on", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_day: dict[date, dict[str, int]] = {}
    for row in rows:
        per_day.setdefault(row["send_on"], {})[row["kind"]] = row["n"]
    kinds = list(ReminderKind.values)
    days = []
    for ordinal in range(start.toordinal(), end.toordinal()):
        day = date.fromordinal(ordinal)
        counts = per_day.get(day, {})
        days.append(CalendarDay(day=day, counts={k: counts[k] for k in kinds if k in counts}))
    return days


@dataclass(frozen=True)
class CustomerReminders:
    upcoming: list[Reminder]
    past: list[Reminder]


def customer_reminders(*, actor, customer: Customer, limit: int = 20) -> CustomerReminders:
    """The customer's open reminders, planned or a call to make (soonest first), and the
    others, newest first, each with its outbox message for the delivery status."""
    require(actor, Action.CARE_VIEW)
    rows = _reminders(actor).filter(customer_id=customer.pk)
    open_ = [Reminder.Status.PLANNED, Reminder.Status.CALL]
    upcoming = list(rows.filter(status__in=open_).order_by("send_on", "pk")[:limit])
    past = list(rows.exclude(status__in=open_).order_by("-send_on", "-pk")[:limit])
    return CustomerReminders(upcoming=upcoming, past=past)


def care_customer_get(*, actor, customer_id) -> Customer:
    """A customer of the actor's dealer, for the care pages (merged or erased: not found)."""
    customers = Customer.objects.filter(merged_into=None, erased_at=None)
    return get_for(actor, customers, customer_id, action=Action.CARE_VIEW)
