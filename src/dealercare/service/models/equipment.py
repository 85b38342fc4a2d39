"""The workshop's equipment register (R-SVC-11): testers and tools with their calibration."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import TenantModel
from dealercare.service.models.orders import RepairOrder


class Equipment(TenantModel):
    """A tester, tool or lift. ``calibration_due`` is the day its calibration (or periodic
    inspection) runs out; after that day it may not be recorded as used."""

    class Kind(models.TextChoices):
        TESTER = "tester", _("Tester")
        TOOL = "tool", _("Special tool")
        GAUGE = "gauge", _("Measuring gauge")
        LIFT = "lift", _("Lift")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("In service")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")
        RETIRED = "retired", _("Retired")

    asset_number = models.CharField(_("asset number"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=50, blank=True)
    last_calibrated = models.DateField(_("last calibrated"), null=True, blank=True)
    calibration_interval_days = models.PositiveIntegerField(
        _("calibration interval (days)"), null=True, blank=True
    )
    calibration_due = models.DateField(_("calibration due"), null=True, blank=True)
    # The due date the staff were last warned about (the warning job's claim on it).
    calibration_warned_for = models.DateField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.IN_SERVICE
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "asset_number"], name="equipment_asset_number_unique"
            )
        ]
        indexes = [models.Index(fields=["dealer", "calibration_due"], name="equipment_due_idx")]
        ordering = ["asset_number"]

    def __str__(self):
        return f"{self.asset_number} {self.name}"


class EquipmentCalibration(TenantModel):
    """One calibration or periodic inspection, and the due date it set."""

    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="calibrations")
    calibrated_on = models.DateField(_("calibrated on"))
    next_due = models.DateField(_("next due"))
    performed_by = models.CharField(_("performed by"), max_length=100, blank=True)
    certificate = models.CharField(_("certificate number"), max_length=50, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["equipment", "-calibrated_on"], name="equipment_calibration_idx")
        ]


class EquipmentUse(TenantModel):
    """A piece of equipment used on a repair order (which tester read the car)."""

    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="uses")
    repair_order = models.ForeignKey(
        RepairOrder,
        on_delete=models.PROTECT,
        related_name="equipment_uses",
        verbose_name=_("repair order"),
    )
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("used by"),
    )
    used_at = models.DateTimeField(_("used at"))

    class Meta:
        indexes = [
            models.Index(fields=["equipment", "-used_at"], name="equipment_use_idx"),
            models.Index(fields=["repair_order"], name="equipment_use_order_idx"),
        ]
