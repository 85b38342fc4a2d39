"""Reads of the workshop: the board, a technician's jobs, what reception should know about
a car, inspections, deliveries and follow-up tasks — scoped to the actor's dealer."""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.errors import NotFound
from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.models import AuditEntry, User
from dealercare.core.roles import Action, Role, allows, require
from dealercare.customers.models import Customer
from dealercare.customers.selectors import active_customers
from dealercare.service.models import (
    Delivery,
    FollowUpTask,
    QualityInspection,
    Reception,
    RepairOrder,
    RepairOrderLine,
)
from dealercare.vehicles.models import Vehicle

Status = RepairOrder.Status
BOARD_COLUMNS = (Status.APPROVED, Status.IN_PROGRESS, Status.QUALITY_CHECK, Status.READY)
BOARD_LIMIT = 400
MY_JOB_STATES = (Status.APPROVED, Status.IN_PROGRESS, Status.QUALITY_CHECK)
# Late: promised for a time that has passed and the car is not ready yet.
NOT_LATE = (Status.READY, Status.DELIVERED, Status.CLOSED, Status.CANCELLED)


def _with_late(orders: QuerySet, now) -> QuerySet:
    return orders.annotate(
        late=Case(
            When(Q(promised_at__lt=now) & ~Q(status__in=NOT_LATE), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def repair_order_for_workshop(*, actor, order_id, action: str = Action.REPAIR_ORDER_VIEW):
    """One order of the actor's dealer (404 otherwise), with what the workshop pages show."""
    orders = RepairOrder.objects.select_related("vehicle", "customer", "technician", "advisor")
    return get_for(actor, orders, order_id, action=action)


@dataclass(frozen=True)
class BoardColumn:
    status: str
    label: str
    orders: list


def workshop_board(*, actor) -> list[BoardColumn]:
    """The orders on the workshop floor, one column per status (approved, in progress,
    quality check, ready), soonest promise first, late ones marked. One query, served by
    ``repair_order_board_idx`` (dealer, status, promised_at)."""
    require(actor, Action.REPAIR_ORDER_VIEW)
    now = timezone.now()
    orders = scope_to_dealer(
        actor, RepairOrder.objects.filter(status__in=BOARD_COLUMNS)
    ).select_related("vehicle", "technician")
    orders = _with_late(orders, now).order_by("status", "promised_at", "id")
    orders = orders.only(
        "id",
        "number",
        "version",
        "status",
        "promised_at",
        "rework_count",
        "vehicle__plate",
        "vehicle__make",
        "vehicle__model_name",
        "technician__first_name",
        "technician__username",
    )[:BOARD_LIMIT]
    by_status = {status: [] for status in BOARD_COLUMNS}
    for order in orders:
        by_status[order.status].append(order)
    labels = dict(Status.choices)
    return [BoardColumn(s, str(labels[s]), by_status[s]) for s in BOARD_COLUMNS]


def my_jobs(*, actor) -> QuerySet:
    """The technician's own jobs, soonest promise first."""
    require(actor, Action.REPAIR_ORDER_WORK)
    orders = scope_to_dealer(
        actor, RepairOrder.objects.filter(technician=actor, status__in=MY_JOB_STATES)
    ).select_related("vehicle")
    return _with_late(orders, timezone.now()).order_by("promised_at", "id")


def technicians(*, actor) -> QuerySet:
    return scope_to_dealer(
        actor, User.objects.filter(role=Role.TECHNICIAN, is_active=True)
    ).order_by("first_name", "username")


def progress_reports(*, order: RepairOrder) -> QuerySet:
    return order.progress_reports.select_related("reported_by").order_by("-created_at", "-id")


def inspections(*, order: RepairOrder) -> QuerySet:
    return order.inspections.select_related("inspector").order_by("-created_at", "-id")


def inspection_queue(*, actor) -> QuerySet:
    require(actor, Action.REPAIR_ORDER_INSPECT)
    orders = scope_to_dealer(actor, RepairOrder.objects.filter(status=Status.QUALITY_CHECK))
    return _with_late(orders.select_related("vehicle", "technician"), timezone.now()).order_by(
        "promised_at", "id"
    )


def reception_get(*, actor, order: RepairOrder) -> Reception:
    reception = Reception.objects.filter(order=order, dealer_id=actor.dealer_id).first()
    if reception is None:
        raise NotFound()
    return reception


def delivery_get(*, actor, order: RepairOrder) -> Delivery:
    delivery = Delivery.objects.filter(order=order, dealer_id=actor.dealer_id).first()
    if delivery is None:
        raise NotFound()
    return delivery


def ready_notice(*, order: RepairOrder):
    """The "your car is ready" message of the order's last pass, if any (its status tells
    whether the customer was notified)."""
    key = f"repair_order:ready:{order.pk}:{order.rework_count}"
    return OutboxMessage.objects.filter(dealer_id=order.dealer_id, idempotency_key=key).first()


def latest_inspection(*, order: RepairOrder) -> QualityInspection | None:
    return inspections(order=order).first()


# ------------------------------------------------------------------- at reception


def open_complaints_for(*, vehicle: Vehicle) -> list:
    """The vehicle's (and its owner's) open complaints. Complaints arrive with issue 16;
    until then there are none to show."""
    return []


def open_appointments_for(*, actor, vehicle: Vehicle) -> list:
    """The vehicle's appointments from today on, still booked or arrived (the booking
    desk's selector)."""
    try:
        from dealercare.service.selectors.appointments import appointments_for_vehicle
    except ImportError:
        return []
    if not allows(actor, Action.APPOINTMENT_VIEW):
        return []
    appointments = appointments_for_vehicle(actor=actor, vehicle=vehicle)
    return list(
        appointments.filter(status__in=("booked", "arrived"), day__gte=timezone.localdate())[:5]
    )


def last_visit(*, vehicle: Vehicle) -> RepairOrder | None:
    return (
        vehicle.repair_orders.exclude(status=Status.CANCELLED)
        .select_related("technician")
        .order_by("-created_at", "-id")
        .first()
    )


def reception_context(*, actor, vehicle: Vehicle) -> dict:
    """What is known about the car when it arrives: maintenance due, the last visit, open
    complaints and appointments."""
    require(actor, Action.REPAIR_ORDER_WRITE)
    today = timezone.localdate()
    due = vehicle.next_maintenance_due
    return {
        "maintenance_due": due,
        "maintenance_due_km": vehicle.next_maintenance_km,
        "maintenance_overdue": bool(due and due <= today),
        "last_visit": last_visit(vehicle=vehicle),
        "open_complaints": open_complaints_for(vehicle=vehicle),
        "open_appointments": open_appointments_for(actor=actor, vehicle=vehicle),
    }


# -------------------------------------------------------------------- follow-ups


@dataclass(frozen=True)
class FollowUpFilters:
    q: str = ""
    status: str = ""
    overdue: bool = False


def follow_up_list(*, actor, filters: FollowUpFilters) -> QuerySet:
    require(actor, Action.FOLLOW_UP_VIEW)
    tasks = scope_to_dealer(
        actor, FollowUpTask.objects.select_related("order", "order__vehicle", "customer")
    )
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.overdue:
        tasks = tasks.filter(status=FollowUpTask.Status.OPEN, due_on__lt=timezone.localdate())
    q = filters.q.strip()
    if q:
        tasks = tasks.filter(
            Q(order__number__iexact=q) | Q(order__vehicle__plate__iexact=q) | Q(customer__name=q)
        )
    return tasks.order_by("due_on", "id")


def follow_up_get(*, actor, follow_up_id) -> FollowUpTask:
    tasks = FollowUpTask.objects.select_related("order", "order__vehicle", "customer", "done_by")
    return get_for(actor, tasks, follow_up_id, action=Action.FOLLOW_UP_VIEW)


def follow_up_calls(*, task: FollowUpTask) -> QuerySet:
    """The calls made on the task, oldest first, as the audit trail recorded them."""
    entries = AuditEntry.objects.filter(
        dealer_id=task.dealer_id,
        object_type="follow_up",
        object_id=task.pk,
        action="follow_up.call",
    )
    return entries.select_related("actor", "sealed_with").order_by("id")


def follow_up_customer(*, actor, customer_id) -> Customer | None:
    """The customer a new follow-up task is for, when the number names one of the dealer's."""
    if not str(customer_id or "").isdigit():
        return None
    return active_customers(actor.dealer_id).filter(pk=int(customer_id)).first()


def follow_up_overdue(*, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return FollowUpTask.objects.filter(status=FollowUpTask.Status.OPEN, due_on__lt=today)


# ------------------------------------------------------------------- home page


def parts_to_issue(*, actor) -> QuerySet:
    """Part lines of the orders on the floor not yet issued from stock in full."""
    lines = scope_to_dealer(
        actor,
        RepairOrderLine.objects.filter(
            kind=RepairOrderLine.Kind.PART,
            order__status__in=(Status.APPROVED, Status.IN_PROGRESS),
            issued_quantity__lt=F("quantity"),
        ),
    )
    return lines.select_related("order", "order__vehicle", "part").order_by(
        "order__promised_at", "order_id", "id"
    )


def _below_reorder_count(actor) -> int | None:
    try:
        from dealercare.parts.selectors import below_reorder_count
    except ImportError:
        return None
    return below_reorder_count(actor=actor)


def _follow_ups_today(actor) -> dict:
    """Follow-up calls due today or late; the next ones to make for those who make them."""
    local_today = timezone.localdate()
    due = scope_to_dealer(
        actor,
        FollowUpTask.objects.filter(status=FollowUpTask.Status.OPEN, due_on__lte=local_today),
    )
    found = {
        "follow_ups_due": due.count(),
        "follow_ups_late": due.filter(due_on__lt=local_today).count(),
    }
    if allows(actor, Action.FOLLOW_UP_HANDLE):
        calls = due.select_related("customer", "order", "order__vehicle").order_by("due_on", "id")
        found["follow_ups"] = list(calls[:10])
        for task in found["follow_ups"]:
            task.late = task.due_on < local_today
    return found


def workshop_today(*, actor) -> dict:
    """The workshop's part of the home page, for the actor's role (a few small queries)."""
    today = {}
    now = timezone.now()
    if allows(actor, Action.REPAIR_ORDER_WRITE):
        waiting = scope_to_dealer(
            actor, RepairOrder.objects.filter(advisor=actor, status__in=[Status.OPEN, Status.READY])
        )
        today["waiting_orders"] = list(
            _with_late(waiting.select_related("vehicle"), now).order_by("promised_at", "id")[:20]
        )
    if allows(actor, Action.REPAIR_ORDER_WORK) and actor.role == Role.TECHNICIAN:
        today["my_jobs"] = list(my_jobs(actor=actor)[:20])
    if allows(actor, Action.REPAIR_ORDER_INSPECT):
        today["inspection_queue"] = list(inspection_queue(actor=actor)[:20])
    if allows(actor, Action.FOLLOW_UP_VIEW):
        today |= _follow_ups_today(actor)
    if allows(actor, Action.STOCK_MOVE) and actor.role == Role.PARTS:
        today["parts_to_issue"] = list(parts_to_issue(actor=actor)[:20])
        today["below_reorder"] = _below_reorder_count(actor)
    return today
