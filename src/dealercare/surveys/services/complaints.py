"""The seam to the complaints desk (R-CMP): an unhappy survey answer opens a complaint,
pre-filled with the answers and linked to the response.

Surveys import complaints, never the reverse. Until the complaints app is installed the
answer is kept (and marked unhappy) and no complaint is opened.
"""

from django.utils import translation
from django.utils.translation import gettext

from dealercare.surveys.models import SurveyQuestion, SurveyResponse


def complaint_content(response: SurveyResponse, questions: list[SurveyQuestion], clean) -> str:
    """The complaint's text: the survey's name and every answer, question by question."""
    with translation.override("zh-hans"):
        lines = [
            gettext("Unhappy answer to the survey “%(name)s”:") % {"name": response.template.name}
        ]
        for question in questions:
            answer = clean.get(question.pk)
            if answer is None:
                continue
            shown = answer.get("score", answer.get("choice", answer.get("text", "")))
            lines.append(f"{question.text} {shown}")
    return "\n".join(lines)


def _complaint_receive():
    try:
        from dealercare.complaints.services import complaint_receive
    except ImportError:
        return None
    return complaint_receive


def survey_complaint_open(*, actor, response: SurveyResponse, questions, clean):
    """The complaint for an unhappy answer, its 24-hour clock running from the answer."""
    complaint_receive = _complaint_receive()
    if complaint_receive is None:
        return None
    return complaint_receive(
        actor=actor,
        kind="complaint",
        channel="survey",
        content=complaint_content(response, questions, clean),
        customer=response.customer,
        vehicle=response.vehicle,
        repair_order=response.repair_order,
        received_at=response.answered_at,
    )
