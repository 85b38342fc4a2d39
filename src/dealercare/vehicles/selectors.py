"""Reads of vehicles, scoped to the acting staff member's dealer."""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.roles import Action, allows, require
from dealercare.core.selectors import count_per_dealer
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


def owner_visible(actor) -> bool:
    """Who owns a car is personal data: only a role with customer access sees it, or
    finds cars by their owner's mobile, ID number or name (least privilege, R-SEC-2)."""
    return allows(actor, Action.CUSTOMER_VIEW)


def vehicle_list(*, actor, filters: VehicleFilters) -> QuerySet:
    require(actor, Action.VEHICLE_VIEW)
    vehicles = scope_to_dealer(actor, Vehicle.objects.select_related("owner"))
    if filters.q.strip():
        search = classify_query(filters.q)
        matching = vehicles_matching(actor.dealer_id, search)
        if matching is not None:
            vehicles = vehicles.filter(pk__in=matching.values("pk"))
        elif not owner_visible(actor):
            return vehicles.none()
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


def vehicle_makes_and_models(*, actor) -> tuple[list[str], list[str]]:
    pairs = scope_to_dealer(actor, Vehicle.objects.all()).values_list("make", "model_name")
    pairs = set(pairs.distinct())
    return sorted({make for make, _m in pairs}), sorted({model for _m, model in pairs})


def vehicle_counts(*, actor, due_before) -> dict[str, int]:
    """The actor's dealer's vehicles, and those due for maintenance, inspection or
    insurance by ``due_before`` — nothing for a role that may not see vehicles."""
    if not allows(actor, Action.VEHICLE_VIEW):
        return {}
    vehicles = scope_to_dealer(actor, Vehicle.objects.all())
    return {
        "vehicles": vehicles.count(),
        "service_due": vehicles.filter(next_maintenance_due__lte=due_before).count(),
        "inspection_due": vehicles.filter(inspection_due__lte=due_before).count(),
        "insurance_due": vehicles.filter(insurance_expiry__lte=due_before).count(),
    }


def vehicle_counts_per_dealer(*, due_before) -> dict:
    """Columns for a dealer query: its vehicles, and those due for maintenance by ``due_before``."""
    vehicles = Vehicle.objects.filter(dealer=OuterRef("pk"))
    return {
        "vehicles": count_per_dealer(vehicles),
        "service_due": count_per_dealer(vehicles.filter(next_maintenance_due__lte=due_before)),
    }
