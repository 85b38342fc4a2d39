from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ANSWER_FIELDS = {
    "satisfaction": _("satisfaction"),
    "nps": _("recommendation"),
    "question": _("question"),
    "question_order": _("order of the questions"),
}


class SurveysConfig(AppConfig):
    name = "dealercare.surveys"
    label = "surveys"
    verbose_name = "Satisfaction surveys"

    def ready(self):
        from dealercare.customers.services.privacy import CUSTOMER_ERASERS
        from dealercare.surveys.services.privacy import survey_answers_forget_customers

        CUSTOMER_ERASERS.append(survey_answers_forget_customers)
        from dealercare.core.audit_vocabulary import audit_vocabulary_register
        from dealercare.surveys import events
        from dealercare.surveys.models import SurveyInvitation, SurveyResponse, SurveyTemplate

        audit_vocabulary_register(
            events=events.SurveyEvent,
            object_types=events.SurveyAuditObject,
            models_by_type={
                "survey_template": SurveyTemplate,
                "survey_invitation": SurveyInvitation,
                "survey_response": SurveyResponse,
            },
            fields=ANSWER_FIELDS,
            links={"survey_response": ("surveys:response_detail", "response_id")},
        )
