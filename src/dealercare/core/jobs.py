"""Periodic core work. Each job is idempotent: running it twice changes nothing more."""

from django.utils import timezone

from dealercare.core.models import ApiToken


def expired_tokens_purge() -> int:
    deleted, _by_model = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
