"""The job runner: which periodic jobs exist and how often they run.

One machine runs them in-process (`manage.py run_jobs`); with CELERY_BROKER_URL set,
Celery beat reads the same table (see dealercare/celery.py).
"""

import logging
import time
from dataclasses import dataclass
from importlib import import_module

from django.db import close_old_connections

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    path: str
    every_seconds: int

    def run(self):
        module, name = self.path.rsplit(".", 1)
        return getattr(import_module(module), name)()


SCHEDULE = [
    PeriodicJob("dealercare.core.jobs.expired_tokens_purge", every_seconds=3600),
    PeriodicJob("dealercare.customers.jobs.customers_retention_anonymise", every_seconds=86400),
    PeriodicJob("dealercare.customers.jobs.imports_run_queued", every_seconds=60),
]


def run_due(last_run: dict[str, float], now: float) -> None:
    for job in SCHEDULE:
        if now - last_run.get(job.path, 0) < job.every_seconds:
            continue
        close_old_connections()
        try:
            job.run()
        except Exception:
            log.exception("job %s failed; it runs again at its next turn", job.path)
        last_run[job.path] = now


def run_forever(tick_seconds: float = 5.0) -> None:
    last_run: dict[str, float] = {}
    while True:
        run_due(last_run, time.monotonic())
        time.sleep(tick_seconds)
