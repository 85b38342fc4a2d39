"""Periodic jobs: what runs when, declared beside the work itself.

An app declares its jobs in ``<app>/jobs.py``::

    from dealercare.core.scheduling import daily, periodic

    @periodic(daily("02:00"), lease=timedelta(hours=1))
    def customers_retention_anonymise() -> int: ...

Schedules are wall-clock times in the dealers' time zone (``settings.TIME_ZONE``) and are
cron expressions underneath, so the in-process runner (cronsim, Debian cron's rules on
daylight-saving days) and Celery beat (crontab) read the same declaration. Core finds
the declarations by importing every installed app's ``jobs`` module; it names no app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.dates import WEEKDAYS
from django.utils.module_loading import autodiscover_modules
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

DEFAULT_LEASE = timedelta(minutes=30)


@dataclass(frozen=True)
class Schedule:
    """A five-field cron expression in the dealers' time zone, and how to say it in words."""

    cron: str
    words: str = field(compare=False)

    def __post_init__(self):
        if len(self.cron.split()) != 5:
            raise ImproperlyConfigured(f"schedule {self.cron!r}: five cron fields wanted")
        try:
            CronSim(self.cron, datetime.now(self.zone))
        except CronSimError as exc:
            raise ImproperlyConfigured(f"schedule {self.cron!r}: {exc}") from None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(settings.TIME_ZONE)

    def next_after(self, moment: datetime) -> datetime:
        """The first due time strictly after ``moment`` (an aware datetime)."""
        return next(CronSim(self.cron, moment.astimezone(self.zone)))


def _clock(at: str) -> tuple[int, int]:
    try:
        hour, minute = (int(part) for part in at.split(":"))
    except ValueError:
        raise ImproperlyConfigured(f"time {at!r}: write it as HH:MM") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ImproperlyConfigured(f"time {at!r}: no such time of day")
    return hour, minute


def every_minutes(n: int) -> Schedule:
    """Every ``n`` minutes from the full hour; ``n`` divides 60 so the gaps stay equal."""
    if not (1 <= n <= 60 and 60 % n == 0):
        raise ImproperlyConfigured(f"every_minutes({n}): n must divide 60")
    cron = "* * * * *" if n == 1 else f"*/{n} * * * *" if n < 60 else "0 * * * *"
    words = ngettext_lazy("Every minute", "Every {n} minutes", n)
    return Schedule(cron, format_lazy(words, n=n))


def hourly(minute: int = 0) -> Schedule:
    if not 0 <= minute < 60:
        raise ImproperlyConfigured(f"hourly({minute}): minute must be 0–59")
    return Schedule(f"{minute} * * * *", format_lazy(_("Every hour at :{m:02d}"), m=minute))


def daily(at: str) -> Schedule:
    hour, minute = _clock(at)
    words = format_lazy(_("Every day at {time}"), time=f"{hour:02d}:{minute:02d}")
    return Schedule(f"{minute} {hour} * * *", words)


def weekly(weekday: int, at: str) -> Schedule:
    """``weekday`` as in ``datetime.weekday()`` and ``calendar.MONDAY``: Monday is 0."""
    if weekday not in WEEKDAYS:
        raise ImproperlyConfigured(f"weekly({weekday!r}): weekday must be 0 (Monday) to 6")
    hour, minute = _clock(at)
    words = format_lazy(
        _("Every {weekday} at {time}"), weekday=WEEKDAYS[weekday], time=f"{hour:02d}:{minute:02d}"
    )
    return Schedule(f"{minute} {hour} * * {(weekday + 1) % 7}", words)


def cron(expression: str) -> Schedule:
    words = format_lazy(_("Cron schedule {expression}"), expression=expression)
    return Schedule(expression, words)


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], object]
    schedule: Schedule
    lease: timedelta
    title: str


_JOBS: dict[str, Job] = {}


def periodic(
    schedule: Schedule | str, *, lease: timedelta = DEFAULT_LEASE, title: str = "", name: str = ""
):
    """Declare the decorated function a periodic job (its name: the function's, unless given;
    ``title``: what the jobs page calls it, a lazily translated string).

    ``lease`` is how long one run may take before another runner takes the job over, as
    from a runner that crashed; keep it well above the job's longest run. The function takes
    no arguments, is idempotent, and may return a count or a small dict for the run history.
    """
    if isinstance(schedule, str):
        schedule = cron(schedule)

    def register(func):
        job_name = name or func.__name__
        job = Job(job_name, func, schedule, lease, title or job_name)
        known = _JOBS.get(job.name)
        if known is not None and _path(known.func) != _path(func):
            raise ImproperlyConfigured(f"two periodic jobs are named {job.name!r}")
        _JOBS[job.name] = job
        return func

    return register


def _path(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def registered_jobs() -> dict[str, Job]:
    """Every declared job by name, after importing each installed app's ``jobs`` module."""
    autodiscover_modules("jobs")
    return dict(sorted(_JOBS.items()))


def job_get(name: str) -> Job:
    return registered_jobs()[name]
