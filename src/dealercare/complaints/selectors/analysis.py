"""Hot spots (R-CMP-7): complaints counted by category, vehicle model, department and month,
in the database; and the root causes with their preventive actions."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dealercare.complaints.models import Complaint, PreventiveAction, RootCause
from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.roles import Action, require


def _bars(rows, key: str, labels: dict | None = None) -> list[dict]:
    rows = [r for r in rows if r[key] not in (None, "")]
    top = max((r["n"] for r in rows), default=0)
    return [
        {
            "label": (labels or {}).get(r[key], r[key]),
            "count": r["n"],
            "percent": round(100 * r["n"] / top) if top else 0,
        }
        for r in rows
    ]


def complaint_hot_spots(*, actor, months: int = 12) -> dict:
    """Complaints of the last ``months`` months, counted four ways (one GROUP BY each)."""
    require(actor, Action.COMPLAINT_MANAGE)
    since = timezone.now() - timedelta(days=31 * months)
    rows = scope_to_dealer(
        actor, Complaint.objects.filter(kind=Complaint.Kind.COMPLAINT, received_at__gte=since)
    )

    def counted(field):
        return rows.values(field).annotate(n=Count("id")).order_by("-n")

    by_month = (
        rows.annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    months_rows = [{"month": r["month"].strftime("%Y-%m"), "n": r["n"]} for r in by_month]
    return {
        "total": rows.count(),
        "category": _bars(counted("category"), "category", dict(Complaint.Category.choices)),
        "model": _bars(counted("vehicle__model_name")[:10], "vehicle__model_name"),
        "department": _bars(
            counted("department"), "department", dict(Complaint.Department.choices)
        ),
        "month": _bars(months_rows, "month"),
    }


def root_cause_list(*, actor):
    require(actor, Action.COMPLAINT_VIEW)
    actions = PreventiveAction.objects.select_related("owner").order_by("status", "due_date")
    return (
        scope_to_dealer(actor, RootCause.objects.all())
        .annotate(
            complaint_count=Count("complaints", distinct=True),
            open_actions=Count("actions", filter=Q(actions__status="open"), distinct=True),
        )
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("-open_actions", "-created_at")
    )


def root_cause_get(*, actor, root_cause_id) -> RootCause:
    return get_for(actor, RootCause.objects.all(), root_cause_id, action=Action.COMPLAINT_VIEW)


def preventive_action_get(*, actor, action_id) -> PreventiveAction:
    return get_for(actor, PreventiveAction.objects.all(), action_id, action=Action.COMPLAINT_VIEW)
