from django.conf import settings
from django.db import models
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import Brand, TenantModel
from dealercare.customers.models import Customer


class VehicleModel(models.Model):
    """A model in the brand's catalogue with its maintenance schedule (R-VEH-4)."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="models")
    make = models.CharField(_("make"), max_length=50)
    name = models.CharField(_("model"), max_length=50)
    maintenance_km = models.PositiveIntegerField(_("service every (km)"), default=10000)
    maintenance_months = models.PositiveSmallIntegerField(_("service every (months)"), default=12)
    first_maintenance_km = models.PositiveIntegerField(_("first service at (km)"), default=5000)
    first_maintenance_months = models.PositiveSmallIntegerField(
        _("first service after (months)"), default=6
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "make", "name"], name="vehicle_model_unique")
        ]
        ordering = ["make", "name"]

    def __str__(self):
        return f"{self.make} {self.name}"


class Vehicle(TenantModel):
    vin = models.CharField(_("VIN"), max_length=17)
    plate = models.CharField(_("plate"), max_length=10, blank=True)
    make = models.CharField(_("make"), max_length=50)
    model_name = models.CharField(_("model"), max_length=50)
    catalogue_model = models.ForeignKey(
        VehicleModel, null=True, blank=True, on_delete=models.PROTECT, related_name="vehicles"
    )
    year = models.PositiveSmallIntegerField(_("model year"), null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=20, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    owner = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vehicles",
        verbose_name=_("owner"),
    )
    current_km = models.PositiveIntegerField(_("odometer (km)"), null=True, blank=True)
    last_service_date = models.DateField(_("last service"), null=True, blank=True)
    last_service_km = models.PositiveIntegerField(_("km at last service"), null=True, blank=True)
    next_maintenance_due = models.DateField(_("next maintenance"), null=True, blank=True)
    next_maintenance_km = models.PositiveIntegerField(
        _("next maintenance (km)"), null=True, blank=True
    )
    inspection_due = models.DateField(_("annual inspection due"), null=True, blank=True)
    insurance_expiry = models.DateField(_("insurance expiry"), null=True, blank=True)
    mileage_consistent = models.BooleanField(
        _("mileage history consistent"), default=True, db_default=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dealer", "vin"], name="vehicle_vin_unique")]
        indexes = [
            models.Index(fields=["dealer", "plate"], name="vehicle_plate_idx"),
            models.Index("dealer", Right("vin", 6), name="vehicle_vin_last6_idx"),
            models.Index(fields=["dealer", "owner"], name="vehicle_owner_idx"),
            models.Index(
                fields=["dealer", "next_maintenance_due"], name="vehicle_next_service_idx"
            ),
            models.Index(fields=["dealer", "inspection_due"], name="vehicle_inspection_idx"),
            models.Index(fields=["dealer", "insurance_expiry"], name="vehicle_insurance_idx"),
            models.Index(fields=["dealer", "make", "model_name"], name="vehicle_model_idx"),
            # Newest first by (created_at, id), not id alone: see customers.models.Customer.
            models.Index(fields=["dealer", "-created_at", "-id"], name="vehicle_recent_idx"),
        ]

    def __str__(self):
        return self.plate or self.vin


class MileageReading(TenantModel):
    class Source(models.TextChoices):
        RECEPTION = "reception", _("Workshop reception")
        OWNER = "owner", _("Reported by the owner")
        STAFF = "staff", _("Entered by staff")
        IMPORT = "import", _("Import")

    class Consistency(models.TextChoices):
        CONSISTENT = "consistent", _("Consistent")
        CONFLICT = "conflict", _("Conflicts with another reading")

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="readings")
    km = models.PositiveIntegerField(_("odometer (km)"))
    read_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # R-VEH-6: a reading that contradicts the history is kept for the record, flagged, and
    # left out of the current odometer and the maintenance projection. The database default
    # serves bulk loads (COPY) that name only the columns they fill.
    consistency = models.CharField(
        _("consistency"),
        max_length=10,
        choices=Consistency.choices,
        default=Consistency.CONSISTENT,
        db_default=Consistency.CONSISTENT,
    )
    conflicts_with = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["vehicle", "-read_on", "-id"], name="mileage_latest_idx")]


class Ownership(TenantModel):
    """Who owned the car when (R-VEH-3); the open row is the current owner."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="ownerships")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="ownerships")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["vehicle", "-start_date"], name="ownership_vehicle_idx")]
