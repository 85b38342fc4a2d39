"""The job runner: claims a due job, runs it, records the run.

The same path serves the in-process loop (``manage.py run_jobs``) and the Celery worker
(``dealercare.celery``). What a runner knows lives in the database (``JobState``), never
in the process, so restarts and second runners are safe.
"""

import logging
import os
import secrets
import socket
import time
from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from dealercare.core.models import JobRun, JobState
from dealercare.core.scheduling import Job, job_get, registered_jobs

log = logging.getLogger(__name__)

# Beat may send a turn a moment before the worker's clock reaches it.
BEAT_EARLINESS = timedelta(seconds=30)
ERROR_CHARS = 2000


def runner_id(kind: str = "runner") -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def job_state_sync(job: Job) -> JobState:
    """The job's state row; a new or rescheduled job is next due at its next turn from now,
    a known one keeps what it remembers."""
    state = JobState.objects.filter(name=job.name).first()
    if state is None:
        fresh = JobState(
            name=job.name,
            schedule=job.schedule.cron,
            next_due=job.schedule.next_after(timezone.now()),
        )
        try:
            with transaction.atomic():
                fresh.save()
            return fresh
        except IntegrityError:  # another runner created it a moment ago
            return JobState.objects.get(name=job.name)
    if state.schedule != job.schedule.cron:
        state.next_due = job.schedule.next_after(timezone.now())
        changed = JobState.objects.filter(pk=state.pk, schedule=state.schedule).update(
            schedule=job.schedule.cron, next_due=state.next_due
        )
        if not changed:
            state.refresh_from_db()
        state.schedule = job.schedule.cron
    return state


def _lease_free(now: datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lte=now)


def job_claim(job: Job, state: JobState, *, runner: str, due_by: datetime) -> JobRun | None:
    """Take the job's lease when its turn (``next_due``) has come by ``due_by`` or a run
    was asked for. The UPDATE only matches the state this runner read, with no live lease:
    of two runners that read the same state, exactly one gets the row."""
    now = timezone.now()
    scheduled = state.next_due <= due_by
    if not (scheduled or state.requested_at):
        return None
    with transaction.atomic():
        taken = JobState.objects.filter(
            _lease_free(now),
            pk=state.pk,
            next_due=state.next_due,
            requested_at=state.requested_at,
        ).update(lease_owner=runner, lease_until=now + job.lease)
        if not taken:
            return None
        JobRun.objects.filter(job=state, outcome=JobRun.Outcome.RUNNING).update(
            outcome=JobRun.Outcome.FAILED,
            finished_at=now,
            error="The runner stopped before the job finished; its lease ran out.",
        )
        run = JobRun.objects.create(
            job=state,
            trigger=JobRun.Trigger.SCHEDULE if scheduled else JobRun.Trigger.MANUAL,
            due_at=state.next_due if scheduled else None,
            started_at=now,
            outcome=JobRun.Outcome.RUNNING,
            runner=runner,
        )
        JobState.objects.filter(pk=state.pk).update(last_run=run)
    return run


def _recordable(result):
    if result is None or isinstance(result, bool | int | float | str):
        return result
    if isinstance(result, dict):
        return {str(key): _recordable(value) for key, value in result.items()}
    return str(result)


def job_execute(job: Job, run: JobRun) -> JobRun:
    """Run the claimed job and record how it went; a failure is recorded, never raised."""
    try:
        result = job.func()
    except Exception as exc:
        log.exception("job %s failed; it runs again at its next turn", job.name)
        _finish(job, run, outcome=JobRun.Outcome.FAILED, error=f"{type(exc).__name__}: {exc}")
    else:
        _finish(job, run, outcome=JobRun.Outcome.OK, result=_recordable(result))
    return run


def _finish(job: Job, run: JobRun, *, outcome: str, result=None, error: str = "") -> None:
    now = timezone.now()
    run.finished_at, run.outcome, run.result, run.error = now, outcome, result, error[:ERROR_CHARS]
    with transaction.atomic():
        run.save(update_fields=["finished_at", "outcome", "result", "error"])
        released = {"lease_owner": "", "lease_until": None}
        if run.trigger == JobRun.Trigger.SCHEDULE:
            # The next turn after now, not after the one just run: turns missed while the
            # runner was down collapse into this one run.
            released |= {
                "last_due": run.due_at,
                "next_due": job.schedule.next_after(max(now, run.due_at)),
            }
        mine = JobState.objects.filter(pk=run.job_id, lease_owner=run.runner)
        mine.filter(requested_at__lte=run.started_at).update(requested_at=None)
        mine.update(**released)


def claim_due_jobs(runner: str, *, running: Collection[str] = ()) -> list[tuple[Job, JobRun]]:
    """Every job whose time has come, claimed for ``runner`` (except those it is running)."""
    claimed = []
    for job in registered_jobs().values():
        if job.name in running:
            continue
        run = job_claim(job, job_state_sync(job), runner=runner, due_by=timezone.now())
        if run is not None:
            claimed.append((job, run))
    return claimed


def run_due_jobs(runner: str) -> list[JobRun]:
    """Every job whose time has come, one after another (``run_jobs --once``)."""
    return [job_execute(job, run) for job, run in claim_due_jobs(runner)]


def _execute_in_thread(job: Job, run: JobRun) -> JobRun:
    try:
        return job_execute(job, run)
    finally:
        connection.close()


class InProcessRunner:
    """The loop of ``manage.py run_jobs``. Each claimed job runs in a thread of its own, so
    a long job (the nightly retention) never holds up a frequent one (the outbox)."""

    def __init__(self, threads: int = 4):
        self.id = runner_id()
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="job")
        self.running: dict[str, Future] = {}

    def turn(self) -> list[Future]:
        self.running = {name: f for name, f in self.running.items() if not f.done()}
        started = [
            (job.name, self.pool.submit(_execute_in_thread, job, run))
            for job, run in claim_due_jobs(self.id, running=self.running)
        ]
        self.running.update(started)
        return [future for _name, future in started]

    def run_forever(self, tick_seconds: float = 5.0) -> None:
        log.info("job runner %s started", self.id)
        while True:
            close_old_connections()
            try:
                self.turn()
            except Exception:
                log.exception("job runner turn failed; trying again in %s s", tick_seconds)
            time.sleep(tick_seconds)


def run_job_turn(name: str, *, runner: str) -> JobRun | None:
    """A turn sent by Celery beat (or a run asked for): run the job if it is due; when
    another runner holds it, the turn is recorded as skipped."""
    job = job_get(name)
    state = job_state_sync(job)
    run = job_claim(job, state, runner=runner, due_by=timezone.now() + BEAT_EARLINESS)
    if run is not None:
        return job_execute(job, run)
    state.refresh_from_db()
    if state.lease_until and state.lease_until > timezone.now():
        now = timezone.now()
        return JobRun.objects.create(
            job=state,
            trigger=JobRun.Trigger.SCHEDULE,
            started_at=now,
            finished_at=now,
            outcome=JobRun.Outcome.SKIPPED,
            error=f"Held by {state.lease_owner}.",
            runner=runner,
        )
    return None


def job_dispatch(name: str) -> None:
    """Hand a requested run to Celery when it is in use; the in-process runner finds the
    request on its next turn by itself."""
    if settings.CELERY_BROKER_URL:
        from dealercare.celery import run_job

        run_job.delay(name)
