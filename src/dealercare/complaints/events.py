"""What the complaints desk writes to the audit trail (the moves are registered by the
workflow, ``complaints.workflow``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintEvent(models.TextChoices):
    RECEIVE = "complaint.receive", _("received the complaint")
    UPDATE = "complaint.update", _("changed the complaint")
    ASSIGN_DETAILS = "complaint.assignment", _("set the owner and deadline")
    FEEDBACK = "complaint.feedback", _("recorded the feedback")
    SETTINGS_UPDATE = "complaint_settings.update", _("changed the complaint SLA settings")
    ROOT_CAUSE_CREATE = "root_cause.create", _("recorded a root cause")
    ACTION_CREATE = "preventive_action.create", _("added a preventive action")
    ACTION_DONE = "preventive_action.done", _("marked the preventive action done")


class ComplaintAuditObject(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    COMPLAINT_SETTINGS = "complaint_settings", _("Complaint SLA settings")
    ROOT_CAUSE = "root_cause", _("Root cause")
    PREVENTIVE_ACTION = "preventive_action", _("Preventive action")
