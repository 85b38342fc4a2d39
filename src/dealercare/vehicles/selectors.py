"""Reads of vehicles, scoped to the acting staff member's dealer."""

from dataclasses import dataclass

from django.db.models import QuerySet

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.roles import Action, require
from dealercare.customers.models import Customer
from dealercare.customers.selectors import (
    NEWEST_FIRST,
    classify_query,
    customers_matching,
    vehicles_matching,
)
from dealercare.vehicles.models import Vehicle


@dataclass(frozen=True)
class VehicleFilters:
    q: str = ""
    make: str = ""
    model: str = ""
    service_due_before: object = None


def vehicle_list(*, actor, filters: VehicleFilters) -> QuerySet:
    require(actor, Action.VEHICLE_VIEW)
    vehicles = scope_to_dealer(actor, Vehicle.objects.select_related("owner"))
    if filters.q.strip():
        search = classify_query(filters.q)
        matching = vehicles_matching(actor.dealer_id, search)
        if matching is not None:
            vehicles = vehicles.filter(pk__in=matching.values("pk"))
        else:
            # A mobile or a name: find the owners first, by the customer indexes (which
            # all lead with the dealer), then their cars by the owner index.
            active = Customer.objects.filter(dealer_id=actor.dealer_id, merged_into=None)
            owners = customers_matching(active, actor.dealer_id, filters.q)
            vehicles = vehicles.filter(owner_id__in=owners.values("pk"))
    if filters.make:
        vehicles = vehicles.filter(make=filters.make)
    if filters.model:
        vehicles = vehicles.filter(model_name=filters.model)
    if filters.service_due_before:
        vehicles = vehicles.filter(next_maintenance_due__lte=filters.service_due_before)
    return vehicles.order_by(*NEWEST_FIRST)


def vehicle_get(*, actor, vehicle_id) -> Vehicle:
    return get_for(
        actor,
        Vehicle.objects.select_related("owner", "catalogue_model"),
        vehicle_id,
        action=Action.VEHICLE_VIEW,
    )


def vehicle_history(*, vehicle: Vehicle) -> dict:
    return {
        "readings": vehicle.readings.select_related("conflicts_with").order_by("-read_on", "-id")[
            :50
        ],
        "ownerships": vehicle.ownerships.select_related("customer").order_by("-start_date"),
    }
