from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import Dealer, TenantModel
from dealercare.customers.models import Customer
from dealercare.parts.models import Part
from dealercare.service.models.catalogue import MONEY, ServiceOperation
from dealercare.vehicles.models import Vehicle


class RepairOrderSequence(models.Model):
    """The last repair-order number a dealer gave out in a year; the row is locked by the
    UPDATE that takes the next number, so two orders never share one."""

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "year"], name="repair_order_sequence_unique")
        ]


class RepairOrder(TenantModel):
    """A repair order (维修工单, R-SVC-3) from reception to close."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        QUALITY_CHECK = "quality_check", _("Quality check")
        READY = "ready", _("Ready for delivery")
        DELIVERED = "delivered", _("Delivered")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=24)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.OPEN
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="repair_orders", verbose_name=_("customer")
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="repair_orders", verbose_name=_("vehicle")
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service advisor"),
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("technician"),
    )
    km_in = models.PositiveIntegerField(_("odometer at reception (km)"), null=True, blank=True)
    fault_description = models.TextField(_("customer's description"), blank=True)
    promised_at = models.DateTimeField(_("promised for"), null=True, blank=True)
    # Totals kept in step with the lines by the service that changes them (Decimal, CNY).
    labour_total = models.DecimalField(_("labour"), default=0, **MONEY)
    parts_total = models.DecimalField(_("parts"), default=0, **MONEY)
    tax_total = models.DecimalField(_("VAT"), default=0, **MONEY)
    grand_total = models.DecimalField(_("total"), default=0, **MONEY)
    customer_total = models.DecimalField(_("to pay by the customer"), default=0, **MONEY)
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    comeback_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comebacks",
        verbose_name=_("comeback of"),
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "number"], name="repair_order_number_unique")
        ]
        indexes = [
            models.Index(fields=["dealer", "status", "promised_at"], name="repair_order_board_idx"),
            models.Index(fields=["vehicle", "-created_at"], name="repair_order_vehicle_idx"),
            models.Index(fields=["customer", "-created_at"], name="repair_order_customer_idx"),
            models.Index(fields=["dealer", "-created_at", "-id"], name="repair_order_recent_idx"),
        ]

    def __str__(self):
        return self.number


class RepairOrderApproval(TenantModel):
    """The customer's yes to the estimate, or to work added later: who, when, how."""

    class Method(models.TextChoices):
        SIGNATURE = "signature", _("Signature on the tablet")
        PHONE = "phone", _("Phone call")
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online (owner's portal)")

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="approvals")
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    approved_by = models.CharField(_("approved by"), max_length=50)
    approved_at = models.DateTimeField(_("approved at"))
    amount = models.DecimalField(_("amount approved"), **MONEY)
    signature = models.TextField(_("signature"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )


class RepairOrderLine(TenantModel):
    """A labour line (an operation: hours × rate) or a parts line (quantity × price)."""

    class Kind(models.TextChoices):
        LABOUR = "labour", _("Labour")
        PART = "part", _("Part")

    class PayType(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        WARRANTY = "warranty", _("Warranty")
        INSURANCE = "insurance", _("Insurance")
        INTERNAL = "internal", _("Internal")

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    operation = models.ForeignKey(
        ServiceOperation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("operation"),
    )
    part = models.ForeignKey(
        Part,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("part"),
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity / hours"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(_("unit price / rate"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    pay_type = models.CharField(
        _("paid by"), max_length=10, choices=PayType.choices, default=PayType.CUSTOMER
    )
    # Work added after the customer approved the estimate needs its own approval.
    added_after_approval = models.BooleanField(_("added work"), default=False)
    approval = models.ForeignKey(
        RepairOrderApproval, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("technician"),
    )
    done = models.BooleanField(_("done"), default=False)
    issued_quantity = models.PositiveIntegerField(_("issued from stock"), default=0)
    # A fitted part's warranty (R-PRT-3); a failure within it is replaced free of charge
    # on a new line that points back here.
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    warranty_until_km = models.PositiveIntegerField(_("warranty until (km)"), null=True, blank=True)
    warranty_claim_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warranty_claims",
        verbose_name=_("replaces under warranty"),
    )

    class Meta:
        indexes = [models.Index(fields=["order", "id"], name="repair_order_line_idx")]
