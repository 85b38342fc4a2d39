"""Reads of roadside requests, scoped to the actor's dealer."""

from dataclasses import dataclass

from django.db.models import QuerySet

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.models import User
from dealercare.core.roles import Action, require
from dealercare.service.models import RoadsideRequest

OPEN = (
    RoadsideRequest.Status.RECEIVED,
    RoadsideRequest.Status.DISPATCHED,
    RoadsideRequest.Status.ON_SCENE,
)


@dataclass(frozen=True)
class RoadsideFilters:
    q: str = ""
    status: str = ""
    open_only: bool = False


def roadside_list(*, actor, filters: RoadsideFilters = RoadsideFilters()) -> QuerySet:
    require(actor, Action.ROADSIDE_HANDLE)
    requests = scope_to_dealer(
        actor, RoadsideRequest.objects.select_related("vehicle", "dispatched_to")
    )
    if filters.q.strip():
        requests = requests.filter(plate__startswith=filters.q.strip().upper())
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.open_only:
        requests = requests.filter(status__in=OPEN)
    return requests.order_by("-received_at", "-id")


def roadside_get(*, actor, roadside_id) -> RoadsideRequest:
    return get_for(
        actor,
        RoadsideRequest.objects.select_related(
            "vehicle", "customer", "dispatched_to", "repair_order"
        ),
        roadside_id,
        action=Action.ROADSIDE_HANDLE,
    )


def dispatchable_staff(*, actor) -> QuerySet:
    return User.objects.filter(dealer_id=actor.dealer_id, is_active=True).order_by("username")
