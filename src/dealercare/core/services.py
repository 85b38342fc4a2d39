import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.errors import DomainError
from dealercare.core.models import ApiToken, User

TOKEN_LIFETIME = timedelta(hours=12)


class AuthenticationFailed(DomainError):
    code = "authentication_failed"
    status = 401
    default_message = _("Wrong username or password.")


class AccountLocked(DomainError):
    code = "account_locked"
    status = 429
    default_message = _("Too many failed logins. The account is locked for 15 minutes.")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_issue(*, request, username: str, password: str) -> str:
    """Check the password (counted by the lockout) and hand out a new bearer token."""
    user = authenticate(request=request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise AccountLocked()
    if user is None or not user.is_active:
        raise AuthenticationFailed()
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, key_hash=token_hash(raw), expires_at=timezone.now() + TOKEN_LIFETIME
    )
    return raw


def api_token_user(raw: str) -> User | None:
    # Runs on every API call: one indexed lookup (key_hash is unique), no ORDER BY.
    tokens = ApiToken.objects.select_related("user", "user__dealer").filter(
        key_hash=token_hash(raw), expires_at__gt=timezone.now()
    )
    token = next(iter(tokens[:1]), None)
    if token is None or not token.user.is_active:
        return None
    return token.user
