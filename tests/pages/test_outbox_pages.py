"""The outbox page (customer service, managers) and the staff inbox page."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from dealercare.core.messaging.dispatch import outbox_dispatch
from dealercare.core.messaging.models import MessageStatus, OutboxMessage
from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.customers.services import consent_record

S = MessageStatus


def send_to(customer, key, channel="sms"):
    with transaction.atomic():
        return message_queue(
            dealer=customer.dealer,
            recipient=Recipient.customer(customer),
            channel=channel,
            subject="保养提醒",
            body="张伟您好，您的爱车该保养了。",
            idempotency_key=key,
        )


@pytest.fixture
def outbox(cast, customer):
    advisor = cast.staff_a[Role.ADVISOR]
    consent_record(actor=advisor, customer=customer, channel="sms", granted=True, source="paper")
    sent = send_to(customer, "sent")
    outbox_dispatch()
    failed = send_to(customer, "failed")
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=S.FAILED, attempts=5, last_error="gateway busy"
    )
    queued = send_to(customer, "queued")
    no_consent = send_to(customer, "no-consent", channel="email")
    return {"sent": sent, "failed": failed, "queued": queued, "no_consent": no_consent}


def test_customer_service_sees_every_message_masked(cast, outbox, client_as):
    page = client_as(cast.staff_a[Role.CSR]).get("/outbox/").content.decode()
    assert "4 条消息" in page and "保养提醒" in page
    assert "138****5678" in page and "13812345678" not in page
    assert "gateway busy" in page and "该渠道未获授权同意" in page
    assert page.count(">再次发送</button>") == 1  # only the failed one
    assert page.count('/cancel/"') == 2  # the failed and the queued one


def test_filters_by_status_channel_and_day(cast, outbox, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    failed = client.get("/outbox/", {"status": "failed"}).content.decode()
    assert "1 条消息" in failed and "gateway busy" in failed
    assert "1 条消息" in client.get("/outbox/", {"channel": "email"}).content.decode()
    today = timezone.localdate()
    assert "4 条消息" in client.get("/outbox/", {"day": today.isoformat()}).content.decode()
    yesterday = (today - timedelta(days=1)).isoformat()
    assert "0 条消息" in client.get("/outbox/", {"day": yesterday}).content.decode()
    partial = client.get("/outbox/", {"status": "bogus"}, headers={"HX-Request": "true"})
    assert "4 条消息" in partial.content.decode() and "<html" not in partial.content.decode()


def test_retry_and_cancel_are_audited(cast, outbox, client_as):
    client = client_as(cast.staff_a[Role.CSR])
    response = client.post(
        f"/outbox/{outbox['failed'].pk}/retry/", {"query": "status=failed&x=<b>"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/outbox/?status=failed&x=%3Cb%3E"
    failed = OutboxMessage.objects.get(pk=outbox["failed"].pk)
    assert (failed.status, failed.attempts, failed.last_error) == (S.QUEUED, 0, "")
    assert client.post(f"/outbox/{outbox['queued'].pk}/cancel/").status_code == 302
    assert OutboxMessage.objects.get(pk=outbox["queued"].pk).status == S.CANCELLED
    actions = list(AuditEntry.objects.order_by("-id").values_list("action", flat=True)[:2])
    assert actions == ["outbox.cancel", "outbox.retry"]
    audit = client_as(cast.staff_a[Role.MANAGER]).get("/audit/").content.decode()
    assert "再次发送了该消息" in audit and "取消了该消息" in audit


def test_a_message_already_sent_cannot_be_cancelled(cast, outbox, client_as):
    client = client_as(cast.staff_a[Role.CSR])
    response = client.post(f"/outbox/{outbox['sent'].pk}/cancel/")
    assert response.status_code == 409
    assert client.post(f"/outbox/{outbox['sent'].pk}/retry/").status_code == 409
    assert OutboxMessage.objects.get(pk=outbox["sent"].pk).status == S.SENT


def test_roles_outsiders_and_methods(cast, outbox, client_as):
    failed = outbox["failed"].pk
    assert Client().get("/outbox/")["Location"].startswith("/login/")
    for role in (Role.ADVISOR, Role.TECHNICIAN, Role.PARTS):
        client = client_as(cast.staff_a[role])
        assert client.get("/outbox/").status_code == 403
        assert client.post(f"/outbox/{failed}/retry/").status_code == 403
    outsider = client_as(cast.staff_b[Role.MANAGER])
    assert outsider.post(f"/outbox/{failed}/retry/").status_code == 404
    assert outsider.post(f"/outbox/{failed}/cancel/").status_code == 404
    assert "0 条消息" in outsider.get("/outbox/").content.decode()
    assert client_as(cast.staff_a[Role.CSR]).get(f"/outbox/{failed}/retry/").status_code == 405
    assert OutboxMessage.objects.get(pk=failed).status == S.FAILED


def test_navigation_shows_the_outbox_to_its_roles_only(cast, client_as):
    assert 'href="/outbox/"' in client_as(cast.staff_a[Role.CSR]).get("/").content.decode()
    assert 'href="/outbox/"' not in client_as(cast.staff_a[Role.ADVISOR]).get("/").content.decode()


def test_outbox_in_english(cast, outbox, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    client.cookies["django_language"] = "en"
    page = client.get("/outbox/").content.decode()
    assert "4 messages" in page and "Send again" in page and "No consent for this channel" in page


def inbox_task(user, key, subject="回访客户"):
    with transaction.atomic():
        message = message_queue(
            dealer=user.dealer,
            recipient=Recipient.staff(user),
            channel="inbox",
            topic="task",
            subject=subject,
            body="请今天回访张伟。",
            link="/customers/",
            idempotency_key=key,
        )
    outbox_dispatch()
    return message


def test_inbox_lists_own_messages_and_marks_them_read(cast, client_as):
    advisor, other = cast.staff_a[Role.ADVISOR], cast.staff_a[Role.SALES]
    first = inbox_task(advisor, "t1")
    inbox_task(advisor, "t2", subject="保险到期提醒")
    inbox_task(other, "t3", subject="别人的任务")
    client = client_as(advisor)
    page = client.get("/inbox/").content.decode()
    assert "回访客户" in page and "保险到期提醒" in page and "别人的任务" not in page
    assert '<span class="badge count">2</span>' in page  # the menu's unread count
    client.post("/inbox/read/", {"message": first.pk})
    assert OutboxMessage.objects.get(pk=first.pk).read_at is not None
    assert '<span class="badge count">1</span>' in client.get("/inbox/").content.decode()
    client.post("/inbox/read/")
    assert not OutboxMessage.objects.filter(channel="inbox", recipient_id=advisor.pk, read_at=None)
    client_as(other).post("/inbox/read/", {"message": first.pk})  # not theirs: nothing happens
    assert client.get("/inbox/read/").status_code == 405
