"""Answering a survey: by the customer through the link (no login), or by an agent on the
phone. One answer per invitation; an unhappy answer opens a complaint."""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.cleaning import FieldErrors, clean_text
from dealercare.core.errors import BusinessRuleViolation, InvalidInput, NotFound
from dealercare.core.roles import Action, require
from dealercare.surveys.events import SurveyAuditObject, SurveyError, SurveyEvent
from dealercare.surveys.models import (
    Measure,
    QuestionType,
    SurveyAnswer,
    SurveyChannel,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from dealercare.surveys.services.complaints import survey_complaint_open
from dealercare.surveys.services.invitations import survey_invite, token_hash


def answer_field(question: SurveyQuestion) -> str:
    """The name an answer's errors go under, in the API and on the pages."""
    return f"q_{question.pk}"


def _score(value, scores: range) -> int:
    try:
        score = None if isinstance(value, bool) else int(str(value).strip())
    except (TypeError, ValueError):
        score = None
    if score is None or score not in scores:
        raise ValidationError(
            _("Choose a number from %(low)d to %(high)d.") % {"low": scores[0], "high": scores[-1]}
        )
    return score


def _answer(question: SurveyQuestion, value) -> dict | None:
    """The answer's stored values, or None for an optional question left empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if question.required:
            raise ValidationError(_("This question needs an answer."))
        return None
    if question.scores is not None:
        return {"score": _score(value, question.scores)}
    if question.type == QuestionType.CHOICE:
        if value not in question.options:
            raise ValidationError(_("Choose one of the options."))
        return {"choice": value}
    return {"text": clean_text(value, max_length=1000, multiline=True)}


def answers_clean(questions: list[SurveyQuestion], answers: Mapping) -> dict[int, dict]:
    """Each question's answer by question id; every problem named by its question's field."""
    given = {str(k).removeprefix("q_"): v for k, v in answers.items()}
    known = {str(q.pk) for q in questions}
    errors = FieldErrors()
    for key in sorted(set(given) - known):
        errors.add("answers", _("No such question: %(key)s.") % {"key": key[:20]})
    clean = {}
    for question in questions:
        with errors.field(answer_field(question)):
            answer = _answer(question, given.get(str(question.pk)))
            if answer is not None:
                clean[question.pk] = answer
    errors.raise_if_any()
    return clean


def is_unhappy(questions: list[SurveyQuestion], clean: dict[int, dict]) -> bool:
    """An NPS detractor (0–6 by default) or a 1–5 scale answer of 2 or less."""
    for question in questions:
        score = clean.get(question.pk, {}).get("score")
        if score is None:
            continue
        if question.type == QuestionType.NPS and score <= settings.SURVEY_NPS_COMPLAINT_MAX:
            return True
        if question.type == QuestionType.SCALE and score <= settings.SURVEY_SCALE_COMPLAINT_MAX:
            return True
    return False


def _measure(questions, clean, measure: str) -> int | None:
    for question in questions:
        if question.measure == measure:
            return clean.get(question.pk, {}).get("score")
    return None


def _record(*, invitation: SurveyInvitation, answers: Mapping, actor, source) -> SurveyResponse:
    """Lock the invitation, refuse a second answer, store the answers and their audit entry,
    and open the complaint an unhappy answer asks for."""
    invitation = (
        SurveyInvitation.objects.select_for_update()
        .select_related("dealer", "customer", "template")
        .get(pk=invitation.pk)
    )
    if invitation.answered_at is not None:
        raise BusinessRuleViolation(SurveyError.LINK_USED.label, code=SurveyError.LINK_USED)
    questions = list(invitation.template.questions.filter(active=True).order_by("order", "pk"))
    clean = answers_clean(questions, answers)
    now = timezone.now()
    response = SurveyResponse.objects.create(
        dealer=invitation.dealer,
        invitation=invitation,
        template=invitation.template,
        customer=invitation.customer,
        vehicle_id=invitation.vehicle_id,
        repair_order_id=invitation.repair_order_id,
        source=source,
        answered_by=actor,
        answered_at=now,
        satisfaction=_measure(questions, clean, Measure.SATISFACTION),
        nps=_measure(questions, clean, Measure.NPS),
        unhappy=is_unhappy(questions, clean),
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(dealer=invitation.dealer, response=response, question_id=pk, **values)
        for pk, values in clean.items()
    )
    SurveyInvitation.objects.filter(pk=invitation.pk).update(answered_at=now)
    invitation.answered_at = now
    audit_record(
        actor=actor,
        dealer=invitation.dealer,
        event=AuditEvent(
            action=SurveyEvent.ANSWER,
            object_type=SurveyAuditObject.RESPONSE,
            object_id=response.pk,
            label=invitation.template.name,
            customer_id=invitation.customer_id,
            changes={
                "satisfaction": ["", response.satisfaction],
                "nps": ["", response.nps],
                "source": ["", source],
            },
        ),
    )
    if response.unhappy:
        survey_complaint_open(response=response, questions=questions, clean=clean)
    return response


def invitation_by_token(token: str) -> SurveyInvitation:
    """The invitation a link names; an unknown (forged, mistyped) token is not found."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        raise NotFound(SurveyError.LINK_INVALID.label, code=SurveyError.LINK_INVALID)
    invitation = (
        SurveyInvitation.objects.select_related("dealer", "template")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise NotFound(SurveyError.LINK_INVALID.label, code=SurveyError.LINK_INVALID)
    return invitation


def invitation_open_check(invitation: SurveyInvitation) -> None:
    """Refuse a link already answered or past its day."""
    if invitation.answered_at is not None:
        raise BusinessRuleViolation(SurveyError.LINK_USED.label, code=SurveyError.LINK_USED)
    if invitation.expires_at <= timezone.now():
        raise BusinessRuleViolation(SurveyError.LINK_EXPIRED.label, code=SurveyError.LINK_EXPIRED)


@transaction.atomic
def survey_answer(*, token: str, answers: Mapping) -> SurveyResponse:
    """The customer's answers through the link (no login): once, before it expires."""
    invitation = invitation_by_token(token)
    invitation_open_check(invitation)
    return _record(
        invitation=invitation, answers=answers, actor=None, source=SurveyResponse.Source.LINK
    )


@transaction.atomic
def survey_answer_by_agent(
    *,
    actor,
    answers: Mapping,
    invitation: SurveyInvitation | None = None,
    customer=None,
    template=None,
    vehicle=None,
    repair_order=None,
) -> SurveyResponse:
    """An agent asks the questions on the phone: for an invitation not yet answered (also
    one whose link expired), or for a customer with a survey, as a phone invitation."""
    require(actor, Action.SURVEY_ANSWER)
    if invitation is None:
        if customer is None or template is None:
            raise InvalidInput(
                fields={"invitation_id": [_("Name the invitation, or the customer and survey.")]}
            )
        invitation = survey_invite(
            actor=actor,
            template=template,
            customer=customer,
            vehicle=vehicle,
            repair_order=repair_order,
            channel=SurveyChannel.PHONE,
        )
    elif invitation.dealer_id != actor.dealer_id:
        raise NotFound()
    return _record(
        invitation=invitation, answers=answers, actor=actor, source=SurveyResponse.Source.AGENT
    )
