#!/usr/bin/env python
"""After-sales benchmarks over HTTP, each beside the same lookup in raw SQL in the same run
(see README.md): repair-order search by number, plate and VIN, the workshop board, a car's
service history, and booking a slot.

    make bench-service                            # after make bench-data
    make bench-service BENCH_ARGS="--duration 5 --only board,booking"

The server, the clients and the raw-SQL side are ``run.py``'s: gunicorn with ``--workers``
(2) sync workers, DEBUG off; ``--clients`` (2) closed-loop load processes with a real bearer
token (``advisor@<dealer>``, the dealer with the most repair orders unless ``--dealer``).
Booking writes appointments into days ``--booking-from`` days ahead and later, which are
emptied of earlier bench bookings first; afterwards no day, slot or advisor may hold more
cars than the dealer's capacity. Results go to bench/results/service-*.json and *.md.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
import run
from run import Bench, PagerCount, api_path

LOOKUP_P95_MS = 10.0
PAGE_P95_MS = 50.0
BOOKINGS_PER_S = 200.0
ORDER_COLUMNS = (
    "o.*, v.plate, v.vin, v.make, v.model_name, c.name AS customer_name, "
    "a.first_name AS advisor_name, t.first_name AS technician_name"
)
ORDER_JOINS = (
    "service_repairorder o JOIN vehicles_vehicle v ON v.id = o.vehicle_id "
    "JOIN customers_customer c ON c.id = o.customer_id "
    "JOIN core_user a ON a.id = o.advisor_id LEFT JOIN core_user t ON t.id = o.technician_id"
)
NEWEST = "ORDER BY o.created_at DESC, o.id DESC"
BOARD_STATES = ("approved", "in_progress", "quality_check", "ready")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dealer", default="", help="dealer code (default: most orders)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per benchmark")
    parser.add_argument("--warmup", type=float, default=1.5, help="seconds, not measured")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--samples", type=int, default=1000, help="distinct lookups each")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--url", default="", help="use an already running server instead")
    parser.add_argument("--max-foreign-cpu", type=float, default=25.0)
    parser.add_argument("--retries", type=int, default=1)
    parser.add_argument(
        "--booking-from", type=int, default=60, help="first day booked, in days from today"
    )
    parser.add_argument("--booking-days", type=int, default=110, help="days booked into")
    return parser.parse_args(argv)


# --- The lookups -------------------------------------------------------------------------


def largest_dealer() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT dealer_id FROM service_repairordersequence GROUP BY dealer_id "
            "ORDER BY sum(last) DESC LIMIT 1"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def sample_orders(dealer_id: int, count: int, seed: int) -> list[dict]:
    """Random orders of the dealer (a block sample: quick on millions of rows) with their
    car's plate and VIN."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000.0])
        cursor.execute(
            "SELECT o.id, o.number, o.vehicle_id, v.plate, v.vin FROM service_repairorder o "
            "JOIN vehicles_vehicle v ON v.id = o.vehicle_id "
            "WHERE o.dealer_id = %s ORDER BY random() LIMIT %s",
            [dealer_id, count],
        )
        return [
            {"id": i, "number": n, "vehicle_id": vid, "plate": p, "vin": v}
            for i, n, vid, p, v in cursor.fetchall()
        ]


def build(dealer_id: int, rows: list[dict]) -> list[Bench]:
    scope = f"o.dealer_id = {dealer_id}"

    def orders_page(condition: str, params: tuple) -> list:
        """Page 1 of the orders matching, newest first, and the pager's COUNT when full."""
        return [
            (
                f"SELECT {ORDER_COLUMNS} FROM {ORDER_JOINS} WHERE {scope} AND {condition} "
                f"{NEWEST} LIMIT {run.PAGE_SIZE}",
                params,
            ),
            PagerCount(
                f"SELECT count(*) FROM service_repairorder o WHERE {scope} AND {condition}",
                params,
            ),
        ]

    def by_car(column: str) -> str:
        return (
            "o.vehicle_id IN (SELECT v2.id FROM vehicles_vehicle v2 "
            f"WHERE v2.dealer_id = {dealer_id} AND v2.{column} = %s)"
        )

    benches = [
        Bench("order_number", "order search: number", "search"),
        Bench("order_plate", "order search: plate", "search"),
        Bench("order_vin", "order search: VIN", "search"),
        Bench("history", "a car's service history", "page"),
        Bench("order_read", "one order with lines (no target)", "info"),
    ]
    by_name = {b.name: b for b in benches}
    for row in rows:
        by_name["order_number"].cases.append(
            (
                [api_path("/repair-orders", q=row["number"])],
                orders_page("o.number = %s", (row["number"],)),
            )
        )
        by_name["order_plate"].cases.append(
            (
                [api_path("/repair-orders", q=row["plate"])],
                orders_page(by_car("plate"), (row["plate"],)),
            )
        )
        by_name["order_vin"].cases.append(
            ([api_path("/repair-orders", q=row["vin"])], orders_page(by_car("vin"), (row["vin"],)))
        )
        by_name["history"].cases.append(
            (
                [api_path("/repair-orders", vehicle=row["vehicle_id"])],
                orders_page("o.vehicle_id = %s", (row["vehicle_id"],)),
            )
        )
        by_name["order_read"].cases.append(
            (
                [api_path(f"/repair-orders/{row['id']}")],
                [
                    (f"SELECT {ORDER_COLUMNS} FROM {ORDER_JOINS} WHERE {scope} AND o.id = %s",
                     (row["id"],)),
                    ("SELECT * FROM service_repairorderline WHERE order_id = %s ORDER BY id",
                     (row["id"],)),
                    (
                        "SELECT id, dealer_id, order_id, method, approved_by, approved_at, amount, "
                        "note, recorded_by_id FROM service_repairorderapproval "
                        "WHERE order_id = %s ORDER BY approved_at, id",
                        (row["id"],),
                    ),
                ],
            )
        )  # fmt: skip
    board = Bench("board", "workshop board (largest dealer)", "page")
    states = ", ".join(f"'{s}'" for s in BOARD_STATES)
    board.cases.append(
        (
            [api_path("/workshop-board")],
            [
                (
                    "SELECT o.id, o.number, o.status, o.promised_at, o.rework_count, v.plate, "
                    "v.make, v.model_name, t.first_name, t.username, "
                    "(o.promised_at < now() AND o.status NOT IN ('ready')) AS late "
                    "FROM service_repairorder o JOIN vehicles_vehicle v ON v.id = o.vehicle_id "
                    "LEFT JOIN core_user t ON t.id = o.technician_id "
                    f"WHERE {scope} AND o.status IN ({states}) "
                    "ORDER BY o.status, o.promised_at, o.id LIMIT 400",
                    (),
                )
            ],
        )
    )
    return [*benches[:3], board, *benches[3:]]


# --- Booking -----------------------------------------------------------------------------


def booking_setup(dealer_id: int, args) -> dict:
    """The days the bench books into, emptied of earlier bench bookings; the dealer's
    advisors, slots and capacity; a sample of its cars."""
    from django.db import connection, transaction

    from dealercare.core.models import User
    from dealercare.service import models
    from dealercare.service.selectors import appointments as booking

    Appointment, ServiceOperation = models.Appointment, models.ServiceOperation
    capacity = booking.capacity_get(dealer_id=dealer_id)
    first = date.today() + timedelta(days=args.booking_from)
    days = [first + timedelta(days=n) for n in range(args.booking_days)]
    days = [d for d in days if str(d.weekday()) in capacity.open_weekdays]
    table = Appointment._meta.db_table
    through = Appointment.services.through._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"DELETE FROM {through} WHERE appointment_id IN (SELECT id FROM {table} "
            "WHERE dealer_id = %s AND day >= %s)",
            [dealer_id, first],
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE dealer_id = %s AND day >= %s", [dealer_id, first]
        )
        cursor.execute(
            "SELECT id FROM vehicles_vehicle WHERE dealer_id = %s ORDER BY random() LIMIT 500",
            [dealer_id],
        )
        cars = [row[0] for row in cursor.fetchall()]
    advisors = list(
        User.objects.filter(dealer_id=dealer_id, role="advisor", is_active=True).values_list(
            "pk", flat=True
        )
    )
    services = list(
        ServiceOperation.objects.filter(dealer_id=dealer_id).values_list("pk", flat=True)
    )
    return {
        "capacity": capacity,
        "days": days,
        "slots": [s.strftime("%H:%M") for s in booking.slot_times(capacity)],
        "advisors": advisors,
        "cars": cars,
        "services": services,
        "first": first,
    }


def booking_cases(setup: dict, count: int, seed: int) -> list:
    """Bookings as the API takes them, each beside the same capacity check and write in
    raw SQL: lock the day's row, count its places, insert the booking and its services."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        body = {
            "vehicle_id": rng.choice(setup["cars"]),
            "day": rng.choice(setup["days"]).isoformat(),
            "starts_at": rng.choice(setup["slots"]),
            "advisor_id": rng.choice(setup["advisors"]),
            "channel": rng.choice(["phone", "phone", "web", "walk_in"]),
            "mode": rng.choice(["waiting", "drop_off"]),
            "service_ids": rng.sample(setup["services"], rng.choice([1, 1, 2])),
            "note": "",
        }
        cases.append(([(api_path("/appointments"), body)], body))
    return cases


def _booking_client(base, token, cases, warmup, duration, seed, results):
    """Books in a closed loop; a refused booking (409: the slot, day or advisor is full)
    counts as refused, anything but 201 and 409 as failed."""
    client = run.LeanClient(base, token)
    refused = [0]

    def run_case(case) -> bool:
        status = client.send(case[0][0])
        if status == 409:
            refused[0] += 1
        return status in (201, 409)

    latencies, failures, wall = run._closed_loop(cases, warmup, duration, seed, run_case)
    results.put((latencies, failures, wall, time.process_time(), refused[0]))


class RawBooking:
    """The booking's capacity check and write in plain SQL, as the service does them."""

    def __init__(self, dealer_id: int, capacity, booker_id: int):
        from django.db import connection

        from dealercare.service.models import Appointment

        self.dealer_id, self.capacity, self.booker_id = dealer_id, capacity, booker_id
        fields = [f for f in Appointment._meta.concrete_fields if not f.primary_key]
        given = {
            "dealer_id", "created_at", "updated_at", "status", "customer_id", "vehicle_id",
            "channel", "day", "starts_at", "advisor_id", "mode", "created_by_id",
        }  # fmt: skip
        self.columns = [f.column for f in fields if f.attname in given]
        self.defaults = [
            (f.column, f.get_db_prep_save(f.get_default(), connection))
            for f in fields
            if f.attname not in given
        ]
        self.table = Appointment._meta.db_table
        self.through = Appointment.services.through._meta.db_table

    def sql(self) -> str:
        names = [*self.columns, *(c for c, _ in self.defaults)]
        holes = ", ".join(["%s"] * len(names))
        return f"INSERT INTO {self.table} ({', '.join(names)}) VALUES ({holes}) RETURNING id"

    def book(self, conn, body: dict, insert_sql: str) -> bool:
        day, slot, advisor = body["day"], body["starts_at"], body["advisor_id"]
        with conn.transaction():
            conn.execute(
                "INSERT INTO service_appointmentday (dealer_id, day) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING",
                (self.dealer_id, day),
            )
            conn.execute(
                "SELECT id FROM service_appointmentday WHERE dealer_id = %s AND day = %s "
                "FOR UPDATE",
                (self.dealer_id, day),
            )
            rows = conn.execute(
                f"SELECT starts_at, advisor_id, bay_id FROM {self.table} WHERE dealer_id = %s "
                "AND day = %s AND status IN ('booked', 'arrived', 'completed')",
                (self.dealer_id, day),
            ).fetchall()
            at = clock.fromisoformat(slot)
            cap = self.capacity
            if (
                len(rows) >= cap.places_per_day
                or sum(1 for r in rows if r[0] == at) >= cap.places_per_slot
                or sum(1 for r in rows if r[1] == advisor) >= cap.per_advisor_per_day
            ):
                return False
            owner = conn.execute(
                "SELECT owner_id FROM vehicles_vehicle WHERE id = %s", (body["vehicle_id"],)
            ).fetchone()[0]
            values = {
                "dealer_id": self.dealer_id, "status": "booked", "customer_id": owner,
                "vehicle_id": body["vehicle_id"], "channel": body["channel"], "day": day,
                "starts_at": slot, "advisor_id": advisor, "mode": body["mode"],
                "created_by_id": self.booker_id,
            }  # fmt: skip
            now = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
            params = [now if c in ("created_at", "updated_at") else values[c] for c in self.columns]
            params += [value for _c, value in self.defaults]
            new_id = conn.execute(insert_sql, params).fetchone()[0]
            with conn.cursor().copy(
                f"COPY {self.through} (appointment_id, serviceoperation_id) FROM STDIN"
            ) as copy:
                for service in body["service_ids"]:
                    copy.write_row((new_id, service))
        return True


def _raw_booking_client(dsn, raw: RawBooking, cases, warmup, duration, seed, results):
    import psycopg

    refused = [0]
    with psycopg.connect(dsn, autocommit=True) as conn:
        insert_sql = raw.sql()

        def run_case(case) -> bool:
            if not raw.book(conn, case[1], insert_sql):
                refused[0] += 1
            return True

        latencies, _failures, wall = run._closed_loop(cases, warmup, duration, seed, run_case)
    results.put((latencies, 0, wall, time.process_time(), refused[0]))


def run_booking_load(target, clients: int, seed: int) -> dict:
    """``run.run_load`` for bookings: the clients also say how many were refused."""
    import multiprocessing

    before, began = run._cpu_snapshot(), time.perf_counter()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [
        context.Process(target=target[0], args=(*target[1:], seed + i, results))
        for i in range(clients)
    ]
    for process in processes:
        process.start()
    collected = [results.get() for _ in processes]
    for process in processes:
        process.join()
    latencies = sorted(x for c in collected for x in c[0])
    failures = sum(c[1] for c in collected)
    wall = max(c[2] for c in collected)
    refused = sum(c[4] for c in collected)
    summary = run.summarise(latencies, failures, wall)
    summary["refused"] = refused
    summary["booked"] = len(latencies) - refused - failures
    summary["bookings_per_s"] = round(summary["booked"] / wall, 1) if wall else None
    summary["foreign_cpu_pct"] = run.foreign_cpu(
        before, run._cpu_snapshot(), sum(c[3] for c in collected), time.perf_counter() - began
    )
    return summary


def over_capacity(dealer_id: int, first: date, capacity) -> dict[str, int]:
    """Days, slots and advisors' days holding more cars than the capacity allows."""
    from django.db import connection

    holds = "status IN ('booked', 'arrived', 'completed')"
    base = f"FROM service_appointment WHERE dealer_id = %s AND day >= %s AND {holds}"
    checks = {
        "days over capacity": (f"SELECT day {base} GROUP BY day", capacity.places_per_day),
        "slots over capacity": (
            f"SELECT day, starts_at {base} GROUP BY day, starts_at",
            capacity.places_per_slot,
        ),
        "advisor-days over capacity": (
            f"SELECT day, advisor_id {base} GROUP BY day, advisor_id",
            capacity.per_advisor_per_day,
        ),
    }
    found = {}
    with connection.cursor() as cursor:
        for name, (sql, limit) in checks.items():
            cursor.execute(
                f"SELECT count(*) FROM ({sql} HAVING count(*) > %s) x", [dealer_id, first, limit]
            )
            found[name] = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) {base}", [dealer_id, first])
        found["bookings held"] = cursor.fetchone()[0]
    return found


# --- Main --------------------------------------------------------------------------------


def verdict(bench: Bench, api: dict) -> str:
    if bench.kind == "info":
        return "(no target)"
    limit = LOOKUP_P95_MS if bench.kind == "search" else PAGE_P95_MS
    return "ok" if api["p95_ms"] <= limit else f"MISS p95>{limit:g}ms"


NO_API = {"p50_ms": None, "p95_ms": None, "p99_ms": None, "rps": None, "foreign_cpu_pct": 0}


def api_exists(base: str, token: str, bench: Bench) -> bool:
    """Every case answers (a 404 for the first: the endpoint is not there yet)."""
    calls, _sql = bench.cases[0]
    path = calls[0] if isinstance(calls[0], str) else calls[0][0]
    if run.Http(base, token).request("GET", path)[0] == 404:
        return False
    run.check_cases(base, token, bench)
    return True


def measure(bench: Bench, args, base: str, token: str, dsn: str) -> dict:
    if not api_exists(base, token, bench):
        return measure_sql_only(bench, args, dsn)
    for _attempt in range(1 + args.retries):
        api = run.run_load(
            (run._api_client, base, token, bench.cases, args.warmup, args.duration),
            args,
            args.clients,
            args.seed,
        )
        if api["foreign_cpu_pct"] <= args.max_foreign_cpu:
            break
        print(f"  ({bench.name}: other CPU {api['foreign_cpu_pct']}%; again)", flush=True)
    sql = run.run_load(
        (run._sql_client, dsn, bench.cases, args.warmup, args.duration, None),
        args,
        args.clients,
        args.seed,
    )
    unprepared = run.run_load(
        (run._sql_client, dsn, bench.cases, args.warmup / 2, args.duration / 2, False),
        args,
        args.clients,
        args.seed,
    )
    row = {
        "name": bench.name,
        "title": bench.title,
        "kind": bench.kind,
        "api": api,
        "sql": sql,
        "sql_unprepared": unprepared,
        "ratio_p95": round(api["p95_ms"] / sql["p95_ms"], 2) if sql["p95_ms"] else None,
        "load_average": os.getloadavg()[0],
        "verdict": verdict(bench, api),
    }
    print(
        f"{bench.title:36} {api['p50_ms']:7.2f} {api['p95_ms']:7.2f} {api['p99_ms']:7.2f} "
        f"{api['rps']:7.0f} | {sql['p50_ms']:7.2f} {sql['p95_ms']:7.2f} "
        f"{unprepared['p95_ms']:7.2f} | {row['verdict']}  [other CPU "
        f"{api['foreign_cpu_pct']:.0f}%, load {row['load_average']:.1f}]"
        + (f"  ({api['failures']} failed)" if api["failures"] else ""),
        flush=True,
    )
    return row


def measure_sql_only(bench: Bench, args, dsn: str) -> dict:
    sql = run.run_load(
        (run._sql_client, dsn, bench.cases, args.warmup, args.duration, None),
        args,
        args.clients,
        args.seed,
    )
    unprepared = run.run_load(
        (run._sql_client, dsn, bench.cases, args.warmup / 2, args.duration / 2, False),
        args,
        args.clients,
        args.seed,
    )
    row = {
        "name": bench.name,
        "title": bench.title,
        "kind": bench.kind,
        "api": NO_API,
        "sql": sql,
        "sql_unprepared": unprepared,
        "ratio_p95": None,
        "load_average": os.getloadavg()[0],
        "verdict": "no API endpoint yet",
    }
    print(
        f"{bench.title:36} {'—':>7} {'—':>7} {'—':>7} {'—':>7} | {sql['p50_ms']:7.2f} "
        f"{sql['p95_ms']:7.2f} {unprepared['p95_ms']:7.2f} | {row['verdict']}  "
        f"[load {row['load_average']:.1f}]",
        flush=True,
    )
    return row


def measure_booking(args, dealer_id: int, base: str, token: str, dsn: str) -> dict:
    from dealercare.core.models import User

    setup = booking_setup(dealer_id, args)
    cases = booking_cases(setup, 20000, args.seed)
    run.Http(base, token).request("POST", cases[0][0][0][0], cases[0][0][0][1])  # warm
    api = run_booking_load(
        (_booking_client, base, token, cases, args.warmup, args.duration), args.clients, args.seed
    )
    api_check = over_capacity(dealer_id, setup["first"], setup["capacity"])
    booker = User.objects.get(username=f"advisor@{_code(dealer_id)}").pk
    raw = RawBooking(dealer_id, setup["capacity"], booker)
    setup = booking_setup(dealer_id, args)  # empty the days again for the raw SQL
    sql = run_booking_load(
        (_raw_booking_client, dsn, raw, cases, args.warmup, args.duration),
        args.clients,
        args.seed + 100,
    )
    sql_check = over_capacity(dealer_id, setup["first"], setup["capacity"])
    capacity = setup["capacity"]
    over = {k: v for k, v in api_check.items() if k != "bookings held"}
    ok = api["bookings_per_s"] >= BOOKINGS_PER_S and not any(over.values()) and not api["failures"]
    row = {
        "name": "booking",
        "title": "booking a slot (check and write)",
        "kind": "booking",
        "api": api,
        "sql": sql,
        "capacity": {
            "per_day": capacity.places_per_day,
            "per_slot": capacity.places_per_slot,
            "per_advisor_day": capacity.per_advisor_per_day,
            "days": len(setup["days"]),
            "advisors": len(setup["advisors"]),
        },
        "api_check": api_check,
        "sql_check": sql_check,
        "load_average": os.getloadavg()[0],
        "verdict": "ok" if ok else f"MISS <{BOOKINGS_PER_S:g}/s or over capacity",
    }
    print(
        f"{'booking a slot':36} {api['p50_ms']:7.2f} {api['p95_ms']:7.2f} {api['p99_ms']:7.2f} "
        f"{api['rps']:7.0f} | {sql['p50_ms']:7.2f} {sql['p95_ms']:7.2f} | booked "
        f"{api['booked']} ({api['bookings_per_s']}/s), refused {api['refused']}, failed "
        f"{api['failures']}; raw SQL {sql['bookings_per_s']}/s; over capacity: {over}  "
        f"{row['verdict']}  [load {row['load_average']:.1f}]",
        flush=True,
    )
    booking_setup(dealer_id, args)  # leave no bench bookings behind
    return row


def _code(dealer_id: int) -> str:
    from dealercare.core.models import Dealer

    return Dealer.objects.get(pk=dealer_id).code


def markdown(report: dict) -> str:
    lines = [
        f"# DealerCare after-sales benchmark — {report['started']}",
        "",
        f"Dealer `{report['dealer']}` ({report['dealer_orders']:,} repair orders of "
        f"{report['total_orders']:,}; {report['board_orders']} on the workshop board). "
        f"gunicorn {report['server']['workers']} workers, DEBUG off; {report['clients']} "
        f"closed-loop clients, {report['duration_s']:g} s each. Latency in ms.",
        "",
        "| benchmark | API p50 | API p95 | API p99 | req/s | SQL p50 | SQL p95 | SQL p95 "
        "unprepared | target | load |",
        "| --- |" + " ---: |" * 7 + " --- | ---: |",
    ]
    for row in report["results"]:
        api, sql = row["api"], row["sql"]
        if row["kind"] == "booking":
            lines.append(
                f"| {row['title']} | {api['p50_ms']:.2f} | {api['p95_ms']:.2f} | "
                f"{api['p99_ms']:.2f} | {api['bookings_per_s']:.0f} booked/s "
                f"({api['refused']} refused) | {sql['p50_ms']:.2f} | {sql['p95_ms']:.2f} | "
                f"{sql['bookings_per_s']:.0f} booked/s | {row['verdict']} | "
                f"{row['load_average']:.1f} |"
            )
            continue
        if api["p95_ms"] is None:
            lines.append(
                f"| {row['title']} | — | — | — | — | {sql['p50_ms']:.2f} | "
                f"{sql['p95_ms']:.2f} | {row['sql_unprepared']['p95_ms']:.2f} | "
                f"{row['verdict']} | {row['load_average']:.1f} |"
            )
            continue
        lines.append(
            f"| {row['title']} | {api['p50_ms']:.2f} | {api['p95_ms']:.2f} | "
            f"{api['p99_ms']:.2f} | {api['rps']:.0f} | {sql['p50_ms']:.2f} | "
            f"{sql['p95_ms']:.2f} | {row['sql_unprepared']['p95_ms']:.2f} | {row['verdict']} | "
            f"{row['load_average']:.1f} |"
        )
    lines += [
        "",
        "Targets: order search by number, plate or VIN p95 ≤ 10 ms; the workshop board and a "
        "car's service history p95 ≤ 50 ms; booking ≥ 200 bookings/s with 2 clients and no "
        "day, slot or advisor over capacity.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    args = parse_args(argv)
    common.django_setup()
    from django.db import connection, connections

    from dealercare.core.models import Dealer
    from dealercare.service.models import RepairOrder

    dealer_id = largest_dealer()
    if dealer_id is None:
        sys.exit("No service history in the bench database: run make bench-data first.")
    dealer = (
        Dealer.objects.get(code=args.dealer) if args.dealer else Dealer.objects.get(pk=dealer_id)
    )
    rows = sample_orders(dealer.pk, args.samples, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(last) FROM service_repairordersequence")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT sum(last) FROM service_repairordersequence WHERE dealer_id = %s", [dealer.pk]
        )
        dealer_orders = cursor.fetchone()[0]
    report = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "dealer": dealer.code,
        "dealer_orders": dealer_orders,
        "total_orders": total,
        "board_orders": RepairOrder.objects.filter(dealer=dealer, status__in=BOARD_STATES).count(),
        "clients": args.clients,
        "duration_s": args.duration,
        "server": {"workers": args.workers, "worker_class": args.worker_class or "sync"},
        "results": [],
    }
    wanted = set(args.only.split(",")) if args.only else None
    benches = [b for b in build(dealer.pk, rows) if not wanted or b.name in wanted]
    connections.close_all()
    args.port = args.port or run.free_port()
    server = None if args.url else run.start_server(args)
    base = args.url or f"http://127.0.0.1:{args.port}"
    dsn = common.database_url()
    try:
        token = run.login(base, f"advisor@{dealer.code}")
        print(
            f"dealer {dealer.code}: {dealer_orders:,} orders, {report['board_orders']} on the "
            f"board; {len(rows)} sampled orders; {args.clients} clients × {args.duration:g}s",
            flush=True,
        )
        print(
            f"{'benchmark':36} {'p50':>7} {'p95':>7} {'p99':>7} {'req/s':>7} | "
            f"{'SQL p50':>7} {'p95':>7} {'unprep':>7} | target"
        )
        for bench in benches:
            report["results"].append(measure(bench, args, base, token, dsn))
        if not wanted or "booking" in wanted:
            report["results"].append(measure_booking(args, dealer.pk, base, token, dsn))
    finally:
        if server is not None:
            run.stop_server(server)
    path = common.write_result("service", report, markdown(report))
    print(f"results: {path} (and {path.with_suffix('.md').name})")


if __name__ == "__main__":
    main()
