#!/usr/bin/env python
"""Planning one day of reminders for every bench vehicle (R-CARE-1..4), on PostgreSQL.

    make bench-care                                # on dealercare_bench (make bench-data)
    make bench-care BENCH_ARGS="--day 2027-03-01"

Beside the planner, the same maintenance rule as one hand-written statement, in the same
run, on a scratch copy of the reminder table: the floor the planner is measured against.
Then the planner's first run (every kind: maintenance by time or projected mileage,
mileage asks, inspection, insurance, birthdays solar and lunar, holidays), and its rerun,
which must write nothing. Memory is the process's peak RSS before and after. Targets:
first run ≤ 10 s, rerun ≤ 2 s. Results go to bench/results/care-*.json and .md.
"""

import argparse
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/dealercare_bench")
import common

TARGETS = {"first": 10.0, "rerun": 2.0}

RAW_MAINTENANCE = """
INSERT INTO care_reminder_raw (dealer_id, created_at, updated_at, rule_id, kind,
    customer_id, vehicle_id, due_date, send_on, text, status, skip_reason, channel,
    call_note, version)
SELECT v.dealer_id, now(), now(), r.id, 'maintenance', v.owner_id, v.id,
    v.next_maintenance_due, GREATEST(%(day)s::date, v.next_maintenance_due - r.lead_days),
    '', 'planned', '', '', '', 1
FROM care_reminderrule r
JOIN vehicles_vehicle v ON v.dealer_id = r.dealer_id
JOIN customers_customer c ON c.id = v.owner_id
WHERE r.kind = 'maintenance' AND r.active
  AND v.next_maintenance_due BETWEEN %(day)s::date - 7
      AND %(day)s::date + r.lead_days + %(ahead)s
  AND c.merged_into_id IS NULL AND c.erased_at IS NULL
ON CONFLICT DO NOTHING
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--day", type=date.fromisoformat, default=None)
    return parser.parse_args(argv)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare() -> dict:
    """Migrate, clear earlier reminders, refresh the statistics; the table sizes."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE care_reminder")
        cursor.execute("UPDATE care_reminderrule SET planned_through = NULL")
        cursor.execute("DROP TABLE IF EXISTS care_reminder_raw")
        cursor.execute("CREATE TABLE care_reminder_raw (LIKE care_reminder INCLUDING ALL)")
        cursor.execute("ANALYZE vehicles_vehicle")
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("SELECT count(*) FROM vehicles_vehicle")
        vehicles = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM customers_customer")
        customers = cursor.fetchone()[0]
    return {"vehicles": vehicles, "customers": customers}


def timed(func, *args):
    started = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - started, result


def raw_statement(day: date, ahead: int) -> tuple[float, int]:
    from django.db import connection, transaction

    def run():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(RAW_MAINTENANCE, {"day": day, "ahead": ahead})
            return cursor.rowcount

    first = timed(run)
    rerun = timed(run)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE care_reminder_raw")
    return first, rerun


def main(argv=None) -> None:
    args = parse_args(argv)
    common.django_setup()
    from django.conf import settings
    from django.utils import timezone

    from dealercare.care.services.planner import care_plan
    from dealercare.care.services.rules import care_rules_ensure
    from dealercare.core.models import Dealer

    day = args.day or timezone.localdate()
    sizes = prepare()
    for dealer in Dealer.objects.all():
        care_rules_ensure(dealer)
    rss_before = peak_rss_mb()
    (raw_seconds, raw_rows), (raw_rerun_seconds, raw_rerun_rows) = raw_statement(
        day, settings.CARE_PLAN_AHEAD_DAYS
    )
    first_seconds, first = timed(care_plan, day)
    rerun_seconds, rerun = timed(care_plan, day)
    rss_after = peak_rss_mb()
    data = {
        "database": common.database_name(),
        "day": str(day),
        **sizes,
        "raw_maintenance": {
            "seconds": round(raw_seconds, 3),
            "rows": raw_rows,
            "rerun_seconds": round(raw_rerun_seconds, 3),
            "rerun_rows": raw_rerun_rows,
        },
        "first_run": {"seconds": round(first_seconds, 3), "planned": first},
        "rerun": {"seconds": round(rerun_seconds, 3), "planned": rerun},
        "peak_rss_mb": {"before": round(rss_before, 1), "after": round(rss_after, 1)},
        "targets": TARGETS,
        "ok": first_seconds <= TARGETS["first"]
        and rerun_seconds <= TARGETS["rerun"]
        and not any(rerun.values()),
    }
    rows = "\n".join(f"| {kind} | {first[kind]:,} | {rerun[kind]:,} |" for kind in first)
    markdown = (
        f"# Care planner, {sizes['vehicles']:,} vehicles, {sizes['customers']:,} customers,"
        f" day {day}\n\n"
        "| run | seconds | target | rows |\n|---|---:|---:|---:|\n"
        f"| raw statement (maintenance only) | {raw_seconds:.2f} | — | {raw_rows:,} |\n"
        f"| raw statement, rerun | {raw_rerun_seconds:.2f} | — | {raw_rerun_rows:,} |\n"
        f"| planner, first run (all kinds) | {first_seconds:.2f} | ≤ {TARGETS['first']} |"
        f" {sum(first.values()):,} |\n"
        f"| planner, rerun | {rerun_seconds:.2f} | ≤ {TARGETS['rerun']} |"
        f" {sum(rerun.values()):,} |\n\n"
        "| kind | first run | rerun |\n|---|---:|---:|\n"
        f"{rows}\n\n"
        f"Peak RSS: {rss_before:.0f} MB before planning, {rss_after:.0f} MB after.\n"
    )
    common.write_result("care", data, markdown)
    print(markdown)
    print("OK" if data["ok"] else "NOT OK")
    sys.exit(0 if data["ok"] else 1)


if __name__ == "__main__":
    main()
