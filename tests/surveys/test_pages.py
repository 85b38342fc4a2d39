"""The survey pages: the public link (no login; answered once; expired, used and forged
links each get their page), and the staff pages for their roles and dealers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.core.roles import Role
from dealercare.surveys.models import SurveyInvitation, SurveyResponse
from dealercare.surveys.services.answers import survey_answer_by_agent
from tests.surveys.factories import default_survey, happy_answers, invited, questions_of


def form_data(template, **overrides) -> dict:
    return {f"q_{pk}": value for pk, value in happy_answers(template, **overrides).items()}


def test_the_public_link_is_answered_once_without_login(cast, client):
    invitation = invited(cast)
    page = client.get(invitation.link)
    assert page.status_code == 200 and invitation.template.questions.first().text in page.text
    assert invitation.customer.name not in page.text
    sent = client.post(invitation.link, form_data(invitation.template))
    assert sent.status_code == 200 and "surveys/public_thanks.html" in [
        t.name for t in sent.templates
    ]
    assert SurveyResponse.objects.get().source == "link"
    again = client.post(invitation.link, form_data(invitation.template))
    assert again.status_code == 409 and 'id="survey_link_used"' in again.text
    assert client.get(invitation.link).status_code == 409
    assert SurveyResponse.objects.count() == 1


def test_the_public_page_names_the_wrong_answer(cast, client):
    invitation = invited(cast)
    q = questions_of(invitation.template)
    data = form_data(invitation.template)
    del data[f"q_{q['nps'].pk}"]
    refused = client.post(invitation.link, data)
    assert refused.status_code == 422
    assert set(refused.context["form"].errors) - {"__all__"} == {f"q_{q['nps'].pk}"}
    assert not SurveyResponse.objects.exists()


def test_expired_and_forged_links_get_their_own_page(cast, client):
    invitation = invited(cast)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    expired = client.post(invitation.link, form_data(invitation.template))
    assert expired.status_code == 410 and 'id="survey_link_expired"' in expired.text
    forged = client.get("/s/" + "x" * 32 + "/")
    assert forged.status_code == 404 and 'id="survey_link_invalid"' in forged.text
    assert not SurveyResponse.objects.exists()


STAFF_PAGES = [
    "/surveys/",
    "/surveys/invitations/",
    "/surveys/invitations/new/",
    "/surveys/responses/",
    "/surveys/results/",
    "/surveys/new/",
]


@pytest.mark.parametrize("role", [Role.CSR, Role.MANAGER, Role.TECHNICIAN])
def test_staff_pages_by_role(cast, client_as, role):
    invitation = invited(cast)
    survey_answer_by_agent(
        actor=cast.staff_a[Role.CSR],
        invitation=invitation,
        answers=happy_answers(invitation.template),
    )
    client = client_as(cast.staff_a[role])
    seen = {url: client.get(url).status_code for url in STAFF_PAGES}
    wanted = {
        Role.CSR: {
            **dict.fromkeys(STAFF_PAGES, 200),
            "/surveys/results/": 403,
            "/surveys/new/": 403,
        },
        Role.MANAGER: dict.fromkeys(STAFF_PAGES, 200),
        Role.TECHNICIAN: dict.fromkeys(STAFF_PAGES, 403),
    }[role]
    assert seen == wanted


def test_another_dealers_pages_are_not_found(cast, client_as):
    invitation = invited(cast)
    response = survey_answer_by_agent(
        actor=cast.staff_a[Role.CSR],
        invitation=invitation,
        answers=happy_answers(invitation.template),
    )
    fresh = invited(cast)
    outsider = client_as(cast.staff_b[Role.MANAGER])
    template = invitation.template
    question = template.questions.first()
    for url in (
        f"/surveys/{template.pk}/",
        f"/surveys/responses/{response.pk}/",
        f"/surveys/invitations/{fresh.pk}/fill/",
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (
        f"/surveys/{template.pk}/questions/",
        f"/surveys/{template.pk}/questions/{question.pk}/remove/",
        f"/surveys/invitations/{fresh.pk}/fill/",
    ):
        assert outsider.post(url, {}).status_code == 404, url
    listed = outsider.get("/surveys/responses/")
    assert invitation.customer.name not in listed.text


def test_the_agent_fills_in_on_the_page(cast, client_as):
    invitation = invited(cast)
    agent = client_as(cast.staff_a[Role.CSR])
    url = f"/surveys/invitations/{invitation.pk}/fill/"
    assert agent.get(url).status_code == 200
    saved = agent.post(url, form_data(invitation.template, satisfaction=2))
    assert saved.status_code == 302
    response = SurveyResponse.objects.get()
    assert response.unhappy and response.complaint is not None
    assert agent.get(saved["Location"]).status_code == 200


def test_the_manager_edits_questions_on_the_page(cast, client_as):
    template = default_survey(cast.dealer_a)
    manager = client_as(cast.staff_a[Role.MANAGER])
    base = f"/surveys/{template.pk}/questions/"
    added = manager.post(base, {"text": "洗车满意吗", "type": "choice", "options": "满意\n不满意"})
    assert added.status_code == 302
    refused = manager.post(base, {"text": "", "type": "choice", "options": "只有一个"})
    assert refused.status_code == 422
    last = template.questions.order_by("-order").first()
    moved = manager.post(f"{base}{last.pk}/move/", {"direction": "up"})
    assert moved.status_code == 302
    last.refresh_from_db()
    assert last.order == 6
    assert manager.post(f"{base}{last.pk}/remove/").status_code == 302
    assert template.questions.filter(active=True).count() == 6
    agent = client_as(cast.staff_a[Role.CSR])
    assert agent.post(base, {"text": "x", "type": "text"}).status_code == 403


def test_results_page_shows_the_months_figures(cast, client_as):
    invitation = invited(cast)
    survey_answer_by_agent(
        actor=cast.staff_a[Role.CSR],
        invitation=invitation,
        answers=happy_answers(invitation.template),
    )
    page = client_as(cast.staff_a[Role.MANAGER]).get("/surveys/results/")
    assert page.status_code == 200
    assert page.context["results"].satisfaction_pct == 100.0
    assert "<svg" in page.text


def test_the_customers_timeline_shows_the_survey(cast, client, client_as):
    invitation = invited(cast)
    client.post(invitation.link, form_data(invitation.template, nps=2))
    timeline = client_as(cast.staff_a[Role.MANAGER]).get(f"/customers/{invitation.customer_id}/")
    assert timeline.status_code == 200
    assert "发送了满意度调查" in timeline.text and "回答了满意度调查" in timeline.text
