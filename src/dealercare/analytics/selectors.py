"""Figures that combine several apps: each app counts its own records, this adds them up."""

from datetime import timedelta

from django.utils import timezone

from dealercare.complaints.selectors import complaints_due
from dealercare.core.models import Dealer
from dealercare.core.roles import Action, require
from dealercare.customers.selectors import customer_counts, customer_counts_per_dealer
from dealercare.service.selectors.workshop import workshop_today
from dealercare.vehicles.selectors import vehicle_counts, vehicle_counts_per_dealer

DUE_SOON_DAYS = 30


def due_soon_date():
    return timezone.localdate() + timedelta(days=DUE_SOON_DAYS)


def home_counts(*, actor) -> dict[str, int]:
    """The few numbers on the home page, each only for a role that may see the records."""
    return customer_counts(actor=actor) | vehicle_counts(actor=actor, due_before=due_soon_date())


def work_for_today(*, actor) -> dict:
    """Each role's work for today: the advisor's orders waiting on them, the technician's
    jobs, the inspector's queue, the follow-up calls and the complaints due and late."""
    return workshop_today(actor=actor) | {"complaints": complaints_due(actor)}


def brand_dealer_summary(*, actor) -> list[dict]:
    """Per dealer of the actor's brand: counts only, never a person (R-SEC-1, R-ANA-3)."""
    require(actor, Action.BRAND_AGGREGATES)
    columns = customer_counts_per_dealer() | vehicle_counts_per_dealer(due_before=due_soon_date())
    dealers = Dealer.objects.filter(brand_id=actor.brand_id).order_by("code")
    return list(dealers.annotate(**columns).values("code", "name", "city", *columns))
