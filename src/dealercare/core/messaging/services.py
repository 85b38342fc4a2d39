"""Writing to the outbox, and what staff do with its messages.

``message_queue`` is the one way any app sends anything: call it inside the business
action's transaction; the message goes out after the commit (or not at all if the action
rolls back).
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.errors import InvalidInput, InvalidTransition, NotFound
from dealercare.core.messaging.dispatch import outbox_kick
from dealercare.core.messaging.models import (
    MessageChannel,
    MessageStatus,
    OutboxEvent,
    OutboxMessage,
    RecipientKind,
    StopReason,
)
from dealercare.core.messaging.recipients import Recipient, recipient_directory
from dealercare.core.messaging.selectors import outbox_get
from dealercare.core.models import Dealer
from dealercare.core.roles import Action, require

S = MessageStatus


def _after_commit(message_ids: list[int]) -> None:
    transaction.on_commit(lambda: outbox_kick(message_ids))


def message_queue(
    *,
    dealer: Dealer,
    recipient: Recipient,
    channel: str,
    body: str,
    idempotency_key: str,
    subject: str = "",
    topic: str = "",
    link: str = "",
    actor=None,
    not_before: datetime | None = None,
) -> OutboxMessage:
    """Queue one message in the caller's transaction and return it.

    ``idempotency_key`` names the message for good (e.g. ``care:birthday:<customer>:2026``):
    queueing the same key again returns the message already there. Without an address
    on the channel or the recipient's consent for it, the message is kept as
    ``cancelled`` with the reason, so staff can see why nothing went out.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("messages are queued inside the business transaction")
    if channel not in MessageChannel.values or recipient.kind not in RecipientKind.values:
        raise InvalidInput(fields={"channel": [f"{recipient.kind}/{channel}"]})
    if link and not link.startswith("/"):
        raise InvalidInput(fields={"link": ["a path on this site, starting with /"]})
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    directory = recipient_directory(recipient.kind)
    contact = directory.contact(dealer_id=dealer.pk, recipient_id=recipient.id, channel=channel)
    if contact is None:
        raise NotFound()
    stop = ""
    if not contact.address:
        stop = StopReason.NO_ADDRESS
    elif recipient.id not in directory.consenting(channel=channel, recipient_ids=[recipient.id]):
        stop = StopReason.NO_CONSENT
    message = OutboxMessage(
        dealer=dealer,
        recipient_kind=recipient.kind,
        recipient_id=recipient.id,
        customer_id=contact.customer_id,
        channel=channel,
        address=contact.address,
        topic=topic,
        subject=subject,
        body=body,
        link=link,
        status=S.CANCELLED if stop else S.QUEUED,
        last_error=stop,
        next_try_at=not_before or timezone.now(),
        idempotency_key=idempotency_key,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # The same key queued by a concurrent transaction that committed first.
        return OutboxMessage.objects.get(idempotency_key=idempotency_key)
    if not stop:
        _after_commit([message.pk])
    return message


def _audit(actor, message: OutboxMessage, action: str, before: str) -> None:
    event = AuditEvent(
        action=action,
        object_type="outbox_message",
        object_id=message.pk,
        label=f"{message.get_channel_display()} #{message.pk}",
        customer_id=message.customer_id,
        changes={"status": [before, message.status]},
    )
    audit_record(actor=actor, dealer=message.dealer, event=event)


def _move(actor, message_id: int, *, allowed: set[str], **values) -> tuple[OutboxMessage, str]:
    require(actor, Action.OUTBOX_MANAGE)
    message = outbox_get(actor=actor, message_id=message_id)
    moved = OutboxMessage.objects.filter(pk=message.pk, status__in=allowed).update(
        **values, updated_at=timezone.now()
    )
    if not moved:
        raise InvalidTransition()
    before = message.status
    message.refresh_from_db()
    return message, before


@transaction.atomic
def outbox_retry(*, actor, message_id: int) -> OutboxMessage:
    """Send a failed message again, from a fresh count of attempts."""
    message, before = _move(
        actor,
        message_id,
        allowed={S.FAILED},
        status=S.QUEUED,
        attempts=0,
        next_try_at=timezone.now(),
        last_error="",
    )
    _audit(actor, message, OutboxEvent.RETRY, before)
    _after_commit([message.pk])
    return message


@transaction.atomic
def outbox_cancel(*, actor, message_id: int) -> OutboxMessage:
    """Stop a message that has not gone out (queued, or failed)."""
    message, before = _move(
        actor,
        message_id,
        allowed={S.QUEUED, S.FAILED},
        status=S.CANCELLED,
        last_error=StopReason.BY_STAFF,
    )
    _audit(actor, message, OutboxEvent.CANCEL, before)
    return message


def inbox_mark_read(*, actor, message_ids: list[int] | None = None) -> int:
    """Mark the actor's own inbox messages read (all of them without ``message_ids``)."""
    unread = OutboxMessage.objects.filter(
        channel=MessageChannel.INBOX,
        recipient_kind=RecipientKind.STAFF,
        recipient_id=actor.pk,
        read_at=None,
    )
    if message_ids is not None:
        unread = unread.filter(pk__in=message_ids)
    return unread.update(read_at=timezone.now())


def outbox_forget_customer(*, customer_ids: list[int]) -> int:
    """Erasure: the messages to or about these customers lose their address and text, and
    those not yet sent are cancelled."""
    messages = OutboxMessage.objects.filter(customer_id__in=customer_ids)
    unsent = messages.filter(status__in=[S.QUEUED, S.FAILED])
    unsent.update(status=S.CANCELLED, last_error=StopReason.CONSENT_WITHDRAWN)
    return messages.update(address="", subject="", body="", updated_at=timezone.now())
