#!/usr/bin/env python
"""The complaint SLA escalation under load (R-CMP-5): 100,000 open complaints across the
bench dealers, one escalation run (target ≤ 5 s) and a second run (target ≤ 1 s, nothing
new sent).

    make bench-complaints                                  # 100,000 open complaints
    make bench-complaints BENCH_ARGS="--complaints 20000"

Runs on its own database (default ``dealercare_bench_cmp``, never the big bench database
while it is being generated): created and migrated if needed, its complaint rows, levels
and messages replaced on each run. The open complaints are spread over the states as a
busy desk's are: 40 % waiting for their first response (received in the last 36 hours),
20 % implemented and waiting for the feedback (in the last 36 hours), the rest in between
(no clock running). Results go to bench/results/complaints-*.json and .md.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/dealercare_bench_cmp")
import common

TARGETS = {"first": 5.0, "second": 1.0}
PREFIX = "cbench"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--dealers", type=int, default=50)
    return parser.parse_args(argv)


def migrate() -> None:
    import psycopg

    name = common.database_name()
    if name == "dealercare_bench":
        sys.exit("use a database of its own (dealercare_bench is the big bench's)")
    with psycopg.connect(common.admin_dsn(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    common.django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_dealers(count: int) -> list[dict]:
    """The bench brand's dealers, each with an agent, a service manager and a general
    manager (and the brand's OEM analyst): who the ladder tells."""
    from django.contrib.auth.hashers import make_password

    from dealercare.core.models import Brand, Dealer, User
    from dealercare.core.roles import Role

    password = make_password(common.PASSWORD)
    brand, _ = Brand.objects.get_or_create(code=common.BRAND_CODE, defaults={"name": "星途汽车"})
    User.objects.get_or_create(
        username=f"oem@{PREFIX}",
        defaults={"brand": brand, "role": Role.OEM_ANALYST, "password": password},
    )
    dealers = []
    for index in range(1, count + 1):
        code = f"{PREFIX}{index:03d}"
        dealer, _ = Dealer.objects.get_or_create(
            code=code, defaults={"brand": brand, "name": f"投诉压测{index:03d}号4S店"}
        )
        staff = {}
        for role in (Role.CSR, Role.MANAGER, Role.DEALER_ADMIN):
            staff[role], _ = User.objects.get_or_create(
                username=f"{role}@{code}",
                defaults={
                    "dealer": dealer,
                    "role": role,
                    "password": password,
                    "email": f"{role}@{code}.example",
                },
            )
        dealers.append({"id": dealer.pk, "agent": staff[Role.CSR].pk})
    return dealers


FILL = """
INSERT INTO complaints_complaint (
    dealer_id, created_at, updated_at, kind, status, channel, received_at, received_by_id,
    content, wanted_outcome, category, urgency, owner_id, department, investigation,
    solution, answer, first_response_due_at, first_response_warn_at, first_responded_at,
    implemented_at, feedback_due_at, feedback_warn_at, result, cause, improvement, cycle,
    version)
SELECT %(dealer)s, now(), now(), 'complaint', s.status, 'hotline', s.received, %(agent)s,
    '保养后异响', '', 'service', 'normal', %(agent)s, 'workshop', '', '', '',
    s.received + interval '24 hours', s.received + interval '18 hours',
    CASE WHEN s.status = 'received' THEN NULL ELSE s.received + interval '2 hours' END,
    s.implemented, s.implemented + interval '24 hours', s.implemented + interval '18 hours',
    '', '', '', 0, 1
FROM (
    SELECT CASE WHEN g %% 10 < 4 THEN 'received'
                WHEN g %% 10 < 6 THEN 'implemented'
                ELSE 'investigating' END AS status,
           now() - (g * 7919 %% 129600) * interval '1 second' AS received,
           CASE WHEN g %% 10 IN (4, 5)
                THEN now() - (g * 104729 %% 129600) * interval '1 second' END AS implemented
    FROM generate_series(1, %(count)s) g
) s
"""


def fill(dealers: list[dict], total: int) -> float:
    """Replace the bench dealers' complaints with ``total`` open ones (one INSERT … SELECT
    per dealer); their levels and messages go with them."""
    from django.db import connection, transaction

    ids = [d["id"] for d in dealers]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_outboxmessage WHERE dealer_id = ANY(%s)", [ids])
        cursor.execute(
            "DELETE FROM complaints_complaintescalation WHERE dealer_id = ANY(%s)", [ids]
        )
        cursor.execute("DELETE FROM complaints_complaint WHERE dealer_id = ANY(%s)", [ids])
        for index, dealer in enumerate(dealers):
            count = total // len(dealers) + (1 if index < total % len(dealers) else 0)
            cursor.execute(FILL, {"dealer": dealer["id"], "agent": dealer["agent"], "count": count})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE complaints_complaint")
        cursor.execute("ANALYZE complaints_complaintescalation")
    return time.perf_counter() - started


def counts() -> dict:
    from django.db.models import Count

    from dealercare.complaints.models import Complaint, ComplaintEscalation
    from dealercare.core.messaging.models import OutboxMessage

    by_level = dict(
        ComplaintEscalation.objects.values_list("level").annotate(n=Count("id")).order_by()
    )
    return {
        "open": Complaint.objects.exclude(status="closed").count(),
        "levels": {str(k): v for k, v in sorted(by_level.items())},
        "messages": OutboxMessage.objects.filter(topic="complaint").count(),
    }


def timed_run(moment) -> tuple[float, dict]:
    from dealercare.complaints.services.escalation import complaints_escalate

    started = time.perf_counter()
    result = complaints_escalate(now=moment)
    return time.perf_counter() - started, result


def main(argv=None) -> None:
    args = parse_args(argv)
    migrate()
    dealers = bench_dealers(args.dealers)
    fill_seconds = fill(dealers, args.complaints)
    print(f"{args.complaints} open complaints in {len(dealers)} dealers ({fill_seconds:.1f} s)")
    # Both runs at the same moment: the second must find every level already reached.
    # (Run later, it would rightly reach the few complaints that crossed a line since.)
    from django.utils import timezone

    moment = timezone.now()
    first_seconds, first = timed_run(moment)
    after_first = counts()
    second_seconds, second = timed_run(moment)
    after_second = counts()
    data = {
        "database": common.database_name(),
        "complaints": args.complaints,
        "dealers": len(dealers),
        "first_run": {"seconds": round(first_seconds, 3), **first},
        "second_run": {"seconds": round(second_seconds, 3), **second},
        "after_first": after_first,
        "after_second": after_second,
        "targets": TARGETS,
        "ok": first_seconds <= TARGETS["first"]
        and second_seconds <= TARGETS["second"]
        and second == {"levels": 0, "messages": 0}
        and after_first == after_second,
    }
    markdown = (
        f"# Complaint escalation, {args.complaints:,} open complaints, {len(dealers)} dealers\n\n"
        "| run | seconds | target | levels reached | messages queued |\n"
        "|---|---:|---:|---:|---:|\n"
        f"| first | {first_seconds:.2f} | ≤ {TARGETS['first']} | {first['levels']:,} |"
        f" {first['messages']:,} |\n"
        f"| second | {second_seconds:.2f} | ≤ {TARGETS['second']} | {second['levels']:,} |"
        f" {second['messages']:,} |\n\n"
        f"Levels after the first run (0 = the owner's warning): {after_first['levels']}\n"
    )
    common.write_result("complaints", data, markdown)
    print(markdown)
    print("OK" if data["ok"] else "NOT OK")
    sys.exit(0 if data["ok"] else 1)


if __name__ == "__main__":
    main()
