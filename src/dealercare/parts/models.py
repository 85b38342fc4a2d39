"""Parts (R-PRT): the dealer's catalogue, its stock and every movement of it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealercare.core.models import TenantModel


class Supplier(TenantModel):
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "name"], name="supplier_name_unique")
        ]
        ordering = ["name"]

    def __str__(self):
        return self.name


class Part(TenantModel):
    """A part the dealer stocks. ``on_hand`` is the stock; it changes only with a
    :class:`StockMovement`, in the same transaction, and never below zero."""

    class Source(models.TextChoices):
        OEM = "oem", _("Original (OEM)")
        AUTHORISED = "authorised", _("Authorised")
        THIRD_PARTY = "third_party", _("Third party")

    part_number = models.CharField(_("part number"), max_length=40)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    supplier = models.ForeignKey(
        Supplier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        verbose_name=_("supplier"),
    )
    unit = models.CharField(_("unit"), max_length=10, default="件")
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=12)
    warranty_km = models.PositiveIntegerField(_("warranty (km)"), default=30000)
    on_hand = models.IntegerField(_("on hand"), default=0)
    reorder_point = models.PositiveIntegerField(_("reorder point"), default=0)
    reorder_quantity = models.PositiveIntegerField(_("reorder quantity"), default=0)
    location = models.CharField(_("bin location"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "part_number"], name="part_number_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="part_stock_not_negative"),
        ]
        indexes = [models.Index(fields=["dealer", "name"], name="part_name_idx")]
        ordering = ["part_number"]

    def __str__(self):
        return f"{self.part_number} {self.name}"


class StockMovement(TenantModel):
    """One change of a part's stock; ``quantity`` is signed (issue < 0 < receipt)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ISSUE = "issue", _("Issue to a repair order")
        RETURN = "return", _("Return from a repair order")
        ADJUSTMENT = "adjustment", _("Adjustment")

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"))
    # A receipt's incoming inspection: what arrived, and what was rejected (never stocked).
    delivered_quantity = models.PositiveIntegerField(_("delivered"), null=True, blank=True)
    rejected_quantity = models.PositiveIntegerField(_("rejected"), default=0)
    on_hand_after = models.IntegerField(_("on hand after"))
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The repair-order line a part was issued to or returned from (service app; an id, so
    # that parts knows nothing of service) and the order's number for the reader.
    repair_order_line_id = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["part", "-created_at", "-id"], name="stock_movement_part_idx"),
            models.Index(fields=["dealer", "-created_at", "-id"], name="stock_movement_recent_idx"),
        ]
