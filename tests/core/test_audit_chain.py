import itertools

import pytest
from django.db import DatabaseError, connection, transaction

from dealercare.core.audit import audit_chain_verify
from dealercare.core.models import AuditEntry
from tests.factories import new_customer


@pytest.fixture
def chain(advisor):
    for name in ("甲", "乙", "丙", "丁"):
        new_customer(advisor, name=name)
    assert audit_chain_verify(advisor.dealer) == []
    return list(AuditEntry.objects.filter(dealer=advisor.dealer).order_by("seq"))


def tamper(sql: str, params: list) -> None:
    """Bypass the append-only guard the way an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


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


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_database_refuses_to_change_or_delete_entries(chain):
    for sql in ("UPDATE core_auditentry SET action = 'x'", "DELETE FROM core_auditentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.count() == len(chain)
