import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.errors import DomainError
from dealercare.core.models import ApiToken, Dealer, User

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
    """The active staff member holding this unexpired token, with their dealer.

    Runs on every API call, so it is one hand-written indexed lookup (key_hash is unique):
    building the same join through the ORM cost more than the database work.
    """
    dealer_fields = Dealer._meta.concrete_fields
    dealer_columns = ", ".join(f"d.{f.column} AS dealer__{f.attname}" for f in dealer_fields)
    users = User.objects.raw(
        f"SELECT u.*, {dealer_columns} FROM {User._meta.db_table} u "
        f"JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id "
        f"LEFT JOIN {Dealer._meta.db_table} d ON d.id = u.dealer_id "
        "WHERE t.key_hash = %s AND t.expires_at > %s AND u.is_active",
        [token_hash(raw), timezone.now()],
    )
    user = next(iter(users), None)
    if user is None:
        return None
    values = [getattr(user, f"dealer__{f.attname}") for f in dealer_fields]
    dealer = None if values[0] is None else Dealer.from_db(users.db, None, values)
    User.dealer.field.set_cached_value(user, dealer)
    return user
