"""Periodic core work. Each job is idempotent: running it twice changes nothing more."""

from dataclasses import asdict
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.messaging.dispatch import outbox_dispatch
from dealercare.core.models import ApiToken, JobRun
from dealercare.core.scheduling import daily, every_minutes, hourly, periodic

JOB_RUNS_KEPT = timedelta(days=90)


@periodic(hourly(), title=_("Remove expired API tokens"))
def expired_tokens_purge() -> int:
    deleted, _by_model = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


@periodic(daily("03:30"), title=_("Forget job runs older than 90 days"))
def job_runs_purge() -> int:
    """Forget job runs older than 90 days; each job's state keeps its own last run."""
    old = JobRun.objects.filter(started_at__lt=timezone.now() - JOB_RUNS_KEPT)
    deleted, _by_model = old.exclude(outcome=JobRun.Outcome.RUNNING).delete()
    return deleted


@periodic(every_minutes(1), title=_("Send the outbox"))
def outbox_send() -> dict:
    """Send what is due: messages the after-commit kick did not send, retries, and claims
    a dispatcher left when it stopped."""
    return asdict(outbox_dispatch())
