#!/usr/bin/env python
"""Import and export at scale: a 100,000-row XLSX in and out, time and peak memory.

    make bench-import                              # 100,000 rows
    make bench-import BENCH_ARGS="--rows 5000"     # a quick run

Steps, on the bench database, for a fresh dealer (``imp<time>``) and its manager:

1. write two workbooks of valid, realistic rows made by ``dealercare.demo_data`` (streamed,
   openpyxl write-only): a good one, and the same rows again with one bad mobile in the
   last row;
2. import the bad one: it must be refused with the row named, and nothing written
   (all-or-nothing);
3. import the good one: every row in, within the target time and memory;
4. export the dealer's customers as CSV and as XLSX (the API's streamed export code).

Every import and export runs in a child process of its own, so its peak RSS is its own.
Results go to bench/results/import-*.json and .md.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

IMPORT_SECONDS = 180
IMPORT_PEAK_MB = 500


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=99)
    parser.add_argument("--keep", action="store_true", help="keep the import dealer's rows")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Workbooks ---------------------------------------------------------------------------


def write_workbooks(dealer, rows: int, seed: int, good: Path, bad: Path) -> None:
    """Two workbooks with the same rows; the bad one's last row has an invalid mobile."""
    from openpyxl import Workbook

    from dealercare.customers.spreadsheets import COLUMNS
    from dealercare.demo_data import Generator

    gen = Generator.for_dealer(dealer, seed)
    books = {path: Workbook(write_only=True) for path in (good, bad)}
    sheets = {path: book.create_sheet("客户") for path, book in books.items()}
    for sheet in sheets.values():
        sheet.append([zh for _key, zh in COLUMNS])
    vins, phones = set(), set()
    written = 0
    while written < rows:
        person = gen.customer()
        car = gen.vehicle(person)
        if car.vin in vins or person.phone in phones:
            continue  # a repeated VIN would (rightly) refuse the file
        vins.add(car.vin)
        phones.add(person.phone)
        values = {
            "name": person.name,
            "phone": person.phone,
            "email": person.email,
            "id_number": person.id_number,
            "address": person.address,
            "birthday": person.birthday.isoformat(),
            "gender": {"M": "男", "F": "女"}.get(person.gender, ""),
            "grade": person.grade,
            "tags": ";".join(t.name for t in gen.rng.sample(gen.tags, gen.rng.choice([0, 1, 2]))),
            "source": person.source,
            "preferred_channel": person.preferred_channel,
            "vin": car.vin,
            "plate": car.plate,
            "make": car.make,
            "model_name": car.model_name,
            "year": car.year,
            "colour": car.colour,
            "purchase_date": car.purchase_date.isoformat(),
            "current_km": car.current_km,
        }
        row = [values.get(key, "") for key, _zh in COLUMNS]
        written += 1
        sheets[good].append(row)
        if written == rows:
            row = [
                ("12345" if key == "phone" else value)
                for (key, _zh), value in zip(COLUMNS, row, strict=True)
            ]
        sheets[bad].append(row)
    for path, book in books.items():
        book.save(path)


# --- Child processes ---------------------------------------------------------------------


def child_import(dealer_id: str, user_id: str, path: str) -> dict:
    from django.core.files import File

    from dealercare.core.models import User
    from dealercare.customers.imports import customer_import

    actor = User.objects.select_related("dealer").get(pk=user_id)
    before = peak_rss_mb()
    began = time.perf_counter()
    with open(path, "rb") as handle:
        batch = customer_import(actor=actor, upload=File(handle), file_name=Path(path).name)
    return {
        "seconds": round(time.perf_counter() - began, 1),
        "rss_before_mb": round(before),
        "peak_rss_mb": round(peak_rss_mb()),
        "status": batch.status,
        "total_rows": batch.total_rows,
        "customers_created": batch.customers_created,
        "vehicles_created": batch.vehicles_created,
        "errors": batch.errors[:3],
        "error_count": len(batch.errors),
    }


def child_export(dealer_id: str, user_id: str, file_format: str, target: str) -> dict:
    from dealercare.core.models import User
    from dealercare.customers.exports import customer_export
    from dealercare.customers.selectors import CustomerFilters
    from dealercare.customers.spreadsheets import csv_stream, xlsx_stream

    actor = User.objects.select_related("dealer").get(pk=user_id)
    before = peak_rss_mb()
    began = time.perf_counter()
    counted = {"rows": 0, "first_row_s": None}

    def rows():
        for row in customer_export(actor=actor, filters=CustomerFilters(), file_format=file_format):
            if counted["first_row_s"] is None:
                counted["first_row_s"] = round(time.perf_counter() - began, 2)
            counted["rows"] += 1
            yield row

    if file_format == "csv":
        with open(target, "w", encoding="utf-8") as out:
            for chunk in csv_stream(rows()):
                out.write(chunk)
    else:
        with open(target, "wb") as out:
            for chunk in xlsx_stream(rows()):
                out.write(chunk)
    return {
        "seconds": round(time.perf_counter() - began, 1),
        "first_row_s": counted["first_row_s"],
        "rows": counted["rows"],
        "bytes": Path(target).stat().st_size,
        "rss_before_mb": round(before),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def _worker_memory_mb(master_pid: int) -> dict:
    """Current and peak RSS of the gunicorn worker (the master's only child)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {key: round(int(values[key].split()[0]) / 1024) for key in ("VmRSS", "VmHWM")}


def http_export(code: str, file_format: str, timeout: int | None = None) -> dict:
    """The export through the real server: GET /api/v1/customers/export, read to the end.
    ``timeout`` overrides the worker timeout of gunicorn.conf.py (120 s)."""
    import http.client
    from types import SimpleNamespace

    import run as runner

    options = SimpleNamespace(workers=1, worker_class="", port=runner.free_port(), timeout=timeout)
    server = runner.start_server(options)
    try:
        token = runner.login(f"http://127.0.0.1:{options.port}", f"manager@{code}")
        before = _worker_memory_mb(server.pid)
        conn = http.client.HTTPConnection("127.0.0.1", options.port, timeout=900)
        began = time.perf_counter()
        conn.request(
            "GET",
            f"/api/v1/customers/export?format={file_format}",
            headers={"Authorization": f"Bearer {token}"},
        )
        result = {"status": None, "bytes": 0, "first_byte_s": None}
        try:
            response = conn.getresponse()
            result["status"] = response.status
            while chunk := response.read1(65536):
                if result["first_byte_s"] is None:
                    result["first_byte_s"] = round(time.perf_counter() - began, 2)
                result["bytes"] += len(chunk)
        except (http.client.HTTPException, ConnectionError) as exc:
            result["error"] = f"{type(exc).__name__}: {exc}"
        result["seconds"] = round(time.perf_counter() - began, 1)
        result["gunicorn_timeout_s"] = timeout or 120  # gunicorn.conf.py
        try:
            after = _worker_memory_mb(server.pid)
            result["worker_rss_before_mb"] = before["VmRSS"]
            result["worker_peak_rss_mb"] = after["VmHWM"]
        except (OSError, IndexError):
            result["worker_peak_rss_mb"] = None  # the worker was replaced (killed)
        return result
    finally:
        runner.stop_server(server)


def run_child(*args: str) -> dict:
    command = [sys.executable, __file__, "--child", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"child {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Main --------------------------------------------------------------------------------


def customer_count(dealer) -> int:
    from dealercare.customers.models import Customer

    return Customer.objects.filter(dealer=dealer).count()


def markdown(report: dict) -> str:
    bad, good = report["import_rejected"], report["import"]
    lines = [
        f"# DealerCare import/export benchmark — {report['started']}",
        "",
        f"{report['rows']:,} rows, XLSX {report['xlsx_mb']} MB; dealer `{report['dealer']}` "
        "on the bench database.",
        "",
        "| step | seconds | peak RSS (MB) | result |",
        "| --- | ---: | ---: | --- |",
        f"| import, one bad row (last) | {bad['seconds']} | {bad['peak_rss_mb']} | "
        f"{bad['status']}, {bad['error_count']} error(s), {report['written_by_rejected']} "
        "rows written |",
        f"| import | {good['seconds']} | {good['peak_rss_mb']} | {good['status']}, "
        f"{good['customers_created']:,} customers, {good['vehicles_created']:,} vehicles |",
    ]
    for name in ("csv", "xlsx"):
        out = report[f"export_{name}"]
        lines.append(
            f"| export {name.upper()} | {out['seconds']} | {out['peak_rss_mb']} | "
            f"{out['rows']:,} rows, {out['bytes'] / 1e6:.1f} MB, first row after "
            f"{out['first_row_s']} s |"
        )
    for name in ("csv", "xlsx"):
        out = report[f"http_export_{name}"]
        lines.append(
            f"| export {name.upper()} over HTTP (gunicorn) | {out['seconds']} | "
            f"{out.get('worker_peak_rss_mb')} | HTTP {out['status']}, "
            f"{out['bytes'] / 1e6:.1f} MB, first byte after {out['first_byte_s']} s"
            + (f", {out['error']}" if out.get("error") else "")
            + " |"
        )
        retry = out.get("retry_with_timeout_600")
        if retry:
            lines.append(
                f"| … again with gunicorn --timeout 600 | {retry['seconds']} | "
                f"{retry.get('worker_peak_rss_mb')} | HTTP {retry['status']}, "
                f"{retry['bytes'] / 1e6:.1f} MB, first byte after {retry['first_byte_s']} s |"
            )
    lines += [
        "",
        f"Targets: import ≤ {IMPORT_SECONDS} s and peak RSS ≤ {IMPORT_PEAK_MB} MB; a refused "
        "file writes nothing. Peak RSS is the whole child process (Django included: "
        f"{good['rss_before_mb']} MB before the import started).",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    args = parse_args(argv)
    common.django_setup()
    if args.child:
        handler = {"import": child_import, "export": child_export}[args.child[0]]
        print(json.dumps(handler(*args.child[1:])))
        return
    from django.contrib.auth.hashers import make_password
    from django.db import connections

    from dealercare.core.models import Brand, Dealer, User

    brand, _ = Brand.objects.get_or_create(code=common.BRAND_CODE, defaults={"name": "星途汽车"})
    code = f"imp{time.strftime('%m%d%H%M%S')}"
    dealer = Dealer.objects.create(brand=brand, code=code, name=f"导入测试 {code}", city="杭州")
    manager = User.objects.create(
        username=f"manager@{code}",
        role="manager",
        dealer=dealer,
        password=make_password(common.PASSWORD),
    )
    report = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "dealer": code, "rows": args.rows}
    good = common.BENCH_DIR / f"import-{args.rows}.xlsx"
    bad = common.BENCH_DIR / f"import-{args.rows}-bad.xlsx"
    began = time.perf_counter()
    write_workbooks(dealer, args.rows, args.seed, good, bad)
    report["xlsx_mb"] = round(good.stat().st_size / 1e6, 1)
    print(f"workbooks written in {time.perf_counter() - began:.0f}s ({report['xlsx_mb']} MB)")
    connections.close_all()

    ids = (str(dealer.pk), str(manager.pk))
    report["import_rejected"] = run_child("import", *ids, str(bad))
    report["written_by_rejected"] = customer_count(dealer)
    print("import with a bad last row:", report["import_rejected"])
    report["import"] = run_child("import", *ids, str(good))
    report["customers_after"] = customer_count(dealer)
    print("import:", report["import"])
    for name in ("csv", "xlsx"):
        target = str(common.RESULTS_DIR / f"export-{code}.{name}")
        common.RESULTS_DIR.mkdir(exist_ok=True)
        report[f"export_{name}"] = run_child("export", *ids, name, target)
        Path(target).unlink()
        print(f"export {name}:", report[f"export_{name}"])

    for name in ("csv", "xlsx"):
        result = http_export(code, name)
        if result["status"] != 200:  # e.g. gunicorn's 30 s worker timeout: try a longer one
            result["retry_with_timeout_600"] = http_export(code, name, timeout=600)
        report[f"http_export_{name}"] = result
        print(f"export {name} over HTTP (gunicorn, one worker):", result)

    good_import = report["import"]
    rejected = report["import_rejected"]
    report["verdict"] = {
        "import_time": good_import["seconds"] <= IMPORT_SECONDS,
        "import_memory": good_import["peak_rss_mb"] <= IMPORT_PEAK_MB,
        "all_or_nothing": rejected["status"] == "rejected"
        and report["written_by_rejected"] == 0
        and any(e["row"] == args.rows + 1 for e in rejected["errors"]),
        "all_rows_in": good_import["status"] == "imported"
        and report["customers_after"] == args.rows,
    }
    print("verdict:", report["verdict"])
    if not args.keep:  # leave the bench database as make bench-data made it
        common.wipe_dealer(dealer.pk, drop=True)
        from django.db import connection

        with connection.cursor() as cursor:  # no dead rows left behind for make bench
            cursor.execute("VACUUM (ANALYZE)")
        good.unlink()
        bad.unlink()
    path = common.write_result("import", report, markdown(report))
    print(f"results: {path}")


if __name__ == "__main__":
    main()
