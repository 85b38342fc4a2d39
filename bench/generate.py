#!/usr/bin/env python
"""Fill the bench database: one brand, N dealers, customers and vehicles (see README.md).

    make bench-data                                   # 50 dealers, 1 M customers, 1.2 M cars
    make bench-data BENCH_ARGS="--customers 20000 --vehicles 24000 --dealers 5 --reset"
    make bench-data BENCH_ARGS=--service             # only the service history, on the data there

The rows are made by the product's own code (``dealercare.demo_data``): personal data is
encrypted by ``EncryptedTextField`` and blind-indexed by ``phone_index``. Dealers are
filled by ``--workers`` processes (one per core by default), each dealer in batches of
``--batch`` customers, one transaction per batch, so memory stays flat. Then the service
history grows on them (``service_generate.py``: ~25/6 repair orders a car over three
years; ``--orders`` sets the total, 0 skips it, ``--service`` does only this step).

Restart-safe: without ``--reset`` a rerun keeps the dealers that are complete, wipes and
refills a dealer left half-done, and fills the missing ones. ``--reset`` drops and
recreates the database first.
"""

import argparse
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
import service_generate

ROLES = ["admin", "manager", "sales", "advisor", "technician", "csr"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--vehicles", type=int, default=1_200_000)
    parser.add_argument("--dealers", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--batch", type=int, default=5000, help="customers per transaction")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE")
    parser.add_argument(
        "--service",
        action="store_true",
        help="only grow the service history on the customers and cars already there",
    )
    service_generate.add_arguments(parser)
    return parser.parse_args(argv)


def reset_database() -> None:
    import psycopg

    name = common.database_name()
    with psycopg.connect(common.admin_dsn(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"database {name} recreated", flush=True)


def dealer_sizes(total: int, dealers: int, seed: int) -> list[int]:
    """Uneven but deterministic dealer sizes (0.5x to 1.5x the mean) adding up to total."""
    rng = random.Random(seed)
    weights = [rng.uniform(0.5, 1.5) for _ in range(dealers)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % dealers] += 1
    return sizes


def dealer_plan(args) -> list[dict]:
    from dealercare.demo_data import PROVINCE_OF_CITY

    cities = list(PROVINCE_OF_CITY)
    customers = dealer_sizes(args.customers, args.dealers, args.seed)
    plan = []
    for index, people in enumerate(customers, start=1):
        city = cities[(index - 1) % len(cities)]
        cars = round(people * args.vehicles / max(args.customers, 1))
        plan.append(
            {
                "code": f"d{index:03d}",
                "name": f"{city}星途{index:03d}号4S店",
                "city": city,
                "customers": people,
                "vehicles": cars,
                "seed": args.seed * 1000 + index,
            }
        )
    return plan


def prepare(plan: list[dict]) -> list[dict]:
    """Create brand, dealers and staff accounts; return the dealers that need filling."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from dealercare.core.models import Brand, Dealer, User
    from dealercare.customers.models import Customer
    from dealercare.demo_data import catalogue_load

    password = make_password(common.PASSWORD)
    with transaction.atomic():
        brand, _ = Brand.objects.get_or_create(
            code=common.BRAND_CODE, defaults={"name": "星途汽车"}
        )
        catalogue_load(brand)  # here, so that the workers do not race to create it
        if not User.objects.filter(username=f"oem@{brand.code}").exists():
            User.objects.create(
                username=f"oem@{brand.code}", role="oem", brand=brand, password=password
            )
    todo = []
    for item in plan:
        with transaction.atomic():
            dealer, _ = Dealer.objects.get_or_create(
                code=item["code"],
                defaults={"brand": brand, "name": item["name"], "city": item["city"]},
            )
            existing = set(User.objects.filter(dealer=dealer).values_list("username", flat=True))
            User.objects.bulk_create(
                User(
                    username=f"{role}@{dealer.code}",
                    role=role,
                    dealer=dealer,
                    first_name=role,
                    password=password,
                )
                for role in ROLES
                if f"{role}@{dealer.code}" not in existing
            )
        have = Customer.objects.filter(dealer=dealer).count()
        if have == item["customers"]:
            continue
        if have:
            print(f"{dealer.code}: {have} of {item['customers']} customers, refilling", flush=True)
            common.wipe_dealer(dealer.pk)
        todo.append({**item, "dealer_id": dealer.pk})
    return todo


# --- Worker processes --------------------------------------------------------------------

_START = 0.0


def worker_init(start: float) -> None:
    global _START
    _START = start
    common.django_setup()
    from django.db.backends.signals import connection_created

    def loading_session(sender, connection, **kwargs):
        # Bench data can be regenerated: do not wait for the WAL flush at every commit.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")

    connection_created.connect(loading_session, weak=False)


def fill(item: dict) -> dict:
    from dealercare.core.models import Dealer
    from dealercare.demo_data import dealer_fill

    dealer = Dealer.objects.get(pk=item["dealer_id"])
    began = time.perf_counter()
    dealer_fill(
        dealer,
        customers=item["customers"],
        vehicles=item["vehicles"],
        seed=item["seed"],
        batch=item["batch"],
    )
    return {**item, "seconds": time.perf_counter() - began, "pid": os.getpid()}


# --- Main --------------------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    from django.db import connection

    from dealercare.core.models import AuditEntry
    from dealercare.customers.models import ConsentRecord, Customer
    from dealercare.vehicles.models import MileageReading, Ownership, Vehicle

    models = [Customer, Vehicle, Ownership, MileageReading, ConsentRecord, AuditEntry]
    tables = [m._meta.db_table for m in models] + [Customer.tags.through._meta.db_table]
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def main(argv=None) -> None:
    args = parse_args(argv)
    if not common.database_url().startswith("postgres"):
        sys.exit("bench/generate.py needs PostgreSQL: set DATABASE_URL")
    start = time.perf_counter()
    if args.reset:
        reset_database()
    common.django_setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    if args.service:
        result = service_generate.grow(args, start)
        print(f"done in {time.perf_counter() - start:.0f}s", flush=True)
        common.write_result("service-generate", {"args": vars(args), **result})
        return
    plan = dealer_plan(args)
    todo = prepare(plan)
    todo.sort(key=lambda item: -item["customers"])  # biggest first: the workers end together
    total = sum(item["customers"] for item in todo)
    print(
        f"{len(plan)} dealers planned, {len(todo)} to fill: {total:,} customers, "
        f"~{sum(i['vehicles'] for i in todo):,} vehicles, {args.workers} workers, "
        f"batches of {args.batch}",
        flush=True,
    )
    connections.close_all()
    done = 0
    fill_started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.workers, initializer=worker_init, initargs=(start,)) as pool:
        for finished in pool.imap_unordered(fill, [{**i, "batch": args.batch} for i in todo]):
            done += finished["customers"]
            elapsed = time.perf_counter() - fill_started
            rate = done / elapsed
            eta = (total - done) / rate if rate else 0
            print(
                f"[{time.perf_counter() - start:7.1f}s] {finished['code']}: "
                f"{finished['customers']:,} customers, {finished['vehicles']:,} vehicles in "
                f"{finished['seconds']:.1f}s — {done:,}/{total:,} ({rate:,.0f}/s, "
                f"ETA {eta:.0f}s)",
                flush=True,
            )
    fill_seconds = time.perf_counter() - fill_started
    service = {}
    if args.orders != 0:
        service = service_generate.grow(argparse.Namespace(**{**vars(args), "no_vacuum": True}))
    vacuum_seconds = 0.0
    if not args.no_vacuum:
        from django.db import connection

        began = time.perf_counter()
        print("VACUUM ANALYZE …", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        vacuum_seconds = time.perf_counter() - began
    counts = table_counts()
    elapsed = time.perf_counter() - start
    for table, count in counts.items():
        print(f"  {table:32} {count:>12,}")
    size = database_size()
    print(
        f"done in {elapsed:.0f}s (fill {fill_seconds:.0f}s, vacuum/analyze "
        f"{vacuum_seconds:.0f}s); database size {size}",
        flush=True,
    )
    common.write_result(
        "generate",
        {
            "args": vars(args),
            "seconds": round(elapsed, 1),
            "fill_seconds": round(fill_seconds, 1),
            "vacuum_seconds": round(vacuum_seconds, 1),
            "rows": counts,
            "database_size": size,
            **service,
        },
    )


if __name__ == "__main__":
    main()
