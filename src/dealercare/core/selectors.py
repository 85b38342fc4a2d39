"""Small reads shared by the staff pages, scoped to the acting staff member's dealer."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from dealercare.core.access import scope_to_dealer
from dealercare.core.models import AuditEntry, JobRun, JobState
from dealercare.core.roles import Action, require
from dealercare.core.scheduling import Job, registered_jobs


def audit_list(*, actor) -> QuerySet:
    require(actor, Action.AUDIT_VIEW)
    return scope_to_dealer(actor, AuditEntry.objects.select_related("actor")).order_by("-id")


def count_per_dealer(queryset: QuerySet) -> Subquery:
    """The rows of ``queryset`` (filtered on ``dealer=OuterRef("pk")``) counted, as a
    column to annotate dealers with; 0 where a dealer has none."""
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
