"""The month's figures on a known set: CSI % (share of 4 and 5), NPS, response rate and
each question's distribution; other months, kinds and dealers stay out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.core.errors import PermissionDenied
from dealercare.core.roles import Role
from dealercare.surveys.models import SurveyInvitation, SurveyKind, SurveyResponse
from dealercare.surveys.selectors import survey_results
from dealercare.surveys.services.answers import survey_answer_by_agent
from tests.surveys.factories import default_survey, happy_answers, invited, questions_of


def answer(cast, invitation, **overrides):
    return survey_answer_by_agent(
        actor=cast.staff_a[Role.CSR],
        invitation=invitation,
        answers=happy_answers(invitation.template, **overrides),
    )


def test_figures_on_a_known_set(cast):
    scores = [(5, 10), (4, 9), (3, 7), (1, 3)]
    for satisfaction, nps in scores:
        answer(cast, invited(cast), satisfaction=satisfaction, nps=nps)
    invited(cast)  # sent, not answered
    # another month, another kind, another dealer: not counted
    old = answer(cast, invited(cast), satisfaction=1, nps=0)
    SurveyResponse.objects.filter(pk=old.pk).update(
        answered_at=old.answered_at - timedelta(days=62)
    )
    SurveyInvitation.objects.filter(pk=old.invitation_id).update(
        created_at=old.answered_at - timedelta(days=62)
    )
    ssi = invited(cast)
    ssi_template = default_survey(cast.dealer_a, SurveyKind.SSI)
    SurveyInvitation.objects.filter(pk=ssi.pk).update(template=ssi_template)
    ssi.refresh_from_db()
    answer(cast, ssi, satisfaction=1)
    other = invited(cast, dealer="b")
    survey_answer_by_agent(
        actor=cast.staff_b[Role.CSR], invitation=other,
        answers=happy_answers(other.template, satisfaction=1, nps=0),
    )  # fmt: skip

    month = timezone.localdate().replace(day=1)
    results = survey_results(actor=cast.staff_a[Role.MANAGER], month=month, kind="csi")

    assert results.responses == 4 and results.invited == 5
    assert results.response_rate == 80.0
    assert results.satisfaction_answers == 4 and results.satisfaction_pct == 50.0
    assert (results.promoters, results.passives, results.detractors) == (2, 1, 1)
    assert results.nps == 25.0
    assert results.unhappy == 1  # the 1 and the 3: one response
    template = default_survey(cast.dealer_a)
    q = questions_of(template)
    by_question = {r.question_id: r for r in results.questions}
    satisfaction = by_question[q["satisfaction"].pk]
    assert satisfaction.count == 4
    assert satisfaction.values == [
        ("1", 1, 25.0), ("2", 0, 0.0), ("3", 1, 25.0), ("4", 1, 25.0), ("5", 1, 25.0)
    ]  # fmt: skip
    assert [v for v, _n, _p in by_question[q["nps"].pk].values] == [str(i) for i in range(11)]
    assert by_question[q["choice"].pk].values[0] == ("是", 4, 100.0)


def test_an_empty_month_has_no_figures(cast):
    results = survey_results(
        actor=cast.staff_a[Role.MANAGER], month=timezone.localdate().replace(day=1)
    )
    assert results.satisfaction_pct is None and results.nps is None
    assert results.response_rate is None and results.questions == []


def test_results_are_the_managers(cast):
    with pytest.raises(PermissionDenied):
        survey_results(actor=cast.staff_a[Role.CSR], month=timezone.localdate())
