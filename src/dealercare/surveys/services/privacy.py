"""Surveys and the customer's erasure (PIPL): an erased person's written answers are
blanked; their scores stay in the dealer's figures, no longer tied to anything they said."""

from dealercare.surveys.models import SurveyAnswer


def survey_answers_forget_customers(customer_ids: list[int]) -> None:
    SurveyAnswer.objects.filter(response__customer_id__in=customer_ids).exclude(text="").update(
        text=""
    )
