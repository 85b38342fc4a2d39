import hashlib
import hmac
import itertools
import logging

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from dealercare.core import crypto
from dealercare.core.audit import (
    AuditEvent,
    audit_chain_verify,
    audit_entry_payload,
    audit_record,
)
from dealercare.core.db import audit_guard_lifted
from dealercare.core.jobs import audit_chain_verify_all
from dealercare.core.models import AuditChainHead, AuditEntry, AuditVerification
from dealercare.core.roles import Role
from tests.factories import new_customer

NOOP = AuditEvent(action="customer.update", object_type="customer", object_id=None)


@pytest.fixture
def chain(advisor):
    for name in ("甲", "乙", "丙", "丁"):
        new_customer(advisor, name=name)
    assert audit_chain_verify(advisor.dealer) == []
    return list(AuditEntry.objects.filter(dealer=advisor.dealer).order_by("seq"))


def tamper(sql: str, params: list) -> None:
    """Bypass the append-only guard the way an attacker with database access would."""
    with audit_guard_lifted(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def delete_and_rehash(dealer, doomed: AuditEntry, digest) -> None:
    """Remove an entry and rewrite the rest of the chain so that it links up again."""
    tamper("DELETE FROM core_auditentry WHERE id = %s", [doomed.pk])
    prev_hash = ""
    for seq, entry in enumerate(AuditEntry.objects.filter(dealer=dealer).order_by("seq"), 1):
        entry.seq, entry.prev_hash = seq, prev_hash
        entry.entry_hash = prev_hash = digest(audit_entry_payload(entry))
        tamper(
            "UPDATE core_auditentry SET seq = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
            [entry.seq, entry.prev_hash, entry.entry_hash, entry.pk],
        )
    AuditChainHead.objects.filter(dealer=dealer).update(last_seq=seq, last_hash=prev_hash)


def test_each_entry_links_to_the_one_before(chain):
    assert [e.seq for e in chain] == [1, 2, 3, 4]
    assert all(e.prev_hash == p.entry_hash for p, e in itertools.pairwise(chain))


def test_edited_entry_is_detected(advisor, chain):
    tamper("UPDATE core_auditentry SET actor_name = 'someone' WHERE id = %s", [chain[1].pk])
    assert [(p.seq, p.reason) for p in audit_chain_verify(advisor.dealer)] == [(2, "altered")]


def test_deleted_entry_is_detected(advisor, chain):
    tamper("DELETE FROM core_auditentry WHERE id = %s", [chain[2].pk])
    reasons = {(p.seq, p.reason) for p in audit_chain_verify(advisor.dealer)}
    assert (3, "missing") in reasons and (4, "broken link") in reasons


def test_deleted_last_entry_is_detected(advisor, chain):
    tamper("DELETE FROM core_auditentry WHERE id = %s", [chain[-1].pk])
    assert audit_chain_verify(advisor.dealer)[0].reason == "missing at the end"


def test_deleting_an_entry_and_rehashing_the_rest_without_the_key_is_detected(advisor, chain):
    delete_and_rehash(advisor.dealer, chain[1], lambda p: hashlib.sha256(p).hexdigest())
    assert AuditEntry.objects.filter(dealer=advisor.dealer).count() == 3
    assert [(p.seq, p.reason) for p in audit_chain_verify(advisor.dealer)] == [
        (1, "altered"),
        (2, "altered"),
        (3, "altered"),
    ]


def test_only_the_key_held_outside_the_database_could_rewrite_the_chain(advisor, chain):
    key = crypto.audit_chain_key()
    delete_and_rehash(advisor.dealer, chain[1], lambda p: hmac.new(key, p, "sha256").hexdigest())
    assert audit_chain_verify(advisor.dealer) == []


def test_database_refuses_to_change_or_delete_entries(chain):
    for sql in ("UPDATE core_auditentry SET action = 'x'", "DELETE FROM core_auditentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.count() == len(chain)


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database_and_the_guard_stays(cast):
    new_customer(cast.staff_a[Role.ADVISOR])
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    with transaction.atomic():
        audit_record(actor=None, dealer=None, event=NOOP)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.count() == 1


def test_daily_verification_records_each_chain_and_alerts_on_a_break(cast, chain, caplog):
    new_customer(cast.staff_b[Role.ADVISOR])
    assert audit_chain_verify_all() == 0
    assert AuditVerification.objects.filter(ok=True).count() == 2
    tamper("UPDATE core_auditentry SET object_label = 'x' WHERE id = %s", [chain[2].pk])
    with caplog.at_level(logging.ERROR, logger="dealercare.core.jobs"):
        assert audit_chain_verify_all() == 1
    broken = AuditVerification.objects.get(ok=False)
    assert (broken.dealer, broken.entries_checked, broken.broken_at_seq) == (cast.dealer_a, 4, 3)
    assert "broken at entry 3" in caplog.text


def test_audit_page_shows_the_last_verification(cast, chain, client):
    client.force_login(cast.staff_a[Role.DEALER_ADMIN])
    assert "尚未校验" in client.get("/audit/").content.decode()
    audit_chain_verify_all()
    assert "4 条记录，完好" in client.get("/audit/").content.decode()
    tamper("UPDATE core_auditentry SET object_label = 'x' WHERE id = %s", [chain[0].pk])
    audit_chain_verify_all()
    page = client.get("/audit/").content.decode()
    assert "第 1 条记录处断裂" in page and "记录被修改" in page
