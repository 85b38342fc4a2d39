"""Celery wiring, used only when CELERY_BROKER_URL is set (many machines).

Beat runs the same schedule as the in-process runner; workers call the same job functions.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealercare.settings")

app = Celery("dealercare")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="dealercare.run_job")
def run_job(path: str):
    from dealercare.core.runner import PeriodicJob

    return PeriodicJob(path, 0).run()


@app.on_after_configure.connect
def schedule_jobs(sender, **kwargs):
    from dealercare.core.runner import SCHEDULE

    for job in SCHEDULE:
        sender.add_periodic_task(job.every_seconds, run_job.s(job.path), name=job.path)
