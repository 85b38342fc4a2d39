"""What relationship care writes to the audit trail. Entries about a reminder name the
customer, so the customer's timeline shows every send and every change staff made."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CareEvent(models.TextChoices):
    RULE_CREATE = "care_rule.create", _("created the campaign")
    RULE_UPDATE = "care_rule.update", _("changed the reminder rule")
    SEND = "care_reminder.send", _("sent the reminder")
    CALL_TASK = "care_reminder.call_task", _("made the reminder a phone call (no consent)")
    CALLED = "care_reminder.called", _("made the reminder call")
    MOVE = "care_reminder.move", _("moved the reminder")
    EDIT = "care_reminder.edit", _("changed the reminder's text")
    CANCEL = "care_reminder.cancel", _("cancelled the reminder")
    PAUSE = "care_pause.create", _("paused the customer's reminders")
    PAUSE_END = "care_pause.end", _("resumed the customer's reminders")


class CareAuditObject(models.TextChoices):
    RULE = "care_rule", _("Reminder rule")
    REMINDER = "care_reminder", _("Reminder")
    PAUSE = "care_pause", _("Reminder pause")


class CareError(models.TextChoices):
    NOT_OPEN = "reminder_not_open", _("The reminder has been sent or stopped already.")
    NOT_A_CALL = "reminder_not_a_call", _("The reminder is not a phone call to make.")
