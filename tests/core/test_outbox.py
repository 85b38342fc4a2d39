"""The outbox: written with the business action, sent once, retried, stopped by consent."""

import socket
import threading
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from dealercare.core.messaging.channels import SendError, message_id
from dealercare.core.messaging.dispatch import _claim, outbox_dispatch
from dealercare.core.messaging.models import (
    MessageChannel,
    MessageStatus,
    OutboxMessage,
    ProviderLog,
    StopReason,
)
from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.models import User
from dealercare.core.roles import Role
from dealercare.customers.services import consent_record
from tests.factories import new_customer

S = MessageStatus


@pytest.fixture
def advisor(cast):
    return cast.staff_a[Role.ADVISOR]


@pytest.fixture
def customer(advisor):
    customer = new_customer(advisor, name="王芳", phone="13812345678", email="wangfang@example.com")
    for channel in ("sms", "email", "wechat"):
        consent_record(
            actor=advisor, customer=customer, channel=channel, granted=True, source="paper"
        )
    return customer


def queue(customer, channel="sms", key="k1", **kwargs):
    with transaction.atomic():
        return message_queue(
            dealer=customer.dealer,
            recipient=Recipient.customer(customer),
            channel=channel,
            subject="保养提醒",
            body=f"{customer.name}您好，您的爱车该保养了。",
            idempotency_key=key,
            **kwargs,
        )


def test_a_message_is_written_in_the_business_transaction(customer):
    class ActionFailed(Exception):
        pass

    with pytest.raises(ActionFailed), transaction.atomic():
        queue(customer, key="rolled-back")
        raise ActionFailed
    assert not OutboxMessage.objects.filter(idempotency_key="rolled-back").exists()

    message = queue(customer, key="kept")
    assert message.status == S.QUEUED and message.address == "13812345678"


@pytest.mark.django_db(transaction=True)
def test_queueing_outside_a_transaction_is_refused(customer):
    with pytest.raises(RuntimeError):
        message_queue(
            dealer=customer.dealer,
            recipient=Recipient.customer(customer),
            channel="sms",
            body="x",
            idempotency_key="no-transaction",
        )


def test_personal_values_are_encrypted_at_rest(customer):
    message = queue(customer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT address, body FROM core_outboxmessage WHERE id = %s", [message.pk])
        address, body = cursor.fetchone()
    assert "13812345678" not in address and "王芳" not in body


def test_the_same_idempotency_key_gives_back_the_same_message(customer):
    first = queue(customer, key="care:birthday:1:2026")
    again = queue(customer, key="care:birthday:1:2026", channel="email")
    assert again.pk == first.pk and again.channel == "sms"
    assert OutboxMessage.objects.filter(idempotency_key="care:birthday:1:2026").count() == 1


def test_without_consent_or_address_nothing_is_queued(advisor, customer):
    consent_record(actor=advisor, customer=customer, channel="sms", granted=False, source="phone")
    refused = queue(customer, key="no-consent")
    assert (refused.status, refused.last_error) == (S.CANCELLED, StopReason.NO_CONSENT)

    no_email = new_customer(advisor, name="无邮箱", phone="13900001111")
    consent_record(actor=advisor, customer=no_email, channel="email", granted=True, source="paper")
    unreachable = queue(no_email, channel="email", key="no-address")
    assert (unreachable.status, unreachable.last_error) == (S.CANCELLED, StopReason.NO_ADDRESS)

    assert outbox_dispatch().sent == 0
    assert not ProviderLog.objects.exists()


def test_another_dealers_recipient_is_not_found(cast, customer):
    from dealercare.core.errors import NotFound

    with pytest.raises(NotFound), transaction.atomic():
        message_queue(
            dealer=cast.dealer_b,
            recipient=Recipient.customer(customer),
            channel="sms",
            body="x",
            idempotency_key="other-dealer",
        )


def test_the_log_adapter_records_each_send_once(customer):
    sms = queue(customer, key="sms-1")
    wechat = queue(customer, channel="wechat", key="wechat-1")
    report = outbox_dispatch()
    assert report.sent == 2
    assert outbox_dispatch().sent == 0  # nothing is sent twice
    for message in (sms, wechat):
        message.refresh_from_db()
        log = ProviderLog.objects.get(message=message)
        assert (message.status, message.provider_id) == (S.SENT, f"log-{log.pk}")
        assert log.channel == message.channel and message.attempts == 1


def test_the_after_commit_kick_sends_at_once(
    customer, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_KICK = "inline"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(customer, key="kicked")
        assert message.status == S.QUEUED  # not before the commit
    message.refresh_from_db()
    assert message.status == S.SENT


def test_a_claim_takes_each_message_once(customer):
    for n in range(5):
        queue(customer, key=f"claim-{n}")
    first_token, first = _claim(3)
    second_token, second = _claim(3)
    assert len(first) == 3 and len(second) == 2 and first_token != second_token
    assert not {m.pk for m in first} & {m.pk for m in second}
    assert _claim(3)[1] == []
    assert OutboxMessage.objects.filter(status=S.SENDING).count() == 5


def test_a_message_not_yet_due_waits(customer):
    queue(customer, key="later", not_before=timezone.now() + timedelta(hours=1))
    assert outbox_dispatch().sent == 0


class FlakyProvider:
    writes_here = False
    failures = 0

    def send_many(self, messages):
        FlakyProvider.failures += len(messages)
        return [SendError("gateway busy") for _message in messages]


def test_failures_back_off_then_stop_as_failed(customer, settings, time_machine):
    settings.OUTBOX_PROVIDERS = {"sms": "tests.core.test_outbox.FlakyProvider"}
    settings.OUTBOX_MAX_ATTEMPTS = 3
    time_machine.move_to(timezone.now(), tick=False)
    message = queue(customer, key="flaky")
    outbox_dispatch()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (S.QUEUED, 1, "gateway busy")
    assert message.next_try_at == timezone.now() + timedelta(seconds=60)

    assert outbox_dispatch().retried == 0  # not due yet
    time_machine.shift(timedelta(seconds=60))
    outbox_dispatch()
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_try_at == timezone.now() + timedelta(seconds=120)  # doubled

    time_machine.shift(timedelta(seconds=120))
    assert outbox_dispatch().failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (S.FAILED, 3)
    time_machine.shift(timedelta(days=1))
    outbox_dispatch()
    assert FlakyProvider.failures == 3


def test_consent_withdrawn_while_queued_stops_the_message(advisor, customer):
    message = queue(customer, key="withdrawn")
    consent_record(actor=advisor, customer=customer, channel="sms", granted=False, source="phone")
    report = outbox_dispatch()
    message.refresh_from_db()
    assert (report.sent, report.cancelled) == (0, 1)
    assert (message.status, message.last_error) == (S.CANCELLED, StopReason.CONSENT_WITHDRAWN)
    assert not ProviderLog.objects.exists()


def test_a_claim_whose_dispatcher_died_is_queued_again(customer, time_machine, settings):
    time_machine.move_to(timezone.now(), tick=False)
    message = queue(customer, key="orphan")
    _claim(10)  # the dispatcher dies before sending
    assert outbox_dispatch().sent == 0  # its lease still runs
    time_machine.shift(timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))
    report = outbox_dispatch()
    message.refresh_from_db()
    assert (report.requeued, report.sent) == (1, 1)
    assert (message.status, message.attempts) == (S.SENT, 2)
    assert ProviderLog.objects.filter(message=message).count() == 1


def test_a_lost_claim_is_not_overwritten(customer, time_machine, settings):
    """A dispatcher that outlived its lease cannot mark what another one took back."""
    from dealercare.core.messaging.dispatch import DispatchReport, _send_batch

    time_machine.move_to(timezone.now(), tick=False)
    queue(customer, key="slow")
    token, [slow] = _claim(10)
    time_machine.shift(timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))
    assert outbox_dispatch().sent == 1  # the message taken back and sent
    report = DispatchReport()
    _send_batch(token, [slow], report, deadline=float("inf"))  # the slow one finishes late
    assert (report.lost_claims, report.sent) == (1, 0)
    assert OutboxMessage.objects.get(pk=slow.pk).attempts == 2


def test_staff_inbox_messages_are_delivered(cast):
    manager = cast.staff_a[Role.MANAGER]
    with transaction.atomic():
        message = message_queue(
            dealer=cast.dealer_a,
            recipient=Recipient.staff(manager),
            channel=MessageChannel.INBOX,
            topic="task",
            subject="回访客户",
            body="请今天回访张先生",
            idempotency_key="task-1",
        )
    outbox_dispatch()
    message.refresh_from_db()
    assert message.status == S.DELIVERED and message.read_at is None


def test_a_deactivated_staff_member_gets_nothing(cast):
    manager = cast.staff_a[Role.MANAGER]
    User.objects.filter(pk=manager.pk).update(is_active=False)
    with transaction.atomic():
        message = message_queue(
            dealer=cast.dealer_a,
            recipient=Recipient.staff(manager),
            channel=MessageChannel.INBOX,
            body="x",
            idempotency_key="inactive",
        )
    assert message.status == S.CANCELLED


def test_erasure_removes_the_messages_text(advisor, customer, cast):
    from dealercare.customers.services.privacy import customer_erase

    sent = queue(customer, key="before-erasure")
    outbox_dispatch()
    waiting = queue(customer, channel="email", key="waiting")
    customer_erase(actor=cast.staff_a[Role.MANAGER], customer=customer, confirm_name=customer.name)
    for message in (sent, waiting):
        message.refresh_from_db()
        assert (message.address, message.subject, message.body) == ("", "", "")
    assert sent.status == S.SENT and waiting.status == S.CANCELLED


# --- Real SMTP ---------------------------------------------------------------------------


class SmtpSink:
    """An SMTP server's handler that keeps what it receives; refuses one address."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield sink
    controller.stop()


def test_email_goes_over_real_smtp_with_a_stable_message_id(customer, smtp_sink):
    message = queue(customer, channel="email", key="mail-1")
    assert outbox_dispatch().sent == 1
    [received] = smtp_sink.received
    assert received["To"] == "wangfang@example.com"
    assert received["Message-ID"] == message_id("mail-1")
    assert received.get_payload(decode=True).decode().strip() == "王芳您好，您的爱车该保养了。"
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (S.SENT, message_id("mail-1"))


def test_a_refused_recipient_fails_at_once(advisor, smtp_sink):
    nobody = new_customer(advisor, name="查无此人", phone="13900002222", email="nobody@example.com")
    consent_record(actor=advisor, customer=nobody, channel="email", granted=True, source="paper")
    message = queue(nobody, channel="email", key="refused")
    assert outbox_dispatch().failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (S.FAILED, 1)
    assert message.last_error.startswith("SMTP")


def test_an_unreachable_smtp_server_is_tried_again(customer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = queue(customer, channel="email", key="no-server")
    assert outbox_dispatch().retried == 1
    message.refresh_from_db()
    assert message.status == S.QUEUED and message.next_try_at > timezone.now()


# --- Two dispatchers at once (PostgreSQL: real concurrent transactions) --------------------


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_never_send_one_message_twice(cast):
    manager = cast.staff_a[Role.MANAGER]
    manager.email = "manager@example.com"
    manager.save()
    with transaction.atomic():
        for n in range(300):
            message_queue(
                dealer=cast.dealer_a,
                recipient=Recipient.staff(manager),
                channel=MessageChannel.EMAIL if n % 2 else MessageChannel.INBOX,
                body=f"#{n}",
                idempotency_key=f"race-{n}",
            )
    reports = []

    def dispatcher():
        try:
            reports.append(outbox_dispatch(batch_size=7))
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports) == 300
    assert all(r.sent > 0 for r in reports)  # both took part
    assert not any(r.lost_claims for r in reports)
    assert OutboxMessage.objects.filter(attempts=1).count() == 300
    sent_ids = [email.extra_headers["Message-ID"] for email in mail.outbox]
    assert len(sent_ids) == len(set(sent_ids)) == 150
