"""Periodic jobs: wall-clock schedules, memory across restarts, one runner per job."""

import calendar
import secrets
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from dealercare.celery import app as celery_app
from dealercare.celery import beat_schedule, run_job
from dealercare.core import scheduling
from dealercare.core.jobs import job_runs_purge
from dealercare.core.models import AuditEntry, JobRun, JobState
from dealercare.core.roles import Role
from dealercare.core.runner import (
    InProcessRunner,
    job_claim,
    job_execute,
    job_state_sync,
    run_due_jobs,
    run_job_turn,
)
from dealercare.core.scheduling import (
    Job,
    cron,
    daily,
    every_minutes,
    hourly,
    periodic,
    registered_jobs,
    weekly,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# --- schedules -------------------------------------------------------------------------


def test_daily_turn_is_on_the_dealers_clock_across_the_utc_day_boundary():
    two_am = daily("02:00")
    # 17:59 UTC on the 9th is 01:59 on the 10th in Shanghai: the turn is 18:00 UTC that day.
    assert two_am.next_after(datetime(2026, 3, 9, 17, 59, tzinfo=UTC)) == local(2026, 3, 10, 2)
    assert two_am.next_after(local(2026, 3, 10, 2)) == local(2026, 3, 11, 2)
    late = daily("23:30")
    assert late.next_after(local(2026, 12, 31, 23, 31)) == local(2027, 1, 1, 23, 30)
    assert late.next_after(local(2026, 12, 31, 23, 31)).astimezone(UTC).day == 1


def test_each_kind_of_schedule():
    at = local(2026, 3, 10, 10, 7)  # a Tuesday
    assert every_minutes(1).next_after(at) == local(2026, 3, 10, 10, 8)
    assert every_minutes(15).next_after(at) == local(2026, 3, 10, 10, 15)
    assert every_minutes(60).next_after(at) == local(2026, 3, 10, 11, 0)
    assert hourly().next_after(at) == local(2026, 3, 10, 11, 0)
    assert hourly(5).next_after(at) == local(2026, 3, 10, 11, 5)
    assert weekly(calendar.MONDAY, "08:00").next_after(at) == local(2026, 3, 16, 8)
    assert weekly(calendar.SUNDAY, "08:00").next_after(at) == local(2026, 3, 15, 8)
    assert cron("0 9 1 * *").next_after(at) == local(2026, 4, 1, 9)


@pytest.mark.parametrize(
    "make",
    [
        lambda: every_minutes(7),
        lambda: every_minutes(0),
        lambda: hourly(60),
        lambda: daily("24:00"),
        lambda: daily("2 am"),
        lambda: weekly(7, "08:00"),
        lambda: cron("0 2 * *"),
        lambda: cron("0 25 * * *"),
    ],
)
def test_impossible_schedules_are_refused_at_declaration(make):
    with pytest.raises(ImproperlyConfigured):
        make()


def test_schedules_in_words_in_both_languages():
    with translation.override("en"):
        assert str(every_minutes(1).words) == "Every minute"
        assert str(every_minutes(5).words) == "Every 5 minutes"
        assert str(daily("02:00").words) == "Every day at 02:00"
        assert str(weekly(calendar.MONDAY, "08:00").words) == "Every Monday at 08:00"
    with translation.override("zh-hans"):
        assert str(every_minutes(5).words) == "每 5 分钟"
        assert str(hourly(5).words) == "每小时第 05 分"
        assert str(daily("02:00").words) == "每天 02:00"
        assert str(weekly(calendar.MONDAY, "08:00").words) == "每星期一 08:00"


def test_the_apps_jobs_are_declared_with_the_decorator():
    jobs = registered_jobs()
    assert jobs["expired_tokens_purge"].schedule.cron == "0 * * * *"
    assert jobs["customers_retention_anonymise"].schedule.cron == "0 2 * * *"
    assert jobs["job_runs_purge"].schedule == daily("03:30")


def test_two_jobs_of_one_name_are_refused():
    registered_jobs()

    def expired_tokens_purge():
        return 0

    with pytest.raises(ImproperlyConfigured):
        periodic(hourly())(expired_tokens_purge)


# --- the runner ------------------------------------------------------------------------


class Declared:
    """Test jobs in place of the apps' own, each counting its runs."""

    def __init__(self, monkeypatch):
        registered_jobs()  # the apps' jobs are imported once, into the real registry
        self.jobs: dict[str, Job] = {}
        self.calls: dict[str, list] = {}
        monkeypatch.setattr(scheduling, "_JOBS", self.jobs)

    def add(self, name, schedule, work=None, lease=timedelta(minutes=5)) -> Job:
        self.calls[name] = []

        def run():
            self.calls[name].append(timezone.now())
            return work() if work else len(self.calls[name])

        self.jobs[name] = Job(name, run, schedule, lease, name)
        return self.jobs[name]


@pytest.fixture
def declared(monkeypatch, db):
    return Declared(monkeypatch)


def test_a_new_job_waits_for_its_turn_then_runs_once(declared):
    declared.add("nightly", daily("02:00"))
    with time_machine.travel(local(2026, 3, 10, 1, 0), tick=False) as clock:
        assert run_due_jobs("a") == []
        clock.move_to(local(2026, 3, 10, 1, 59, 59))
        assert run_due_jobs("a") == []
        clock.move_to(local(2026, 3, 10, 2, 0, 1))
        [run] = run_due_jobs("a")
        assert (run.outcome, run.result, run.due_at) == ("ok", 1, local(2026, 3, 10, 2))
        assert run_due_jobs("a") == []
    state = JobState.objects.get(name="nightly")
    assert (state.last_due, state.next_due) == (local(2026, 3, 10, 2), local(2026, 3, 11, 2))
    assert state.last_run == run and state.lease_owner == ""


def test_a_restart_neither_repeats_nor_skips_a_turn(declared):
    """The runner's memory is the database: a new process (another runner id) reads it."""
    declared.add("nightly", daily("02:00"))
    JobState.objects.create(
        name="nightly",
        schedule="0 2 * * *",
        last_due=local(2026, 3, 10, 2),
        next_due=local(2026, 3, 11, 2),
    )
    with time_machine.travel(local(2026, 3, 10, 9, 0), tick=False) as clock:
        assert run_due_jobs("after-restart") == []  # today's turn already ran
        clock.move_to(local(2026, 3, 11, 2, 0, 30))
        assert len(run_due_jobs("after-second-restart")) == 1  # and tomorrow's is not lost
    assert len(declared.calls["nightly"]) == 1


def test_turns_missed_while_down_run_once_on_start(declared):
    declared.add("nightly", daily("02:00"))
    declared.add("often", every_minutes(5))
    for name, cron_expr in (("nightly", "0 2 * * *"), ("often", "*/5 * * * *")):
        JobState.objects.create(
            name=name, schedule=cron_expr, next_due=local(2026, 3, 7, 2), last_due=None
        )
    with time_machine.travel(local(2026, 3, 10, 9, 1), tick=False):
        assert len(run_due_jobs("a")) == 2
        assert run_due_jobs("a") == []
    assert {name: len(calls) for name, calls in declared.calls.items()} == {
        "nightly": 1,
        "often": 1,
    }
    assert JobState.objects.get(name="nightly").next_due == local(2026, 3, 11, 2)
    assert JobState.objects.get(name="often").next_due == local(2026, 3, 10, 9, 5)


def test_a_changed_schedule_takes_effect_from_now(declared):
    declared.add("nightly", daily("02:00"))
    with time_machine.travel(local(2026, 3, 10, 9, 0), tick=False):
        run_due_jobs("a")
        declared.add("nightly", daily("04:00"))
        assert run_due_jobs("a") == []
    state = JobState.objects.get(name="nightly")
    assert (state.schedule, state.next_due) == ("0 4 * * *", local(2026, 3, 11, 4))


def test_of_two_runners_that_read_the_same_state_only_one_claims(declared):
    job = declared.add("often", every_minutes(1))
    with time_machine.travel(local(2026, 3, 10, 9, 0, 30), tick=False) as clock:
        job_state_sync(job)
        clock.move_to(local(2026, 3, 10, 9, 1, 10))
        seen_by_a = JobState.objects.get(name="often")
        seen_by_b = JobState.objects.get(name="often")
        run = job_claim(job, seen_by_a, runner="a", due_by=timezone.now())
        assert job_claim(job, seen_by_b, runner="b", due_by=timezone.now()) is None
        job_execute(job, run)
        # The turn is done and the lease released: b's stale view still claims nothing.
        assert job_claim(job, seen_by_b, runner="b", due_by=timezone.now()) is None
    assert list(JobRun.objects.values_list("runner", "outcome")) == [("a", "ok")]


def test_a_crashed_runners_lease_runs_out_and_another_takes_the_turn(declared):
    job = declared.add("nightly", daily("02:00"), lease=timedelta(minutes=10))
    with time_machine.travel(local(2026, 3, 10, 1, 0), tick=False) as clock:
        job_state_sync(job)
        clock.move_to(local(2026, 3, 10, 2, 0, 5))
        crashed = job_claim(job, JobState.objects.get(), runner="a", due_by=timezone.now())
        assert crashed is not None  # runner a dies here, before running the job
        clock.move_to(local(2026, 3, 10, 2, 9))
        assert run_due_jobs("b") == []  # a's lease still holds
        clock.move_to(local(2026, 3, 10, 2, 10, 6))
        [taken_over] = run_due_jobs("b")
    assert (taken_over.runner, taken_over.outcome, taken_over.due_at) == (
        "b",
        "ok",
        local(2026, 3, 10, 2),
    )
    crashed.refresh_from_db()
    assert crashed.outcome == "failed" and "lease" in crashed.error
    assert JobState.objects.get().next_due == local(2026, 3, 11, 2)


def test_a_failing_job_is_recorded_and_the_runner_goes_on(declared):
    def broken():
        raise ValueError("no such dealer")

    declared.add("broken", every_minutes(1), work=broken)
    declared.add("fine", every_minutes(1))
    with time_machine.travel(local(2026, 3, 10, 9, 0, 30), tick=False) as clock:
        run_due_jobs("a")
        clock.move_to(local(2026, 3, 10, 9, 1, 5))
        runs = {run.job.name: run for run in run_due_jobs("a")}
    assert runs["broken"].outcome == "failed"
    assert runs["broken"].error == "ValueError: no such dealer"
    assert runs["fine"].outcome == "ok"
    assert JobState.objects.get(name="broken").next_due == local(2026, 3, 10, 9, 2)


def test_run_jobs_once_from_the_command_line(declared, capsys):
    declared.add("often", every_minutes(1))
    with time_machine.travel(local(2026, 3, 10, 9, 0, 30), tick=False) as clock:
        call_command("run_jobs", once=True)
        clock.move_to(local(2026, 3, 10, 9, 1, 5))
        call_command("run_jobs", once=True)
    assert capsys.readouterr().out == "often: ok 1\n"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_runner_threads_run_a_due_job_once(declared):
    def slow():
        threading.Event().wait(0.5)
        return "done"

    job = declared.add("slow", every_minutes(1), work=slow)
    job_state_sync(job)
    JobState.objects.update(next_due=timezone.now() - timedelta(seconds=1))
    start = threading.Barrier(2)
    runs: dict[str, list] = {}

    def runner(name):
        start.wait()
        try:
            runs[name] = run_due_jobs(name)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(declared.calls["slow"]) == 1
    assert sorted(len(r) for r in runs.values()) == [0, 1]
    assert JobRun.objects.get().outcome == "ok"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_a_long_job_does_not_hold_up_a_frequent_one(declared):
    release = threading.Event()
    for job in (
        declared.add("nightly", every_minutes(1), work=lambda: release.wait(30)),
        declared.add("outbox", every_minutes(1)),
    ):
        job_state_sync(job)
    JobState.objects.update(next_due=timezone.now() - timedelta(seconds=1))
    runner = InProcessRunner(threads=2)
    try:
        nightly, outbox = runner.turn()
        assert outbox.result(timeout=10).outcome == "ok"
        JobState.objects.filter(name="outbox").update(next_due=timezone.now())
        [outbox_again] = runner.turn()  # nightly is still running, in its own thread
        assert outbox_again.result(timeout=10).job.name == "outbox"
        assert not nightly.done()
    finally:
        release.set()
        runner.pool.shutdown(wait=True)
    assert nightly.result().outcome == "ok"
    assert (len(declared.calls["nightly"]), len(declared.calls["outbox"])) == (1, 2)


# --- the page --------------------------------------------------------------------------


@pytest.fixture
def runs(declared):
    declared.add("nightly", daily("02:00"))
    declared.add("broken", daily("02:00"), work=lambda: 1 / 0)
    with time_machine.travel(local(2026, 3, 9, 23, 0), tick=False) as clock:
        run_due_jobs("a")
        for day in (10, 11):
            clock.move_to(local(2026, 3, day, 2, 0, 10))
            run_due_jobs("a")
    return JobRun.objects.order_by("started_at")


def test_the_admin_sees_each_job_and_the_run_history(cast, client_as, runs):
    admin = client_as(cast.staff_a[Role.DEALER_ADMIN])
    with time_machine.travel(local(2026, 3, 11, 8, 0), tick=False):
        page = admin.get("/jobs/", headers={"accept-language": "en"})
    html = page.content.decode()
    assert page.status_code == 200
    assert [row.job.name for row in page.context["jobs"]] == ["broken", "nightly"]
    assert "Every day at 02:00" in html and "2026-03-12 02:00" in html
    assert "ZeroDivisionError: division by zero" in html
    assert page.context["page"].paginator.count == 4
    assert 'href="/jobs/"' in html  # in the admin's menu


def test_the_run_history_filters_by_job_outcome_and_day(cast, client_as, runs):
    admin = client_as(cast.staff_a[Role.DEALER_ADMIN])

    def shown(**query):
        page = admin.get("/jobs/", query).context["page"]
        return [
            (run.job.name, run.outcome, f"{timezone.localtime(run.started_at):%d}") for run in page
        ]

    assert shown(job="nightly") == [("nightly", "ok", "11"), ("nightly", "ok", "10")]
    assert shown(outcome="failed") == [("broken", "failed", "11"), ("broken", "failed", "10")]
    assert shown(day="2026-03-10") == [("nightly", "ok", "10"), ("broken", "failed", "10")]
    assert len(shown(job="nobody", day="not a day")) == 4  # a bad filter is ignored
    partial = admin.get("/jobs/", {"outcome": "ok"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()


def test_the_run_history_pages(cast, client_as, declared):
    declared.add("often", every_minutes(1))
    with time_machine.travel(local(2026, 3, 10, 9, 0, 30), tick=False) as clock:
        run_due_jobs("a")
        for minute in range(1, 27):
            clock.move_to(local(2026, 3, 10, 9, minute, 5))
            run_due_jobs("a")
    admin = client_as(cast.staff_a[Role.DEALER_ADMIN])
    first, last = admin.get("/jobs/").context["page"], admin.get("/jobs/?page=2").context["page"]
    assert first.paginator.count == 26 and first.has_next() and not last.has_next()


def test_run_now_is_audited_and_taken_by_the_next_turn_without_moving_the_schedule(
    cast, client_as, runs
):
    admin = cast.staff_a[Role.DEALER_ADMIN]
    with time_machine.travel(local(2026, 3, 11, 8, 0), tick=False):
        response = client_as(admin).post("/jobs/nightly/run/")
        assert response.status_code == 302 and response["Location"] == "/jobs/"
        assert JobState.objects.get(name="nightly").requested_at is not None
        [run] = run_due_jobs("a")
        assert run_due_jobs("a") == []
    assert (run.job.name, run.trigger, run.outcome) == ("nightly", "manual", "ok")
    state = JobState.objects.get(name="nightly")
    assert state.requested_at is None and state.next_due == local(2026, 3, 12, 2)
    entry = AuditEntry.objects.get(action="job.run_now")
    assert (entry.actor, entry.object_label, entry.dealer) == (admin, "nightly", admin.dealer)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.DEALER_ADMIN])
def test_only_the_admin_sees_jobs_or_runs_them(cast, client_as, runs, role):
    user = cast.oem if role == Role.OEM_ANALYST else cast.staff_a[role]
    client = client_as(user)
    assert client.get("/jobs/").status_code == 403
    assert client.post("/jobs/nightly/run/").status_code == 403
    assert 'href="/jobs/"' not in client.get("/").content.decode()
    assert JobState.objects.get(name="nightly").requested_at is None


def test_run_now_wants_a_post_and_a_known_job(cast, client_as, runs):
    admin = client_as(cast.staff_a[Role.DEALER_ADMIN])
    assert admin.get("/jobs/nightly/run/").status_code == 405
    assert admin.post("/jobs/nobody/run/").status_code == 404
    assert client_as(cast.staff_a[Role.MANAGER]).get("/jobs/").status_code == 403


# --- Celery ----------------------------------------------------------------------------


def test_beat_schedules_the_declared_jobs_on_the_dealers_clock():
    schedule = beat_schedule()
    assert set(schedule) == set(registered_jobs())
    nightly = schedule["customers_retention_anonymise"]
    assert (nightly["task"], nightly["args"]) == (
        "dealercare.run_job",
        ("customers_retention_anonymise",),
    )
    assert (nightly["schedule"].hour, nightly["schedule"].minute) == ({2}, {0})
    assert str(nightly["schedule"].tz) == "Asia/Shanghai"
    hourly_entry = schedule["expired_tokens_purge"]["schedule"]
    assert hourly_entry.minute == {0} and hourly_entry.hour == set(range(24))


@pytest.fixture
def redis_broker():
    """Celery on the local Redis (db 5), on a queue of this test's own."""
    queue = f"dealercare-test-{secrets.token_hex(4)}"
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_default_queue")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:6379/5", task_default_queue=queue)
    yield queue
    celery_app.conf.update(saved)


class TasksDone:
    """Counts the tasks the worker finished. The test waits on this rather than polling the
    database: SQLite's shared in-memory test database locks whole tables between threads."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()
        signals.task_postrun.connect(self.done, weak=False)

    def done(self, **kwargs):
        with self.changed:
            self.count += 1
            self.changed.notify_all()

    def wait_for(self, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.count >= count, timeout=30)


@pytest.fixture
def tasks_done():
    done = TasksDone()
    yield done
    signals.task_postrun.disconnect(done.done)


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_beats_turn_and_a_run_now(
    cast, client_as, declared, redis_broker, tasks_done
):
    job = declared.add("yearly", cron("0 0 1 1 *"))
    job_state_sync(job)
    JobState.objects.update(next_due=timezone.now() - timedelta(seconds=1))
    admin = client_as(cast.staff_a[Role.DEALER_ADMIN])
    with start_worker(celery_app, perform_ping_check=False, queues=[redis_broker]):
        run_job.delay("yearly")  # what beat sends at the job's turn
        tasks_done.wait_for(1)
        with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/5"):
            assert admin.post("/jobs/yearly/run/").status_code == 302
        tasks_done.wait_for(2)
    turn, asked = JobRun.objects.filter(outcome="ok").order_by("id")
    assert (turn.trigger, asked.trigger) == ("schedule", "manual")
    assert turn.runner.startswith("celery:") and asked.runner.startswith("celery:")
    assert len(declared.calls["yearly"]) == 2
    assert JobState.objects.get(name="yearly").next_due > timezone.now()


def test_a_beat_turn_while_another_runner_holds_the_job_is_recorded_as_skipped(declared):
    job = declared.add("nightly", daily("02:00"))
    with time_machine.travel(local(2026, 3, 10, 1, 0), tick=False) as clock:
        job_state_sync(job)
        clock.move_to(local(2026, 3, 10, 2, 0, 1))
        held = job_claim(job, JobState.objects.get(), runner="in-process", due_by=timezone.now())
        skipped = run_job_turn("nightly", runner="celery:w1")
        assert (skipped.outcome, skipped.error) == ("skipped", "Held by in-process.")
        job_execute(job, held)
        assert run_job_turn("nightly", runner="celery:w1") is None  # done: not due again
    assert len(declared.calls["nightly"]) == 1


def test_job_runs_are_kept_90_days(db):
    state = JobState.objects.create(name="old", schedule="0 2 * * *", next_due=timezone.now())
    now = timezone.now()
    for age in (89, 91):
        JobRun.objects.create(
            job=state, trigger="schedule", started_at=now - timedelta(days=age), outcome="ok"
        )
    assert job_runs_purge() == 1
    assert [run.started_at for run in JobRun.objects.all()] == [now - timedelta(days=89)]
