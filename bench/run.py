#!/usr/bin/env python
"""Search, list and customer-page benchmarks over HTTP, each beside the same lookup in raw
SQL on the same database in the same run (see README.md).

    make bench                                   # after make bench-data
    make bench BENCH_ARGS="--duration 5 --only search_phone,list_page1"

The app is served the way production would serve it: DEBUG off, gunicorn with
``--workers`` (2) processes. ``--clients`` (2) load processes, each one closed loop, call
the API with a real bearer token (POST /api/v1/auth/token as ``advisor@<dealer>``), then
the same lookups run as raw SQL with psycopg from the same number of processes. Results
go to bench/results/run-*.json and run-*.md.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

SEARCH_P95_MS = 10.0
SEARCH_RATIO = 10.0
PAGE_P95_MS = 50.0
SEARCH_RPS = 500.0

PAGE_SIZE = 20  # the API's default page
# A customer as the API answers it: the row and its tag names.
CUSTOMER_COLUMNS = (
    "c.*, array(SELECT (SELECT t.name FROM customers_tag t WHERE t.id = ct.tag_id) "
    "FROM customers_customer_tags ct WHERE ct.customer_id = c.id) AS tag_names"
)
NEWEST = "ORDER BY c.created_at DESC, c.id DESC"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dealer", default="", help="dealer code (default: the largest)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per benchmark")
    parser.add_argument("--warmup", type=float, default=1.5, help="seconds, not measured")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-class", default="", help="gunicorn worker class (default: gunicorn.conf.py's)"
    )
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--samples", type=int, default=1000, help="distinct lookups each")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--url", default="", help="use an already running server instead")
    parser.add_argument(
        "--max-foreign-cpu",
        type=float,
        default=25.0,
        help="measure a benchmark again when other processes used more CPU (%% of a core)",
    )
    parser.add_argument("--retries", type=int, default=2)
    return parser.parse_args(argv)


# --- The server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(args) -> subprocess.Popen:
    try:
        with socket.create_connection(("127.0.0.1", args.port), timeout=0.5):
            sys.exit(f"port {args.port} is already in use")
    except OSError:
        pass
    env = os.environ | {
        "DATABASE_URL": common.database_url(),
        "DJANGO_SETTINGS_MODULE": os.environ.get("BENCH_SETTINGS", "dealercare.settings"),
        "DEALERCARE_DEBUG": "false",
        "PYTHONPATH": os.pathsep.join(
            [str(common.PROJECT_DIR / "src"), os.environ.get("BENCH_PYTHONPATH", "")]
        ),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config=gunicorn.conf.py",
        "dealercare.wsgi:application",
        f"--workers={args.workers}",
        f"--bind=127.0.0.1:{args.port}",
        "--log-level=warning",
    ]
    if args.worker_class:
        command.append(f"--worker-class={args.worker_class}")
    if getattr(args, "timeout", None):
        command.append(f"--timeout={args.timeout}")
    server = subprocess.Popen(command, env=env, cwd=common.PROJECT_DIR, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", args.port), timeout=0.5):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn did not start")
            time.sleep(0.2)
    stop_server(server)
    sys.exit("gunicorn did not answer within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


class Http:
    """A keep-alive HTTP client that reconnects when the server closes (sync workers)."""

    def __init__(self, base: str, token: str = ""):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.will_close:
                    self.conn.close()
                return response.status, payload
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def call_json(self, call: "Call") -> dict:
        path, body = (call, None) if isinstance(call, str) else call
        method = "GET" if body is None else "POST"
        status, payload = self.request(method, path, body)
        if status != 200:
            raise RuntimeError(f"{method} {path} answered {status}: {payload[:300]!r}")
        return json.loads(payload)


def login(base: str, username: str) -> str:
    status, payload = Http(base).request(
        "POST", "/api/v1/auth/token", {"username": username, "password": common.PASSWORD}
    )
    if status != 200:
        sys.exit(f"login as {username} failed: {status} {payload[:200]!r}")
    return json.loads(payload)["token"]


# --- Benchmarks --------------------------------------------------------------------------


@dataclass
class Bench:
    name: str
    title: str
    kind: str  # "search" | "page" | "info"
    # Each case: a list of API calls made in sequence, and the raw SQL equivalent as a
    # list of statements ((sql, params) or PagerCount) run in sequence on one connection.
    cases: list[tuple[list["Call"], list]] = field(default_factory=list)


@dataclass(frozen=True)
class PagerCount:
    """The COUNT behind a page's "count" and "pages": the API runs it when page 1 comes
    back full (a shorter page 1 is the whole result) and for every later page; the raw
    SQL beside it does the same, so both sides answer the same question."""

    sql: str
    params: tuple
    only_after_full_page: bool = True


# An API call: a path to GET, or a path and the JSON body to POST to it.
Call = str | tuple[str, dict]


def api_path(path: str, **params) -> str:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return f"/api/v1{path}" + (f"?{query}" if query else "")


def api_search(path: str, **filters) -> tuple[str, dict]:
    """A search whose term is personal data (a mobile): posted, never put in the URL."""
    return f"/api/v1{path}/search", filters


def token_lookup(token: str) -> tuple[str, tuple]:
    """The bearer-token check every API call starts with, as the API sends it."""
    from django.utils import timezone

    from dealercare.core.services import token_hash, token_user_query

    sql, _user_fields, _dealer_fields = token_user_query()
    return sql, (token_hash(token), timezone.now())


def sample(dealer_id: int, count: int, seed: int) -> list[dict]:
    """Random customers of the dealer that own a car: their phone, name and one car."""
    from django.db import connection

    from dealercare.vehicles.models import Vehicle

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0)])
        cursor.execute(
            "SELECT v.id FROM vehicles_vehicle v WHERE v.dealer_id = %s ORDER BY random() LIMIT %s",
            [dealer_id, count],
        )
        vehicle_ids = [row[0] for row in cursor.fetchall()]
    vehicles = Vehicle.objects.filter(pk__in=vehicle_ids).select_related("owner")
    return [
        {
            "customer_id": v.owner_id,
            "phone": v.owner.phone,
            "phone_hmac": v.owner.phone_hmac,
            "name": v.owner.name,
            "plate": v.plate,
            "vin": v.vin,
        }
        for v in vehicles
    ]


def build(
    dealer_id: int, rows: list[dict], grade_pages: int, rng: random.Random, token: str
) -> list[Bench]:
    active = f"c.dealer_id = {dealer_id} AND c.merged_into_id IS NULL"

    def customers_page(condition: str, params: tuple) -> list:
        """Page 1 of the customers matching, and the pager's COUNT when it is full."""
        return [
            (
                f"SELECT {CUSTOMER_COLUMNS} FROM customers_customer c "
                f"WHERE {active} AND {condition} {NEWEST} LIMIT {PAGE_SIZE}",
                params,
            ),
            PagerCount(
                f"SELECT count(*) FROM customers_customer c WHERE {active} AND {condition}", params
            ),
        ]

    def owners(condition: str, params: tuple) -> list:
        return customers_page(
            "c.id IN (SELECT v.owner_id FROM vehicles_vehicle v "
            f"WHERE v.dealer_id = {dealer_id} AND {condition})",
            params,
        )

    benches = [
        Bench("search_phone", "search: exact mobile", "search"),
        Bench("search_plate", "search: plate", "search"),
        Bench("search_vin", "search: full VIN", "search"),
        Bench("search_vin6", "search: VIN last 6", "search"),
        Bench("search_name2", "search: 2-character name prefix", "search"),
        Bench("search_surname", "search: surname only", "search"),
        Bench("list_page1", "customer list, page 1", "page"),
        Bench("list_deep", "customer list, grade C, deep page", "page"),
        Bench("customer_page", "customer page (3 calls)", "page"),
        Bench("customer_read", "customer read (1 call)", "info"),
        Bench("who_am_i", "authenticated call, no lookup", "info"),
    ]
    by_name = {b.name: b for b in benches}
    for row in rows:
        by_name["search_phone"].cases.append(
            (
                [api_search("/customers", q=row["phone"])],
                customers_page(
                    "(c.phone_hmac = %s OR c.phone_alt_hmac = %s)",
                    (row["phone_hmac"], row["phone_hmac"]),
                ),
            )
        )
        by_name["search_plate"].cases.append(
            ([api_path("/customers", q=row["plate"])], owners("v.plate = %s", (row["plate"],)))
        )
        by_name["search_vin"].cases.append(
            ([api_path("/customers", q=row["vin"])], owners("v.vin = %s", (row["vin"],)))
        )
        by_name["search_vin6"].cases.append(
            (
                [api_path("/customers", q=row["vin"][-6:])],
                owners("right(v.vin, 6) = %s", (row["vin"][-6:],)),
            )
        )
        by_name["search_name2"].cases.append(
            (
                [api_path("/customers", q=row["name"][:2])],
                customers_page("c.name LIKE %s", (row["name"][:2] + "%",)),
            )
        )
        by_name["search_surname"].cases.append(
            (
                [api_path("/customers", q=row["name"][:1])],
                customers_page("c.name LIKE %s", (row["name"][:1] + "%",)),
            )
        )
        page = rng.randint(max(1, grade_pages // 2), grade_pages)
        grade_c = f"{active} AND c.grade = 'C'"
        by_name["list_deep"].cases.append(
            (
                [api_path("/customers", grade="C", page=page)],
                [
                    PagerCount(
                        f"SELECT count(*) FROM customers_customer c WHERE {grade_c}", (), False
                    ),
                    (
                        f"SELECT {CUSTOMER_COLUMNS} FROM customers_customer c WHERE {grade_c} "
                        f"{NEWEST} LIMIT {PAGE_SIZE} OFFSET %s",
                        ((page - 1) * PAGE_SIZE,),
                    ),
                ],
            )
        )
        customer = row["customer_id"]
        one_customer = (
            f"SELECT {CUSTOMER_COLUMNS} FROM customers_customer c WHERE {active} AND c.id = %s",
            (customer,),
        )
        by_name["customer_read"].cases.append(
            ([api_path(f"/customers/{customer}")], [one_customer])
        )
        by_name["customer_page"].cases.append(
            (
                [
                    api_path(f"/customers/{customer}"),
                    api_path("/vehicles", q=row["plate"]),
                    api_path(f"/customers/{customer}/timeline"),
                ],
                [
                    one_customer,
                    (
                        f"SELECT * FROM vehicles_vehicle v WHERE v.dealer_id = {dealer_id} "
                        "AND v.plate = %s ORDER BY v.created_at DESC, v.id DESC LIMIT 20",
                        (row["plate"],),
                    ),
                    (
                        f"SELECT * FROM core_auditentry a WHERE a.dealer_id = {dealer_id} "
                        "AND a.customer_id = %s ORDER BY a.id DESC LIMIT 20",
                        (customer,),
                    ),
                ],
            )
        )
    by_name["list_page1"].cases.append(([api_path("/customers")], customers_page("TRUE", ())))
    by_name["who_am_i"].cases.append(([api_path("/auth/me")], [token_lookup(token)]))
    mix = Bench("search_mix", "search: the six kinds mixed", "search")
    for bench in benches:
        if bench.kind == "search":
            mix.cases += bench.cases
    benches.insert(6, mix)
    return benches


# --- Load --------------------------------------------------------------------------------


class LeanClient:
    """The load generator's HTTP: one pre-encoded request per call, read to the close.

    http.client costs the client about as much CPU as a quarter of a request costs the
    server; on a 2-core machine that CPU is taken from the server, so the load loop uses
    this instead (one connection per request, as gunicorn's sync workers do anyway)."""

    def __init__(self, base: str, token: str):
        parts = urllib.parse.urlsplit(base)
        self.address = (parts.hostname, parts.port or 80)
        self.head = f"Host: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n"
        self.requests: dict[str, bytes] = {}

    def _encode(self, call: Call) -> bytes:
        if isinstance(call, str):
            return f"GET {call} HTTP/1.1\r\n{self.head}Connection: close\r\n\r\n".encode()
        path, body = call
        data = json.dumps(body).encode()
        head = f"{self.head}Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        return f"POST {path} HTTP/1.1\r\n{head}Connection: close\r\n\r\n".encode() + data

    def send(self, call: Call) -> int:
        key = call if isinstance(call, str) else json.dumps(call)
        request = self.requests.get(key)
        if request is None:
            request = self.requests[key] = self._encode(call)
        with socket.create_connection(self.address) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(request)
            first = sock.recv(65536)
            while sock.recv(65536):
                pass
        return int(first[9:12])


def _closed_loop(cases, warmup, duration, seed, run_case) -> tuple[list[float], int, float]:
    """Run cases drawn at random back to back for warm-up + duration seconds and time those
    that start after the warm-up. ``run_case`` returns False when the case failed."""
    rng = random.Random(seed)
    latencies, failures = [], 0
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration
    while (began := time.perf_counter()) < stop_at:
        ok = run_case(cases[rng.randrange(len(cases))])
        if began >= measure_from:
            latencies.append(time.perf_counter() - began)
            failures += not ok
    return latencies, failures, min(time.perf_counter(), stop_at) - measure_from


def _api_client(base, token, cases, warmup, duration, seed, results):
    client = LeanClient(base, token)

    def run_case(case) -> bool:
        calls, _sql = case
        return all([client.send(call) == 200 for call in calls])  # every call, even after a failure

    latencies, failures, wall = _closed_loop(cases, warmup, duration, seed, run_case)
    results.put((latencies, failures, wall, time.process_time()))


def _sql_client(dsn, cases, warmup, duration, prepare, seed, results):
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:

        def run_case(case) -> bool:
            _paths, statements = case
            rows = []
            for statement in statements:
                if isinstance(statement, PagerCount):
                    if statement.only_after_full_page and len(rows) < PAGE_SIZE:
                        continue
                    statement = (statement.sql, statement.params)
                rows = conn.execute(*statement, prepare=prepare).fetchall()
            return True

        latencies, _failures, wall = _closed_loop(cases, warmup, duration, seed, run_case)
    results.put((latencies, 0, wall, time.process_time()))


OURS = ("dealercare_bench", "bench/run.py", "gunicorn")


def _cpu_snapshot() -> tuple[int, dict[str, int]]:
    """Busy CPU ticks of the whole machine, and ticks per process of this benchmark
    (gunicorn, the runner, the bench database's backends)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = map(int, fields[:8])
    ours = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if any(mark in command for mark in OURS):
            parts = stat.rsplit(")", 1)[1].split()
            ours[pid] = int(parts[11]) + int(parts[12])
    return user + nice + system + steal, ours


def foreign_cpu(before, after, client_seconds: float, seconds: float) -> float:
    """CPU (% of one core) that processes outside this benchmark used meanwhile: other
    people's work on a shared machine, which slows the figures down. Everything busy,
    less our long-lived processes and the load clients' own CPU time."""
    hz = os.sysconf("SC_CLK_TCK")
    busy = after[0] - before[0]
    ours = sum(ticks - before[1][pid] for pid, ticks in after[1].items() if pid in before[1])
    foreign = busy / hz - ours / hz - client_seconds
    return round(max(0.0, 100 * foreign / seconds), 1)


def run_load(target, args, clients: int, seed: int) -> dict:
    before, began = _cpu_snapshot(), time.perf_counter()
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
    latencies = sorted(x for lat, *_rest in collected for x in lat)
    failures = sum(c[1] for c in collected)
    wall = max(c[2] for c in collected)
    summary = summarise(latencies, failures, wall)
    client_cpu = sum(c[3] for c in collected)
    summary["foreign_cpu_pct"] = foreign_cpu(
        before, _cpu_snapshot(), client_cpu, time.perf_counter() - began
    )
    return summary


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def summarise(latencies: list[float], failures: int, wall: float) -> dict:
    return {
        "requests": len(latencies),
        "failures": failures,
        "p50_ms": round(percentile(latencies, 50) * 1000, 3),
        "p95_ms": round(percentile(latencies, 95) * 1000, 3),
        "p99_ms": round(percentile(latencies, 99) * 1000, 3),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 3) if latencies else None,
        "rps": round(len(latencies) / wall, 1) if wall > 0 else None,
    }


def check_cases(base: str, token: str, bench: Bench) -> None:
    """Every case answers 200, and a search finds at least one customer."""
    client = Http(base, token)
    for calls, _sql in bench.cases[:20]:
        for call in calls:
            body = client.call_json(call)
            if bench.kind == "search" and not body.get("count"):
                raise RuntimeError(f"{bench.name}: {call} found nothing")


def verdict(bench: Bench, api: dict, ratio_unprepared: float) -> str:
    """The targets, with the ratio to SQL planned on every call: the way the issue's and
    DESIGN.md's raw-SQL figures (0.3-0.7 ms p95 for an exact lookup) were taken. Against
    prepared SQL (0.05-0.1 ms) no API call could keep within 10x: the authenticated call
    with no lookup at all takes more (bench/README.md)."""
    if bench.kind == "info":
        return "(no target)"
    if bench.kind == "search":
        misses = []
        if api["p95_ms"] > SEARCH_P95_MS:
            misses.append(f"p95>{SEARCH_P95_MS:g}ms")
        if ratio_unprepared > SEARCH_RATIO:
            misses.append(f">{SEARCH_RATIO:g}x SQL")
        if api["rps"] < SEARCH_RPS:
            misses.append(f"<{SEARCH_RPS:g}/s")
        return "ok" if not misses else "MISS " + ", ".join(misses)
    return "ok" if api["p95_ms"] <= PAGE_P95_MS else f"MISS p95>{PAGE_P95_MS:g}ms"


def markdown(report: dict) -> str:
    lines = [
        f"# DealerCare benchmark — {report['started']}",
        "",
        f"Dealer `{report['dealer']}` ({report['dealer_customers']:,} customers of "
        f"{report['total_customers']:,}; {report['total_vehicles']:,} vehicles in the "
        f"database). gunicorn {report['server']['workers']} × {report['server']['worker_class']}"
        f", DEBUG off; {report['clients']} closed-loop clients, {report['duration_s']:g} s "
        "each. Latency in ms; ratio = API p95 / raw SQL p95.",
        "",
        "| benchmark | API p50 | API p95 | API p99 | API req/s | SQL p50 | SQL p95 | SQL req/s "
        "| ratio p95 | SQL p95 unprepared | ratio p95 unprepared | target | other CPU |",
        "|" + " --- |" + " ---: |" * 10 + " --- | ---: |",
    ]
    for row in report["results"]:
        api, sql, unprepared = row["api"], row["sql"], row["sql_unprepared"]
        lines.append(
            f"| {row['title']} | {api['p50_ms']:.2f} | {api['p95_ms']:.2f} | "
            f"{api['p99_ms']:.2f} | {api['rps']:.0f} | {sql['p50_ms']:.2f} | "
            f"{sql['p95_ms']:.2f} | {sql['rps']:.0f} | {row['ratio_p95']:.1f}× | "
            f"{unprepared['p95_ms']:.2f} | {row['ratio_p95_unprepared']:.1f}× | "
            f"{row['verdict']} | {api['foreign_cpu_pct']:.0f} % |"
        )
    lines += [
        "",
        "Targets: every search p95 ≤ 10 ms through the API and ≤ 10× its raw SQL, at least "
        "500 searches/s with 2 clients; customer list (any page) and customer page p95 ≤ "
        "50 ms. The customer page is three calls in a row (customer, its vehicles by plate, "
        "timeline page 1): the API has no single customer-page read. Raw SQL runs through "
        "psycopg with its defaults, so a repeated statement is prepared once and not planned "
        'again; "unprepared" is the same SQL planned on every call, and the 10× target is '
        "judged against it: the issue's own raw-SQL figures (0.4–0.7 ms p95 for an exact "
        "lookup) were taken that way. Both sides read a customer with its tag names, as the "
        "API answers. Where the API's answer carries a pager (count, pages), the raw SQL "
        "runs the same COUNT when the API does: "
        "after a full first page, and for every later page. The customer read (one GET) and "
        "the authenticated call with no lookup (GET /auth/me, the token check alone) have no "
        "target: the second is the floor every API call stands on before its own work. "
        '"Other CPU" is what processes outside the benchmark used during the API '
        "measurement, in % of one of the 2 cores (a noisy run is measured again, up to "
        "twice).",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    args = parse_args(argv)
    common.django_setup()
    from django.db import connection, connections

    from dealercare.core.models import Dealer
    from dealercare.customers.models import Customer
    from dealercare.vehicles.models import Vehicle

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT dealer_id, count(*) FROM customers_customer GROUP BY dealer_id "
            "ORDER BY count(*) DESC LIMIT 1"
        )
        largest = cursor.fetchone()
    if largest is None:
        sys.exit("The bench database is empty: run make bench-data first.")
    dealer = (
        Dealer.objects.get(code=args.dealer) if args.dealer else Dealer.objects.get(pk=largest[0])
    )
    rows = sample(dealer.pk, args.samples, args.seed)
    grade_c = Customer.objects.filter(dealer=dealer, merged_into=None, grade="C").count()
    report = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "dealer": dealer.code,
        "dealer_customers": Customer.objects.filter(dealer=dealer).count(),
        "total_customers": Customer.objects.count(),
        "total_vehicles": Vehicle.objects.count(),
        "clients": args.clients,
        "duration_s": args.duration,
        "server": {"workers": args.workers, "worker_class": args.worker_class or "sync"},
        "results": [],
    }
    connections.close_all()
    args.port = args.port or free_port()
    server = None if args.url else start_server(args)
    base = args.url or f"http://127.0.0.1:{args.port}"
    dsn = common.database_url()
    try:
        token = login(base, f"advisor@{dealer.code}")
        grade_pages = max(1, (grade_c + PAGE_SIZE - 1) // PAGE_SIZE)
        benches = build(dealer.pk, rows, grade_pages, random.Random(args.seed), token)
        if args.only:
            wanted = set(args.only.split(","))
            benches = [b for b in benches if b.name in wanted]
        print(
            f"dealer {dealer.code}: {report['dealer_customers']:,} customers; "
            f"{len(rows)} sampled lookups; {args.clients} clients × {args.duration:g}s",
            flush=True,
        )
        header = f"{'benchmark':36} {'p50':>7} {'p95':>7} {'p99':>7} {'req/s':>7} | "
        print(
            header + f"{'SQL p50':>7} {'p95':>7} {'req/s':>7} | {'ratio':>6} "
            f"{'unprep':>6} {'ratio':>6}  target"
        )
        for bench in benches:
            check_cases(base, token, bench)
            for _attempt in range(1 + args.retries):
                api = run_load(
                    (_api_client, base, token, bench.cases, args.warmup, args.duration),
                    args,
                    args.clients,
                    args.seed,
                )
                if api["foreign_cpu_pct"] <= args.max_foreign_cpu:
                    break
                print(
                    f"  ({bench.name}: other processes used {api['foreign_cpu_pct']}% CPU "
                    "meanwhile; measuring again)",
                    flush=True,
                )
            sql = run_load(
                (_sql_client, dsn, bench.cases, args.warmup, args.duration, None),
                args,
                args.clients,
                args.seed,
            )
            # The same SQL planned on every call (no prepared statement).
            unprepared = run_load(
                (_sql_client, dsn, bench.cases, args.warmup / 2, args.duration / 2, False),
                args,
                args.clients,
                args.seed,
            )
            ratio = api["p95_ms"] / sql["p95_ms"] if sql["p95_ms"] else float("inf")
            row = {
                "name": bench.name,
                "title": bench.title,
                "kind": bench.kind,
                "api": api,
                "sql": sql,
                "sql_unprepared": unprepared,
                "ratio_p95": round(ratio, 2),
                "ratio_p95_unprepared": round(api["p95_ms"] / unprepared["p95_ms"], 2),
                "load_average": os.getloadavg()[0],
            }
            row["verdict"] = verdict(bench, api, row["ratio_p95_unprepared"])
            report["results"].append(row)
            print(
                f"{bench.title:36} {api['p50_ms']:7.2f} {api['p95_ms']:7.2f} "
                f"{api['p99_ms']:7.2f} {api['rps']:7.0f} | {sql['p50_ms']:7.2f} "
                f"{sql['p95_ms']:7.2f} {sql['rps']:7.0f} | {ratio:5.1f}× "
                f"{unprepared['p95_ms']:6.2f} {row['ratio_p95_unprepared']:5.1f}×  "
                f"{row['verdict']}  [other CPU {api['foreign_cpu_pct']:.0f}%]"
                + (f"  ({api['failures']} failed)" if api["failures"] else ""),
                flush=True,
            )
    finally:
        if server is not None:
            stop_server(server)
    path = common.write_result("run", report, markdown(report))
    print(f"results: {path} (and {path.with_suffix('.md').name})")


if __name__ == "__main__":
    main()
