"""The seam to the complaints desk (R-CMP): an unhappy survey answer opens a complaint,
pre-filled with the answers, linked to the response, its 24-hour clock running from the
moment of the answer. Surveys import complaints, never the reverse."""

import logging

from django.utils import translation
from django.utils.translation import gettext

from dealercare.complaints.models import Complaint
from dealercare.complaints.services import complaint_receive
from dealercare.core.models import User
from dealercare.core.roles import Action, Role, allows
from dealercare.surveys.models import SurveyQuestion, SurveyResponse

log = logging.getLogger(__name__)
# Who takes a complaint that came in through a link nobody at the dealer was holding.
RECEIVING_ROLES = (Role.CSR, Role.MANAGER, Role.DEALER_ADMIN)


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
    return "\n".join(lines)[:4000]


def receiving_staff(response: SurveyResponse):
    """The agent on the phone; for an answer through the link, the staff member who sent
    the survey, else the dealer's first customer-service agent (then manager, then admin)
    — the desk that works the complaint."""
    if response.answered_by_id:
        return response.answered_by
    sender = response.invitation.sent_by
    if sender is not None and sender.is_active and allows(sender, Action.COMPLAINT_RECEIVE):
        return sender
    staff = User.objects.filter(dealer_id=response.dealer_id, is_active=True)
    for role in RECEIVING_ROLES:
        found = staff.filter(role=role).order_by("pk").first()
        if found is not None:
            return found
    return None


def survey_complaint_open(*, response: SurveyResponse, questions, clean) -> Complaint | None:
    """The complaint for an unhappy answer, linked to the response (in the caller's
    transaction). A dealer without anyone to receive it keeps the answer flagged unhappy."""
    staff = receiving_staff(response)
    if staff is None:
        log.warning("survey response %s: no staff to receive its complaint", response.pk)
        return None
    complaint = complaint_receive(
        actor=staff,
        kind=Complaint.Kind.COMPLAINT,
        channel=Complaint.Channel.SURVEY,
        content=complaint_content(response, questions, clean),
        customer=response.customer,
        vehicle=response.vehicle,
        repair_order=response.repair_order,
        category=Complaint.Category.SERVICE,
        received_at=response.answered_at,
    )
    SurveyResponse.objects.filter(pk=response.pk).update(complaint=complaint)
    response.complaint = complaint
    return complaint
