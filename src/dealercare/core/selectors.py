"""Small reads shared by the staff pages, scoped to the acting staff member's dealer."""

from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce

from dealercare.core.access import scope_to_dealer
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Action, require


def audit_list(*, actor) -> QuerySet:
    require(actor, Action.AUDIT_VIEW)
    return scope_to_dealer(actor, AuditEntry.objects.select_related("actor")).order_by("-id")


def count_per_dealer(queryset: QuerySet) -> Subquery:
    """The rows of ``queryset`` (filtered on ``dealer=OuterRef("pk")``) counted, as a
    column to annotate dealers with; 0 where a dealer has none."""
    counted = queryset.order_by().values("dealer").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)
