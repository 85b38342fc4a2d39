"""Complaints, inquiries and suggestions at one desk (R-CMP-1..6), their SLA clocks and the
escalation ladder (R-CMP-5)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import Dealer, TenantModel
from dealercare.customers.models import Customer
from dealercare.vehicles.models import Vehicle


class Complaint(TenantModel):
    """One complaint (投诉), inquiry (咨询) or suggestion (建议), from receipt to close."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        INQUIRY = "inquiry", _("Inquiry")
        SUGGESTION = "suggestion", _("Suggestion")

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        WEBSITE = "website", _("Website")
        WECHAT = "wechat", _("WeChat")
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Letter")
        IN_STORE = "in_store", _("In store")
        FOLLOW_UP = "follow_up", _("Follow-up visit")
        SURVEY = "survey", _("Satisfaction survey")

    class Category(models.TextChoices):
        PRODUCT_QUALITY = "product_quality", _("Product quality")
        SERVICE = "service", _("Service")
        INFORMATION = "information", _("Information")
        OTHER = "other", _("Other")

    class Urgency(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Department(models.TextChoices):
        SERVICE = "service", _("After-sales service")
        WORKSHOP = "workshop", _("Workshop")
        PARTS = "parts", _("Parts")
        SALES = "sales", _("Sales")
        CUSTOMER_SERVICE = "customer_service", _("Customer service")
        ADMINISTRATION = "administration", _("Administration")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CLASSIFIED = "classified", _("Classified")
        ASSIGNED = "assigned", _("Assigned")
        INVESTIGATING = "investigating", _("Investigating")
        SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
        IMPLEMENTED = "implemented", _("Implemented")
        FEEDBACK_GIVEN = "feedback_given", _("Feedback given")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    LIGHT_KINDS = (Kind.INQUIRY, Kind.SUGGESTION)

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    status = models.CharField(
        _("status"), max_length=17, choices=Status.choices, default=Status.RECEIVED
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("customer"),
    )
    vehicle = models.ForeignKey(
        Vehicle,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("vehicle"),
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )
    content = models.TextField(_("content"))
    wanted_outcome = models.CharField(_("wanted outcome"), max_length=500, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    repair_order = models.ForeignKey(
        "service.RepairOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("repair order"),
    )
    follow_up = models.ForeignKey(
        "service.FollowUpTask",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("follow-up visit"),
    )
    # Assignment (R-CMP-4): who owns it, which department, solved by when.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    department = models.CharField(
        _("department"), max_length=16, choices=Department.choices, blank=True
    )
    solve_by = models.DateTimeField(_("solve by"), null=True, blank=True)
    investigation = models.TextField(_("investigation"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    # The two SLA clocks (R-CMP-5): the warning time is kept beside the due time, so that
    # the escalation job compares columns only.
    first_response_due_at = models.DateTimeField(_("first response due"))
    first_response_warn_at = models.DateTimeField()
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("implemented"), null=True, blank=True)
    feedback_due_at = models.DateTimeField(_("feedback due"), null=True, blank=True)
    feedback_warn_at = models.DateTimeField(null=True, blank=True)
    # Feedback (R-CMP-6).
    feedback_given_at = models.DateTimeField(_("feedback given"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    improvement = models.TextField(_("improvement"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction with the handling"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # A reopened complaint runs its clocks again: escalations are counted per cycle.
    cycle = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("complaint")
        indexes = [
            models.Index(fields=["dealer", "-received_at", "-id"], name="complaint_recent_idx"),
            models.Index(fields=["dealer", "status", "kind"], name="complaint_status_idx"),
            models.Index(
                fields=["first_response_warn_at"],
                name="complaint_first_clock_idx",
                condition=models.Q(status="received"),
            ),
            models.Index(
                fields=["feedback_warn_at"],
                name="complaint_fb_clock_idx",
                condition=models.Q(status="implemented"),
            ),
            models.Index(fields=["customer", "-received_at"], name="complaint_customer_idx"),
        ]

    def __str__(self):
        prefix = {"complaint": "TS", "inquiry": "ZX", "suggestion": "JY"}[self.kind]
        return f"{prefix}-{self.pk}"

    @property
    def is_light(self) -> bool:
        return self.kind in self.LIGHT_KINDS

    @property
    def running_clock(self) -> tuple[str, object] | None:
        """The clock that runs now and its due time, if any."""
        if self.status == self.Status.RECEIVED:
            return ComplaintEscalation.Clock.FIRST_RESPONSE, self.first_response_due_at
        if self.status == self.Status.IMPLEMENTED and self.feedback_due_at:
            return ComplaintEscalation.Clock.FEEDBACK, self.feedback_due_at
        return None


class ComplaintSettings(models.Model):
    """A dealer's SLA times; a dealer without a row has the defaults."""

    dealer = models.OneToOneField(Dealer, on_delete=models.CASCADE, related_name="+")
    first_response_hours = models.PositiveSmallIntegerField(
        _("first response within (h)"), default=24
    )
    feedback_hours = models.PositiveSmallIntegerField(_("feedback within (h)"), default=24)
    warn_percent = models.PositiveSmallIntegerField(
        _("warn the owner at (% of the time)"), default=75
    )
    version = models.PositiveIntegerField(default=1)

    def first_response_window(self) -> timedelta:
        return timedelta(hours=self.first_response_hours)

    def feedback_window(self) -> timedelta:
        return timedelta(hours=self.feedback_hours)


class EscalationTarget(models.TextChoices):
    MANAGER = "manager", _("Service manager")
    GENERAL_MANAGER = "admin", _("General manager")
    BRAND = "oem", _("Brand (OEM)")


class ComplaintLadderStep(models.Model):
    """One level of a dealer's escalation ladder: who hears of a breached clock, how long
    after the breach. The escalation job writes the defaults for a dealer without rows."""

    DEFAULTS = (
        (1, 0, EscalationTarget.MANAGER, "email"),
        (2, 8 * 60, EscalationTarget.GENERAL_MANAGER, "email"),
        (3, 24 * 60, EscalationTarget.BRAND, "email"),
    )

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    after_minutes = models.PositiveIntegerField(_("minutes after the breach"))
    target = models.CharField(_("who"), max_length=10, choices=EscalationTarget.choices)
    channel = models.CharField(_("message by"), max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "level"], name="complaint_ladder_level_unique"
            )
        ]
        ordering = ["level"]


class ComplaintEscalation(TenantModel):
    """One level reached on one clock of one complaint (level 0 is the owner's warning).
    Unique, so that the job may run any number of times."""

    class Clock(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        FEEDBACK = "feedback", _("Feedback")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations")
    clock = models.CharField(_("clock"), max_length=14, choices=Clock.choices)
    cycle = models.PositiveSmallIntegerField(default=0)
    level = models.PositiveSmallIntegerField(_("level"))
    target = models.CharField(_("who"), max_length=10, blank=True)
    due_at = models.DateTimeField(_("was due"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "clock", "cycle", "level"], name="complaint_escalation_unique"
            )
        ]
        indexes = [models.Index(fields=["dealer", "-created_at"], name="complaint_esc_recent_idx")]
