"""Reads of repair orders, scoped to the acting staff member's dealer."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Action, allows, require
from dealercare.customers.models import Customer
from dealercare.customers.selectors import NEWEST_FIRST, classify_query, customers_matching
from dealercare.customers.selectors import vehicles_matching as vehicles_found_by
from dealercare.service.models import (
    Appointment,
    DiagnosisReport,
    RepairOrder,
    RepairOrderApproval,
    RepairOrderLine,
)

ORDER_NUMBER = re.compile(r"^[A-Z0-9]{2,10}-\d{4}-\d{6}$")
HISTORY_SIZE = 5


@dataclass(frozen=True)
class RepairOrderFilters:
    q: str = ""
    status: str = ""
    advisor: int | None = None
    vehicle: int | None = None
    customer: int | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    comebacks: bool = False


def customer_visible(actor) -> bool:
    """Whose car it is is personal data: only a role with customer access sees the
    customer on an order, or finds orders by the customer's name or mobile."""
    return allows(actor, Action.CUSTOMER_VIEW)


def _day_start(day: date) -> datetime:
    day = min(max(day, date(1900, 1, 1)), date(2999, 12, 31))  # a time zone shift stays in range
    return timezone.make_aware(datetime.combine(day, time.min))


def _search(actor, q: str) -> Q | None:
    """One search box: an order number, a plate, a VIN or its last six, the customer's
    mobile, ID number or name (these for a role with customer access). ``None``: no match."""
    compact = q.strip().upper()
    if ORDER_NUMBER.match(compact):
        return Q(number=compact)
    search = classify_query(q)
    vehicles = vehicles_found_by(actor.dealer_id, search)
    if vehicles is not None:
        return Q(vehicle_id__in=vehicles.values("pk"))
    if not customer_visible(actor):
        return None
    active = Customer.objects.filter(dealer_id=actor.dealer_id, merged_into=None)
    return Q(customer_id__in=customers_matching(active, actor.dealer_id, q).values("pk"))


def repair_order_list(*, actor, filters: RepairOrderFilters = RepairOrderFilters()) -> QuerySet:
    require(actor, Action.REPAIR_ORDER_VIEW)
    orders = scope_to_dealer(
        actor,
        RepairOrder.objects.select_related("vehicle", "customer", "advisor", "technician"),
    )
    conditions = []
    if filters.q.strip():
        found = _search(actor, filters.q)
        if found is None:
            return orders.none()
        conditions.append(found)
    if filters.status:
        conditions.append(Q(status=filters.status))
    if filters.advisor:
        conditions.append(Q(advisor_id=filters.advisor))
    if filters.vehicle:
        conditions.append(Q(vehicle_id=filters.vehicle))
    if filters.customer:
        conditions.append(Q(customer_id=filters.customer))
    if filters.opened_from:
        conditions.append(Q(created_at__gte=_day_start(filters.opened_from)))
    if filters.opened_to:
        conditions.append(Q(created_at__lt=_day_start(filters.opened_to) + timedelta(days=1)))
    if filters.comebacks:
        conditions.append(Q(comeback_of__isnull=False))
    return orders.filter(*conditions).order_by(*NEWEST_FIRST)


def repair_order_get(*, actor, order_id) -> RepairOrder:
    orders = RepairOrder.objects.select_related(
        "dealer", "vehicle", "customer", "advisor", "technician", "comeback_of"
    )
    return get_for(actor, orders, order_id, action=Action.REPAIR_ORDER_VIEW)


def repair_order_lines(*, order: RepairOrder) -> QuerySet:
    return (
        RepairOrderLine.objects.filter(order_id=order.pk)
        .select_related("operation", "part", "technician", "warranty_claim_of__order")
        .order_by("id")
    )


def repair_order_approvals(*, order: RepairOrder) -> QuerySet:
    return (
        RepairOrderApproval.objects.filter(order_id=order.pk)
        .select_related("recorded_by")
        .order_by("approved_at", "id")
    )


def repair_order_detail(*, actor, order_id) -> RepairOrder:
    """An order with its lines and approvals (two more queries, whatever their number)."""
    order = repair_order_get(actor=actor, order_id=order_id)
    order.line_list = list(repair_order_lines(order=order))
    order.approval_list = list(repair_order_approvals(order=order).defer("signature"))
    return order


def warranty_lines_of(*, order: RepairOrder) -> QuerySet:
    """Parts fitted to the order's vehicle on its earlier orders that are still under
    warranty by date: the candidates for a warranty claim (the km is checked on claiming)."""
    return (
        RepairOrderLine.objects.filter(
            dealer_id=order.dealer_id,
            order__vehicle_id=order.vehicle_id,
            kind=RepairOrderLine.Kind.PART,
            warranty_until__gte=timezone.localdate(),
        )
        .exclude(order_id=order.pk)
        .select_related("order", "part")
        .order_by("-id")
    )


def vehicle_service_history(*, actor, vehicle, limit: int = HISTORY_SIZE) -> dict:
    """The vehicle's latest orders for its page (served by the (vehicle, -created_at)
    index); empty for a role that may not see orders."""
    if not allows(actor, Action.REPAIR_ORDER_VIEW):
        return {}
    orders = RepairOrder.objects.filter(dealer_id=vehicle.dealer_id, vehicle_id=vehicle.pk)
    latest = list(orders.select_related("advisor").order_by("-created_at", "-id")[: limit + 1])
    return {"orders": latest[:limit], "more": len(latest) > limit}


def customer_service_history(*, actor, customer, limit: int = HISTORY_SIZE) -> dict:
    """The customer's latest orders for their page (the (customer, -created_at) index)."""
    if not allows(actor, Action.REPAIR_ORDER_VIEW):
        return {}
    orders = RepairOrder.objects.filter(dealer_id=customer.dealer_id, customer_id=customer.pk)
    latest = list(orders.select_related("vehicle").order_by("-created_at", "-id")[: limit + 1])
    return {"orders": latest[:limit], "more": len(latest) > limit}


# The records of a vehicle whose audit entries are on its timeline, and who may read them.
VEHICLE_RECORDS = [
    ("repair_order", RepairOrder, Action.REPAIR_ORDER_VIEW),
    ("appointment", Appointment, Action.APPOINTMENT_VIEW),
    ("diagnosis_report", DiagnosisReport, Action.DIAGNOSIS_HANDLE),
]


def vehicle_timeline(*, actor, vehicle) -> QuerySet:
    """What happened to the vehicle, newest first, read from the audit trail: the entries
    about the vehicle, its repair orders, its appointments and its diagnosis reports (by the
    (dealer, object type, object id) index: a vehicle has few of each)."""
    require(actor, Action.VEHICLE_VIEW)
    about = Q(object_type="vehicle", object_id=vehicle.pk)
    for object_type, model, action in VEHICLE_RECORDS:
        ids = list(
            model.objects.filter(dealer_id=vehicle.dealer_id, vehicle_id=vehicle.pk).values_list(
                "pk", flat=True
            )
        )
        if ids and allows(actor, action):
            about |= Q(object_type=object_type, object_id__in=ids)
    entries = AuditEntry.objects.filter(about, dealer_id=vehicle.dealer_id)
    return entries.select_related("sealed_with", "actor").order_by("-id")
