"""Reads of the outbox (for the outbox page) and of a staff member's inbox."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.messaging.models import MessageChannel, OutboxMessage, RecipientKind
from dealercare.core.roles import Action, require


@dataclass(frozen=True)
class OutboxFilters:
    status: str = ""
    channel: str = ""
    day: date | None = None


def outbox_list(*, actor, filters: OutboxFilters = OutboxFilters()) -> QuerySet:
    """The dealer's messages, newest first; ``day`` is a day in the dealer's time zone."""
    require(actor, Action.OUTBOX_VIEW)
    messages = scope_to_dealer(actor, OutboxMessage.objects.all())
    if filters.status:
        messages = messages.filter(status=filters.status)
    if filters.channel:
        messages = messages.filter(channel=filters.channel)
    if filters.day:
        messages = messages.filter(created_at__date=filters.day)
    return messages.order_by("-created_at", "-id")


@dataclass(frozen=True)
class CustomerMessageFilters:
    customer_id: int | None = None
    status: str = ""
    channel: str = ""
    topic: str = ""  # a topic, or a prefix of one ending in "." (care.)


def customer_message_list(*, actor, filters: CustomerMessageFilters) -> QuerySet:
    """The dealer's messages to customers and their related persons (no staff inbox),
    newest first."""
    messages = outbox_list(
        actor=actor, filters=OutboxFilters(status=filters.status, channel=filters.channel)
    )
    messages = messages.filter(recipient_kind__in=[RecipientKind.CUSTOMER, RecipientKind.RELATED])
    if filters.customer_id is not None:
        messages = messages.filter(customer_id=filters.customer_id)
    if filters.topic.endswith("."):
        messages = messages.filter(topic__startswith=filters.topic)
    elif filters.topic:
        messages = messages.filter(topic=filters.topic)
    return messages


def outbox_get(*, actor, message_id) -> OutboxMessage:
    return get_for(actor, OutboxMessage.objects.all(), message_id, action=Action.OUTBOX_VIEW)


def _inbox(user) -> QuerySet:
    return OutboxMessage.objects.filter(
        channel=MessageChannel.INBOX,
        recipient_kind=RecipientKind.STAFF,
        recipient_id=user.pk,
        sent_at__isnull=False,
    )


def inbox_list(*, actor) -> QuerySet:
    """The staff member's own inbox (tasks, warnings), newest first."""
    return _inbox(actor).order_by("-created_at", "-id")


def inbox_unread_count(*, actor) -> int:
    return _inbox(actor).filter(read_at=None).count()
