"""Periodic work on the customer archive."""

import logging
from datetime import timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.errors import BusinessRuleViolation
from dealercare.core.models import AuditEntry, Dealer
from dealercare.core.scheduling import daily, every_minutes, periodic
from dealercare.customers.imports import IMPORT_JOB, import_batches_run_queued
from dealercare.customers.models import Customer
from dealercare.customers.services.privacy import customer_erase
from dealercare.vehicles.models import MileageReading, Vehicle

log = logging.getLogger(__name__)


def retention_candidates(dealer: Dealer, cutoff) -> QuerySet:
    """Customers of the dealer with nothing recorded since the cutoff: no change, no audit
    entry, no service or mileage reading on a car they own."""
    recent_entry = AuditEntry.objects.filter(
        dealer=dealer, customer_id=OuterRef("pk"), created_at__gte=cutoff
    )
    recent_service = Vehicle.objects.filter(owner=OuterRef("pk"), last_service_date__gte=cutoff)
    recent_reading = MileageReading.objects.filter(
        vehicle__owner=OuterRef("pk"), read_on__gte=cutoff
    )
    return (
        Customer.objects.filter(
            dealer=dealer, erased_at=None, merged_into=None, updated_at__lt=cutoff
        )
        .exclude(Exists(recent_entry))
        .exclude(Exists(recent_service))
        .exclude(Exists(recent_reading))
    )


@periodic(
    daily("02:00"),
    lease=timedelta(hours=2),
    title=_("Anonymise customers past the retention period"),
)
def customers_retention_anonymise() -> int:
    """Anonymise customers inactive for longer than their dealer keeps data (default 5
    years). Erased customers are no longer candidates, so a second run does nothing."""
    erased = 0
    now = timezone.now()
    for dealer in Dealer.objects.all():
        cutoff = now - timedelta(days=365 * dealer.retention_years)
        for customer in retention_candidates(dealer, cutoff).iterator(chunk_size=500):
            try:
                customer_erase(actor=None, customer=customer, system=True)
            except BusinessRuleViolation as blocked:
                log.info("retention skipped customer %s: %s", customer.pk, blocked.code)
                continue
            erased += 1
    return erased


@periodic(
    every_minutes(1),
    lease=timedelta(minutes=30),
    title=_("Run queued customer imports"),
    name=IMPORT_JOB,
)
def imports_run_queued() -> int:
    """Every minute, and at once when a large file is queued: run the queued imports (each
    claimed by a conditional UPDATE, under its own time limit)."""
    return import_batches_run_queued()
