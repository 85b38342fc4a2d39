"""An unhappy follow-up call opens its complaint in one click, pre-filled and linked, its
clock running from the call; asked again, the same complaint; a happy call opens none."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.complaints.models import Complaint
from dealercare.complaints.services import complaint_from_follow_up
from dealercare.core.errors import BusinessRuleViolation
from dealercare.core.roles import Role
from dealercare.service.models import FollowUpTask, RepairOrder
from dealercare.service.services.follow_ups import FollowUpCall, follow_up_call
from tests.service.workshop_factories import order_in


def called(cast, **scores) -> FollowUpTask:
    order = order_in(cast, RepairOrder.Status.DELIVERED)
    task = FollowUpTask.objects.create(
        dealer=cast.dealer_a,
        order=order,
        customer=order.customer,
        vehicle=order.vehicle,
        due_on=timezone.localdate(),
        channel="phone",
    )
    answers = {"quality_score": 4, "attitude_score": 4, "price_score": 4} | scores
    call = FollowUpCall(reached=True, remarks="刹车还是有异响", **answers)
    return follow_up_call(actor=cast.staff_a[Role.CSR], task=task, call=call)


def test_an_unhappy_call_opens_one_complaint_pre_filled(cast):
    task = called(cast, quality_score=2)
    agent = cast.staff_a[Role.CSR]
    complaint = complaint_from_follow_up(actor=agent, task=task)
    assert (complaint.channel, complaint.status, complaint.follow_up_id) == (
        "follow_up",
        "received",
        task.pk,
    )
    assert complaint.customer_id == task.customer_id
    assert complaint.vehicle_id == task.vehicle_id and complaint.repair_order_id == task.order_id
    assert "质量 2 分" in complaint.content and "刹车还是有异响" in complaint.content
    assert complaint.received_at == task.last_call_at
    assert complaint.first_response_due_at == task.last_call_at + timedelta(hours=24)
    assert complaint_from_follow_up(actor=agent, task=task) == complaint
    assert Complaint.objects.count() == 1


def test_a_happy_call_opens_none(cast):
    task = called(cast)
    with pytest.raises(BusinessRuleViolation) as refused:
        complaint_from_follow_up(actor=cast.staff_a[Role.CSR], task=task)
    assert refused.value.code == "not_unhappy" and not Complaint.objects.exists()


def test_one_click_on_the_follow_up_page(cast, client_as):
    task = called(cast, price_score=1)
    agent = client_as(cast.staff_a[Role.CSR])
    page = agent.get(f"/service/follow-ups/{task.pk}/").content.decode()
    assert f'action="/complaints/from-follow-up/{task.pk}/"' in page and "转为投诉" in page
    opened = agent.post(f"/complaints/from-follow-up/{task.pk}/")
    complaint = Complaint.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/complaints/{complaint.pk}/"
    assert "刹车还是有异响" in agent.get(opened["Location"]).content.decode()
    outsider = client_as(cast.staff_b[Role.CSR])
    assert outsider.post(f"/complaints/from-follow-up/{task.pk}/").status_code == 404
    technician = client_as(cast.staff_a[Role.TECHNICIAN])
    assert technician.post(f"/complaints/from-follow-up/{task.pk}/").status_code == 403
    assert Complaint.objects.count() == 1


def test_the_customers_timeline_links_the_call_and_the_complaint(cast, client_as):
    task = called(cast, attitude_score=1)
    complaint = complaint_from_follow_up(actor=cast.staff_a[Role.CSR], task=task)
    page = client_as(cast.staff_a[Role.MANAGER]).get(f"/customers/{task.customer_id}/")
    html = page.content.decode()
    assert f'href="/service/follow-ups/{task.pk}/"' in html
    assert f'href="/complaints/{complaint.pk}/"' in html
    assert f'href="/service/orders/{task.order_id}/"' in html
