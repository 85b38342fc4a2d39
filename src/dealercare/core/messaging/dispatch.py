"""The dispatcher: claims due messages, checks consent again, sends, records the outcome.

Two dispatchers never send one message twice: a message is claimed by one conditional
UPDATE (``queued`` and due → ``sending``, with the claimer's token and a lease), and every
later change is conditional on that claim. A dispatcher that dies mid-batch leaves its
claim to run out; :func:`outbox_requeue_stuck` then queues the messages again. Failed
sends are tried again after an exponential backoff, then stop as ``failed``.

It runs as a periodic job and, after each commit that queued messages, for those
messages at once (``settings.OUTBOX_KICK``: ``thread``, ``inline`` or ``off``).
"""

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from dealercare.core.messaging.channels import Channel, SendError, channel_for
from dealercare.core.messaging.models import MessageStatus, OutboxMessage, StopReason
from dealercare.core.messaging.recipients import recipient_directory

log = logging.getLogger(__name__)
S = MessageStatus


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    requeued: int = 0
    batches: int = 0
    lost_claims: int = 0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:60]


def _release(**values) -> dict:
    """The values that end a claim, with the message's new state."""
    return values | {"claimed_by": "", "lease_until": None, "updated_at": timezone.now()}


def outbox_requeue_stuck() -> int:
    """Queue again what a dispatcher claimed and never finished (its lease ran out)."""
    stuck = OutboxMessage.objects.filter(status=S.SENDING, lease_until__lt=timezone.now())
    again = _release(
        status=S.QUEUED, next_try_at=timezone.now(), last_error=StopReason.DISPATCHER_LOST
    )
    return stuck.update(**again)


def _claim(size: int, message_ids=None) -> tuple[str, list[OutboxMessage]]:
    """Move up to ``size`` due messages to ``sending`` under a fresh claim token, in one
    UPDATE; return the token and the claimed messages."""
    now = timezone.now()
    token = f"{worker_name()}:{uuid.uuid4().hex[:12]}"
    due = OutboxMessage.objects.filter(status=S.QUEUED, next_try_at__lte=now)
    if message_ids is not None:
        due = due.filter(pk__in=message_ids)
    due = due.order_by("next_try_at").values("pk")[:size]
    if connection.features.has_select_for_update_skip_locked:
        # Rows another dispatcher is claiming are passed over, not waited for.
        due = due.select_for_update(skip_locked=True)
    ops = connection.ops
    # The due rows are picked once, in a materialised CTE: a locking subquery with a
    # LIMIT inside ``IN (...)`` may be run again by PostgreSQL and pick more rows.
    # ``status = queued`` again in the UPDATE: a row claimed meanwhile is left alone.
    table = ops.quote_name(OutboxMessage._meta.db_table)
    lease_until = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    params = [S.SENDING, token, ops.adapt_datetimefield_value(lease_until)]
    params += [ops.adapt_datetimefield_value(now), S.QUEUED]
    with transaction.atomic(), connection.cursor() as cursor:
        due_sql, due_params = due.query.sql_with_params()
        cursor.execute(
            f"WITH due AS MATERIALIZED ({due_sql}) UPDATE {table} SET status = %s,"
            " claimed_by = %s, lease_until = %s, attempts = attempts + 1, updated_at = %s"
            " WHERE status = %s AND id IN (SELECT * FROM due)",
            [*due_params, *params],
        )
    claimed = OutboxMessage.objects.filter(claimed_by=token, status=S.SENDING).order_by("pk")
    return token, list(claimed)


def _claimed(token: str):
    """Messages still under this claim: every change after the claim is conditional on it."""
    return OutboxMessage.objects.filter(claimed_by=token, status=S.SENDING)


def _audience(message: OutboxMessage) -> tuple[str, str]:
    return message.recipient_kind, message.channel


def _without_consent(messages: list[OutboxMessage]) -> set[int]:
    """The messages whose recipient's consent no longer holds: one query per recipient
    kind and channel in the batch."""
    withdrawn = set()
    for (kind, channel), group in groupby(sorted(messages, key=_audience), key=_audience):
        group = list(group)
        consenting = recipient_directory(kind).consenting(
            channel=channel, recipient_ids={m.recipient_id for m in group}
        )
        withdrawn |= {m.pk for m in group if m.recipient_id not in consenting}
    return withdrawn


def _backoff(attempts: int) -> timedelta:
    seconds = settings.OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_BACKOFF_MAX_SECONDS))


def _failed(token: str, message: OutboxMessage, exc: SendError, report: DispatchReport) -> None:
    """Try again after a backoff, or stop as failed (a permanent error, or the last try)."""
    error = str(exc)[:500]
    mine = _claimed(token).filter(pk=message.pk)
    if exc.permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        report.failed += mine.update(**_release(status=S.FAILED, last_error=error))
    else:
        retry_at = timezone.now() + _backoff(message.attempts)
        values = _release(status=S.QUEUED, next_try_at=retry_at, last_error=error)
        report.retried += mine.update(**values)


def _mark_sent(token: str, status: str, sent: list[tuple[int, str]]) -> int:
    """One UPDATE for every message sent, each with its provider id; only messages still
    under this claim change. (Django's ``bulk_update`` builds a CASE per column and row,
    which costs more CPU than the send itself.)"""
    ops = connection.ops
    table = ops.quote_name(OutboxMessage._meta.db_table)
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = ", ".join(["(%s, %s)"] * len(sent))
    sql = (
        f"UPDATE {table} SET status = %s, provider_id = v.column2, sent_at = %s,"
        " updated_at = %s, last_error = '', claimed_by = '', lease_until = NULL"
        f" FROM (VALUES {rows}) AS v"
        f" WHERE {table}.id = v.column1 AND {table}.claimed_by = %s AND {table}.status = %s"
    )
    params = [status, now, now, *(value for row in sent for value in row), token, S.SENDING]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _record(token, channel: Channel, messages, results, report: DispatchReport) -> None:
    """Store what the channel answered for each message."""
    sent = []
    for message, result in zip(messages, results, strict=True):
        if isinstance(result, SendError):
            _failed(token, message, result, report)
        else:
            sent.append((message.pk, result[:200]))
    if sent:
        done = _mark_sent(token, channel.reaches, sent)
        report.sent += done
        if done < len(sent):
            # A lease ran out during the send and another dispatcher took messages back.
            report.lost_claims += len(sent) - done
            log.warning("outbox: %d claims lost during their send", len(sent) - done)


def _send_batch(token: str, messages, report: DispatchReport, deadline: float) -> None:
    withdrawn = _without_consent(messages)
    if withdrawn:
        stop = _release(status=S.CANCELLED, last_error=StopReason.CONSENT_WITHDRAWN)
        report.cancelled += _claimed(token).filter(pk__in=withdrawn).update(**stop)
    pending = [m for m in messages if m.pk not in withdrawn]
    by_channel = groupby(sorted(pending, key=lambda m: m.channel), key=lambda m: m.channel)
    for name, members in by_channel:
        channel, group = channel_for(name), list(members)
        with channel.session():
            if channel.writes_here:
                with transaction.atomic():
                    _record(token, channel, group, channel.send_many(group), report)
                continue
            for n, message in enumerate(group):
                if time.monotonic() > deadline:
                    # Near the end of the lease: leave the rest to be claimed afresh.
                    rest = [m.pk for m in group[n:]]
                    back = _release(status=S.QUEUED, attempts=F("attempts") - 1)
                    _claimed(token).filter(pk__in=rest).update(**back)
                    break
                _record(token, channel, [message], channel.send_many([message]), report)


def outbox_dispatch(
    *, batch_size: int | None = None, message_ids=None, max_batches: int | None = None
) -> DispatchReport:
    """Send what is due, batch by batch, until nothing is (or ``max_batches``);
    ``message_ids`` limits it to those messages (the after-commit kick)."""
    report = DispatchReport(requeued=outbox_requeue_stuck())
    size = batch_size or settings.OUTBOX_BATCH_SIZE
    while max_batches is None or report.batches < max_batches:
        # The lease is counted from before the claim, with a margin for the last send.
        deadline = time.monotonic() + settings.OUTBOX_LEASE_SECONDS * 0.8
        token, messages = _claim(size, message_ids)
        if not messages:
            break
        report.batches += 1
        _send_batch(token, messages, report, deadline)
    return report


class _Kicker:
    """One background thread per process that dispatches freshly committed messages."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending: set[int] = set()
        self.thread: threading.Thread | None = None

    def add(self, message_ids) -> None:
        with self.lock:
            self.pending.update(message_ids)
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="outbox-kick", daemon=True)
                self.thread.start()

    def run(self) -> None:
        try:
            while True:
                with self.lock:
                    ids, self.pending = self.pending, set()
                    if not ids:
                        self.thread = None
                        return
                try:
                    outbox_dispatch(message_ids=ids)
                except Exception:
                    log.exception("outbox kick failed; the periodic job sends these messages")
        finally:
            connection.close()


_kicker = _Kicker()


def outbox_kick(message_ids) -> None:
    """After the commit that queued ``message_ids``: send them now rather than at the
    job's next turn."""
    mode = settings.OUTBOX_KICK
    if mode == "inline":
        outbox_dispatch(message_ids=message_ids)
    elif mode == "thread":
        _kicker.add(message_ids)
