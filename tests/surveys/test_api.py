"""The surveys' API: each endpoint for its roles, another dealer's ids (404), bad input
(422 naming the field) and stale versions (409)."""

import pytest

from dealercare.core.roles import Role
from dealercare.surveys.models import SurveyResponse
from dealercare.surveys.services.answers import survey_answer_by_agent
from tests.surveys.factories import default_survey, happy_answers, invited, questions_of


@pytest.fixture
def manager(cast, api_as):
    return api_as(cast.staff_a[Role.MANAGER])


@pytest.fixture
def agent(cast, api_as):
    return api_as(cast.staff_a[Role.CSR])


def test_templates_list_create_read_and_patch(cast, manager, agent):
    csi = default_survey(cast.dealer_a)
    rows = agent.get("/surveys").json()
    assert {r["kind"] for r in rows} == {"csi", "ssi"} and rows[0]["question_count"] == 6
    created = manager.post("/surveys", {"kind": "csi", "name": "保养回访（短）"})
    assert created.status_code == 201 and created.json()["questions"] == []
    read = manager.get(f"/surveys/{csi.pk}").json()
    assert [q["order"] for q in read["questions"]] == [1, 2, 3, 4, 5, 6]
    patched = manager.patch(f"/surveys/{csi.pk}", {"name": "售后回访", "version": csi.version})
    assert patched.status_code == 200 and patched.json()["version"] == csi.version + 1
    stale = manager.patch(f"/surveys/{csi.pk}", {"active": False, "version": csi.version})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"


def test_a_new_dealer_starts_with_the_default_surveys(cast, api_as):
    agent = api_as(cast.staff_b[Role.CSR])
    rows = agent.get("/surveys").json()
    assert sorted(r["kind"] for r in rows) == ["csi", "ssi"]
    assert agent.get("/surveys").json() == rows


def test_template_input_is_checked_field_by_field(cast, manager):
    default_survey(cast.dealer_a)
    answer = manager.post("/surveys", {"kind": "xyz", "name": "售后服务满意度回访"})
    assert answer.status_code == 422 and set(answer.json()["fields"]) == {"kind"}
    taken = manager.post("/surveys", {"kind": "csi", "name": "售后服务满意度回访"})
    assert taken.status_code == 422 and set(taken.json()["fields"]) == {"name"}


def test_questions_add_reorder_and_remove(cast, manager):
    template = manager.post("/surveys", {"kind": "ssi", "name": "试乘试驾回访"}).json()
    base = f"/surveys/{template['id']}/questions"
    bad = manager.post(base, {"text": "喜欢吗", "type": "choice", "options": ["是"]})
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"options"}
    wrong = manager.post(base, {"text": "满意吗", "type": "text", "measure": "nps"})
    assert wrong.status_code == 422 and set(wrong.json()["fields"]) == {"measure"}
    manager.post(base, {"text": "总体满意度", "type": "scale_1_5", "measure": "satisfaction"})
    added = manager.post(base, {"text": "推荐吗", "type": "nps_0_10", "measure": "nps"})
    assert added.status_code == 201
    ids = [q["id"] for q in added.json()["questions"]]
    reordered = manager.post(f"{base}/order", {"question_ids": ids[::-1]})
    assert [q["id"] for q in reordered.json()["questions"]] == ids[::-1]
    missing = manager.post(f"{base}/order", {"question_ids": ids[:1]})
    assert missing.status_code == 422 and "question_ids" in missing.json()["fields"]
    removed = manager.delete(f"{base}/{ids[0]}")
    assert [q["id"] for q in removed.json()["questions"]] == [ids[1]]


def test_invitations_send_list_and_read(cast, agent, api_as):
    template = default_survey(cast.dealer_a)
    customer = invited(cast).customer
    sent = agent.post(
        "/survey-invitations",
        {"template_id": template.pk, "customer_id": customer.pk, "channel": "wechat"},
    )
    assert sent.status_code == 201 and sent.json()["link"].startswith("/s/")
    assert agent.get("/survey-invitations", {"state": "open"}).json()["count"] == 2
    assert agent.get(f"/survey-invitations/{sent.json()['id']}").status_code == 200
    bad = agent.post(
        "/survey-invitations",
        {"template_id": template.pk, "customer_id": customer.pk, "channel": "fax"},
    )
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"channel"}


def test_agent_fills_in_and_lists_responses(cast, agent):
    invitation = invited(cast)
    answers = {str(k): v for k, v in happy_answers(invitation.template, nps=3).items()}
    filled = agent.post("/survey-responses", {"invitation_id": invitation.pk, "answers": answers})
    assert filled.status_code == 201, filled.content
    body = filled.json()
    assert body["source"] == "agent" and body["nps"] == 3 and body["unhappy"] is True
    assert len(body["answers"]) == 6
    again = agent.post("/survey-responses", {"invitation_id": invitation.pk, "answers": answers})
    assert again.status_code == 409 and again.json()["code"] == "survey_link_used"
    listed = agent.get("/survey-responses", {"unhappy": True, "kind": "csi"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert agent.get(f"/survey-responses/{body['id']}").status_code == 200


def test_agent_answers_are_checked_per_question(cast, agent):
    invitation = invited(cast)
    q = questions_of(invitation.template)
    answers = {str(k): v for k, v in happy_answers(invitation.template, satisfaction=9).items()}
    refused = agent.post("/survey-responses", {"invitation_id": invitation.pk, "answers": answers})
    assert refused.status_code == 422
    assert set(refused.json()["fields"]) == {f"q_{q['satisfaction'].pk}"}
    assert not SurveyResponse.objects.exists()


def test_results_for_the_manager(cast, manager, agent):
    invitation = invited(cast)
    agent.post(
        "/survey-responses",
        {"invitation_id": invitation.pk, "answers": happy_answers(invitation.template)},
    )
    month = invitation.created_at.astimezone().strftime("%Y-%m")
    results = manager.get("/survey-results", {"month": month})
    assert results.status_code == 200, results.content
    assert results.json()["satisfaction_pct"] == 100.0 and results.json()["nps"] == 100.0
    assert manager.get("/survey-results", {"month": "2026-13"}).status_code == 422
    assert agent.get("/survey-results", {"month": month}).status_code == 403


def test_another_dealers_ids_are_not_found(cast, api_as):
    invitation = invited(cast)
    template = invitation.template
    q = questions_of(template)
    response = survey_answer_by_agent(
        actor=cast.staff_a[Role.CSR], invitation=invited(cast), answers=happy_answers(template)
    )
    outsider = api_as(cast.staff_b[Role.MANAGER])
    paths = [
        f"/surveys/{template.pk}",
        f"/survey-invitations/{invitation.pk}",
        f"/survey-responses/{response.pk}",
    ]
    for path in paths:
        assert outsider.get(path).status_code == 404, path
    assert outsider.patch(f"/surveys/{template.pk}", {"name": "x", "version": 1}).status_code == 404
    assert (
        outsider.post(
            f"/surveys/{template.pk}/questions", {"text": "x", "type": "text"}
        ).status_code
        == 404
    )
    assert outsider.delete(f"/surveys/{template.pk}/questions/{q['text'].pk}").status_code == 404
    ids = [question.pk for question in template.questions.all()]
    reorder = outsider.post(f"/surveys/{template.pk}/questions/order", {"question_ids": ids})
    assert reorder.status_code == 404
    answered = outsider.post("/survey-responses", {"invitation_id": invitation.pk, "answers": {}})
    assert answered.status_code == 404
    sent = outsider.post(
        "/survey-invitations",
        {"template_id": template.pk, "customer_id": invitation.customer_id, "channel": "sms"},
    )
    assert sent.status_code == 404
    own = default_survey(cast.dealer_b)
    foreign_customer = outsider.post(
        "/survey-invitations",
        {"template_id": own.pk, "customer_id": invitation.customer_id, "channel": "sms"},
    )
    assert foreign_customer.status_code == 422
    assert set(foreign_customer.json()["fields"]) == {"customer_id"}
    assert outsider.get("/survey-responses").json()["count"] == 0


@pytest.mark.parametrize("role", [r for r in Role if r != Role.OEM_ANALYST])
def test_each_role_reaches_only_its_duty(cast, api_as, role):
    from dealercare.core.roles import Action
    from tests.core.test_roles import EXPECTED

    invitation = invited(cast)
    api = api_as(cast.staff_a[role])
    seen = {
        Action.SURVEY_VIEW: api.get("/survey-responses").status_code,
        Action.SURVEY_ANSWER: api.post(
            "/survey-responses",
            {"invitation_id": invitation.pk, "answers": happy_answers(invitation.template)},
        ).status_code,
        Action.SURVEY_RESULTS: api.get("/survey-results", {"month": "2026-01"}).status_code,
        Action.SURVEY_MANAGE: api.post("/surveys", {"kind": "csi", "name": "新问卷"}).status_code,
    }
    allowed = {
        Action.SURVEY_VIEW: 200,
        Action.SURVEY_ANSWER: 201,
        Action.SURVEY_RESULTS: 200,
        Action.SURVEY_MANAGE: 201,
    }
    wanted = {a: allowed[a] if role in EXPECTED[a] else 403 for a in seen}
    # the fill-in reads the invitation first: without survey.view it is refused as well
    assert seen == wanted
