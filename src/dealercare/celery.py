"""Celery wiring, used only when CELERY_BROKER_URL is set (many machines).

Beat's schedule is built from the same ``@periodic`` declarations as the in-process runner
(crontab in settings.TIME_ZONE); a worker runs each turn through the same claim-and-record
path, so a job still runs on one machine at a time and its runs show on the jobs page.
"""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealercare.settings")

app = Celery("dealercare")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="dealercare.run_job")
def run_job(name: str) -> str:
    from dealercare.core.runner import run_job_turn, runner_id

    run = run_job_turn(name, runner=runner_id("celery"))
    return run.outcome if run else "not due"


def beat_schedule() -> dict:
    from dealercare.core.scheduling import registered_jobs

    schedule = {}
    for name, job in registered_jobs().items():
        minute, hour, day_of_month, month_of_year, day_of_week = job.schedule.cron.split()
        entry = crontab(minute, hour, day_of_week, day_of_month, month_of_year, app=app)
        schedule[name] = {"task": run_job.name, "schedule": entry, "args": (name,)}
    return schedule


@signals.import_modules.connect(sender=app)
def schedule_jobs(sender, **kwargs):
    # Sent when beat and workers start, after Celery's Django fix-up has set Django up, so
    # every app's jobs module can be imported.
    sender.conf.beat_schedule = beat_schedule()
