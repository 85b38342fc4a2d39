import functools
import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.errors import DomainError, NotFound
from dealercare.core.models import ApiToken, Dealer, JobState, User
from dealercare.core.roles import Action, require
from dealercare.core.runner import job_dispatch, job_state_sync
from dealercare.core.scheduling import registered_jobs

TOKEN_LIFETIME = timedelta(hours=12)


class AuthenticationFailed(DomainError):
    code = "authentication_failed"
    status = 401
    default_message = _("Wrong username or password.")


class AccountLocked(DomainError):
    code = "account_locked"
    status = 429
    default_message = _("Too many failed logins. Please wait 15 minutes before trying again.")


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
    # A token is a login: axes logs it (and clears the pair's failures), last_login moves.
    user_logged_in.send(sender=type(user), request=request, user=user)
    return raw


def api_token_revoke(raw: str) -> None:
    """End one bearer token (an integrator's log-out); the holder's other tokens stay."""
    ApiToken.objects.filter(key_hash=token_hash(raw)).delete()


# What a request needs of its staff member; the rest (password hash, dates) stays deferred.
TOKEN_USER_FIELDS = frozenset(
    [
        "id",
        "username",
        "first_name",
        "last_name",
        "role",
        "dealer_id",
        "brand_id",
        "is_active",
        "is_staff",
        "is_superuser",
    ]
)


@functools.cache
def token_user_query() -> tuple[str, list[str], list[str]]:
    user_fields = [f.attname for f in User._meta.concrete_fields if f.attname in TOKEN_USER_FIELDS]
    dealer_fields = [f.attname for f in Dealer._meta.concrete_fields]
    columns = [f"u.{name}" for name in user_fields] + [f"d.{name}" for name in dealer_fields]
    sql = (
        f"SELECT {', '.join(columns)} FROM {User._meta.db_table} u "
        f"JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id "
        f"LEFT JOIN {Dealer._meta.db_table} d ON d.id = u.dealer_id "
        "WHERE t.key_hash = %s AND t.expires_at > %s AND u.is_active"
    )
    return sql, user_fields, dealer_fields


def api_token_user(raw: str) -> User | None:
    """The active staff member holding this unexpired token, with their dealer.

    Runs on every API call, so it is one indexed lookup (key_hash is unique) written by
    hand: the ORM's query building cost several times the database's work here.
    """
    sql, user_fields, dealer_fields = token_user_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_hash(raw), timezone.now()])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(user_fields)
    user = User.from_db(connection.alias, user_fields, row[:split])
    dealer = None
    if row[split] is not None:
        dealer = Dealer.from_db(connection.alias, dealer_fields, row[split:])
    User.dealer.field.set_cached_value(user, dealer)
    return user


def job_run_request(*, actor, name: str) -> JobState:
    """Ask for a run of the job now, outside its schedule; the next runner turn takes it."""
    require(actor, Action.JOB_RUN)
    with transaction.atomic():
        state = job_request(name)
        event = AuditEvent(action="job.run_now", object_type="job", object_id=state.pk, label=name)
        audit_record(actor=actor, dealer=actor.dealer, event=event)
    return state


def job_request(name: str) -> JobState:
    """Mark the job wanted now: the next runner turn takes it (Celery: sent after commit).
    For the system's own work that should not wait for the job's schedule."""
    job = registered_jobs().get(name)
    if job is None:
        raise NotFound()
    state = job_state_sync(job)
    JobState.objects.filter(pk=state.pk).update(requested_at=timezone.now())
    transaction.on_commit(lambda: job_dispatch(name))
    return state
