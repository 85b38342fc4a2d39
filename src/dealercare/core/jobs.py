"""Periodic core work. Each job is idempotent: running it twice changes nothing more."""

import logging
from dataclasses import asdict
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import audit_verification_run
from dealercare.core.messaging.dispatch import outbox_dispatch
from dealercare.core.models import ApiToken, AuditChainHead, JobRun
from dealercare.core.scheduling import daily, every_minutes, hourly, periodic

log = logging.getLogger(__name__)
JOB_RUNS_KEPT = timedelta(days=90)


@periodic(hourly(), title=_("Remove expired API tokens"))
def expired_tokens_purge() -> int:
    deleted, _by_model = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


@periodic(daily("03:00"), title=_("Verify the audit chains"))
def audit_chain_verify_all() -> int:
    """Verify every dealer's audit chain, keep each outcome, and raise the alarm on a break.
    Returns the number of broken chains."""
    broken = 0
    for dealer_id in AuditChainHead.objects.order_by("pk").values_list("dealer_id", flat=True):
        verification = audit_verification_run(dealer_id)
        if not verification.ok:
            broken += 1
            log.error(
                "Audit chain of dealer %s is broken at entry %s (%s): someone changed the "
                "audit log outside the application.",
                dealer_id,
                verification.broken_at_seq,
                verification.problem,
            )
    return broken


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
