"""Access helpers: fetch an object scoped to the acting staff member's dealer.

Anything outside the actor's dealer is "not found", never "forbidden", so its existence
is not revealed (R-SEC-1).
"""

from django.db.models import Model, QuerySet

from dealercare.core.errors import NotFound
from dealercare.core.roles import require


def scope_to_dealer(actor, queryset: QuerySet) -> QuerySet:
    if not actor.dealer_id:
        return queryset.none()
    return queryset.filter(dealer_id=actor.dealer_id)


def get_for(actor, queryset: QuerySet, pk, *, action: str) -> Model:
    require(actor, action)
    try:
        return scope_to_dealer(actor, queryset).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
