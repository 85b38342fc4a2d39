"""The workshop's services: reception, technicians and progress, delays, quality inspection,
delivery and the follow-up task."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dealercare.core.errors import (
    BusinessRuleViolation,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.models import AuditEntry, User
from dealercare.core.roles import Role
from dealercare.customers.services import consent_record
from dealercare.service.models import (
    Delivery,
    FollowUpTask,
    ProgressReport,
    Reception,
    RepairOrder,
    RepairOrderLine,
    ServiceSettings,
)
from dealercare.service.selectors.workshop import my_jobs, reception_context
from dealercare.service.services import follow_ups
from dealercare.service.services import workshop as services
from dealercare.service.services.follow_ups import FollowUpCall, FollowUpInput
from dealercare.service.services.workshop import (
    DeliveryInput,
    InspectionInput,
    ProgressInput,
)
from dealercare.vehicles.models import MileageReading
from tests.factories import new_customer, new_vehicle

from .workshop_factories import order_in, reception_input

S = RepairOrder.Status


@pytest.fixture
def technician(cast):
    return cast.staff_a[Role.TECHNICIAN]


@pytest.fixture
def inspector(cast):
    return cast.staff_a[Role.INSPECTOR]


def soon(hours=2):
    return timezone.now() + timedelta(hours=hours)


# ------------------------------------------------------------------ reception


@pytest.fixture
def car(advisor):
    return new_vehicle(advisor, owner=new_customer(advisor, name="张伟"), current_km=12000)


def test_reception_records_the_mileage_through_the_rule_and_opens_the_order(advisor, car):
    reception = services.reception_record(actor=advisor, vehicle=car, data=reception_input())
    order = reception.order
    assert order.status == S.OPEN and order.vehicle == car and order.km_in == 15000
    assert order.fault_description == "刹车异响"
    reading = reception.reading
    assert reading.source == MileageReading.Source.RECEPTION and reading.km == 15000
    car.refresh_from_db()
    assert car.current_km == 15000
    assert reception.checklist["exterior"] == {"ok": False, "findings": "左后门划痕约5厘米"}
    assert AuditEntry.objects.filter(action="repair_order.reception", object_id=order.pk).exists()


def test_a_lower_odometer_is_refused_and_nothing_is_opened(advisor, car):
    with pytest.raises(InvalidInput) as refused:
        services.reception_record(actor=advisor, vehicle=car, data=reception_input(km=9000))
    assert "km" in refused.value.fields
    assert not RepairOrder.objects.exists() and not Reception.objects.exists()
    assert car.readings.count() == 1


def test_reception_names_every_bad_field(advisor, car):
    checklist = {"exterior": {"ok": False, "findings": ""}, "interior": {"ok": True}}
    data = reception_input(
        km=None, checklist=checklist, fuel_level=120, confirmation="", confirmed_by=""
    )
    with pytest.raises(InvalidInput) as refused:
        services.reception_record(actor=advisor, vehicle=car, data=data)
    assert set(refused.value.fields) >= {
        "km",
        "checklist.exterior.findings",
        "checklist.functions",
        "checklist.belongings",
        "fuel_level",
        "confirmation",
        "confirmed_by",
    }
    signature = reception_input(confirmation="signature", signature="")
    with pytest.raises(InvalidInput) as refused:
        services.reception_record(actor=advisor, vehicle=car, data=signature)
    assert "signature" in refused.value.fields


def test_reception_roles_and_tenancy(cast, car):
    with pytest.raises(PermissionDenied):
        services.reception_record(
            actor=cast.staff_a[Role.TECHNICIAN], vehicle=car, data=reception_input()
        )
    with pytest.raises(NotFound):
        services.reception_record(
            actor=cast.staff_b[Role.ADVISOR], vehicle=car, data=reception_input()
        )


def test_reception_shows_maintenance_due_and_the_last_visit(cast, advisor, car):
    first = services.reception_record(actor=advisor, vehicle=car, data=reception_input()).order
    known = reception_context(actor=advisor, vehicle=car)
    assert known["last_visit"] == first
    assert known["maintenance_due"] == car.next_maintenance_due
    assert known["open_complaints"] == []


# ----------------------------------------------------------- technician, progress


def test_technician_sees_and_works_only_their_own_jobs(cast, technician):
    mine = order_in(cast, S.APPROVED, technician=technician)
    colleague = User.objects.create(
        username="tech2@sh01", dealer=cast.dealer_a, role=Role.TECHNICIAN
    )
    theirs = order_in(cast, S.APPROVED, technician=colleague)
    assert list(my_jobs(actor=technician)) == [mine]
    services.job_move(actor=technician, order=mine, move="start")
    mine.refresh_from_db()
    assert mine.status == S.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        services.job_move(actor=technician, order=theirs, move="start")
    with pytest.raises(PermissionDenied):
        services.progress_report(actor=technician, order=theirs, data=ProgressInput(note="x"))


def test_my_jobs_waits_for_the_approval_of_added_work(cast, technician):
    order = order_in(cast, S.APPROVED, technician=technician)
    RepairOrderLine.objects.create(
        dealer=order.dealer,
        order=order,
        kind=RepairOrderLine.Kind.LABOUR,
        description="加做：更换空调滤芯",
        quantity=Decimal("0.5"),
        unit_price=Decimal("300.00"),
        amount=Decimal("150.00"),
        added_after_approval=True,
    )
    with pytest.raises(BusinessRuleViolation) as refused:
        services.job_move(actor=technician, order=order, move="start")
    assert refused.value.code == "added_work_unapproved"
    order.refresh_from_db()
    assert order.status == S.APPROVED


def test_progress_report_and_finish(cast, technician):
    order = order_in(cast, S.IN_PROGRESS, technician=technician)
    report = services.progress_report(
        actor=technician, order=order, data=ProgressInput(note="拆下刹车片", percent=40)
    )
    assert (report.percent, report.reported_by) == (40, technician)
    with pytest.raises(InvalidInput) as refused:
        services.progress_report(actor=technician, order=order, data=ProgressInput(percent=140))
    assert "percent" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        services.progress_report(actor=technician, order=order, data=ProgressInput())
    assert "note" in refused.value.fields
    services.job_move(actor=technician, order=order, move="finish")
    order.refresh_from_db()
    assert order.status == S.QUALITY_CHECK
    with pytest.raises(InvalidTransition):
        services.job_move(actor=technician, order=order, move="pass")


def test_advisor_assigns_a_technician_of_the_dealer(cast, advisor, technician):
    order = order_in(cast, S.APPROVED)
    services.technician_assign(actor=advisor, order=order, technician_id=technician.pk)
    order.refresh_from_db()
    assert order.technician == technician
    with pytest.raises(InvalidInput) as refused:
        services.technician_assign(
            actor=advisor, order=order, technician_id=cast.staff_b[Role.TECHNICIAN].pk
        )
    assert "technician_id" in refused.value.fields
    with pytest.raises(PermissionDenied):
        services.technician_assign(actor=technician, order=order, technician_id=technician.pk)


def test_a_delay_moves_the_promise_and_tells_the_customer_with_consent(cast, advisor, technician):
    order = order_in(cast, S.IN_PROGRESS, technician=technician, promised_at=soon(1))
    consent_record(
        actor=advisor, customer=order.customer, channel="sms", granted=True, source="paper"
    )
    later = soon(5)
    services.promised_time_move(actor=technician, order=order, promised_at=later, reason="等配件")
    order.refresh_from_db()
    assert order.promised_at == later
    assert ProgressReport.objects.get(order=order).delayed_to == later
    message = OutboxMessage.objects.get(customer_id=order.customer_id)
    assert message.channel == "sms" and message.status == "queued"
    assert order.number in message.body and "等配件" in message.body


def test_a_delay_without_consent_is_kept_but_not_sent(cast, advisor):
    order = order_in(cast, S.IN_PROGRESS, promised_at=soon(1))
    consent_record(
        actor=advisor, customer=order.customer, channel="sms", granted=False, source="phone"
    )
    services.promised_time_move(actor=advisor, order=order, promised_at=soon(3), reason="等配件")
    message = OutboxMessage.objects.get(customer_id=order.customer_id)
    assert message.status == "cancelled" and message.last_error == "no_consent"


def test_a_delay_must_move_later_with_a_reason(cast, advisor):
    order = order_in(cast, S.IN_PROGRESS, promised_at=soon(3))
    with pytest.raises(InvalidInput) as refused:
        services.promised_time_move(actor=advisor, order=order, promised_at=soon(2), reason="")
    assert set(refused.value.fields) == {"reason"}
    with pytest.raises(InvalidInput) as refused:
        services.promised_time_move(actor=advisor, order=order, promised_at=soon(2), reason="x")
    assert "promised_at" in refused.value.fields
    assert not OutboxMessage.objects.exists()
    with pytest.raises(PermissionDenied):
        services.promised_time_move(
            actor=cast.staff_a[Role.PARTS], order=order, promised_at=soon(9), reason="x"
        )


# -------------------------------------------------------------- quality inspection


def test_inspection_pass_makes_the_car_ready_and_tells_the_customer(cast, inspector):
    order = order_in(cast, S.QUALITY_CHECK, total="880.00")
    services.inspection_record(
        actor=inspector, order=order, data=InspectionInput(result="pass", checklist={"刹车": True})
    )
    order.refresh_from_db()
    assert order.status == S.READY and order.rework_count == 0
    message = OutboxMessage.objects.get(customer_id=order.customer_id)
    assert "880.00" in message.body and order.number in message.body


def test_inspection_fail_sends_back_to_rework_and_counts(cast, inspector):
    order = order_in(cast, S.QUALITY_CHECK)
    with pytest.raises(InvalidInput) as refused:
        services.inspection_record(actor=inspector, order=order, data=InspectionInput("fail"))
    assert "defects" in refused.value.fields
    for round_ in (1, 2):
        services.inspection_record(
            actor=inspector, order=order, data=InspectionInput("fail", defects="刹车仍有异响")
        )
        order.refresh_from_db()
        assert order.status == S.IN_PROGRESS and order.rework_count == round_
        entry = AuditEntry.objects.filter(action="repair_order.rework").last()
        assert entry.changes["reason"] == ["", "刹车仍有异响"]
        RepairOrder.objects.filter(pk=order.pk).update(status=S.QUALITY_CHECK)
        order.refresh_from_db()


def test_road_test_required_when_parts_were_replaced(cast, inspector):
    order = order_in(cast, S.QUALITY_CHECK, part=True, total="300.00")
    with pytest.raises(InvalidInput) as refused:
        services.inspection_record(actor=inspector, order=order, data=InspectionInput("pass"))
    assert "road_test_done" in refused.value.fields
    data = InspectionInput("pass", road_test_done=True, road_test_notes="5公里路试正常")
    services.inspection_record(actor=inspector, order=order, data=data)
    order.refresh_from_db()
    assert order.status == S.READY


def test_only_an_inspector_inspects_an_order_in_quality_check(cast, inspector):
    order = order_in(cast, S.QUALITY_CHECK)
    for role in (Role.TECHNICIAN, Role.ADVISOR):
        with pytest.raises(PermissionDenied):
            services.inspection_record(
                actor=cast.staff_a[role], order=order, data=InspectionInput("pass")
            )
    early = order_in(cast, S.IN_PROGRESS)
    with pytest.raises(InvalidTransition):
        services.inspection_record(actor=inspector, order=early, data=InspectionInput("pass"))


# ------------------------------------------------------------------- delivery


def delivery(**fields) -> DeliveryInput:
    values = {
        "handed_over_to": "张伟",
        "payment_method": "wechat_pay",
        "amount_paid": Decimal("880.00"),
        "invoice_number": "INV-0001",
        "cleaning_done": True,
    } | fields
    return DeliveryInput(**values)


def test_delivery_payment_must_equal_the_amount_due(cast, advisor):
    order = order_in(cast, S.READY, total="880.00")
    for wrong in ("879.99", "880.001", "abc", None):
        with pytest.raises(InvalidInput) as refused:
            services.delivery_record(actor=advisor, order=order, data=delivery(amount_paid=wrong))
        assert "amount_paid" in refused.value.fields, wrong
    with pytest.raises(InvalidInput) as refused:
        services.delivery_record(actor=advisor, order=order, data=delivery(payment_method="none"))
    assert "payment_method" in refused.value.fields
    services.delivery_record(actor=advisor, order=order, data=delivery(amount_paid="880.0"))
    order.refresh_from_db()
    assert order.status == S.DELIVERED and order.invoice_number == "INV-0001"
    assert order.delivered_at is not None


def test_invoice_number_is_unique_per_dealer(cast, advisor):
    first = order_in(cast, S.READY, total="880.00")
    second = order_in(cast, S.READY, total="880.00")
    services.delivery_record(actor=advisor, order=first, data=delivery())
    with pytest.raises(InvalidInput) as refused:
        services.delivery_record(actor=advisor, order=second, data=delivery())
    assert refused.value.code == "invoice_number_taken"
    assert "invoice_number" in refused.value.fields
    other_dealer = order_in(cast, S.READY, dealer="b", total="880.00")
    services.delivery_record(actor=cast.staff_b[Role.ADVISOR], order=other_dealer, data=delivery())
    assert Delivery.objects.filter(invoice_number="INV-0001").count() == 2


def test_delivery_creates_the_follow_up_task_due_in_three_days(cast, advisor):
    order = order_in(cast, S.READY, total="880.00")
    order.customer.preferred_channel = "wechat"
    order.customer.save()
    services.delivery_record(actor=advisor, order=order, data=delivery())
    task = FollowUpTask.objects.get(order=order)
    assert task.due_on == timezone.localdate() + timedelta(days=3)
    assert (task.status, task.channel, task.customer) == ("open", "wechat", order.customer)
    services.repair_order_close(actor=advisor, order=order)
    order.refresh_from_db()
    assert order.status == S.CLOSED and order.closed_at


def test_follow_up_days_come_from_the_dealers_settings(cast, advisor):
    ServiceSettings.objects.create(dealer=cast.dealer_a, follow_up_days=2)
    order = order_in(cast, S.READY)
    services.delivery_record(
        actor=advisor, order=order, data=delivery(payment_method="none", amount_paid="0")
    )
    task = FollowUpTask.objects.get(order=order)
    assert task.due_on == timezone.localdate() + timedelta(days=2)


def test_only_a_ready_order_is_delivered_by_the_desk(cast, advisor):
    order = order_in(cast, S.QUALITY_CHECK, total="880.00")
    with pytest.raises(InvalidTransition):
        services.delivery_record(actor=advisor, order=order, data=delivery())
    ready = order_in(cast, S.READY, total="880.00")
    with pytest.raises(PermissionDenied):
        services.delivery_record(actor=cast.staff_a[Role.TECHNICIAN], order=ready, data=delivery())
    assert not FollowUpTask.objects.exists()


# ------------------------------------------------------------------ follow-up


def _delivered_follow_up(cast, advisor) -> FollowUpTask:
    order = order_in(cast, S.READY)
    services.delivery_record(
        actor=advisor, order=order, data=delivery(payment_method="none", amount_paid="0")
    )
    return FollowUpTask.objects.get(order=order)


def test_follow_up_call_with_the_script(cast, advisor):
    task = _delivered_follow_up(cast, advisor)
    csr = cast.staff_a[Role.CSR]
    happy = FollowUpCall(reached=True, quality_score=5, attitude_score=4, price_score=4)
    with pytest.raises(PermissionDenied):
        follow_ups.follow_up_call(actor=advisor, task=task, call=happy)
    with pytest.raises(InvalidInput) as refused:
        follow_ups.follow_up_call(
            actor=csr, task=task, call=FollowUpCall(reached=True, quality_score=6)
        )
    assert set(refused.value.fields) == {"quality_score", "attitude_score", "price_score"}
    with pytest.raises(StaleVersion):
        follow_ups.follow_up_call(actor=csr, task=task, call=happy, version=task.version + 1)
    follow_ups.follow_up_call(actor=csr, task=task, call=happy, version=task.version)
    task.refresh_from_db()
    assert (task.status, task.done_by, task.attempts, task.unhappy) == ("done", csr, 1, False)
    assert (task.quality_score, task.attitude_score, task.price_score) == (5, 4, 4)
    with pytest.raises(InvalidTransition):
        follow_ups.follow_up_call(actor=csr, task=task, call=happy)


def test_an_unhappy_answer_needs_what_the_customer_said(cast, advisor):
    task = _delivered_follow_up(cast, advisor)
    csr = cast.staff_a[Role.CSR]
    unhappy = FollowUpCall(reached=True, quality_score=2, attitude_score=4, price_score=3)
    with pytest.raises(InvalidInput) as refused:
        follow_ups.follow_up_call(actor=csr, task=task, call=unhappy)
    assert set(refused.value.fields) == {"remarks"}
    unhappy.remarks = "刹车还是有异响"
    follow_ups.follow_up_call(actor=csr, task=task, call=unhappy)
    task.refresh_from_db()
    assert (task.status, task.unhappy, task.result) == ("done", True, "刹车还是有异响")


def test_three_calls_without_answer_close_the_task_as_unreachable(cast, advisor):
    task = _delivered_follow_up(cast, advisor)
    csr = cast.staff_a[Role.CSR]
    first_due = task.due_on
    tomorrow = timezone.localdate() + timedelta(days=1)
    for attempt in (1, 2):
        follow_ups.follow_up_call(actor=csr, task=task, call=FollowUpCall(reached=False))
        task.refresh_from_db()
        assert (task.status, task.attempts) == ("open", attempt)
        assert task.due_on == max(first_due, tomorrow)
    follow_ups.follow_up_call(actor=csr, task=task, call=FollowUpCall(reached=False))
    task.refresh_from_db()
    assert (task.status, task.attempts, task.done_by) == ("unreachable", 3, csr)
    calls = AuditEntry.objects.filter(action="follow_up.call", object_id=task.pk)
    assert calls.count() == 3 and {e.customer_id for e in calls} == {task.customer_id}


def test_a_follow_up_taken_by_hand(cast, advisor):
    csr = cast.staff_a[Role.CSR]
    order = order_in(cast, S.DELIVERED)
    customer = order.customer
    data = FollowUpInput(customer_id=customer.pk, reason="询问新能源车充电桩安装情况")
    task = follow_ups.follow_up_create(actor=csr, data=data)
    assert (task.kind, task.due_on, task.channel) == (
        "manual",
        timezone.localdate(),
        customer.preferred_channel,
    )
    stranger = order_in(cast, S.DELIVERED, dealer="b").customer
    bad = FollowUpInput(
        customer_id=stranger.pk,
        reason="",
        due_on=timezone.localdate() - timedelta(days=1),
        vehicle_id=order.vehicle_id + 999,
        channel="fax",
    )
    with pytest.raises(InvalidInput) as refused:
        follow_ups.follow_up_create(actor=csr, data=bad)
    assert set(refused.value.fields) == {"customer_id", "vehicle_id", "reason", "due_on", "channel"}
    assert FollowUpTask.objects.count() == 1


def test_overdue_follow_ups_tell_the_csr_inbox_once(cast):
    from dealercare.service.jobs.workshop import follow_ups_overdue_notify

    order = order_in(cast, S.DELIVERED)
    task = FollowUpTask.objects.create(
        dealer=cast.dealer_a,
        order=order,
        customer=order.customer,
        due_on=timezone.localdate() - timedelta(days=1),
        channel="sms",
    )
    FollowUpTask.objects.create(
        dealer=cast.dealer_a, customer=order.customer, due_on=timezone.localdate(), channel="sms"
    )
    assert follow_ups_overdue_notify() == 1
    assert follow_ups_overdue_notify() == 0
    inbox = OutboxMessage.objects.filter(channel="inbox")
    assert list(inbox.values_list("recipient_id", flat=True)) == [cast.staff_a[Role.CSR].pk]
    assert order.number in inbox.get().subject and inbox.get().link.endswith(f"/{task.pk}/")
