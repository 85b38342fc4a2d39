"""Periodic jobs of the booking desk (core.scheduling.periodic): both idempotent."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from dealercare.core.scheduling import daily, hourly, periodic
from dealercare.service.services.appointments import appointments_mark_no_shows, appointments_remind


@periodic(hourly(10), lease=timedelta(minutes=20), title=_("Appointment reminders (day before)"))
def service_appointments_remind() -> int:
    """Hourly, so a booking made today for tomorrow is reminded too; one reminder per slot."""
    return appointments_remind()


@periodic(daily("00:30"), title=_("Mark missed appointments as no-shows"))
def service_appointments_no_show() -> int:
    return appointments_mark_no_shows()
