"""A follow-up call that found the customer unhappy opens a complaint in one click,
pre-filled from the call and linked to it (R-SVC-7, R-CMP-1)."""

from django.db import transaction
from django.utils.translation import gettext as _

from dealercare.complaints.models import Complaint
from dealercare.complaints.services.receive import complaint_receive
from dealercare.core.errors import BusinessRuleViolation
from dealercare.service.models import FollowUpTask


def _what_the_customer_said(task: FollowUpTask) -> str:
    scores = _("Quality %(quality)s, attitude %(attitude)s, price %(price)s (1–5).") % {
        "quality": task.quality_score,
        "attitude": task.attitude_score,
        "price": task.price_score,
    }
    said = _("Unhappy on the follow-up call: %(scores)s") % {"scores": scores}
    return f"{said}\n{task.result}".strip()


@transaction.atomic
def complaint_from_follow_up(*, actor, task: FollowUpTask) -> Complaint:
    """The complaint of an unhappy follow-up call: customer, car, repair order and what
    they said copied, its 24 h clock running from the call. Asked twice, the complaint
    already opened is returned."""
    task = (
        FollowUpTask.objects.select_for_update(of=("self",)).select_related("order").get(pk=task.pk)
    )
    opened = Complaint.objects.filter(dealer_id=task.dealer_id, follow_up=task).first()
    if opened is not None:
        return opened
    if not task.unhappy:
        raise BusinessRuleViolation(
            _("Only a call that found the customer unhappy opens a complaint from here."),
            code="not_unhappy",
        )
    return complaint_receive(
        actor=actor,
        channel=Complaint.Channel.FOLLOW_UP,
        content=_what_the_customer_said(task),
        customer=task.customer,
        vehicle=task.vehicle or (task.order.vehicle if task.order_id else None),
        repair_order=task.order,
        follow_up=task,
        received_at=task.last_call_at,
    )
