"""The workshop's part of a repair order: reception (R-SVC-2), progress (R-SVC-4), quality
inspection (R-SVC-5), delivery (R-SVC-6) and the follow-up visit (R-SVC-7)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import TenantModel
from dealercare.customers.models import Channel, Customer
from dealercare.service.models.catalogue import MONEY
from dealercare.service.models.orders import RepairOrder
from dealercare.vehicles.models import MileageReading, Vehicle

PERCENT = [MaxValueValidator(100)]


class WalkAround(models.TextChoices):
    """The areas of the walk-around check at reception (环车检查)."""

    EXTERIOR = "exterior", _("Exterior")
    INTERIOR = "interior", _("Interior")
    FUNCTIONS = "functions", _("Functions")
    BELONGINGS = "belongings", _("Belongings")


class Reception(TenantModel):
    """The car received at the desk (接车): its mileage, what the customer says is wrong,
    the walk-around check and the customer's confirmation of it. One per repair order.

    ``checklist`` holds each :class:`WalkAround` area as ``{"ok": bool, "findings": str}``."""

    class Confirmation(models.TextChoices):
        SIGNATURE = "signature", _("Signature on the tablet")
        IN_PERSON = "in_person", _("In person")

    order = models.OneToOneField(RepairOrder, on_delete=models.CASCADE, related_name="reception")
    km = models.PositiveIntegerField(_("odometer (km)"))
    reading = models.ForeignKey(
        MileageReading, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    fault_description = models.TextField(_("customer's description"), blank=True)
    checklist = models.JSONField(_("walk-around check"), default=dict)
    fuel_level = models.PositiveSmallIntegerField(
        _("fuel / charge (%)"), null=True, blank=True, validators=PERCENT
    )
    battery_level = models.PositiveSmallIntegerField(
        _("12 V battery (%)"), null=True, blank=True, validators=PERCENT
    )
    confirmation = models.CharField(_("confirmed"), max_length=10, choices=Confirmation.choices)
    confirmed_by = models.CharField(_("confirmed by"), max_length=50)
    confirmed_at = models.DateTimeField(_("confirmed at"))
    signature = models.TextField(_("signature"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )


class ProgressReport(TenantModel):
    """A technician's word on the job (R-SVC-4): a note, how far (percent or a step), and,
    for a delay, the new promised time."""

    order = models.ForeignKey(
        RepairOrder, on_delete=models.CASCADE, related_name="progress_reports"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    percent = models.PositiveSmallIntegerField(
        _("done (%)"), null=True, blank=True, validators=PERCENT
    )
    step = models.CharField(_("step"), max_length=100, blank=True)
    delayed_to = models.DateTimeField(_("promised time moved to"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["order", "-created_at"], name="progress_order_idx")]


class QualityInspection(TenantModel):
    """One inspection of finished work (质检, R-SVC-5): a passed one makes the car ready, a
    failed one sends it back to rework with its defects. ``checklist`` maps each item of
    the inspection to true (fine) or false."""

    class Result(models.TextChoices):
        PASS = "pass", _("Passed")
        FAIL = "fail", _("Failed")

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="inspections")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.JSONField(_("checklist"), default=dict)
    road_test_done = models.BooleanField(_("road test done"), default=False)
    road_test_notes = models.CharField(_("road test notes"), max_length=500, blank=True)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    defects = models.TextField(_("defects"), blank=True)

    class Meta:
        indexes = [models.Index(fields=["order", "-created_at"], name="inspection_order_idx")]


class Delivery(TenantModel):
    """The hand-over (交车, R-SVC-6): cleaning, who took the car, the payment and the
    invoice. The invoice number is unique within the dealer."""

    class PaymentMethod(models.TextChoices):
        WECHAT_PAY = "wechat_pay", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        UNIONPAY = "unionpay", _("Bank card (UnionPay)")
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        NONE = "none", _("Nothing to pay")

    order = models.OneToOneField(RepairOrder, on_delete=models.CASCADE, related_name="delivery")
    cleaning_done = models.BooleanField(_("cleaning done"), default=False)
    handed_over_to = models.CharField(_("handed over to"), max_length=50)
    payment_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices
    )
    amount_paid = models.DecimalField(_("amount paid"), **MONEY)
    invoice_number = models.CharField(_("invoice number"), max_length=30, blank=True)
    delivered_at = models.DateTimeField(_("delivered"))
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "invoice_number"],
                condition=~models.Q(invoice_number=""),
                name="delivery_invoice_unique",
            )
        ]


class FollowUpTask(TenantModel):
    """A follow-up visit (回访, R-SVC-7) for the customer-service team, due a few days
    after a delivery, by the customer's preferred channel. ``kind`` leaves room for
    other reasons to call, taken by hand. The agent calls with a script (quality of the
    work, the staff's attitude, the price, each 1–5); a customer not reached is called again,
    up to ``CALL_ATTEMPTS`` times, then the task closes as unreachable."""

    CALL_ATTEMPTS = 3

    class Kind(models.TextChoices):
        AFTER_SERVICE = "after_service", _("After a service visit")
        MANUAL = "manual", _("Other reason")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        UNREACHABLE = "unreachable", _("Unreachable")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.AFTER_SERVICE
    )
    order = models.ForeignKey(
        RepairOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("customer")
    )
    vehicle = models.ForeignKey(
        Vehicle,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("vehicle"),
    )
    reason = models.CharField(_("reason for the call"), max_length=200, blank=True)
    due_on = models.DateField(_("due"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    attempts = models.PositiveSmallIntegerField(_("calls made"), default=0)
    last_call_at = models.DateTimeField(_("last call"), null=True, blank=True)
    quality_score = models.PositiveSmallIntegerField(
        _("quality of the work"), null=True, blank=True
    )
    attitude_score = models.PositiveSmallIntegerField(_("staff attitude"), null=True, blank=True)
    price_score = models.PositiveSmallIntegerField(_("price"), null=True, blank=True)
    unhappy = models.BooleanField(_("unhappy"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    result = models.CharField(_("result"), max_length=500, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=models.Q(order__isnull=False),
                name="follow_up_once_per_order",
            )
        ]
        indexes = [
            models.Index(fields=["dealer", "status", "due_on"], name="follow_up_due_idx"),
        ]
