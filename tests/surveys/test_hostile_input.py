"""Odd input to the survey endpoints and the public page: refused with the field named,
never a 5xx, nothing written."""

import pytest

from dealercare.core.roles import Role
from dealercare.surveys.models import SurveyResponse
from tests.surveys.factories import happy_answers, invited, questions_of


@pytest.mark.parametrize(
    "value",
    [10**30, -1, 3.5, "五", "\x00", "x" * 2000, [], {"a": 1}, True],
)
def test_odd_answers_through_the_api(cast, api_as, value):
    invitation = invited(cast)
    q = questions_of(invitation.template)
    answers = {str(k): v for k, v in happy_answers(invitation.template).items()}
    answers[str(q["satisfaction"].pk)] = value
    sent = api_as(cast.staff_a[Role.CSR]).post(
        "/survey-responses", {"invitation_id": invitation.pk, "answers": answers}
    )
    assert sent.status_code in (400, 422), sent.content
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"invitation_id": 2**62, "answers": {}},
        {"answers": {}},
        {"customer_id": 1, "answers": {}},
        {"invitation_id": 1, "answers": {"q_" + "9" * 20: 1}},
        {"invitation_id": 1, "answers": "all good"},
    ],
)
def test_odd_fill_in_bodies(cast, api_as, body):
    answer = api_as(cast.staff_a[Role.CSR]).post("/survey-responses", body)
    assert 400 <= answer.status_code < 500, answer.content


def test_odd_public_posts(cast, client):
    invitation = invited(cast)
    q = questions_of(invitation.template)
    data = {f"q_{q['satisfaction'].pk}": ["1", "5"], f"q_{q['nps'].pk}": "\x00", "junk": "x"}
    answer = client.post(invitation.link, data)
    assert answer.status_code == 422
    assert client.post("/s/%00%00/", {}).status_code == 404
    assert client.get("/s/" + "a" * 500 + "/").status_code == 404
    assert not SurveyResponse.objects.exists()


def test_the_public_page_speaks_english_when_asked(cast, client):
    invitation = invited(cast)
    page = client.get(invitation.link, HTTP_ACCEPT_LANGUAGE="en")
    assert "How did we do?" in page.text and "Send my answers" in page.text
    assert "您对我们的服务满意吗" in client.get(invitation.link).text
