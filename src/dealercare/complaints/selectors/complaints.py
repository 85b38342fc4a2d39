"""Complaints (and inquiries and suggestions) as lists, one at a time, and what is due."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, F, Q, QuerySet, When
from django.utils import timezone

from dealercare.complaints.models import Complaint
from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.models import User
from dealercare.core.roles import PERMISSIONS, Action, allows, require

Status = Complaint.Status
LIGHT = Complaint.LIGHT_KINDS
OPEN = [s for s in Status.values if s != Status.CLOSED]


@dataclass(frozen=True)
class ComplaintFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    category: str = ""
    urgency: str = ""
    owner_id: int | None = None
    open_only: bool = False
    overdue_only: bool = False


def _running_due():
    """The due time of the clock that runs now (none when no clock runs)."""
    return Case(
        When(status=Status.RECEIVED, then=F("first_response_due_at")),
        When(status=Status.IMPLEMENTED, then=F("feedback_due_at")),
        default=None,
    )


def complaint_list(*, actor, filters: ComplaintFilters = ComplaintFilters(), light=False):
    """Complaints (``light=False``) or inquiries and suggestions (``light=True``), newest
    first, with ``due_at``: the due time of the running clock."""
    require(actor, Action.COMPLAINT_VIEW)
    rows = scope_to_dealer(
        actor, Complaint.objects.select_related("customer", "owner", "vehicle")
    ).annotate(due_at=_running_due())
    rows = rows.filter(kind__in=LIGHT) if light else rows.filter(kind=Complaint.Kind.COMPLAINT)
    q = filters.q.strip()
    if q:
        number = q.split("-")[-1]
        match = Q(content__icontains=q) | Q(customer__name__startswith=q)
        if number.isdigit():
            match |= Q(pk=int(number))
        rows = rows.filter(match)
    for name in ("status", "kind", "category", "urgency"):
        if getattr(filters, name):
            rows = rows.filter(**{name: getattr(filters, name)})
    if filters.owner_id:
        rows = rows.filter(owner_id=filters.owner_id)
    if filters.open_only:
        rows = rows.exclude(status=Status.CLOSED)
    if filters.overdue_only:
        rows = rows.filter(due_at__lt=timezone.now())
    return rows.order_by("-received_at", "-id")


def complaint_get(*, actor, complaint_id, light: bool | None = None) -> Complaint:
    rows = Complaint.objects.select_related("customer", "owner", "vehicle", "received_by")
    if light is True:
        rows = rows.filter(kind__in=LIGHT)
    elif light is False:
        rows = rows.filter(kind=Complaint.Kind.COMPLAINT)
    return get_for(actor, rows, complaint_id, action=Action.COMPLAINT_VIEW)


def complaint_handlers(*, dealer_id: int) -> QuerySet:
    """Staff who may own a complaint."""
    roles = [role for role, actions in PERMISSIONS.items() if Action.COMPLAINT_HANDLE in actions]
    return User.objects.filter(dealer_id=dealer_id, is_active=True, role__in=roles).order_by(
        "username"
    )


def due_state(due_at, now=None) -> str:
    """'late', 'soon' (within 6 h) or 'ok' — how a countdown is coloured."""
    if due_at is None:
        return ""
    now = now or timezone.now()
    if due_at < now:
        return "late"
    return "soon" if due_at - now < timedelta(hours=6) else "ok"


def complaints_due(actor, *, limit: int = 10) -> dict:
    """What is due and late on the desk for the home page: the actor's own (an agent) or
    the whole dealer's (a manager), the most urgent first."""
    if not allows(actor, Action.COMPLAINT_VIEW):
        return {"rows": [], "late": 0, "due": 0}
    now = timezone.now()
    rows = (
        scope_to_dealer(actor, Complaint.objects.select_related("customer", "owner"))
        .annotate(due_at=_running_due())
        .filter(due_at__isnull=False)
    )
    if not allows(actor, Action.COMPLAINT_MANAGE):
        rows = rows.filter(Q(owner=actor) | Q(owner=None))
    rows = rows.filter(due_at__lt=now + timedelta(hours=24))
    late = rows.filter(due_at__lt=now).count()
    due = rows.count()
    return {"rows": list(rows.order_by("due_at")[:limit]), "late": late, "due": due}
