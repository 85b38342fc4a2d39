"""Roadside assistance (R-SVC-9): a 24-hour request, its dispatch and each step's time."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.fields import EncryptedTextField
from dealercare.core.models import TenantModel
from dealercare.customers.models import Customer
from dealercare.vehicles.models import Vehicle


class RoadsideRequest(TenantModel):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        DISPATCHED = "dispatched", _("Dispatched")
        ON_SCENE = "on_scene", _("On scene")
        TOWED = "towed", _("Towed in")
        FIXED = "fixed", _("Fixed on the spot")
        CANCELLED = "cancelled", _("Cancelled")

    # The moment each status was reached, for the time every step took.
    REACHED_AT = {
        Status.DISPATCHED: "dispatched_at",
        Status.ON_SCENE: "on_scene_at",
        Status.TOWED: "finished_at",
        Status.FIXED: "finished_at",
        Status.CANCELLED: "finished_at",
    }
    FINISHED = (Status.TOWED, Status.FIXED, Status.CANCELLED)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    vehicle = models.ForeignKey(
        Vehicle,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="roadside_requests",
        verbose_name=_("vehicle"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    plate = models.CharField(_("plate"), max_length=12, blank=True)
    # Where the car stands and who waits there are personal data: encrypted, masked in lists.
    location = EncryptedTextField(_("location"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    problem = models.TextField(_("problem"))
    contact_name = EncryptedTextField(_("contact name"))
    contact_phone = EncryptedTextField(_("contact phone"))
    received_at = models.DateTimeField(_("received"))
    dispatched_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent"),
    )
    service_vehicle = models.CharField(_("service vehicle"), max_length=40, blank=True)
    eta = models.DateTimeField(_("estimated arrival"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    on_scene_at = models.DateTimeField(_("on scene"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome"), max_length=500, blank=True)
    repair_order = models.ForeignKey(
        "service.RepairOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("repair order"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["dealer", "-received_at", "-id"], name="roadside_recent_idx"),
            models.Index(fields=["dealer", "status", "-received_at"], name="roadside_status_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.plate}".strip()

    def step_times(self) -> list[tuple[str, object, object]]:
        """(step, started, ended) for each step reached so far."""
        steps = [
            (_("to dispatch"), self.received_at, self.dispatched_at),
            (_("to the scene"), self.dispatched_at, self.on_scene_at),
            (_("on scene to the end"), self.on_scene_at, self.finished_at),
        ]
        return [(name, start, end) for name, start, end in steps if start and end]
