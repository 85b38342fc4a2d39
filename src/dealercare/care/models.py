"""Automated relationship care (R-CARE): each dealer's reminder rules, the reminders the
planner writes from them, and the pauses staff set for a customer."""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.models import Dealer, TenantModel
from dealercare.customers.models import Customer, Grade, Tag
from dealercare.vehicles.models import Vehicle


class ReminderKind(models.TextChoices):
    BIRTHDAY = "birthday", _("Birthday greeting")
    MAINTENANCE = "maintenance", _("Maintenance reminder")
    INSPECTION = "inspection", _("Annual inspection reminder")
    INSURANCE = "insurance", _("Insurance renewal reminder")
    MILEAGE_CHECK = "mileage_check", _("Ask for the mileage")
    HOLIDAY = "holiday", _("Holiday greeting")
    CAMPAIGN = "campaign", _("Campaign")


# Greetings and campaigns are marketing: they count towards the weekly cap. Service
# reminders (and the ask for the mileage) are about the customer's car and always go.
MARKETING_KINDS = frozenset({ReminderKind.BIRTHDAY, ReminderKind.HOLIDAY, ReminderKind.CAMPAIGN})
VEHICLE_KINDS = frozenset(
    {
        ReminderKind.MAINTENANCE,
        ReminderKind.INSPECTION,
        ReminderKind.INSURANCE,
        ReminderKind.MILEAGE_CHECK,
    }
)


class ReminderRule(TenantModel):
    """How one kind of reminder goes out at one dealer. There is one rule per kind, and
    any number of campaigns."""

    kind = models.CharField(_("kind"), max_length=15, choices=ReminderKind.choices)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    lead_days = models.PositiveSmallIntegerField(_("days ahead"))
    channels = models.JSONField(_("channel order"), default=list)
    quiet_start = models.TimeField(_("quiet hours from"), default=time(21, 0))
    quiet_end = models.TimeField(_("quiet hours until"), default=time(8, 0))
    weekly_cap = models.PositiveSmallIntegerField(
        _("marketing messages per customer per week"), default=2
    )
    template_zh = models.TextField(_("text (Chinese)"))
    template_en = models.TextField(_("text (English)"), blank=True)
    holidays = models.JSONField(_("holidays"), default=list, blank=True)
    campaign_date = models.DateField(_("campaign day"), null=True, blank=True)
    segment_grade = models.CharField(
        _("customer grade"), max_length=1, choices=Grade.choices, blank=True
    )
    segment_tag = models.ForeignKey(
        Tag,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer tag"),
    )
    # The last due day the planner has planned for this rule (see services.planner).
    planned_through = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "kind"],
                condition=~Q(kind="campaign"),
                name="care_rule_one_per_kind",
            )
        ]
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    @property
    def is_marketing(self) -> bool:
        return self.kind in MARKETING_KINDS


class Reminder(TenantModel):
    """One reminder about one subject: a vehicle (maintenance, inspection, insurance,
    the ask for the mileage) or the customer (birthday, holiday, campaign) on one due day.
    The subject and the due day are its key, so the planner writes each reminder once."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SENT = "sent", _("Sent")
        CALL = "call", _("Phone call to make")
        CALLED = "called", _("Called")
        SKIPPED = "skipped", _("Not sent")
        CANCELLED = "cancelled", _("Cancelled")

    class SkipReason(models.TextChoices):
        WEEKLY_CAP = "weekly_cap", _("Weekly limit of marketing messages reached")
        EXPIRED = "expired", _("The day had passed")
        READING_RECEIVED = "reading_received", _("A new mileage reading came in")
        NO_CUSTOMER = "no_customer", _("The customer is no longer active")

    # The planner writes hundreds of thousands of rows at a time: each index costs, so the
    # foreign keys lean on the composite indexes below (or, for rules, messages and staff,
    # which are never deleted, on none). Dealer, rule, customer and car carry no database
    # constraint either: PostgreSQL checks one by locking the row it points to, which for
    # a first planning run of 1.2 M cars took longer than the planning itself. The planner
    # only writes rows it has just read through those tables, and their deletion goes
    # through Django, which removes the reminders first (on_delete).
    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    rule = models.ForeignKey(
        ReminderRule,
        on_delete=models.PROTECT,
        related_name="reminders",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(_("kind"), max_length=15, choices=ReminderKind.choices)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("customer"),
        db_index=False,
        db_constraint=False,
    )
    vehicle = models.ForeignKey(
        Vehicle,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("vehicle"),
        db_index=False,
        db_constraint=False,
    )
    due_date = models.DateField(_("due"))
    send_on = models.DateField(_("send on"))
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    skip_reason = models.CharField(
        _("why not sent"), max_length=20, choices=SkipReason.choices, blank=True
    )
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    message = models.ForeignKey(
        OutboxMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    call_note = models.CharField(_("call outcome"), max_length=500, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "kind", "due_date"],
                condition=Q(vehicle__isnull=False),
                name="care_reminder_vehicle_once",
            ),
            models.UniqueConstraint(
                fields=["customer", "kind", "due_date", "rule"],
                condition=Q(vehicle__isnull=True),
                name="care_reminder_customer_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["send_on"], name="care_reminder_due_idx", condition=Q(status="planned")
            ),
            models.Index(fields=["dealer", "send_on", "kind"], name="care_reminder_day_idx"),
            models.Index(fields=["customer", "-send_on"], name="care_reminder_customer_idx"),
            models.Index(
                fields=["customer", "sent_at"],
                name="care_reminder_cap_idx",
                condition=Q(status="sent"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PLANNED


class ReminderPause(TenantModel):
    """Staff stop a customer's reminders (all, or one kind) until a day (R-CARE-5)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reminder_pauses")
    kind = models.CharField(_("kind"), max_length=15, choices=ReminderKind.choices, blank=True)
    until = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_on = models.DateField(_("lifted on"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "until"], name="care_pause_customer_idx")]
