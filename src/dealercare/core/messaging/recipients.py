"""Who a message can go to: each kind of recipient has a directory that knows the
recipient's address on a channel and whether their consent for it holds.

``core`` knows staff members only. An app that owns recipients registers a directory for
them from its ``AppConfig.ready()`` (the customers app registers customers and related
persons), so that ``core`` never imports an app.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from dealercare.core.messaging.models import MessageChannel, RecipientKind
from dealercare.core.models import User


@dataclass(frozen=True)
class Recipient:
    kind: str
    id: int

    @classmethod
    def customer(cls, customer) -> "Recipient":
        return cls(RecipientKind.CUSTOMER, customer.pk)

    @classmethod
    def related(cls, person) -> "Recipient":
        return cls(RecipientKind.RELATED, person.pk)

    @classmethod
    def staff(cls, user) -> "Recipient":
        return cls(RecipientKind.STAFF, user.pk)


@dataclass(frozen=True)
class Contact:
    """Where a recipient is reached on a channel ("" when they cannot be), and the
    customer the recipient belongs to, if any."""

    address: str
    customer_id: int | None = None


class RecipientDirectory(Protocol):
    def contact(self, *, dealer_id: int, recipient_id: int, channel: str) -> Contact | None:
        """The recipient's contact on ``channel``; None when the dealer has no such
        recipient."""

    def consenting(self, *, channel: str, recipient_ids: Collection[int]) -> set[int]:
        """Those of ``recipient_ids`` whose consent for ``channel`` holds now (one query
        for the whole batch: the dispatcher asks again before every send)."""


_directories: dict[str, RecipientDirectory] = {}


def recipient_directory_register(kind: str, directory: RecipientDirectory) -> None:
    _directories[kind] = directory


def recipient_directory(kind: str) -> RecipientDirectory:
    try:
        return _directories[kind]
    except KeyError:
        raise LookupError(f"no recipient directory registered for {kind!r}") from None


class StaffDirectory:
    """Staff need no consent for their own work messages; a deactivated account gets none."""

    def contact(self, *, dealer_id, recipient_id, channel):
        user = User.objects.filter(pk=recipient_id, dealer_id=dealer_id).first()
        if user is None:
            return None
        addresses = {MessageChannel.EMAIL: user.email, MessageChannel.INBOX: user.username}
        return Contact(addresses.get(channel, ""))

    def consenting(self, *, channel, recipient_ids):
        active = User.objects.filter(pk__in=recipient_ids, is_active=True)
        return set(active.values_list("pk", flat=True))
