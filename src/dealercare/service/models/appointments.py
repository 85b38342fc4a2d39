"""Appointments (R-SVC-1): the booking of a car into a slot, and the dealer's slot grid."""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealercare.core.fields import EncryptedTextField
from dealercare.core.models import Dealer, TenantModel
from dealercare.customers.models import Customer
from dealercare.service.models.catalogue import ServiceOperation
from dealercare.vehicles.models import Vehicle


class ServiceCapacity(models.Model):
    """A dealer's slot grid: when the workshop takes cars and how many. A dealer without
    a row books on the defaults."""

    dealer = models.OneToOneField(Dealer, on_delete=models.CASCADE, related_name="+")
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    opens_at = models.TimeField(_("first slot at"), default=time(8, 30))
    closes_at = models.TimeField(_("last car taken before"), default=time(17, 30))
    places_per_slot = models.PositiveSmallIntegerField(_("cars per slot"), default=4)
    places_per_day = models.PositiveSmallIntegerField(_("cars per day"), default=60)
    per_advisor_per_day = models.PositiveSmallIntegerField(
        _("cars per advisor and day"), default=16
    )
    per_bay_per_day = models.PositiveSmallIntegerField(_("cars per bay and day"), default=8)
    # Weekdays as in date.weekday(), Monday 0: "0123456" is open every day.
    open_weekdays = models.CharField(_("open on"), max_length=7, default="0123456")
    pickup_offered = models.BooleanField(
        _("pick-up and drop-off at the customer's address"), default=False
    )
    version = models.PositiveIntegerField(default=1)


class ServiceBay(TenantModel):
    """A workshop bay (工位); a booking may reserve one, one car per slot."""

    name = models.CharField(_("name"), max_length=40)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "name"], name="service_bay_unique")
        ]
        ordering = ["name"]

    def __str__(self):
        return self.name


class AppointmentDay(models.Model):
    """One row per dealer and day that has bookings: a booking locks it (SELECT … FOR
    UPDATE) before counting the day's places, so two bookings of the last place queue up
    instead of both seeing it free."""

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "day"], name="appointment_day_unique")
        ]


class Appointment(TenantModel):
    """A car booked into a slot (预约)."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        ARRIVED = "arrived", _("Arrived")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        WEB = "web", _("Web")
        WALK_IN = "walk_in", _("Walk-in")
        PORTAL = "portal", _("Owner's portal")

    class Mode(models.TextChoices):
        WAITING = "waiting", _("Waits at the dealer")
        DROP_OFF = "drop_off", _("Drops the car off")

    # What takes a place in the grid: a booking that was kept or may still be.
    HOLDS_A_PLACE = (Status.BOOKED, Status.ARRIVED, Status.COMPLETED)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("customer")
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("vehicle")
    )
    channel = models.CharField(_("booked by"), max_length=8, choices=Channel.choices)
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("slot"))
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service advisor"),
    )
    bay = models.ForeignKey(
        ServiceBay,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("bay"),
    )
    mode = models.CharField(_("waiting or drop-off"), max_length=8, choices=Mode.choices)
    services = models.ManyToManyField(
        ServiceOperation, blank=True, related_name="+", verbose_name=_("wanted services")
    )
    note = models.TextField(_("customer's wish"), blank=True)
    pickup = models.BooleanField(_("pick-up and drop-off"), default=False)
    pickup_address = EncryptedTextField(_("pick-up address"), blank=True)
    pickup_from = models.TimeField(_("pick-up from"), null=True, blank=True)
    pickup_until = models.TimeField(_("pick-up until"), null=True, blank=True)
    diagnosis = models.ForeignKey(
        "service.DiagnosisReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("remote diagnosis"),
    )
    fault_codes = models.JSONField(_("fault codes"), default=list, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
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
            models.Index(fields=["dealer", "day", "starts_at"], name="appointment_day_idx"),
            models.Index(fields=["vehicle", "-day"], name="appointment_vehicle_idx"),
            models.Index(
                fields=["day", "starts_at"],
                name="appointment_booked_idx",
                condition=Q(status="booked"),
            ),
        ]

    def __str__(self):
        return (
            f"{self.day:%Y-%m-%d} {self.starts_at:%H:%M} {self.vehicle.plate or self.vehicle.vin}"
        )
