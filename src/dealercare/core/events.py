"""What core itself writes to the audit trail: its event and object types."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoreEvent(models.TextChoices):
    JOB_RUN_NOW = "job.run_now", _("asked to run the job now")


class CoreAuditObject(models.TextChoices):
    JOB = "job", _("Job")
    OUTBOX_MESSAGE = "outbox_message", _("Message")
