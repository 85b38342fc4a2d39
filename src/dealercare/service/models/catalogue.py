from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import Dealer, TenantModel

MONEY = {"max_digits": 12, "decimal_places": 2}


class ServiceSettings(models.Model):
    """A dealer's own numbers for the workshop; a dealer without a row uses the defaults."""

    dealer = models.OneToOneField(Dealer, on_delete=models.CASCADE, related_name="+")
    labour_rate = models.DecimalField(
        _("labour rate (per hour)"), default=Decimal("300.00"), **MONEY
    )
    tax_rate = models.DecimalField(
        _("VAT rate"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.130"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.5"))],
    )
    comeback_days = models.PositiveSmallIntegerField(_("comeback window (days)"), default=30)
    follow_up_days = models.PositiveSmallIntegerField(_("follow-up within (days)"), default=3)
    calibration_warning_days = models.PositiveSmallIntegerField(
        _("warn before calibration due (days)"), default=30
    )


class ServiceOperation(TenantModel):
    """An operation in the service catalogue (R-SVC-10): its SOP, standard hours and rate;
    a labour line copies hours and rate, so a later price change leaves old orders alone."""

    class Category(models.TextChoices):
        MAINTENANCE = "maintenance", _("Maintenance")
        REPAIR = "repair", _("Repair")
        DETAILING = "detailing", _("Detailing")
        INSPECTION = "inspection", _("Inspection")

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    sop = models.TextField(_("standard procedure (SOP)"), blank=True)
    standard_hours = models.DecimalField(
        _("standard hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    labour_rate = models.DecimalField(_("labour rate (per hour)"), **MONEY)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "code"], name="service_operation_code_unique")
        ]
        ordering = ["category", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def price(self) -> Decimal:
        return (self.standard_hours * self.labour_rate).quantize(Decimal("0.01"))
