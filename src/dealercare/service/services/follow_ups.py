"""Follow-up visits (回访, R-SVC-7): the task a delivery plans, or one an agent takes by
hand, and the calls made on it with the script. One business action, one transaction."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import InvalidInput, InvalidTransition, StaleVersion
from dealercare.core.roles import Action, require
from dealercare.customers.models import Channel
from dealercare.customers.selectors import active_customers
from dealercare.service.events import ServiceAuditObject, ServiceEvent
from dealercare.service.models import FollowUpTask, RepairOrder, ServiceSettings
from dealercare.vehicles.models import Vehicle

Task = FollowUpTask
REMARKS_MAX = 500
# The script's three questions, each answered 1 (very unhappy) to 5 (very happy).
SCORES = ("quality_score", "attitude_score", "price_score")
UNHAPPY_AT = 2  # a score at or below this is an unhappy answer


def follow_up_days(dealer_id: int) -> int:
    settings_row = ServiceSettings.objects.filter(dealer_id=dealer_id).first()
    return settings_row.follow_up_days if settings_row else ServiceSettings().follow_up_days


def _record(actor, task: Task, action: str, changes: dict) -> None:
    event = AuditEvent(
        action=action,
        object_type=ServiceAuditObject.FOLLOW_UP,
        object_id=task.pk,
        label=task.order.number if task.order_id else f"#{task.pk}",
        customer_id=task.customer_id,
        changes=changes,
    )
    audit_record(actor=actor, dealer=task.dealer, event=event)


def follow_up_plan(*, actor, order: RepairOrder, delivered_at: datetime) -> Task:
    """The follow-up visit for the customer-service team, due ``follow_up_days`` after the
    delivery, by the customer's preferred channel. Runs inside the delivery's transaction."""
    due = timezone.localdate(delivered_at) + timedelta(days=follow_up_days(order.dealer_id))
    task, _created = Task.objects.get_or_create(
        order=order,
        kind=Task.Kind.AFTER_SERVICE,
        defaults={
            "dealer_id": order.dealer_id,
            "customer_id": order.customer_id,
            "vehicle_id": order.vehicle_id,
            "due_on": due,
            "channel": order.customer.preferred_channel,
        },
    )
    _record(
        actor,
        task,
        ServiceEvent.FOLLOW_UP_CREATE,
        changes_between({}, {"due_on": due, "channel": task.channel}),
    )
    return task


@dataclass
class FollowUpInput:
    customer_id: int
    reason: str
    due_on: date | None = None
    vehicle_id: int | None = None
    channel: str = ""


@transaction.atomic
def follow_up_create(*, actor, data: FollowUpInput) -> Task:
    """A call to make for another reason (a question after a campaign, a promised call
    back): due today unless a later day is given, by the customer's preferred channel."""
    require(actor, Action.FOLLOW_UP_HANDLE)
    errors = FieldErrors()
    customer = active_customers(actor.dealer_id).filter(pk=data.customer_id).first()
    if customer is None:
        errors.add("customer_id", _("Unknown customer."))
    vehicle = None
    if data.vehicle_id:
        vehicle = Vehicle.objects.filter(pk=data.vehicle_id, dealer_id=actor.dealer_id).first()
        if vehicle is None:
            errors.add("vehicle_id", _("Unknown vehicle."))
    with errors.field("reason"):
        reason = clean_text(data.reason, max_length=200, required=True)
    today = timezone.localdate()
    due = data.due_on or today
    if due < today:
        errors.add("due_on", _("The call cannot be due in the past."))
    with errors.field("channel"):
        channel = clean_choice(data.channel, Channel.choices)
    errors.raise_if_any()
    task = Task.objects.create(
        dealer_id=actor.dealer_id,
        kind=Task.Kind.MANUAL,
        customer=customer,
        vehicle=vehicle,
        reason=reason,
        due_on=due,
        channel=channel or customer.preferred_channel,
        assigned_to=actor,
    )
    _record(
        actor,
        task,
        ServiceEvent.FOLLOW_UP_CREATE,
        changes_between({}, {"reason": reason, "due_on": due, "channel": task.channel}),
    )
    return task


@dataclass
class FollowUpCall:
    """One call: the customer reached (and their answers to the script) or not."""

    reached: bool
    quality_score: int | None = None
    attitude_score: int | None = None
    price_score: int | None = None
    remarks: str = ""


def _clean_call(call: FollowUpCall) -> dict:
    errors = FieldErrors()
    scores = {}
    if call.reached:
        for name in SCORES:
            value = getattr(call, name)
            if value is None or value == "":
                errors.add(name, _("Ask this question and note the answer."))
            elif not (isinstance(value, int) and 1 <= value <= 5):
                errors.add(name, _("From 1 (very unhappy) to 5 (very happy)."))
            else:
                scores[name] = value
    unhappy = call.reached and any(v <= UNHAPPY_AT for v in scores.values())
    with errors.field("remarks"):
        remarks = clean_text(call.remarks, max_length=REMARKS_MAX, multiline=True, required=unhappy)
    errors.raise_if_any()
    return scores | {"remarks": remarks, "unhappy": unhappy}


def _locked_open(task: Task, version: int | None) -> Task:
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("order", "dealer")
        .get(pk=task.pk)
    )
    if version is not None and task.version != version:
        raise StaleVersion()
    if task.status != Task.Status.OPEN:
        raise InvalidTransition(_("This follow-up visit is closed."))
    return task


@transaction.atomic
def follow_up_call(*, actor, task: Task, call: FollowUpCall, version: int | None = None) -> Task:
    """Record a call. Reached: the answers close the task (an answer of 2 or less marks the
    customer unhappy, with what they said). Not reached: called again tomorrow; after the
    third call without an answer the task closes as unreachable."""
    require(actor, Action.FOLLOW_UP_HANDLE)
    if not isinstance(call.reached, bool):
        raise InvalidInput(fields={"reached": [_("Say whether the customer was reached.")]})
    clean = _clean_call(call)
    task = _locked_open(task, version)
    now = timezone.now()
    before = {"status": task.status, "due_on": task.due_on, "attempts": task.attempts}
    task.attempts += 1
    task.last_call_at = now
    task.assigned_to = task.assigned_to or actor
    if call.reached:
        for name in SCORES:
            setattr(task, name, clean[name])
        task.status, task.unhappy = Task.Status.DONE, clean["unhappy"]
        task.result = clean["remarks"]
    elif task.attempts >= Task.CALL_ATTEMPTS:
        task.status = Task.Status.UNREACHABLE
        task.result = clean["remarks"]
    else:
        task.due_on = max(task.due_on, timezone.localdate(now) + timedelta(days=1))
    if task.status != Task.Status.OPEN:
        task.done_at, task.done_by = now, actor
    task.version += 1
    task.save()
    after = {"status": task.status, "due_on": task.due_on, "attempts": task.attempts}
    after |= {name: getattr(task, name) for name in SCORES if call.reached}
    after |= {"unhappy": task.unhappy, "result": task.result}
    _record(actor, task, ServiceEvent.FOLLOW_UP_CALL, changes_between(before, after))
    return task
