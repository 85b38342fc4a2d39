"""The SLA escalation (R-CMP-5), set-based: one INSERT … SELECT … ON CONFLICT DO NOTHING
RETURNING per clock and level claims every complaint that reached the level since the last
run, then one bulk insert queues their messages. Safe to run any number of times and after
a crash:

- a level is a row unique on (complaint, clock, cycle, level): a second run inserts nothing,
  so it queues nothing;
- a level and its messages commit together (one transaction per clock and level), and the
  messages' idempotency keys name the level's row;
- levels 2 and 3 need the level below: a complaint three levels late gets 1, 2 and 3 in
  that order, in one run or across runs, never one skipped.

Level 0 is the warning to the owner (the receiving staff before anyone owns it) at 75 %
of the time; levels 1–3 follow the dealer's ladder (``ComplaintLadderStep``)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from dealercare.complaints.models import (
    Complaint,
    ComplaintEscalation,
    ComplaintLadderStep,
    EscalationTarget,
)
from dealercare.core import crypto
from dealercare.core.fields import EncryptedTextField
from dealercare.core.messaging.models import (
    MessageChannel,
    MessageStatus,
    OutboxMessage,
    RecipientKind,
    StopReason,
)
from dealercare.core.models import Dealer, User

Clock = ComplaintEscalation.Clock
Status = Complaint.Status
LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class ClockColumns:
    status: str
    due: str
    warn: str


CLOCKS = {
    Clock.FIRST_RESPONSE: ClockColumns(
        Status.RECEIVED, "first_response_due_at", "first_response_warn_at"
    ),
    Clock.FEEDBACK: ClockColumns(Status.IMPLEMENTED, "feedback_due_at", "feedback_warn_at"),
}


def _tables() -> dict:
    return {
        "complaint": Complaint._meta.db_table,
        "escalation": ComplaintEscalation._meta.db_table,
        "ladder": ComplaintLadderStep._meta.db_table,
        "dealer": Dealer._meta.db_table,
        "user": User._meta.db_table,
    }


def _db_time(moment: datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def _past_due(due_column: str) -> str:
    """SQL: the complaint's due time plus the step's minutes is at or before %s."""
    if connection.vendor == "postgresql":
        return f"c.{due_column} + s.after_minutes * interval '1 minute' <= %s"
    return (
        f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', c.{due_column}, '+' || s.after_minutes"
        " || ' minutes') <= strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s)"
    )


def ladder_defaults_fill() -> None:
    """Give every dealer without a ladder the default one, in one statement (the defaults
    are constants of ours, written into the SQL as literals)."""
    t = _tables()
    steps = " UNION ALL ".join(
        f"SELECT {int(level)} AS level, {int(minutes)} AS after_minutes,"
        f" '{target}' AS target, '{channel}' AS channel"
        for level, minutes, target, channel in ComplaintLadderStep.DEFAULTS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {t['ladder']} (dealer_id, level, after_minutes, target, channel)"
            f" SELECT d.id, v.level, v.after_minutes, v.target, v.channel FROM {t['dealer']} d"
            f" CROSS JOIN ({steps}) v WHERE NOT EXISTS"
            f" (SELECT 1 FROM {t['ladder']} s WHERE s.dealer_id = d.id)"
            " ON CONFLICT (dealer_id, level) DO NOTHING"
        )


def _not_reached(level: int) -> str:
    """SQL: the level is not reached yet on this clock and cycle (skips most rows before
    the insert; the unique key still decides between two concurrent runs)."""
    return (
        f" AND NOT EXISTS (SELECT 1 FROM {_tables()['escalation']} x WHERE x.complaint_id = c.id"
        f" AND x.clock = %s AND x.cycle = c.cycle AND x.level = {int(level)})"
    )


def _claim_warnings(clock: str, now) -> list[int]:
    t, columns = _tables(), CLOCKS[clock]
    sql = (
        f"INSERT INTO {t['escalation']} (dealer_id, complaint_id, clock, cycle, level, target,"
        " due_at, created_at, updated_at)"
        f" SELECT c.dealer_id, c.id, %s, c.cycle, 0, 'owner', c.{columns.due}, %s, %s"
        f" FROM {t['complaint']} c WHERE c.status = %s AND c.{columns.warn} <= %s"
        f" AND c.{columns.due} > %s{_not_reached(0)}"
        " ON CONFLICT (complaint_id, clock, cycle, level) DO NOTHING RETURNING id"
    )
    at = _db_time(now)
    return _returned(sql, [clock, at, at, columns.status, at, at, clock])


def _claim_level(clock: str, level: int, now) -> list[int]:
    t, columns = _tables(), CLOCKS[clock]
    below = (
        ""
        if level == 1
        else (
            f" AND EXISTS (SELECT 1 FROM {t['escalation']} b WHERE b.complaint_id = c.id"
            " AND b.clock = %s AND b.cycle = c.cycle AND b.level = %s)"
        )
    )
    sql = (
        f"INSERT INTO {t['escalation']} (dealer_id, complaint_id, clock, cycle, level, target,"
        " due_at, created_at, updated_at)"
        f" SELECT c.dealer_id, c.id, %s, c.cycle, s.level, s.target, c.{columns.due}, %s, %s"
        f" FROM {t['complaint']} c JOIN {t['ladder']} s"
        " ON s.dealer_id = c.dealer_id AND s.level = %s"
        f" WHERE c.status = %s AND {_past_due(columns.due)}{_not_reached(level)}{below}"
        " ON CONFLICT (complaint_id, clock, cycle, level) DO NOTHING RETURNING id"
    )
    at = _db_time(now)
    params = [clock, at, at, level, columns.status, at, clock]
    if level > 1:
        params += [clock, level - 1]
    return _returned(sql, params)


def _returned(sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _recipients(now, clock: str, level: int) -> list[tuple]:
    """(escalation, complaint, dealer, customer, kind, clock, user, email, username) for
    the rows this run claimed at ``level`` (they carry the run's time): the owner for the
    warning, the dealer's staff of the step's role, or the brand's OEM staff — each an
    equality join, so that the database can hash them."""
    t = _tables()
    claimed = (
        "SELECT e.id, e.complaint_id, e.dealer_id, c.customer_id, c.kind, e.clock, u.id,"
        " u.email, u.username"
        f" FROM {t['escalation']} e JOIN {t['complaint']} c ON c.id = e.complaint_id"
    )
    where = " WHERE u.is_active AND e.created_at = %s AND e.clock = %s AND e.level = %s"
    run = [_db_time(now), clock, level]
    brand = EscalationTarget.BRAND.value
    if level == 0:
        sql = (
            f"{claimed} JOIN {t['user']} u ON u.id = COALESCE(c.owner_id, c.received_by_id){where}"
        )
        params = run
    else:
        sql = (
            f"{claimed} JOIN {t['user']} u ON u.dealer_id = e.dealer_id AND u.role = e.target"
            f"{where} AND e.target <> %s"
            f" UNION ALL {claimed} JOIN {t['dealer']} d ON d.id = e.dealer_id"
            f" JOIN {t['user']} u ON u.brand_id = d.brand_id AND u.role = e.target"
            f"{where} AND e.target = %s"
        )
        params = [*run, brand, *run, brand]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY 1, 7", params)
        return cursor.fetchall()


PREFIX = {"complaint": "TS", "inquiry": "ZX", "suggestion": "JY"}


def _texts(level: int) -> dict:
    """Subject and body templates per clock, in the dealers' language."""
    with translation.override("zh-hans"):
        clocks = {
            Clock.FIRST_RESPONSE: gettext("first response"),
            Clock.FEEDBACK: gettext("feedback to the customer"),
        }
        if level == 0:
            subject = gettext("Due soon: %(number)s")
            body = gettext("The %(clock)s of %(number)s is due soon. Please act on it.")
        else:
            subject = gettext("Escalation level %(level)s: %(number)s")
            body = gettext(
                "The %(clock)s of %(number)s is overdue; it has been escalated to you"
                " (level %(level)s)."
            )
    return {"subject": subject, "body": body, "clocks": clocks}


def _messages(now, clock: str, level: int, channel_by_dealer: dict) -> list[dict]:
    """The outbox rows of the levels this run claimed: an inbox message to each recipient
    and, from level 1, the step's message (e-mail) too."""
    texts = _texts(level)
    inbox, email_channel = MessageChannel.INBOX.value, MessageChannel.EMAIL.value
    staff, topic = RecipientKind.STAFF.value, "complaint"
    queued, cancelled = MessageStatus.QUEUED.value, MessageStatus.CANCELLED.value
    no_address = StopReason.NO_ADDRESS.value
    messages = []
    for row in _recipients(now, clock, level):
        escalation, complaint, dealer, customer, kind, row_clock, user, email, username = row
        words = {"number": f"{PREFIX[kind]}-{complaint}", "level": level}
        subject = texts["subject"] % words
        body = texts["body"] % (words | {"clock": texts["clocks"][row_clock]})
        link = f"/complaints/{complaint}/"
        key = f"complaint:escalation:{escalation}:"
        channels = [inbox]
        step_channel = channel_by_dealer.get((dealer, level), email_channel)
        if level > 0 and step_channel != inbox:
            channels.append(step_channel)
        for channel in channels:
            # Staff are reached in the inbox and by e-mail only.
            address = username if channel == inbox else (email or "")
            if channel not in (inbox, email_channel):
                address = ""
            messages.append(
                {
                    "dealer_id": dealer,
                    "recipient_kind": staff,
                    "recipient_id": user,
                    "customer_id": customer,
                    "channel": channel,
                    "address": address,
                    "topic": topic,
                    "subject": subject,
                    "body": body,
                    "link": link,
                    "status": queued if address else cancelled,
                    "last_error": "" if address else no_address,
                    "idempotency_key": f"{key}{channel}:{user}",
                }
            )
    return messages


OUTBOX_DEFAULTS = {
    "attempts": 0,
    "claimed_by": "",
    "lease_until": None,
    "provider_id": "",
    "sent_at": None,
    "read_at": None,
    "created_by_id": None,
}


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Values of ours that hold no tab, newline or backslash: written to COPY as they are
# (encrypted values are URL-safe base64; the keys and links are built here).
PLAIN = {"recipient_kind", "channel", "topic", "link", "status", "last_error", "idempotency_key"}


def _as_copy(value) -> str:
    """A value in COPY's text format (backslash escapes, \\N for NULL)."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).translate(COPY_ESCAPES)


def _outbox_insert(messages: list[dict], now) -> None:
    """Write the rows the dispatcher reads, as ``OutboxMessage`` would (encrypted address,
    subject and body), without a model object per row: COPY on PostgreSQL, one
    executemany elsewhere. The keys name new levels only, so no row can exist already."""
    fields = [f for f in OutboxMessage._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f.column for f in fields)
    stamp = _db_time(now)
    fixed = OUTBOX_DEFAULTS | {"created_at": stamp, "updated_at": stamp, "next_try_at": stamp}
    encrypted = {f.attname for f in fields if isinstance(f, EncryptedTextField)}
    names = [f.attname for f in fields]
    table = OutboxMessage._meta.db_table
    encrypt = crypto.encrypt
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            rows = [
                [
                    fixed[n] if n in fixed else (m[n] and encrypt(m[n]) if n in encrypted else m[n])
                    for n in names
                ]
                for m in messages
            ]
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            return
        constants = {n: _as_copy(v) for n, v in fixed.items()}

        def cell(m, n):
            if n in constants:
                return constants[n]
            value = m[n]
            if n in encrypted:
                return encrypt(value) if value else ""
            if n in PLAIN:
                return value
            return _as_copy(value)

        text = "".join("\t".join([cell(m, n) for n in names]) + "\n" for m in messages)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write(text)


def _step_channels() -> dict:
    return {
        (dealer, level): channel
        for dealer, level, channel in ComplaintLadderStep.objects.values_list(
            "dealer_id", "level", "channel"
        )
    }


def _commit_without_waiting() -> None:
    """PostgreSQL: do not wait for this transaction's WAL flush. After a crash a level and
    its messages are lost together, and the next run reaches the level again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


ANALYZE_AFTER = 1000


def _statistics_refresh(inserted: int) -> None:
    """After a large claim, tell PostgreSQL's planner how many levels there now are: the
    next level's EXISTS and the next run's NOT EXISTS are planned on them, and with the
    statistics of an empty table it would join nested loops (autovacuum comes too late)."""
    if inserted >= ANALYZE_AFTER and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_tables()['escalation']} (complaint_id, clock, level)")


def complaints_escalate(now: datetime | None = None) -> dict:
    """One pass of the escalation ladder over every dealer's open clocks. Returns how many
    levels were reached and messages queued."""
    now = now or timezone.now()
    ladder_defaults_fill()
    channels = _step_channels()
    reached = queued = 0
    for clock in CLOCKS:
        for level in (0, *LEVELS):
            claimed, sent = escalation_level_run(clock, level, now, channels)
            reached += claimed
            queued += sent
    return {"levels": reached, "messages": queued}


def escalation_level_run(clock: str, level: int, now, channels: dict) -> tuple[int, int]:
    """One clock's one level, in one transaction: the rows claimed, their messages queued."""
    with transaction.atomic():
        _commit_without_waiting()
        claimed = _claim_warnings(clock, now) if level == 0 else _claim_level(clock, level, now)
        if not claimed:
            return 0, 0
        _statistics_refresh(len(claimed))
        messages = _messages(now, clock, level, channels)
        _outbox_insert(messages, now)
    return len(claimed), len(messages)
