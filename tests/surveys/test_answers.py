"""Survey links (R-SAT-1): answered once; a second answer, an expired link and a forged one
are refused; the agent on the phone; unhappy answers flagged; the after-delivery job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.core.audit import AuditEntry
from dealercare.core.errors import BusinessRuleViolation, InvalidInput, NotFound, PermissionDenied
from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.roles import Role
from dealercare.surveys.jobs import surveys_csi_invite
from dealercare.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from dealercare.surveys.services.answers import survey_answer, survey_answer_by_agent
from dealercare.surveys.services.invitations import survey_invite
from tests.service.workshop_factories import order_in
from tests.surveys.factories import (
    default_survey,
    happy_answers,
    invited,
    questions_of,
    token_of,
)


def test_a_link_is_answered_once(cast):
    invitation = invited(cast)
    template = invitation.template
    response = survey_answer(token=token_of(invitation), answers=happy_answers(template))
    assert response.satisfaction == 5 and response.nps == 10 and not response.unhappy
    assert response.source == SurveyResponse.Source.LINK and response.answered_by is None
    assert SurveyAnswer.objects.filter(response=response).count() == 6
    with pytest.raises(BusinessRuleViolation) as refused:
        survey_answer(token=token_of(invitation), answers=happy_answers(template))
    assert refused.value.code == "survey_link_used"
    assert SurveyResponse.objects.count() == 1


def test_the_invitation_goes_out_through_the_outbox_with_its_link(cast):
    invitation = invited(cast)
    message = OutboxMessage.objects.get(pk=invitation.message_id)
    assert message.link == invitation.link and invitation.link in message.body
    assert message.status == "queued" and message.customer_id == invitation.customer_id
    # only the token's hash is kept
    assert token_of(invitation) not in invitation.token_hash
    assert not SurveyInvitation.objects.filter(token_hash=token_of(invitation)).exists()


def test_an_expired_link_is_refused(cast):
    invitation = invited(cast)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(BusinessRuleViolation) as refused:
        survey_answer(token=token_of(invitation), answers=happy_answers(invitation.template))
    assert refused.value.code == "survey_link_expired"
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("forged", ["x" * 32, "", "../../etc", "a" * 300])
def test_a_forged_link_is_refused(cast, forged):
    invitation = invited(cast)
    token = token_of(invitation)
    for fake in (forged, token[:-1] + ("A" if token[-1] != "A" else "B")):
        with pytest.raises(NotFound) as refused:
            survey_answer(token=fake, answers=happy_answers(invitation.template))
        assert refused.value.code == "survey_link_invalid"
    assert not SurveyResponse.objects.exists()


def test_wrong_answers_name_their_question_and_change_nothing(cast):
    invitation = invited(cast)
    q = questions_of(invitation.template)
    answers = happy_answers(invitation.template, satisfaction=6, nps="ten", choice="也许")
    del answers[q["scale"].pk]
    answers[999999] = 3
    with pytest.raises(InvalidInput) as refused:
        survey_answer(token=token_of(invitation), answers=answers)
    fields = refused.value.fields
    assert set(fields) == {
        f"q_{q['satisfaction'].pk}",
        f"q_{q['nps'].pk}",
        f"q_{q['choice'].pk}",
        f"q_{q['scale'].pk}",
        "answers",
    }
    assert not SurveyResponse.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_an_optional_question_may_stay_empty(cast):
    invitation = invited(cast)
    answers = happy_answers(invitation.template, text="")
    response = survey_answer(token=token_of(invitation), answers=answers)
    assert SurveyAnswer.objects.filter(response=response).count() == 5


@pytest.mark.parametrize(
    ("overrides", "unhappy"),
    [({"nps": 6}, True), ({"nps": 7}, False), ({"satisfaction": 2}, True), ({"scale": 1}, True),
     ({"satisfaction": 3}, False)],
)  # fmt: skip
def test_unhappy_answers_are_flagged(cast, overrides, unhappy):
    invitation = invited(cast)
    answers = happy_answers(invitation.template, **overrides)
    response = survey_answer(token=token_of(invitation), answers=answers)
    assert response.unhappy is unhappy


def test_the_agent_fills_in_on_the_phone(cast):
    invitation = invited(cast)
    agent = cast.staff_a[Role.CSR]
    response = survey_answer_by_agent(
        actor=agent, invitation=invitation, answers=happy_answers(invitation.template)
    )
    assert response.source == SurveyResponse.Source.AGENT and response.answered_by == agent
    entry = AuditEntry.objects.get(action="survey_response.answer")
    assert entry.customer_id == invitation.customer_id and entry.actor_id == agent.pk


def test_the_agent_calls_a_customer_without_a_link(cast):
    agent = cast.staff_a[Role.CSR]
    other = invited(cast)  # a customer of dealer a
    template = default_survey(cast.dealer_a)
    response = survey_answer_by_agent(
        actor=agent, customer=other.customer, template=template, answers=happy_answers(template)
    )
    assert response.invitation.channel == "phone" and response.invitation.message_id is None


def test_roles_and_tenancy_of_sending_and_filling_in(cast):
    invitation = invited(cast)
    template = invitation.template
    with pytest.raises(PermissionDenied):
        survey_answer_by_agent(
            actor=cast.staff_a[Role.TECHNICIAN], invitation=invitation, answers={}
        )
    with pytest.raises(NotFound):
        survey_answer_by_agent(
            actor=cast.staff_b[Role.CSR], invitation=invitation, answers=happy_answers(template)
        )
    with pytest.raises(InvalidInput) as refused:
        survey_invite(
            actor=cast.staff_b[Role.CSR], template=template, customer=invitation.customer,
            channel="sms",
        )  # fmt: skip
    assert {"template_id", "customer_id"} <= set(refused.value.fields)


def test_after_delivery_the_job_invites_once_per_order(cast):
    delivered = order_in(cast, "delivered", delivered_at=timezone.now() - timedelta(days=1))
    today = order_in(cast, "delivered", delivered_at=timezone.now())
    month_ago = order_in(cast, "closed", delivered_at=timezone.now() - timedelta(days=30))
    other_dealer = order_in(
        cast, "closed", dealer="b", delivered_at=timezone.now() - timedelta(days=2)
    )
    assert surveys_csi_invite() == 2
    invited_orders = set(SurveyInvitation.objects.values_list("repair_order_id", flat=True))
    assert invited_orders == {delivered.pk, other_dealer.pk}
    assert today.pk not in invited_orders and month_ago.pk not in invited_orders
    assert surveys_csi_invite() == 0
    assert OutboxMessage.objects.filter(topic="survey").count() == 2
    with pytest.raises(BusinessRuleViolation) as refused:
        survey_invite(
            actor=cast.staff_a[Role.CSR], template=default_survey(cast.dealer_a),
            repair_order=delivered, channel="sms",
        )  # fmt: skip
    assert refused.value.code == "survey_order_invited"


def test_a_detractor_opens_one_complaint_prefilled_with_its_clock_running(cast):
    from dealercare.complaints.models import Complaint

    order = order_in(cast, "delivered", delivered_at=timezone.now() - timedelta(days=1))
    invitation = survey_invite(
        actor=cast.staff_a[Role.CSR], template=default_survey(cast.dealer_a),
        repair_order=order, channel="sms",
    )  # fmt: skip
    answers = happy_answers(invitation.template, nps=3, text="等了三个小时才交车")
    response = survey_answer(token=token_of(invitation), answers=answers)
    complaint = Complaint.objects.get()
    assert response.complaint == complaint and complaint.channel == "survey"
    assert complaint.customer_id == order.customer_id and complaint.vehicle_id == order.vehicle_id
    assert complaint.repair_order_id == order.pk
    assert "等了三个小时才交车" in complaint.content and "3" in complaint.content
    assert complaint.received_at == response.answered_at
    assert complaint.first_response_due_at == response.answered_at + timedelta(hours=24)
    assert complaint.received_by == cast.staff_a[Role.CSR]  # who sent the survey
    with pytest.raises(BusinessRuleViolation):
        survey_answer(token=token_of(invitation), answers=answers)
    assert Complaint.objects.count() == 1


def test_a_happy_answer_opens_no_complaint(cast):
    from dealercare.complaints.models import Complaint

    invitation = invited(cast)
    survey_answer(token=token_of(invitation), answers=happy_answers(invitation.template, nps=7))
    assert not Complaint.objects.exists()


def test_the_agent_receives_the_complaint_of_an_unhappy_call(cast):
    invitation = invited(cast)
    agent = cast.staff_a[Role.MANAGER]
    answers = happy_answers(invitation.template, satisfaction=1)
    response = survey_answer_by_agent(actor=agent, invitation=invitation, answers=answers)
    assert response.complaint.received_by == agent
