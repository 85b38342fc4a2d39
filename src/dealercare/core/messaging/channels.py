"""The channels a message goes out on, behind one interface.

A channel's ``send`` delivers one message and returns the provider's id for it, or raises
:class:`SendError`. E-mail goes over SMTP through Django's mail backend; SMS and WeChat go
through a provider adapter named in ``settings.OUTBOX_PROVIDERS`` (the default writes the
send to :class:`ProviderLog`, so a real gateway is a setting); the staff inbox is the
message itself, read in the app.
"""

import hashlib
import smtplib
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from dealercare.core.messaging.models import MessageChannel, MessageStatus, ProviderLog


class SendError(Exception):
    """The channel could not send. ``permanent`` errors are not tried again."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class Channel:
    # True when sending is a write to this database: the dispatcher then commits a whole
    # batch's sends together with their new status, so a crash can neither lose nor
    # repeat one. Sends to the outside world are marked one by one, right after each.
    writes_here = False
    # The status a successful send reaches.
    reaches = MessageStatus.SENT

    @contextmanager
    def session(self):
        """Around a batch of sends (e.g. one SMTP connection for all of them)."""
        yield self

    def send(self, message) -> str:
        raise NotImplementedError

    def send_many(self, messages) -> list[str | SendError]:
        """Each message's provider id, or the error that stopped it."""
        results = []
        for message in messages:
            try:
                results.append(self.send(message))
            except SendError as exc:
                results.append(exc)
        return results


def message_id(idempotency_key: str) -> str:
    """The e-mail Message-ID of a message: the same for every attempt, so a receiver can
    tell a message sent again (after a dispatcher died mid-send) from a new one."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "dealercare"
    return f"<{digest}@{domain}>"


class EmailChannel(Channel):
    def __init__(self):
        self.connection = None

    @contextmanager
    def session(self):
        self.connection = get_connection()
        try:
            yield self
        finally:
            self.connection.close()
            self.connection = None

    def send(self, message) -> str:
        mid = message_id(message.idempotency_key)
        email = EmailMessage(
            message.subject, message.body, to=[message.address], headers={"Message-ID": mid}
        )
        try:
            # Opened here (a no-op while open), the connection outlives each send: Django's
            # backend closes only a connection that send_messages opened itself.
            self.connection.open()
            sent = self.connection.send_messages([email])
        except smtplib.SMTPResponseException as exc:
            self.connection.close()  # the next send opens a fresh connection
            raise SendError(f"SMTP {exc.smtp_code}", permanent=exc.smtp_code >= 500) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            self.connection.close()
            raise SendError("SMTP recipient refused", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.connection.close()
            raise SendError(f"SMTP {type(exc).__name__}") from exc
        if not sent:
            raise SendError("SMTP: nothing sent", permanent=True)
        return mid


class ProviderChannel(Channel):
    """SMS or WeChat through the provider adapter the settings name for the channel.

    An adapter has ``writes_here`` and ``send_many(messages)``, which answers each
    message's provider id or a :class:`SendError` (gateways take batches)."""

    def __init__(self, channel: str):
        self.provider = import_string(settings.OUTBOX_PROVIDERS[channel])()
        self.writes_here = self.provider.writes_here

    def send_many(self, messages) -> list[str | SendError]:
        return self.provider.send_many(messages)


class LogProvider:
    """The default SMS/WeChat adapter: it records the sends and sends nothing."""

    writes_here = True

    def send_many(self, messages) -> list[str]:
        entries = ProviderLog.objects.bulk_create(
            ProviderLog(message_id=message.pk, channel=message.channel) for message in messages
        )
        return [f"log-{entry.pk}" for entry in entries]


class InboxChannel(Channel):
    """A staff inbox message is delivered once it is dispatched: the inbox page reads it."""

    writes_here = True
    reaches = MessageStatus.DELIVERED

    def send_many(self, messages) -> list[str]:
        return [""] * len(messages)


def channel_for(name: str) -> Channel:
    if name == MessageChannel.EMAIL:
        return EmailChannel()
    if name == MessageChannel.INBOX:
        return InboxChannel()
    return ProviderChannel(name)
