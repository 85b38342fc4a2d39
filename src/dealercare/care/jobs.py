"""Relationship care's periodic jobs (found by core.scheduling's autodiscovery)."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from dealercare.care.services.planner import care_plan
from dealercare.care.services.sending import care_dispatch
from dealercare.core.scheduling import daily, every_minutes, periodic


@periodic(daily("01:30"), lease=timedelta(hours=1), title=_("Plan reminders and greetings"))
def care_plan_today() -> int:
    return sum(care_plan().values())


@periodic(every_minutes(1), lease=timedelta(minutes=10), title=_("Send the reminders due now"))
def care_send_due() -> int:
    return care_dispatch()
