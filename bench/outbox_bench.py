#!/usr/bin/env python
"""The outbox under load: 100,000 queued messages sent by two dispatcher processes.

    make bench-outbox                                   # 100,000 messages, four runs
    make bench-outbox BENCH_ARGS="--messages 5000 --only log"

Runs, each on a fresh set of queued messages of one dealer (``obench``) whose 1,000
customers consent to SMS and e-mail:

- ``log``: SMS through the default adapter, which records each send in ProviderLog;
- ``smtp``: e-mail through Django's SMTP backend to a local aiosmtpd sink (its own
  process) that keeps every Message-ID it accepts;
- ``log-kill`` and ``smtp-kill``: the same, but one dispatcher is killed (SIGKILL) half-way
  and started again; its claimed batch goes back to the queue when its lease runs out
  (``--lease`` seconds).

Every message must arrive exactly once: at the sink (or in ProviderLog) each message's
id appears once, and every queued message appears. The database is migrated if needed;
the messages are deleted after each run. Results go to bench/results/outbox-*.json and .md.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

TARGETS = {"log": 1000, "smtp": 300}  # messages per second on 2 cores
DEALER_CODE = "obench"
CUSTOMERS = 1000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--dispatchers", type=int, default=2)
    parser.add_argument("--lease", type=int, default=15, help="claim lease in seconds")
    parser.add_argument("--only", default="log,smtp,log-kill,smtp-kill")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- Children: the SMTP sink and the dispatchers ------------------------------------------


def run_sink(port: int, out: Path) -> None:
    """Accept mail on ``port``; on SIGTERM write every accepted Message-ID to ``out``."""
    import asyncio

    from aiosmtpd.controller import Controller

    received: list[str] = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            for line in envelope.content.split(b"\r\n"):
                if line.lower().startswith(b"message-id:"):
                    received.append(line.split(b":", 1)[1].strip().decode())
                    break
                if not line:
                    break
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = asyncio.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.is_set():
        time.sleep(0.1)
    controller.stop()
    out.write_text("\n".join(received))


def run_dispatcher() -> None:
    """Dispatch until nothing is queued or being sent any more."""
    common.django_setup()
    from dealercare.core.messaging.dispatch import outbox_dispatch
    from dealercare.core.messaging.models import MessageStatus, OutboxMessage

    pending = OutboxMessage.objects.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING])
    while True:
        if not outbox_dispatch().batches:
            if not pending.exists():
                return
            time.sleep(0.5)  # another dispatcher's claim is still out


def child_env(port: int | None, lease: int) -> dict:
    env = dict(os.environ, DEALERCARE_OUTBOX_LEASE_SECONDS=str(lease))
    if port:
        env |= {"DEALERCARE_EMAIL_HOST": "127.0.0.1", "DEALERCARE_EMAIL_PORT": str(port)}
    return env


def spawn(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, "--child", *args], env=env)


# --- The runs -------------------------------------------------------------------------


def migrate() -> None:
    import psycopg

    name = common.database_name()
    with psycopg.connect(common.admin_dsn(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    common.django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_dealer():
    """The bench dealer and its customers, each consenting to SMS and e-mail."""
    from dealercare.core.models import Brand, Dealer
    from dealercare.customers.models import ConsentRecord, Customer

    brand, _created = Brand.objects.get_or_create(
        code=common.BRAND_CODE, defaults={"name": "星途汽车"}
    )
    dealer, created = Dealer.objects.get_or_create(
        code=DEALER_CODE, defaults={"brand": brand, "name": "发件箱测试店", "city": "上海"}
    )
    if created or not Customer.objects.filter(dealer=dealer).exists():
        customers = Customer.objects.bulk_create(
            Customer(
                dealer=dealer,
                name=f"客户{n}",
                phone=f"139{n:08d}",
                email=f"customer{n}@example.com",
            )
            for n in range(CUSTOMERS)
        )
        ConsentRecord.objects.bulk_create(
            ConsentRecord(
                dealer=dealer, customer=customer, channel=channel, granted=True, source="paper"
            )
            for customer in customers
            for channel in ("sms", "email")
        )
    return dealer, list(Customer.objects.filter(dealer=dealer).values_list("pk", "phone", "email"))


def queue_messages(dealer, customers, channel: str, count: int, run: str) -> None:
    """``count`` queued messages, as ``message_queue`` writes them (written in bulk here)."""
    from django.db import connection
    from django.utils import timezone

    from dealercare.core.messaging.models import OutboxMessage

    now = timezone.now()
    batch = []
    for n in range(count):
        customer_id, phone, email = customers[n % len(customers)]
        batch.append(
            OutboxMessage(
                dealer=dealer,
                recipient_kind="customer",
                recipient_id=customer_id,
                customer_id=customer_id,
                channel=channel,
                address=email if channel == "email" else phone,
                subject="保养提醒",
                body=f"客户{customer_id}您好，您的爱车将于下月到期保养，欢迎预约。回复TD退订",
                next_try_at=now,
                idempotency_key=f"bench:{run}:{n}",
            )
        )
        if len(batch) == 5000:
            OutboxMessage.objects.bulk_create(batch)
            batch = []
    OutboxMessage.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_outboxmessage")


def clear_messages(dealer) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM core_providerlog WHERE message_id IN"
            " (SELECT id FROM core_outboxmessage WHERE dealer_id = %s)",
            [dealer.pk],
        )
        cursor.execute("DELETE FROM core_outboxmessage WHERE dealer_id = %s", [dealer.pk])


def status_counts(dealer) -> dict[str, int]:
    from django.db.models import Count

    from dealercare.core.messaging.models import OutboxMessage

    rows = OutboxMessage.objects.filter(dealer=dealer).values("status").annotate(n=Count("*"))
    return {row["status"]: row["n"] for row in rows}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_one(name: str, args, dealer, customers) -> dict:
    from dealercare.core.messaging.channels import message_id
    from dealercare.core.messaging.models import OutboxMessage, ProviderLog

    channel = "email" if name.startswith("smtp") else "sms"
    kill = name.endswith("-kill")
    clear_messages(dealer)
    queue_messages(dealer, customers, channel, args.messages, name)
    keys = dict(OutboxMessage.objects.filter(dealer=dealer).values_list("pk", "idempotency_key"))
    port = free_port() if channel == "email" else None
    sink_file = common.RESULTS_DIR / f"outbox-sink-{os.getpid()}.txt"
    common.RESULTS_DIR.mkdir(exist_ok=True)
    sink = spawn(["sink", str(port), str(sink_file)], os.environ.copy()) if port else None
    if sink:
        time.sleep(2)  # the sink is listening
    env = child_env(port, args.lease)
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    dispatchers = [spawn(["dispatch"], env) for _ in range(args.dispatchers)]
    killed_at = None
    while any(d.poll() is None for d in dispatchers):
        time.sleep(0.2)
        if kill and killed_at is None:
            done = status_counts(dealer).get("sent", 0)
            if done >= args.messages // 2:
                dispatchers[0].send_signal(signal.SIGKILL)
                dispatchers[0].wait()
                killed_at = round(time.monotonic() - started, 2)
                dispatchers[0] = spawn(["dispatch"], env)  # started again
    elapsed = time.monotonic() - started
    load_after = os.getloadavg()[0]
    failures = [d.returncode for d in dispatchers if d.returncode]
    counts = status_counts(dealer)
    if sink:
        sink.send_signal(signal.SIGTERM)
        sink.wait()
        arrived = sink_file.read_text().split("\n") if sink_file.stat().st_size else []
        sink_file.unlink()
        expected = {message_id(key) for key in keys.values()}
    else:
        arrived = [keys[pk] for pk in ProviderLog.objects.values_list("message_id", flat=True)]
        expected = set(keys.values())
    unique = set(arrived)
    result = {
        "run": name,
        "messages": args.messages,
        "dispatchers": args.dispatchers,
        "seconds": round(elapsed, 2),
        "per_second": round(args.messages / elapsed),
        "target_per_second": TARGETS[name.split("-")[0]],
        "statuses": counts,
        "arrived": len(arrived),
        "arrived_unique": len(unique),
        "repeated": len(arrived) - len(unique),
        "missing": len(expected - unique),
        "killed_at_seconds": killed_at,
        "dispatcher_failures": failures,
        "load_before": round(load_before, 2),
        "load_after": round(load_after, 2),
    }
    result["exactly_once"] = (
        result["repeated"] == 0
        and result["missing"] == 0
        and len(unique) == args.messages
        and counts.get("sent", 0) == args.messages
    )
    clear_messages(dealer)
    return result


def markdown(results: list[dict]) -> str:
    lines = [
        "| run | messages | seconds | messages/s | target | arrived | repeated | missing | "
        "exactly once | load (1 min) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['run']} | {r['messages']:,} | {r['seconds']} | {r['per_second']:,} | "
            f"≥ {r['target_per_second']:,} | {r['arrived']:,} | {r['repeated']} | "
            f"{r['missing']} | {'yes' if r['exactly_once'] else 'NO'} | "
            f"{r['load_before']} → {r['load_after']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "sink":
            run_sink(int(rest[0]), Path(rest[1]))
        else:
            run_dispatcher()
        return
    migrate()
    dealer, customers = bench_dealer()
    results = []
    for name in args.only.split(","):
        result = run_one(name, args, dealer, customers)
        print(result, flush=True)
        results.append(result)
    table = markdown(results)
    print(table)
    common.write_result("outbox", {"results": results}, table)
    if not all(r["exactly_once"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
