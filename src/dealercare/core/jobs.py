"""Periodic core work. Each job is idempotent: running it twice changes nothing more."""

import logging

from django.utils import timezone

from dealercare.core.audit import audit_verification_run
from dealercare.core.models import ApiToken, AuditChainHead

log = logging.getLogger(__name__)


def expired_tokens_purge() -> int:
    deleted, _by_model = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


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
