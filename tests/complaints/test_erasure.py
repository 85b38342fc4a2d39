"""The customer's erasure reaches complaints, follow-up calls and survey answers: open work
holds it back with the reason; afterwards the person's words are gone, the records stay."""

import pytest
from django.utils import timezone

from dealercare.complaints.models import Complaint
from dealercare.complaints.services import complaint_receive
from dealercare.core.errors import BusinessRuleViolation
from dealercare.core.roles import Role
from dealercare.customers.services.privacy import customer_erase
from dealercare.service.models import FollowUpTask, RepairOrder
from tests.service.workshop_factories import order_in


def test_open_work_holds_the_erasure_back_then_the_words_go(cast):
    manager = cast.staff_a[Role.MANAGER]
    order = order_in(cast, RepairOrder.Status.IN_PROGRESS)
    customer = order.customer
    complaint = complaint_receive(
        actor=cast.staff_a[Role.CSR],
        channel="hotline",
        content="王先生说车门异响",
        customer=customer,
    )
    with pytest.raises(BusinessRuleViolation) as refused:
        customer_erase(actor=manager, customer=customer, confirm_name=customer.name)
    assert "维修工单" in refused.value.message and "投诉" in refused.value.message
    RepairOrder.objects.filter(pk=order.pk).update(status=RepairOrder.Status.CLOSED)
    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.CLOSED)
    task = FollowUpTask.objects.create(
        dealer=cast.dealer_a,
        order=order,
        customer=customer,
        due_on=timezone.localdate(),
        channel="phone",
        status="done",
        result="王先生很满意",
    )
    customer_erase(actor=manager, customer=customer, confirm_name=customer.name)
    complaint.refresh_from_db()
    task.refresh_from_db()
    assert complaint.content == "—" and complaint.status == "closed"
    assert task.result == "" and task.status == "done"
