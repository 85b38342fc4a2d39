"""Small reads shared by the staff pages, scoped to the acting staff member's dealer."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from dealercare.core.access import scope_to_dealer
from dealercare.core.models import AuditEntry, Dealer, JobRun, JobState
from dealercare.core.roles import Action, allows, require
from dealercare.core.scheduling import Job, registered_jobs
from dealercare.customers.models import Customer, Grade, Tag
from dealercare.vehicles.models import Vehicle

DUE_SOON_DAYS = 30


def audit_list(*, actor) -> QuerySet:
    require(actor, Action.AUDIT_VIEW)
    return scope_to_dealer(actor, AuditEntry.objects.select_related("actor")).order_by("-id")


def tag_names(*, actor) -> list[str]:
    return list(scope_to_dealer(actor, Tag.objects.order_by("name")).values_list("name", flat=True))


def vehicle_makes_and_models(*, actor) -> tuple[list[str], list[str]]:
    pairs = scope_to_dealer(actor, Vehicle.objects.all()).values_list("make", "model_name")
    pairs = set(pairs.distinct())
    return sorted({make for make, _m in pairs}), sorted({model for _m, model in pairs})


def due_soon_date():
    return timezone.localdate() + timedelta(days=DUE_SOON_DAYS)


def dashboard_counts(*, actor) -> dict[str, int]:
    """The few numbers on the home page, each only for a role that may see the records."""
    counts = {}
    if allows(actor, Action.CUSTOMER_VIEW):
        customers = Customer.objects.filter(merged_into=None)
        counts["customers"] = scope_to_dealer(actor, customers).count()
    if allows(actor, Action.VEHICLE_VIEW):
        vehicles = scope_to_dealer(actor, Vehicle.objects.all())
        soon = due_soon_date()
        counts["vehicles"] = vehicles.count()
        counts["service_due"] = vehicles.filter(next_maintenance_due__lte=soon).count()
        counts["inspection_due"] = vehicles.filter(inspection_due__lte=soon).count()
        counts["insurance_due"] = vehicles.filter(insurance_expiry__lte=soon).count()
    return counts


def brand_dealer_summary(*, actor) -> list[dict]:
    """Per dealer of the actor's brand: counts only, never a person (R-SEC-1, R-ANA-3)."""
    require(actor, Action.BRAND_AGGREGATES)
    dealers = Dealer.objects.filter(brand_id=actor.brand_id).order_by("code")
    customers = Customer.objects.filter(dealer=OuterRef("pk"), merged_into=None, erased_at=None)
    vehicles = Vehicle.objects.filter(dealer=OuterRef("pk"))
    grade_counts = {
        f"grade_{grade.lower()}": _count(customers.filter(grade=grade)) for grade in Grade.values
    }
    return list(
        dealers.annotate(
            customers=_count(customers),
            vehicles=_count(vehicles),
            service_due=_count(vehicles.filter(next_maintenance_due__lte=due_soon_date())),
            **grade_counts,
        ).values("code", "name", "city", "customers", "vehicles", "service_due", *grade_counts)
    )


def _count(queryset: QuerySet) -> Subquery:
    counted = queryset.order_by().values("dealer").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


@dataclass(frozen=True)
class JobRow:
    job: Job
    state: JobState | None

    @property
    def next_due(self) -> datetime:
        """When the job runs next (a job no runner has seen yet: its next turn from now)."""
        if self.state is None:
            return self.job.schedule.next_after(timezone.now())
        return self.state.next_due


def job_list(*, actor) -> list[JobRow]:
    require(actor, Action.JOB_VIEW)
    jobs = registered_jobs()
    states = JobState.objects.filter(name__in=jobs).select_related("last_run")
    by_name = {state.name: state for state in states}
    return [JobRow(job, by_name.get(name)) for name, job in jobs.items()]


@dataclass(frozen=True)
class JobRunFilters:
    job: str = ""
    outcome: str = ""
    day: date | None = None


def job_run_list(*, actor, filters: JobRunFilters) -> QuerySet:
    """Runs newest first; a day is the dealers' local calendar day."""
    require(actor, Action.JOB_VIEW)
    runs = JobRun.objects.select_related("job").order_by("-started_at", "-id")
    if filters.job:
        runs = runs.filter(job__name=filters.job)
    if filters.outcome:
        runs = runs.filter(outcome=filters.outcome)
    if filters.day:
        start = timezone.make_aware(datetime.combine(filters.day, time.min))
        runs = runs.filter(started_at__gte=start, started_at__lt=start + timedelta(days=1))
    return runs
