"""What the parts store writes to the audit trail."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartEvent(models.TextChoices):
    CREATE = "part.create", _("added the part")
    UPDATE = "part.update", _("changed the part")
    RECEIPT = "part.receipt", _("received stock")
    ISSUE = "part.issue", _("issued stock")
    RETURN = "part.return", _("took stock back")
    ADJUSTMENT = "part.adjustment", _("adjusted stock")
    SUPPLIER_CREATE = "supplier.create", _("added the supplier")
    SUPPLIER_UPDATE = "supplier.update", _("changed the supplier")


class PartAuditObject(models.TextChoices):
    PART = "part", _("Part")
    SUPPLIER = "supplier", _("Supplier")
