"""What surveys write to the audit trail (each entry names the customer, so the
customer's timeline shows the invitation and the answers)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyEvent(models.TextChoices):
    TEMPLATE_CREATE = "survey_template.create", _("created the survey")
    TEMPLATE_UPDATE = "survey_template.update", _("changed the survey")
    QUESTION_ADD = "survey_template.question_add", _("added a question")
    QUESTION_REMOVE = "survey_template.question_remove", _("removed a question")
    QUESTION_REORDER = "survey_template.question_order", _("reordered the questions")
    INVITE = "survey_invitation.send", _("sent a satisfaction survey")
    ANSWER = "survey_response.answer", _("answered the satisfaction survey")


class SurveyAuditObject(models.TextChoices):
    TEMPLATE = "survey_template", _("Survey")
    INVITATION = "survey_invitation", _("Survey invitation")
    RESPONSE = "survey_response", _("Survey answers")


class SurveyError(models.TextChoices):
    LINK_INVALID = "survey_link_invalid", _("This survey link is not valid.")
    LINK_EXPIRED = "survey_link_expired", _("This survey link has expired.")
    LINK_USED = "survey_link_used", _("This survey has already been answered.")
    ORDER_INVITED = "survey_order_invited", _("The customer was already invited for this order.")
    NO_QUESTIONS = "survey_no_questions", _("The survey has no questions.")
    INACTIVE = "survey_inactive", _("The survey is not active.")
