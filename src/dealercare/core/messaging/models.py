"""The outbox: every message the system sends, one row each (R-CARE-6).

A row is written in the same transaction as the business action that causes it and is
moved on by the dispatcher (see ``dispatch``) only through conditional UPDATEs.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.fields import EncryptedTextField
from dealercare.core.models import TenantModel


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    INBOX = "inbox", _("Staff inbox")


class RecipientKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    RELATED = "related", _("Related person")
    STAFF = "staff", _("Staff member")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class StopReason(models.TextChoices):
    """Why a message was not sent (kept in ``last_error``; a send error keeps its own text)."""

    NO_ADDRESS = "no_address", _("No address on file for this channel")
    NO_CONSENT = "no_consent", _("No consent for this channel")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn before sending")
    BY_STAFF = "by_staff", _("Cancelled by staff")
    DISPATCHER_LOST = "dispatcher_lost", _("The dispatcher stopped during the send")


class OutboxEvent(models.TextChoices):
    """The audit actions of the outbox pages."""

    RETRY = "outbox.retry", _("sent the message again")
    CANCEL = "outbox.cancel", _("cancelled the message")


class OutboxMessage(TenantModel):
    """One message to one recipient on one channel. Address, subject and body may hold
    personal data and are encrypted; ``last_error`` never holds any."""

    recipient_kind = models.CharField(_("recipient"), max_length=10, choices=RecipientKind.choices)
    recipient_id = models.BigIntegerField()
    # The customer the message concerns (the customer or the related person's customer):
    # the customer's erasure finds their messages by it.
    customer_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    address = EncryptedTextField(_("address"), blank=True)
    topic = models.CharField(_("topic"), max_length=50, blank=True)
    subject = EncryptedTextField(_("subject"), blank=True)
    body = EncryptedTextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try"))
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("outgoing message")
        indexes = [
            # The dispatcher's claim reads only what is due, in order.
            models.Index(
                fields=["next_try_at"],
                name="outbox_due_idx",
                condition=models.Q(status="queued"),
            ),
            # A dispatcher reads back its claim; the stuck-claim sweep reads expired leases.
            models.Index(
                fields=["claimed_by"],
                name="outbox_claim_idx",
                condition=models.Q(status="sending"),
            ),
            models.Index(
                fields=["lease_until"],
                name="outbox_lease_idx",
                condition=models.Q(status="sending"),
            ),
            models.Index(fields=["dealer", "-created_at", "-id"], name="outbox_recent_idx"),
            models.Index(fields=["dealer", "status", "-created_at"], name="outbox_status_idx"),
            models.Index(
                fields=["recipient_id", "-created_at"],
                name="outbox_inbox_idx",
                condition=models.Q(channel="inbox"),
            ),
            models.Index(fields=["customer_id"], name="outbox_customer_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk}"


class ProviderLog(models.Model):
    """What the log adapter "sent": the stand-in for an SMS or WeChat gateway. Not unique
    per message on purpose, so that a message sent twice would show as two rows."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
