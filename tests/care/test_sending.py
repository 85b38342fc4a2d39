"""Sending what was planned (R-CARE-5, R-CARE-6, R-SEC-5, R-CUS-1): by consent and
preference, in the customer's part of the day and out of quiet hours, within the weekly
cap, never during a pause, never twice; without consent a phone call instead."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from dealercare.care.models import Reminder, ReminderKind, ReminderRule
from dealercare.care.services.planner import care_plan
from dealercare.care.services.reminders import (
    reminder_edit_text,
    reminder_pause,
    reminder_pause_end,
)
from dealercare.care.services.rules import care_rules_ensure
from dealercare.care.services.sending import care_dispatch, send_time
from dealercare.core.audit import AuditEntry
from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.roles import Role
from dealercare.customers.models import Channel, Customer
from dealercare.customers.services import RelatedPersonInput, related_person_add
from dealercare.customers.services.privacy import customer_erase
from tests.care.factories import car, consenting_customer

K, S = ReminderKind, Reminder.Status
ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2027, 2, 3)
MORNING = datetime(2027, 2, 3, 10, 0, tzinfo=ZONE)


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def no_holiday_greetings(cast):
    """The Spring Festival falls in these tests' week; its greeting is tested elsewhere."""
    for dealer in (cast.dealer_a, cast.dealer_b):
        care_rules_ensure(dealer)
    ReminderRule.objects.filter(kind=K.HOLIDAY).update(active=False)


def plan_and_send(now=MORNING):
    care_plan(timezone.localdate(now))
    return care_dispatch(now=now)


def insured(cast, customer, expiry=date(2027, 2, 20)):
    return car(cast, customer, insurance_expiry=expiry)


def test_the_preferred_consented_channel_goes_first(cast, frozen):
    customer = consenting_customer(
        cast, channels=(Channel.SMS, Channel.WECHAT), preferred_channel=Channel.WECHAT
    )
    insured(cast, customer)
    assert plan_and_send() == 1
    reminder = Reminder.objects.get(kind=K.INSURANCE)
    assert (reminder.status, reminder.channel) == (S.SENT, Channel.WECHAT)
    message = OutboxMessage.objects.get(customer_id=customer.pk)
    assert message.channel == "wechat" and message.status == "queued"
    assert reminder.vehicle.plate in message.body and "2027" in message.body


def test_no_consent_no_message_but_a_phone_call(cast, frozen):
    customer = consenting_customer(cast, channels=())
    insured(cast, customer)
    plan_and_send()
    reminder = Reminder.objects.get(kind=K.INSURANCE)
    assert reminder.status == S.CALL
    assert not OutboxMessage.objects.filter(customer_id=customer.pk).exists()


def test_a_customer_who_wants_a_call_gets_a_call(cast, frozen):
    customer = consenting_customer(cast, preferred_channel=Channel.PHONE)
    insured(cast, customer)
    plan_and_send()
    assert Reminder.objects.get(kind=K.INSURANCE).status == S.CALL


def test_related_persons_named_for_reminders_get_the_cars_reminders(cast, frozen):
    customer = consenting_customer(cast)
    advisor = cast.staff_a[Role.ADVISOR]
    person = related_person_add(
        actor=advisor,
        customer=customer,
        data=RelatedPersonInput(
            name="李强", relation="family", phone="13900001111", receives_reminders=True
        ),
    )
    insured(cast, customer)
    plan_and_send()
    to_person = OutboxMessage.objects.get(recipient_kind="related", recipient_id=person.pk)
    assert to_person.channel == "sms" and to_person.status == "queued"


def test_nothing_goes_twice(cast, frozen):
    customer = consenting_customer(cast)
    insured(cast, customer)
    plan_and_send()
    assert plan_and_send() == 0
    Reminder.objects.update(status=S.PLANNED)  # as if a crash lost the status change
    plan_and_send()
    assert OutboxMessage.objects.filter(customer_id=customer.pk).count() == 1


def test_a_paused_customer_gets_nothing_until_the_pause_ends(cast, frozen):
    customer = consenting_customer(cast)
    insured(cast, customer)
    agent = cast.staff_a[Role.CSR]
    pause = reminder_pause(
        actor=agent, customer_id=customer.pk, until=TODAY + timedelta(days=2), reason="客户出差"
    )
    assert plan_and_send() == 0
    frozen.move_to(MORNING + timedelta(days=2))
    assert plan_and_send(MORNING + timedelta(days=2)) == 0
    frozen.move_to(MORNING + timedelta(days=3))
    assert plan_and_send(MORNING + timedelta(days=3)) == 1
    assert Reminder.objects.get(kind=K.INSURANCE).status == S.SENT
    entry = AuditEntry.objects.get(object_type="care_pause", object_id=pause.pk)
    assert entry.actor == agent and entry.customer_id == customer.pk


def test_a_pause_of_one_kind_holds_only_that_kind(cast, frozen):
    customer = consenting_customer(cast)
    car(cast, customer, insurance_expiry=date(2027, 2, 20), inspection_due=date(2027, 2, 21))
    agent = cast.staff_a[Role.CSR]
    pause = reminder_pause(
        actor=agent,
        customer_id=customer.pk,
        kind=K.INSURANCE,
        until=date(2027, 3, 1),
        reason="已续保",
    )
    plan_and_send()
    statuses = dict(Reminder.objects.values_list("kind", "status"))
    assert statuses == {K.INSURANCE: S.PLANNED, K.INSPECTION: S.SENT}
    reminder_pause_end(actor=agent, pause_id=pause.pk)
    care_dispatch(now=MORNING)
    assert Reminder.objects.get(kind=K.INSURANCE).status == S.SENT


def test_the_weekly_cap_on_marketing_holds(cast, frozen):
    customer = consenting_customer(cast, birthday=date(1980, 2, 10))
    care_plan(TODAY)
    ReminderRule.objects.filter(dealer=customer.dealer).update(weekly_cap=1)
    ReminderRule.objects.create(
        dealer=customer.dealer,
        kind=K.CAMPAIGN,
        name="春季保养节",
        lead_days=0,
        channels=["sms"],
        template_zh="{name}您好，春季保养节开始了。",
        campaign_date=TODAY,
        weekly_cap=1,
    )
    # The birthday greeting (10 February, sent today) and today's campaign: one goes.
    plan_and_send()
    sent = Reminder.objects.filter(customer=customer, status=S.SENT)
    capped = Reminder.objects.get(customer=customer, status=S.SKIPPED)
    assert sent.count() == 1 and capped.skip_reason == Reminder.SkipReason.WEEKLY_CAP
    # Service reminders are not marketing and are not capped.
    insured(cast, customer)
    plan_and_send()
    assert Reminder.objects.get(kind=K.INSURANCE).status == S.SENT


def test_a_greeting_whose_day_passed_is_not_sent_late(cast, frozen):
    customer = consenting_customer(cast, birthday=date(1980, 2, 5))
    care_plan(TODAY)
    later = MORNING + timedelta(days=5)
    care_dispatch(now=later)
    greeting = Reminder.objects.get(kind=K.BIRTHDAY, customer=customer)
    assert (greeting.status, greeting.skip_reason) == (S.SKIPPED, Reminder.SkipReason.EXPIRED)


def test_quiet_hours_and_the_customers_part_of_the_day_hold():
    quiet = {"quiet_start": time(21, 0), "quiet_end": time(8, 0)}
    late = datetime(2027, 2, 3, 22, 30, tzinfo=ZONE)
    assert send_time(late, contact_time="any", **quiet) == datetime(2027, 2, 4, 9, 0, tzinfo=ZONE)
    assert send_time(MORNING, contact_time="evening", **quiet) == datetime(
        2027, 2, 3, 18, 0, tzinfo=ZONE
    )
    # An evening window cut short by quiet hours from 19:30.
    early_quiet = {"quiet_start": time(19, 30), "quiet_end": time(8, 0)}
    at_eight = datetime(2027, 2, 3, 19, 45, tzinfo=ZONE)
    assert send_time(at_eight, contact_time="evening", **early_quiet) == datetime(
        2027, 2, 4, 18, 0, tzinfo=ZONE
    )


def test_the_message_waits_for_the_customers_evening(cast, frozen):
    customer = consenting_customer(cast, preferred_time=Customer.ContactTime.EVENING)
    insured(cast, customer)
    plan_and_send()
    message = OutboxMessage.objects.get(customer_id=customer.pk)
    assert timezone.localtime(message.next_try_at).time() == time(18, 0)


def test_every_send_is_on_the_customers_timeline(cast, frozen):
    customer = consenting_customer(cast)
    insured(cast, customer)
    plan_and_send()
    reminder = Reminder.objects.get(kind=K.INSURANCE)
    entry = AuditEntry.objects.get(object_type="care_reminder", object_id=reminder.pk)
    assert entry.customer_id == customer.pk and entry.action == "care_reminder.send"


def test_an_erased_customer_gets_nothing_more_and_staff_words_are_blanked(cast, frozen):
    customer = consenting_customer(cast)
    insured(cast, customer, expiry=date(2027, 3, 5))
    care_plan(TODAY)
    reminder = Reminder.objects.get(kind=K.INSURANCE)
    agent = cast.staff_a[Role.CSR]
    reminder_edit_text(
        actor=agent,
        reminder_id=reminder.pk,
        text="{name}您好，王先生说下月再联系。",
        reason="客户要求",
        version=reminder.version,
    )
    manager = cast.staff_a[Role.MANAGER]
    customer_erase(actor=manager, customer=customer, confirm_name=customer.name)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.text) == (S.SKIPPED, "")
    assert care_dispatch(now=MORNING + timedelta(days=10)) == 0
