"""Crypto-shredding: personal values in the audit trail are sealed under a key of the
person's own, and erasing the person destroys that key (R-SEC-5, PIPL art. 47).

Why this way: audit entries are append-only (a database trigger) and hash-chained, so an
erasure that rewrote them would either be refused or break the chain it must keep. Sealed
values are part of what the chain covers; destroying the key changes no entry, the chain
still verifies, and every sealed value — whole or masked — is unreadable from then on,
in the database, in its backups and on every page.
"""

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import AuditEntry, PersonalDataKey

ERASED = _("erased")
UNREADABLE = _("unreadable")
NONCE_BYTES = 12
# A sealed label must fit AuditEntry.object_label (200): 120 bytes seal to 200 characters.
LABEL_BYTES = 120


def new_key_material() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


def personal_keys_for(*, dealer_id: int | None, subjects: Iterable[str]) -> dict:
    """Each subject's key, created on first use (one query for many, as an import needs)."""
    wanted = set(subjects)
    if not wanted:
        return {}
    keys = {k.subject: k for k in PersonalDataKey.objects.filter(subject__in=wanted)}
    if wanted - keys.keys():
        PersonalDataKey.objects.bulk_create(
            [
                PersonalDataKey(
                    dealer_id=dealer_id,
                    subject=subject,
                    key=new_key_material(),
                )
                for subject in wanted - keys.keys()
            ],
            ignore_conflicts=True,  # another transaction created it meanwhile: use theirs
        )
        keys = {k.subject: k for k in PersonalDataKey.objects.filter(subject__in=wanted)}
    return keys


def personal_keys_destroy(subjects: Iterable[str]) -> int:
    """Erase the keys: whatever they sealed can never be read again."""
    return PersonalDataKey.objects.filter(subject__in=list(subjects), destroyed_at=None).update(
        key="", destroyed_at=timezone.now()
    )


def _aead(key: PersonalDataKey) -> AESGCM:
    # A destroyed key still seals (under a random key nobody keeps): a late entry about
    # an erased person is born unreadable.
    material = base64.b64decode(key.key) if key.key else AESGCM.generate_key(bit_length=256)
    return AESGCM(material)


def _seal(aead: AESGCM, value) -> str:
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(value, ensure_ascii=False).encode()
    return base64.b64encode(nonce + aead.encrypt(nonce, plain, None)).decode()


def _open(aead: AESGCM, token):
    try:
        raw = base64.b64decode(token)
        return json.loads(aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None))
    except (TypeError, ValueError, InvalidTag):  # altered in the database: the chain says so
        return str(UNREADABLE)


def audit_seal(key: PersonalDataKey, label: str, changes: dict) -> tuple[str, dict]:
    """The label and each change sealed whole; which fields changed stays readable."""
    aead = _aead(key)
    label = label.encode()[:LABEL_BYTES].decode(errors="ignore")
    return (
        _seal(aead, label) if label else "",
        {name: _seal(aead, value) for name, value in changes.items()},
    )


@dataclass(frozen=True)
class OpenedEntry:
    label: str
    changes: dict


def audit_open(entry: AuditEntry) -> OpenedEntry:
    """An entry's label and changes as a reader sees them: opened with the person's key,
    or "erased" once the key is destroyed."""
    key = entry.sealed_with
    if key is None:
        return OpenedEntry(entry.object_label, entry.changes)
    if key.destroyed_at:
        erased = str(ERASED)
        return OpenedEntry(
            erased if entry.object_label else "", dict.fromkeys(entry.changes, erased)
        )
    aead = _aead(key)
    label = _open(aead, entry.object_label) if entry.object_label else ""
    return OpenedEntry(label, {name: _open(aead, token) for name, token in entry.changes.items()})
