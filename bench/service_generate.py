#!/usr/bin/env python
"""Grow a service history on the bench data: repair orders with their lines and approvals
over the last ``--years`` years for the vehicles ``generate.py`` made (see README.md).

    make bench-service-data                       # ~5,000,000 orders for 1,200,000 cars
    make bench-service-data BENCH_ARGS="--orders 100000"

Per dealer: its service catalogue, suppliers and parts (``dealercare.service_demo``), a
workshop team (advisors, technicians, an inspector, a parts clerk) sized to its traffic,
and its orders, written day by day with COPY by ``--workers`` processes (whole dealers,
biggest first), one transaction per ``--batch`` orders, so memory stays flat.

- Orders per car are skewed: each car draws its own visit rate (a gamma distribution: most
  cars come once or twice a year, a few — taxis, fleet cars — far more often), and a car
  comes only after its purchase. A share of repairs come back within 30 days (comebacks,
  linked to the first order).
- Numbers are the dealer's ``CODE-YYYY-NNNNNN``, given in the order of reception within
  each year; the ``RepairOrderSequence`` rows end at the last number given.
- Past orders are closed (a few cancelled, the last days' ones delivered and waiting to be
  closed); today's are spread over the live states for the workshop board, and long body
  repairs from the last days are still in the workshop.
- Totals are the sums of the lines (labour hours × rate, parts quantity × price), VAT 13 %
  on top; the customer pays for the lines of pay type "customer".

Restart-safe: a dealer whose ``RepairOrderSequence`` rows exist is complete (they are
written last); a dealer with orders but no sequence rows is wiped and filled again.
``--reset-service`` empties the service tables first.
"""

import argparse
import itertools
import math
import multiprocessing
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

ORDERS_PER_VEHICLE = 25 / 6  # ~5,000,000 orders for 1,200,000 vehicles over three years
TEAM_NAMES = [
    "张伟", "王芳", "李强", "刘洋", "陈杰", "杨帆", "赵磊", "黄勇", "周涛", "吴斌",
    "徐明", "孙浩", "胡军", "朱峰", "高翔", "林晨", "何平", "郭亮", "马超", "罗刚",
    "梁宇", "宋健", "郑凯", "谢鹏", "韩冰", "唐毅", "冯俊", "于波", "董辉", "萧然",
]  # fmt: skip
# Today's orders over the live states (and the few cancelled): the workshop board's day.
TODAY_STATES = [
    ("open", 12),
    ("approved", 13),
    ("in_progress", 35),
    ("quality_check", 10),
    ("ready", 15),
    ("delivered", 10),
    ("cancelled", 5),
]
LIVE_ORDER = ["open", "approved", "in_progress", "quality_check", "ready", "delivered", "closed"]
APPROVAL_METHODS = [("signature", 60), ("in_person", 20), ("phone", 15), ("online", 5)]
ADDED_WORK = ("检查发现需追加项目", "客户电话同意追加", "技师建议更换，客户同意")
CANCEL_SHARE = 0.03
COMEBACK_SHARE = 0.04  # of comeback-prone repairs
REWORK_SHARE = 0.03
ADDED_WORK_SHARE = 0.08
VAT_PERCENT = 13
# A signature drawn on the tablet (a small one: a real drawing takes a few kB).
SIGNATURE = (
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjxwYXRo"
    "IGQ9Ik0xMCA0MGMyMC0zMCA0MCAzMCA2MCAwczQwIDMwIDYwIDAiIHN0cm9rZT0iIzAwMCIgZmlsbD0ibm9uZSIvPjwvc3ZnPg=="
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--orders",
        type=int,
        default=None,
        help="repair orders in all (default: 25/6 per vehicle, ~5 M for 1.2 M cars)",
    )
    parser.add_argument("--years", type=int, default=3, help="years of history")
    parser.add_argument(
        "--order-batch", type=int, default=5000, help="repair orders per transaction"
    )
    parser.add_argument(
        "--reset-service", action="store_true", help="empty the service tables first"
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(parser)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE")
    return parser.parse_args(argv)


# --- Preparing (main process) ------------------------------------------------------------


def service_tables() -> list[str]:
    from dealercare.service.models import (
        RepairOrder,
        RepairOrderApproval,
        RepairOrderLine,
        RepairOrderSequence,
    )

    return [
        m._meta.db_table
        for m in (RepairOrderLine, RepairOrderApproval, RepairOrder, RepairOrderSequence)
    ]


def reset_service() -> None:
    """Empty the repair-order tables (and, by CASCADE, whatever points at them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(service_tables())} CASCADE")
    print("service tables emptied", flush=True)


def wipe_dealer_service(dealer_id: int) -> None:
    """Delete one dealer's repair orders (an interrupted fill), bench data only: the
    session runs as a replica so rows pointing at them do not hold the delete up."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in service_tables():
            cursor.execute(f"DELETE FROM {table} WHERE dealer_id = %s", [dealer_id])


def team_sizes(orders_per_day: float) -> dict[str, int]:
    """A workshop's team for its traffic: an advisor receives ~25 cars a day, a
    technician finishes ~7 jobs."""
    return {
        "advisor": max(2, math.ceil(orders_per_day / 25)),
        "technician": max(3, math.ceil(orders_per_day / 7)),
        "inspector": max(1, math.ceil(orders_per_day / 60)),
        "parts": max(1, math.ceil(orders_per_day / 80)),
    }


def team_make(dealer, sizes: dict[str, int], password: str) -> None:
    """Staff accounts ``technician@d001``, ``technician2@d001`` … with Chinese names."""
    from dealercare.core.models import User

    existing = set(User.objects.filter(dealer=dealer).values_list("username", flat=True))
    rng = random.Random(dealer.pk)
    names = rng.sample(TEAM_NAMES, len(TEAM_NAMES))
    users = []
    for role, count in sizes.items():
        for n in range(1, count + 1):
            username = f"{role}{n if n > 1 else ''}@{dealer.code}"
            if username not in existing:
                name = names[(len(users) + n) % len(names)]
                users.append(
                    User(
                        username=username,
                        role=role,
                        dealer=dealer,
                        first_name=name,
                        password=password,
                    )
                )
    User.objects.bulk_create(users)


def service_plan(args) -> list[dict]:
    """The dealers to fill, with their share of the orders; catalogue and team made."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from dealercare.core.models import Dealer
    from dealercare.service.models import RepairOrder, RepairOrderSequence
    from dealercare.service_demo import service_catalogue_load

    with connection.cursor() as cursor:
        cursor.execute("SELECT dealer_id, count(*) FROM vehicles_vehicle GROUP BY dealer_id")
        cars = dict(cursor.fetchall())
    total_cars = sum(cars.values())
    if not total_cars:
        sys.exit("No vehicles in the bench database: run make bench-data first.")
    total_orders = (
        args.orders if args.orders is not None else round(total_cars * ORDERS_PER_VEHICLE)
    )
    password = make_password(common.PASSWORD)
    complete = set(RepairOrderSequence.objects.values_list("dealer_id", flat=True))
    started = set(RepairOrder.objects.values_list("dealer_id", flat=True).distinct())
    plan = []
    for dealer in Dealer.objects.filter(pk__in=cars).order_by("code"):
        orders = round(total_orders * cars[dealer.pk] / total_cars)
        service_catalogue_load(dealer)
        team_make(dealer, team_sizes(orders / (365 * args.years)), password)
        if dealer.pk in complete:
            continue
        if dealer.pk in started:
            print(f"{dealer.code}: orders without their sequence, refilling", flush=True)
            wipe_dealer_service(dealer.pk)
        plan.append(
            {
                "dealer_id": dealer.pk,
                "code": dealer.code,
                "vehicles": cars[dealer.pk],
                "orders": orders,
                "years": args.years,
                "batch": args.order_batch,
                "seed": args.seed * 7919 + dealer.pk,
            }
        )
    return plan


# --- Writing one dealer (worker process) -------------------------------------------------


class CopyTable:
    """COPY rows of a model given as tuples of ``attnames``; the model's other columns get
    their defaults (so a field another part of the product adds later does not break the
    generator), ``created_at``/``updated_at`` come with the rows."""

    def __init__(self, model, attnames: list[str]):
        from django.db import connection

        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [name for name in attnames if name not in fields]
        if missing:
            raise SystemExit(f"{model.__name__} has no field {missing}")
        self.columns = [fields[name].column for name in attnames]
        self.extra = ()
        for name, model_field in fields.items():
            if name in attnames or model_field.primary_key:
                continue
            if not model_field.has_default() and not model_field.null:
                raise SystemExit(
                    f"{model.__name__}.{name} is required and has no default: "
                    "bench/service_generate.py must fill it"
                )
            value = model_field.get_default() if model_field.has_default() else None
            self.columns.append(model_field.column)
            self.extra += (model_field.get_db_prep_save(value, connection),)

    def write(self, rows: list[tuple]) -> None:
        from django.db import connection

        if not rows:
            return
        quote = connection.ops.quote_name
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(self.model._meta.db_table), ", ".join(quote(c) for c in self.columns)
        )
        extra = "".join("\t" + _text(value) for value in self.extra) + "\n"
        # COPY's text format, written by hand: faster than psycopg's write_row. PostgreSQL
        # reads Python's True/False as booleans.
        body = "".join(
            "\t".join(["\\N" if value is None else str(value) for value in row]) + extra
            for row in rows
        )
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(body.encode())


def _text(value) -> str:
    """A value in COPY's text format (the generator's strings hold no tab, newline or
    backslash)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def reserve_ids(model, count: int) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def cents(value) -> int:
    return round(value * 100)


def money(value: int) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


class DealerHistory:
    """One dealer's service history, generated day by day."""

    ORDER_FIELDS = [
        "id", "dealer_id", "created_at", "updated_at", "number", "status", "customer_id",
        "vehicle_id", "advisor_id", "technician_id", "km_in", "fault_description",
        "promised_at", "labour_total", "parts_total", "tax_total", "grand_total",
        "customer_total", "rework_count", "comeback_of_id", "delivered_at", "closed_at",
        "invoice_number", "version",
    ]  # fmt: skip
    APPROVAL_FIELDS = [
        "id", "dealer_id", "created_at", "updated_at", "order_id", "method", "approved_by",
        "approved_at", "amount", "signature", "note", "recorded_by_id",
    ]  # fmt: skip
    LINE_FIELDS = [
        "dealer_id", "created_at", "updated_at", "order_id", "kind", "operation_id", "part_id",
        "description", "quantity", "unit_price", "amount", "pay_type", "added_after_approval",
        "approval_id", "technician_id", "done", "issued_quantity", "warranty_until",
        "warranty_until_km", "warranty_claim_of_id",
    ]  # fmt: skip

    def __init__(self, item: dict):
        from django.conf import settings

        from dealercare.core.models import Dealer, User
        from dealercare.service.models import RepairOrder, RepairOrderApproval, RepairOrderLine
        from dealercare.service_demo import EXTRAS, JOBS, service_catalogue_load
        from dealercare.vehicles.maintenance import add_months

        self.item = item
        self.rng = random.Random(item["seed"])
        self.dealer = Dealer.objects.get(pk=item["dealer_id"])
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.now = datetime.now(self.tz)
        self.today = self.now.date()
        self.first_day = self.today.replace(year=self.today.year - item["years"])
        operations, parts = service_catalogue_load(self.dealer)
        self.operations = {
            code: (op.pk, op.name, cents(op.standard_hours), cents(op.labour_rate))
            for code, op in operations.items()
        }
        self.parts = {
            number: (p.pk, p.name, cents(p.unit_price), p.warranty_months, p.warranty_km)
            for number, p in parts.items()
        }
        self.jobs = JOBS
        self.add_months = add_months
        self.extras = EXTRAS
        staff = {}
        for pk, role in User.objects.filter(dealer=self.dealer).values_list("pk", "role"):
            staff.setdefault(role, []).append(pk)
        self.advisors, self.technicians = staff["advisor"], staff["technician"]
        self.orders_table = CopyTable(RepairOrder, self.ORDER_FIELDS)
        self.approvals_table = CopyTable(RepairOrderApproval, self.APPROVAL_FIELDS)
        self.lines_table = CopyTable(RepairOrderLine, self.LINE_FIELDS)
        self.models = (RepairOrder, RepairOrderApproval)
        self._job_weights = list(itertools.accumulate(j.weight for j in self.jobs))
        self._today_states = _choices(TODAY_STATES)
        self._methods = _choices(APPROVAL_METHODS)
        self._approval_pool: list[int] = []
        self.counters: dict[int, int] = {}
        self.invoices = 0
        self.written = {"orders": 0, "lines": 0, "approvals": 0}

    # The cars and the days they come ------------------------------------------------------

    def cars(self) -> list[tuple]:
        from django.db import connection

        from dealercare.demo_data import NEW_ENERGY_MODELS

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT v.id, v.owner_id, v.purchase_date, v.current_km, v.model_name, "
                "v.warranty_end, c.name FROM vehicles_vehicle v "
                "JOIN customers_customer c ON c.id = v.owner_id "
                "WHERE v.dealer_id = %s ORDER BY v.id",
                [self.dealer.pk],
            )
            return [
                (pk, owner, bought, km, model in NEW_ENERGY_MODELS, warranty, name)
                for pk, owner, bought, km, model, warranty, name in cursor.fetchall()
            ]

    def visit_days(self, cars: list[tuple]) -> list[list]:
        """For each day of the window, the cars (their index) that come in."""
        rng, first, today = self.rng, self.first_day, self.today
        days = (today - first).days + 1
        exposure = []
        for car in cars:
            start = max(first, car[2] + timedelta(days=7))
            exposure.append(max(0, (today - start).days + 1))
        # Each car's own visit rate: gamma with shape 1.2 (mean 1), so most cars come once
        # or twice a year and a few (taxis, fleets, the worried) far more often.
        rates = [rng.gammavariate(1.2, 1 / 1.2) for _ in cars]
        weight = sum(e * r for e, r in zip(exposure, rates, strict=True))
        per_day = self.item["orders"] / weight if weight else 0
        buckets: list[list] = [[] for _ in range(days)]
        for index, (length, rate) in enumerate(zip(exposure, rates, strict=True)):
            if not length:
                continue
            for _ in range(poisson(rng, per_day * length * rate)):
                buckets[days - 1 - rng.randrange(length)].append(index)
        return buckets

    # One order ----------------------------------------------------------------------------

    def number(self, day: date) -> str:
        last = self.counters.get(day.year, 0) + 1
        self.counters[day.year] = last
        return f"{self.dealer.code.upper()}-{day.year}-{last:06d}"

    def job_for(self, electric: bool):
        rng = self.rng
        while True:
            job = rng.choices(self.jobs, cum_weights=self._job_weights)[0]
            if not job.cars or job.cars == ("ev" if electric else "ice"):
                return job

    def status_for(self, day: date, job) -> str:
        rng, age = self.rng, (self.today - day).days
        if age == 0:
            return rng.choices(self._today_states[0], cum_weights=self._today_states[1])[0]
        if rng.random() < CANCEL_SHARE:
            return "cancelled"
        if job.hours_on_site >= 24 and age <= 2:
            return rng.choice(["in_progress", "in_progress", "quality_check", "ready"])
        return "closed"

    def arrival(self, day: date) -> float:
        """The hour a car comes in: 08:00 to 17:00, busiest in the morning; today's cars
        came before now."""
        hour = 8 + min(9.0, self.rng.expovariate(1 / 2.5))
        if day == self.today:
            now = self.now.hour + self.now.minute / 60 - 0.1
            hour = 8 + (hour - 8) * min(1.0, max(0.05, (now - 8) / 9))
        return hour

    def at(self, day: date, hour: float) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(hours=hour)

    def order(self, day: date, hour: float, car: tuple, order_id: int, comeback: tuple | None):
        """The order's row, its approvals' rows and its lines' rows."""
        rng = self.rng
        car_id, owner_id, bought, current_km, electric, warranty_end, owner_name = car
        job = comeback[1] if comeback else self.job_for(electric)
        status = self.status_for(day, job)
        stage = LIVE_ORDER.index(status) if status != "cancelled" else -1
        received = self.at(day, hour)
        advisor = rng.choice(self.advisors)
        technician = rng.choice(self.technicians) if stage >= 1 else None
        age_days = max(1, (self.today - bought).days)
        km_in = int(current_km * max(0, (day - bought).days) / age_days)
        promised = received + timedelta(hours=job.hours_on_site + rng.choice([0, 0.5, 1]))
        warranty = day <= warranty_end
        says = rng.choice(job.says)
        if comeback:
            says = "上次维修后问题又出现了：" + says

        lines = [("labour", code, "", 1) for code in job.operations]
        lines += [("part", "", number, qty) for number, qty in job.parts]
        if job.extras and rng.random() < 0.25:
            code, number, qty = rng.choice(self.extras)
            lines.append(("labour", code, "", 1))
            if number:
                lines.append(("part", "", number, qty))
        added_from = len(lines)
        if stage >= 2 and rng.random() < ADDED_WORK_SHARE:
            code, number, qty = rng.choice(self.extras)
            lines.append(("labour", code, "", 1))
            if number:
                lines.append(("part", "", number, qty))

        pay = job.pay
        if pay == "warranty" and not warranty:
            pay = "customer"
        if comeback:
            pay = "internal"  # the dealer's own cost: it was not fixed the first time
        work_done = stage >= 3
        parts_issued = stage >= 2
        line_rows, labour, parts, paid = [], 0, 0, 0
        approval_ids = self._approval_ids(stage, added_from < len(lines))
        for position, (kind, code, number, qty) in enumerate(lines):
            added = position >= added_from
            approval_id = approval_ids[1 if added else 0] if approval_ids else None
            line_pay = pay if not added else "customer"
            if kind == "labour":
                op_id, name, hours, rate = self.operations[code]
                amount = (hours * rate + 50) // 100
                labour += amount
                row = (
                    op_id, None, name, money(hours), money(rate), money(amount), line_pay, added,
                    approval_id, technician, work_done, 0, None, None, None,
                )  # fmt: skip
            else:
                part_id, name, price, months, km = self.parts[number]
                amount = qty * price
                parts += amount
                until = until_km = None
                if parts_issued and months:
                    until = self.add_months(day, months)
                    until_km = km_in + km if km else None
                row = (
                    None, part_id, name, f"{qty}.00", money(price), money(amount), line_pay,
                    added, approval_id, None, work_done, qty if parts_issued else 0, until,
                    until_km, None,
                )  # fmt: skip
            if line_pay == "customer":
                paid += amount
            line_rows.append(row)
        net = labour + parts
        tax = (net * VAT_PERCENT + 50) // 100
        customer_total = (paid * (100 + VAT_PERCENT) + 50) // 100

        approvals = []
        if approval_ids:
            first_amount = _customer_share(line_rows[:added_from])
            approved_at = received + timedelta(minutes=rng.randint(10, 40))
            method = rng.choices(self._methods[0], cum_weights=self._methods[1])[0]
            approvals.append(
                (approval_ids[0], order_id, method, owner_name, approved_at, money(first_amount),
                 SIGNATURE if method == "signature" else "", "", advisor)
            )  # fmt: skip
            if len(approval_ids) > 1:
                added_amount = _customer_share(line_rows[added_from:])
                approvals.append(
                    (approval_ids[1], order_id, "phone", owner_name,
                     approved_at + timedelta(hours=rng.uniform(1, 3)), money(added_amount), "",
                     rng.choice(ADDED_WORK), advisor)
                )  # fmt: skip

        delivered = closed = None
        invoice = ""
        if stage >= 5:
            delivered = max(promised, received + timedelta(hours=1)) + timedelta(
                minutes=rng.randint(-30, 120)
            )
            if day == self.today:
                delivered = min(delivered, self.now)
            closed = delivered + timedelta(hours=rng.uniform(2, 72))
            if status == "closed" and closed > self.now:
                status, closed = "delivered", None  # the follow-up call is still to come
            elif status != "closed":
                closed = None
            self.invoices += 1
            invoice = f"{day.year % 100:02d}31{self.dealer.pk:06d}{self.invoices:010d}"
        updated = closed or delivered or (approvals[-1][4] if approvals else received)
        rework = 1 if stage >= 4 and rng.random() < REWORK_SHARE else 0
        row = (
            order_id, self.dealer.pk, received, updated, self.number(day), status, owner_id,
            car_id, advisor, technician, km_in, says, promised, money(labour), money(parts),
            money(tax), money(net + tax), money(customer_total), rework,
            comeback[0] if comeback else None, delivered, closed, invoice, 1,
        )  # fmt: skip
        return row, approvals, line_rows, (received, updated), job

    def comes_back(self, job, status: str, comeback: tuple | None) -> bool:
        """A repair that was not fixed: the car returns within the comeback window."""
        if not job.comeback_prone or status != "closed" or comeback is not None:
            return False
        return self.rng.random() < COMEBACK_SHARE

    def _approval_ids(self, stage: int, added: bool) -> list[int]:
        if stage < 1:
            return []
        ids = [self._next_approval()]
        if added:
            ids.append(self._next_approval())
        return ids

    def _next_approval(self) -> int:
        if not self._approval_pool:
            self._approval_pool = reserve_ids(self.models[1], 2 * self.item["batch"])[::-1]
        return self._approval_pool.pop()

    # The whole dealer ---------------------------------------------------------------------

    def fill(self) -> None:
        from django.db import transaction

        from dealercare.service.models import RepairOrderSequence

        rng = self.rng
        cars = self.cars()
        buckets = self.visit_days(cars)
        orders, approvals, lines = [], [], []
        order_ids: list[int] = []

        def flush():
            with transaction.atomic():
                self.orders_table.write(orders)
                self.approvals_table.write(approvals)
                self.lines_table.write(lines)
            self.written["orders"] += len(orders)
            self.written["approvals"] += len(approvals)
            self.written["lines"] += len(lines)
            orders.clear()
            approvals.clear()
            lines.clear()

        for offset, bucket in enumerate(buckets):
            day = self.first_day + timedelta(days=offset)
            # Reception between 08:00 and 17:00, busiest in the morning; numbers in the order
            # the cars came in.
            arrivals = sorted(((self.arrival(day), e) for e in bucket), key=_first)
            for hour, entry in arrivals:
                index, comeback = entry if isinstance(entry, tuple) else (entry, None)
                if not order_ids:
                    order_ids = reserve_ids(self.models[0], self.item["batch"])[::-1]
                order_id = order_ids.pop()
                row, order_approvals, order_lines, stamps, job = self.order(
                    day, hour, cars[index], order_id, comeback
                )
                orders.append(row)
                dealer_id = self.dealer.pk
                approvals.extend((a[0], dealer_id, a[4], a[4], *a[1:]) for a in order_approvals)
                lines.extend(
                    (dealer_id, stamps[0], stamps[1], order_id, "labour" if r[0] else "part", *r)
                    for r in order_lines
                )
                if self.comes_back(job, row[5], comeback):
                    later = offset + rng.randint(3, 25)
                    if later < len(buckets):
                        buckets[later].append((index, (order_id, job)))
                if len(orders) >= self.item["batch"]:
                    flush()
            bucket.clear()
        with transaction.atomic():
            flush()
            RepairOrderSequence.objects.bulk_create(
                RepairOrderSequence(dealer=self.dealer, year=year, last=last)
                for year, last in sorted(self.counters.items())
            )


def _customer_share(rows: list[tuple]) -> int:
    """What the customer approves: the customer-pay lines with VAT, in fen."""
    net = 0
    for row in rows:
        if row[6] == "customer":
            whole, _, frac = row[5].partition(".")
            net += int(whole) * 100 + int(frac)
    return net + (net * VAT_PERCENT + 50) // 100


def _first(pair: tuple):
    return pair[0]


def _choices(weighted: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """Values and cumulative weights for ``random.choices``."""
    return [v for v, _ in weighted], list(itertools.accumulate(w for _, w in weighted))


def worker_init() -> None:
    common.django_setup()
    from django.db.backends.signals import connection_created

    def loading_session(sender, connection, **kwargs):
        # Bench data can be regenerated: do not wait for the WAL flush at every commit, and
        # do not check each row's foreign keys (the generator takes every id from the rows
        # it read or wrote; ``check_references`` verifies them at the end).
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
            cursor.execute("SET session_replication_role = replica")

    connection_created.connect(loading_session, weak=False)


def fill(item: dict) -> dict:
    began = time.perf_counter()
    history = DealerHistory(item)
    history.fill()
    return {**item, **history.written, "seconds": time.perf_counter() - began}


# --- Main --------------------------------------------------------------------------------


def service_counts() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in reversed(service_tables()):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def check_history() -> dict[str, int]:
    """What the loading sessions did not check row by row: every reference points at a
    row, totals are the sums of the lines, numbers stay within their sequence."""
    from django.db import connection

    checks = {
        "lines without their order": (
            "SELECT count(*) FROM service_repairorderline l "
            "WHERE NOT EXISTS (SELECT 1 FROM service_repairorder o WHERE o.id = l.order_id)"
        ),
        "lines without their approval": (
            "SELECT count(*) FROM service_repairorderline l WHERE l.approval_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM service_repairorderapproval a "
            "WHERE a.id = l.approval_id AND a.order_id = l.order_id)"
        ),
        "approvals without their order": (
            "SELECT count(*) FROM service_repairorderapproval a "
            "WHERE NOT EXISTS (SELECT 1 FROM service_repairorder o WHERE o.id = a.order_id)"
        ),
        "orders whose car or owner is missing": (
            "SELECT count(*) FROM service_repairorder o WHERE NOT EXISTS (SELECT 1 FROM "
            "vehicles_vehicle v WHERE v.id = o.vehicle_id AND v.owner_id = o.customer_id "
            "AND v.dealer_id = o.dealer_id)"
        ),
        "comebacks of a missing order": (
            "SELECT count(*) FROM service_repairorder o WHERE o.comeback_of_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM service_repairorder f WHERE f.id = o.comeback_of_id "
            "AND f.vehicle_id = o.vehicle_id)"
        ),
        "numbers above their sequence": (
            "SELECT count(*) FROM service_repairorder o JOIN service_repairordersequence s "
            "ON s.dealer_id = o.dealer_id AND s.year = split_part(o.number, '-', 2)::int "
            "WHERE split_part(o.number, '-', 3)::int > s.last"
        ),
        "totals unlike their lines (a sample of 10,000)": (
            "SELECT count(*) FROM (SELECT o.* FROM service_repairorder o "
            "TABLESAMPLE SYSTEM (1) LIMIT 10000) o CROSS JOIN LATERAL (SELECT "
            "coalesce(sum(l.amount) FILTER (WHERE l.kind = 'labour'), 0) AS labour, "
            "coalesce(sum(l.amount) FILTER (WHERE l.kind = 'part'), 0) AS parts "
            "FROM service_repairorderline l WHERE l.order_id = o.id) s "
            "WHERE o.labour_total <> s.labour OR o.parts_total <> s.parts "
            "OR o.grand_total <> o.labour_total + o.parts_total + o.tax_total"
        ),
    }
    found = {}
    with connection.cursor() as cursor:
        for name, sql in checks.items():
            cursor.execute(sql)
            found[name] = cursor.fetchone()[0]
    return found


def grow(args, start: float | None = None) -> dict:
    """Fill the service history (Django set up, the database migrated)."""
    from django.db import connection, connections

    start = start or time.perf_counter()
    if args.reset_service:
        reset_service()
    plan = service_plan(args)
    plan.sort(key=lambda item: -item["orders"])
    total = sum(item["orders"] for item in plan)
    print(
        f"service history: {len(plan)} dealers to fill, ~{total:,} repair orders over "
        f"{args.years} years, {args.workers} workers, batches of {args.order_batch}",
        flush=True,
    )
    connections.close_all()
    began, done = time.perf_counter(), 0
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.workers, initializer=worker_init) as pool:
        for finished in pool.imap_unordered(fill, plan):
            done += finished["orders"]
            elapsed = time.perf_counter() - began
            rate = done / elapsed
            print(
                f"[{time.perf_counter() - start:7.1f}s] {finished['code']}: "
                f"{finished['orders']:,} orders, {finished['lines']:,} lines in "
                f"{finished['seconds']:.1f}s — {done:,}/{total:,} ({rate:,.0f}/s, "
                f"ETA {(total - done) / rate if rate else 0:.0f}s)",
                flush=True,
            )
    fill_seconds = time.perf_counter() - began
    vacuum_seconds = 0.0
    if not args.no_vacuum and plan:
        began = time.perf_counter()
        print("VACUUM ANALYZE (service tables) …", flush=True)
        with connection.cursor() as cursor:
            for table in service_tables():
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        vacuum_seconds = time.perf_counter() - began
    counts = service_counts()
    for table, count in counts.items():
        print(f"  {table:32} {count:>12,}")
    began = time.perf_counter()
    problems = check_history()
    for name, count in problems.items():
        print(f"  check: {name:48} {count:>8,}{'' if not count else '  <-- WRONG'}")
    print(f"  (checked in {time.perf_counter() - began:.0f}s)", flush=True)
    if any(problems.values()):
        sys.exit("the service history is inconsistent")
    return {
        "service_fill_seconds": round(fill_seconds, 1),
        "service_vacuum_seconds": round(vacuum_seconds, 1),
        "service_rows": counts,
        "service_checks": problems,
    }


def main(argv=None) -> None:
    args = parse_args(argv)
    if not common.database_url().startswith("postgres"):
        sys.exit("bench/service_generate.py needs PostgreSQL: set DATABASE_URL")
    start = time.perf_counter()
    common.django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    result = grow(args, start)
    elapsed = time.perf_counter() - start
    print(f"done in {elapsed:.0f}s", flush=True)
    common.write_result(
        "service-generate", {"args": vars(args), "seconds": round(elapsed, 1), **result}
    )


if __name__ == "__main__":
    main()
