"""Periodic jobs (core.scheduling.periodic)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dealercare.core.messaging.models import MessageChannel
from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.models import User
from dealercare.core.roles import Role
from dealercare.core.scheduling import hourly, periodic
from dealercare.service.models import FollowUpTask
from dealercare.service.selectors.workshop import follow_up_overdue


def _tell_the_team(task: FollowUpTask) -> None:
    """Each active customer-service agent of the dealer gets one inbox message per task."""
    agents = User.objects.filter(dealer_id=task.dealer_id, role=Role.CSR, is_active=True)
    with translation.override("zh-hans"):
        subject = gettext("Follow-up visit overdue: %(number)s") % {
            "number": task.order.number if task.order_id else f"#{task.pk}"
        }
        body = gettext("The follow-up visit was due on %(day)s and has not been made.") % {
            "day": task.due_on.isoformat()
        }
    for agent in agents:
        message_queue(
            dealer=task.dealer,
            recipient=Recipient.staff(agent),
            channel=MessageChannel.INBOX,
            subject=subject,
            body=body,
            topic="follow_up",
            link=reverse("service:follow_up_detail", kwargs={"follow_up_id": task.pk}),
            idempotency_key=f"follow_up:overdue:{task.pk}:{agent.pk}",
        )


@periodic(hourly(20), title=_("Tell customer service about overdue follow-up visits"))
def follow_ups_overdue_notify() -> int:
    """Open follow-up tasks past their due day: marked once (a conditional UPDATE claims
    each), and the customer-service inbox told; a second run finds nothing to do."""
    told = 0
    overdue = follow_up_overdue().filter(overdue_notified_at=None)
    for task in overdue.select_related("dealer", "order").iterator(chunk_size=500):
        with transaction.atomic():
            claimed = FollowUpTask.objects.filter(pk=task.pk, overdue_notified_at=None).update(
                overdue_notified_at=timezone.now()
            )
            if claimed:
                _tell_the_team(task)
                told += 1
    return told
