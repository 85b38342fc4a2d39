"""Root causes and preventive actions (R-CMP-7), followed to done."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.complaints.models.complaints import Complaint
from dealercare.core.models import TenantModel


class RootCause(TenantModel):
    title = models.CharField(_("root cause"), max_length=200)
    category = models.CharField(
        _("category"), max_length=16, choices=Complaint.Category.choices, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    complaints = models.ManyToManyField(
        Complaint, blank=True, related_name="root_causes", verbose_name=_("complaints")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self):
        return self.title


class PreventiveAction(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    root_cause = models.ForeignKey(RootCause, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("preventive action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=4, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["dealer", "status", "due_date"], name="preventive_action_due_idx")
        ]

    def __str__(self):
        return self.description
