"""What the vehicle records write to the audit trail: their event and object types."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VehicleEvent(models.TextChoices):
    CREATE = "vehicle.create", _("added the vehicle")
    UPDATE = "vehicle.update", _("changed the vehicle")
    MILEAGE = "vehicle.mileage", _("recorded a mileage reading")
    DELETE = "vehicle.delete", _("deleted the vehicle")


class VehicleAuditObject(models.TextChoices):
    VEHICLE = "vehicle", _("Vehicle")


FIELD_LABELS = {"km": _("odometer (km)"), "read_on": _("date"), "consistency": _("consistency")}
