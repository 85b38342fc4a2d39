"""Builders for the surveys' tests: a customer reached by SMS, a dealer's default surveys,
and an invitation with its link."""

from dealercare.core.roles import Role
from dealercare.surveys.models import SurveyKind, SurveyTemplate
from dealercare.surveys.services.invitations import survey_invite
from dealercare.surveys.services.templates import survey_templates_ensure
from tests.service.booking_factories import owner_and_car


def default_survey(dealer, kind=SurveyKind.CSI) -> SurveyTemplate:
    survey_templates_ensure(dealer)
    return SurveyTemplate.objects.get(dealer=dealer, kind=kind)


def questions_of(template) -> dict:
    """The template's questions by what they measure or their type: satisfaction, nps,
    scale (the first non-measure 1–5 question), choice, text."""
    found = {}
    for question in template.questions.filter(active=True).order_by("order"):
        key = question.measure or question.type
        found.setdefault({"scale_1_5": "scale", "nps_0_10": "nps2"}.get(key, key), question)
    return found


def happy_answers(template, **overrides) -> dict:
    """Answers to every question of a default survey: satisfied, a promoter."""
    q = questions_of(template)
    answers = {
        q["satisfaction"].pk: 5,
        q["scale"].pk: 4,
        q["choice"].pk: q["choice"].options[0],
        q["nps"].pk: 10,
        q["text"].pk: "服务很好",
    }
    for name, value in overrides.items():
        answers[q[name].pk] = value
    # the default CSI survey has two more 1–5 questions
    for question in template.questions.filter(active=True, type="scale_1_5"):
        answers.setdefault(question.pk, 5)
    return answers


def invited(cast, *, dealer="a", channel="sms", **fields):
    """An invitation of the dealer's CSI survey to a new customer; ``.link`` is its link."""
    staff = cast.staff_a if dealer == "a" else cast.staff_b
    agent = staff[Role.CSR]
    customer, vehicle = owner_and_car(staff[Role.ADVISOR])
    template = default_survey(agent.dealer)
    return survey_invite(
        actor=agent,
        template=template,
        customer=customer,
        vehicle=vehicle,
        channel=channel,
        **fields,
    )


def token_of(invitation) -> str:
    return invitation.link.strip("/").split("/")[-1]
