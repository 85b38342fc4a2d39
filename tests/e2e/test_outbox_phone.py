"""The outbox and the inbox on a 390 px phone: nothing wider than the screen."""

import pytest
from django.db import transaction

from dealercare.core.messaging.dispatch import outbox_dispatch
from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.roles import Role
from dealercare.customers.services import consent_record
from tests.factories import new_customer

pytestmark = pytest.mark.e2e


@pytest.fixture
def messages(cast):
    csr = cast.staff_a[Role.CSR]
    customer = new_customer(cast.staff_a[Role.ADVISOR], email="wangfang@example.com")
    consent_record(actor=csr, customer=customer, channel="sms", granted=True, source="paper")
    with transaction.atomic():
        for n, recipient in enumerate([Recipient.customer(customer), Recipient.staff(csr)] * 3):
            message_queue(
                dealer=cast.dealer_a,
                recipient=recipient,
                channel="sms" if recipient.kind == "customer" else "inbox",
                subject="保养提醒：您的爱车即将到期保养",
                body="尊敬的客户您好，您的爱车将于下月到期保养，欢迎提前预约。" * 3,
                idempotency_key=f"phone-{n}",
            )
    outbox_dispatch(max_batches=1, batch_size=4)
    OutboxMessage.objects.filter(status="queued").update(
        status="failed", last_error="SMTP 451 4.7.1 temporarily deferred by the receiving host"
    )


def test_outbox_and_inbox_fit_a_phone(page, live_server, log_in, messages, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "csr@sh01")
    for path in ("/outbox/", "/inbox/"):
        page.goto(f"{live_server.url}{path}")
        name = path.strip("/")
        page.screenshot(path=artifacts / f"{name}-390.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto(f"{live_server.url}/outbox/")
    page.get_by_role("button", name="再次发送").first.click()
    assert page.get_by_text("该消息已排队等待再次发送。").is_visible()
