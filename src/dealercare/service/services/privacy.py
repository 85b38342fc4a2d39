"""The workshop and the customer's erasure (PIPL): a car on the floor keeps its owner until
the order is done; what an erased person said on follow-up calls is blanked."""

from django.utils.translation import gettext as _

from dealercare.service.models import FollowUpTask, RepairOrder
from dealercare.service.services.orders import DONE


def open_repair_order_blocks_erasure(customer) -> str | None:
    if RepairOrder.objects.filter(customer_id=customer.pk).exclude(status__in=DONE).exists():
        return _("a repair order is still open")
    return None


def follow_ups_forget_customers(customer_ids: list[int]) -> None:
    FollowUpTask.objects.filter(customer_id__in=customer_ids).update(result="")
