"""Remote diagnosis (R-VEH-5): the dealer's fault-code (DTC) catalogue, and the codes a car
sent before its visit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import TenantModel
from dealercare.customers.models import Customer
from dealercare.parts.models import Part
from dealercare.vehicles.models import Vehicle


class FaultCode(TenantModel):
    """A diagnostic trouble code (P0301…) as the dealer explains it: what it means, how
    bad it is, whether a customer can be helped remotely, and the parts it usually needs."""

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High: stop driving soon")
        CRITICAL = "critical", _("Critical: stop now")

    code = models.CharField(_("code"), max_length=10)
    description_zh = models.CharField(_("description (Chinese)"), max_length=200)
    description_en = models.CharField(_("description (English)"), max_length=200, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    remote_answerable = models.BooleanField(_("simple: can be answered remotely"), default=False)
    guidance = models.TextField(_("guidance for the customer"), blank=True)
    likely_parts = models.ManyToManyField(
        Part, blank=True, related_name="+", verbose_name=_("parts likely needed")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dealer", "code"], name="fault_code_unique")]
        ordering = ["code"]

    def __str__(self):
        return self.code


class DiagnosisReport(TenantModel):
    """Fault codes a car sent (by the API now, the owner's portal later), read by the
    advisor before the visit."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED_REMOTELY = "answered_remotely", _("Answered remotely")
        BOOKED = "booked", _("Booked in")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        API = "api", _("Connected car (API)")
        PORTAL = "portal", _("Owner's portal")
        STAFF = "staff", _("Taken by staff")

    status = models.CharField(
        _("status"), max_length=18, choices=Status.choices, default=Status.NEW
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="diagnoses", verbose_name=_("vehicle")
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    codes = models.JSONField(_("fault codes"), default=list)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    km = models.PositiveIntegerField(_("odometer (km)"), null=True, blank=True)
    note = models.TextField(_("the owner's description"), blank=True)
    answer = models.TextField(_("guidance given"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["dealer", "status", "-created_at"], name="diagnosis_status_idx"),
            models.Index(fields=["vehicle", "-created_at"], name="diagnosis_vehicle_idx"),
        ]

    def __str__(self):
        return " ".join(self.codes)
