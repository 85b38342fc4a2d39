"""Receiving a complaint, an inquiry or a suggestion (R-CMP-1..3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.complaints.models import Complaint, ComplaintSettings
from dealercare.complaints.services import complaint_receive
from dealercare.core.errors import InvalidInput, PermissionDenied
from dealercare.core.roles import Role
from dealercare.customers.models import Customer
from dealercare.customers.selectors import customer_timeline
from tests.factories import new_customer, new_repair_order, new_vehicle

pytestmark = pytest.mark.django_db


def test_known_customer_complaint_starts_the_24_hour_clock(cast):
    agent = cast.staff_a[Role.CSR]
    customer = new_customer(cast.staff_a[Role.ADVISOR], name="王芳")
    received = timezone.now() - timedelta(hours=1)
    complaint = complaint_receive(
        actor=agent,
        channel="hotline",
        content="保养后发动机异响",
        customer=customer,
        wanted_outcome="免费检查",
        category="service",
        received_at=received,
    )
    assert complaint.status == "received"
    assert complaint.kind == "complaint"
    assert complaint.dealer_id == cast.dealer_a.pk
    assert complaint.received_by == agent
    assert complaint.first_response_due_at == received + timedelta(hours=24)
    assert complaint.first_response_warn_at == received + timedelta(hours=18)
    timeline = customer_timeline(actor=agent, customer=customer)
    assert [e.action for e in timeline][:1] == ["complaint.receive"]


def test_new_contact_becomes_a_customer_and_is_found_the_next_time(cast):
    agent = cast.staff_a[Role.CSR]
    first = complaint_receive(
        actor=agent,
        channel="wechat",
        content="预约电话打不通",
        contact_name="陈先生",
        contact_phone="13912345678",
    )
    assert first.customer.name == "陈先生"
    assert first.customer.source == Customer.Source.WECHAT
    second = complaint_receive(
        actor=agent,
        kind="inquiry",
        channel="hotline",
        content="周末营业吗",
        contact_name="陈",
        contact_phone="139 1234 5678",
    )
    assert second.customer_id == first.customer_id
    assert Customer.objects.filter(dealer=cast.dealer_a).count() == 1


def test_links_to_order_take_the_customer_and_stay_in_the_dealer(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    order = new_repair_order(advisor)
    complaint = complaint_receive(
        actor=advisor, channel="in_store", content="等了三个小时", repair_order=order.pk
    )
    assert complaint.customer_id == order.customer_id
    other = new_repair_order(cast.staff_b[Role.ADVISOR])
    with pytest.raises(InvalidInput) as error:
        complaint_receive(actor=advisor, channel="in_store", content="x", repair_order=other)
    assert "repair_order" in error.value.fields


def test_bad_input_names_each_field_and_writes_nothing(cast):
    with pytest.raises(InvalidInput) as error:
        complaint_receive(
            actor=cast.staff_a[Role.CSR],
            kind="praise",
            channel="fax",
            content="",
            urgency="now",
            received_at=timezone.now() + timedelta(days=1),
        )
    assert set(error.value.fields) == {"kind", "channel", "content", "urgency", "received_at"}
    with pytest.raises(InvalidInput) as error:
        complaint_receive(actor=cast.staff_a[Role.CSR], channel="hotline", content="没有联系人")
    assert "contact_phone" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        complaint_receive(
            actor=cast.staff_a[Role.CSR],
            channel="hotline",
            content="x",
            contact_name="某",
            contact_phone="123",
        )
    assert "contact_phone" in error.value.fields
    assert not Complaint.objects.exists()


def test_suggestion_may_be_anonymous_and_dealer_sets_its_clock(cast):
    ComplaintSettings.objects.create(dealer=cast.dealer_a, first_response_hours=8)
    received = timezone.now()
    suggestion = complaint_receive(
        actor=cast.staff_a[Role.ADVISOR],
        kind="suggestion",
        channel="letter",
        content="休息区多放些充电口",
        received_at=received,
    )
    assert suggestion.customer is None
    assert suggestion.first_response_due_at == received + timedelta(hours=8)


def test_vehicle_names_its_owner(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    owner = new_customer(advisor)
    car = new_vehicle(advisor, owner=owner)
    complaint = complaint_receive(actor=advisor, channel="email", content="漆面起泡", vehicle=car)
    assert complaint.customer == owner


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.PARTS, Role.SALES, Role.INSURANCE])
def test_roles_without_the_desk_cannot_receive(cast, role):
    with pytest.raises(PermissionDenied):
        complaint_receive(
            actor=cast.staff_a[role], channel="hotline", content="x", contact_phone="13912345678"
        )
