"""The tamper-evident audit trail (R-SEC-4).

Entries are appended by services inside their own transaction. Each dealer has its own
chain: an entry's hash is an HMAC-SHA256, under a key held outside the database, of its
content and the previous entry's hash, so an edited, inserted or deleted entry breaks the
chain and :func:`audit_chain_verify` finds it — also when the rest was re-hashed.
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dealercare.core import crypto
from dealercare.core.audit_vocabulary import audit_action_known
from dealercare.core.models import (
    AuditChainHead,
    AuditEntry,
    AuditVerification,
    ChainBreak,
    Dealer,
)
from dealercare.core.shredding import audit_seal, personal_keys_for


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


def changes_between(
    before: dict, after: dict, masks: dict[str, Callable[[str], str]] | None = None
) -> dict[str, list]:
    """Fields whose value differs, as ``{field: [old, new]}``, personal ones masked."""
    masks = masks or {}
    changed = {}
    for field in sorted(set(before) | set(after)):
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old == new:
            continue
        mask = masks.get(field)
        if mask:
            old, new = mask(old or ""), mask(new or "")
        changed[field] = [old, new]
    return changed


def audit_entry_payload(entry: AuditEntry) -> bytes:
    """What an entry's hash covers: its content and the previous entry's hash."""
    return json.dumps(
        {
            "dealer": entry.dealer_id,
            "seq": entry.seq,
            "at": entry.created_at.isoformat(),
            "actor": entry.actor_id,
            "actor_name": entry.actor_name,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "label": entry.object_label,
            "customer": entry.customer_id,
            "changes": entry.changes,
            "prev": entry.prev_hash,
        }
        # getattr: the migration that first re-hashed the chains predates the column
        | ({"sealed_with": sealed} if (sealed := getattr(entry, "sealed_with_id", None)) else {}),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _entry_hash(entry: AuditEntry) -> str:
    return hmac.new(
        crypto.audit_chain_key(), audit_entry_payload(entry), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class AuditEvent:
    action: str
    object_type: str
    object_id: int | None
    label: str = ""
    customer_id: int | None = None
    changes: dict | None = None
    # The person whose values the entry holds (e.g. "customer:42"): label and changes are
    # sealed under that person's key, which erasure destroys (core.shredding).
    subject: str = ""


def _chain_head_locked(dealer_id: int | None) -> AuditChainHead:
    """The dealer's chain head, locked: one query once the chain exists."""
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(dealer_id=dealer_id).first()
    if head is None:
        AuditChainHead.objects.get_or_create(dealer_id=dealer_id)
        head = heads.get(dealer_id=dealer_id)
    return head


def audit_record(*, actor, dealer: Dealer | None, event: AuditEvent) -> AuditEntry:
    return audit_record_many(actor=actor, dealer=dealer, events=[event])[0]


def audit_record_many(
    *, actor, dealer: Dealer | None, events: Iterable[AuditEvent]
) -> list[AuditEntry]:
    """Append events to the dealer's chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries are written inside the business transaction")
    dealer_id = dealer.pk if dealer else None
    head = _chain_head_locked(dealer_id)
    now = timezone.now()
    events = list(events)
    keys = personal_keys_for(dealer_id=dealer_id, subjects=(e.subject for e in events if e.subject))
    entries = []
    for event in events:
        if not audit_action_known(event.action):
            raise ValueError(f"audit action {event.action!r} is not registered with a label")
        label, changes = event.label[:200], event.changes or {}
        key = keys.get(event.subject)
        if key:
            label, changes = audit_seal(key, label, changes)
        entry = AuditEntry(
            dealer_id=dealer_id,
            seq=head.last_seq + 1,
            created_at=now,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "system",
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            object_label=label,
            customer_id=event.customer_id,
            changes=changes,
            sealed_with=key,
            prev_hash=head.last_hash,
        )
        entry.entry_hash = _entry_hash(entry)
        head.last_seq, head.last_hash = entry.seq, entry.entry_hash
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    head.save(update_fields=["last_seq", "last_hash"])
    return entries


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: ChainBreak


def _chain_walk(dealer_id: int | None) -> tuple[int, list[ChainProblem]]:
    problems = []
    checked, expected_seq, prev_hash = 0, 1, ""
    entries = AuditEntry.objects.filter(dealer_id=dealer_id).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        checked += 1
        if entry.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, ChainBreak.MISSING))
        if entry.prev_hash != prev_hash:
            problems.append(ChainProblem(entry.seq, ChainBreak.BROKEN_LINK))
        if _entry_hash(entry) != entry.entry_hash:
            problems.append(ChainProblem(entry.seq, ChainBreak.ALTERED))
        expected_seq, prev_hash = entry.seq + 1, entry.entry_hash
    head = AuditChainHead.objects.filter(dealer_id=dealer_id).first()
    if head and (head.last_seq, head.last_hash) != (expected_seq - 1, prev_hash):
        problems.append(ChainProblem(head.last_seq, ChainBreak.MISSING_AT_END))
    return checked, problems


def audit_chain_verify(dealer: Dealer | None) -> list[ChainProblem]:
    """Walk one dealer's chain and report every entry that was edited, removed or added."""
    return _chain_walk(dealer.pk if dealer else None)[1]


def audit_verification_run(dealer_id: int | None) -> AuditVerification:
    """Verify one dealer's chain and keep the outcome."""
    checked, problems = _chain_walk(dealer_id)
    first = problems[0] if problems else None
    return AuditVerification.objects.create(
        dealer_id=dealer_id,
        verified_at=timezone.now(),
        entries_checked=checked,
        ok=not problems,
        broken_at_seq=first.seq if first else None,
        problem=first.reason if first else "",
    )


def audit_chains_rehash(entry_model, head_model) -> int:
    """Recompute every chain under the current key and hash, for the migrations that change
    what an entry's hash is (the key, sealed values). Takes the migration's historical
    models; the caller lifts the append-only guard. Returns the number of entries."""
    count = 0
    for head in head_model.objects.all():
        prev_hash, batch = "", []
        entries = entry_model.objects.filter(dealer_id=head.dealer_id).order_by("seq")
        for entry in entries.iterator(chunk_size=2000):
            entry.prev_hash = prev_hash
            entry.entry_hash = prev_hash = _entry_hash(entry)
            batch.append(entry)
            if len(batch) == 2000:
                entry_model.objects.bulk_update(batch, ["prev_hash", "entry_hash"])
                count, batch = count + len(batch), []
        entry_model.objects.bulk_update(batch, ["prev_hash", "entry_hash"])
        count += len(batch)
        head.last_hash = prev_hash
        head.save(update_fields=["last_hash"])
    return count
