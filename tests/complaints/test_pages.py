"""The complaints desk's pages: lists with countdowns, the new-complaint form, the detail
with each step's form, the ladder page, the due panel; tenancy and roles."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from dealercare.complaints.models import Complaint, ComplaintLadderStep
from dealercare.complaints.selectors import complaints_due
from dealercare.core.roles import Role
from tests.complaints.factories import received, walk

pytestmark = pytest.mark.django_db


def urls(complaint):
    return [
        "/complaints/",
        "/complaints/inquiries/",
        "/complaints/new/",
        "/complaints/ladder/",
        f"/complaints/{complaint.pk}/",
    ]


def test_login_required(cast):
    complaint = received(cast)
    for url in urls(complaint):
        assert Client().get(url)["Location"].startswith("/login/")


def test_agent_records_and_works_a_complaint_on_the_pages(cast, client_as):
    agent = cast.staff_a[Role.CSR]
    client = client_as(agent)
    response = client.post(
        "/complaints/new/",
        {
            "kind": "complaint",
            "channel": "hotline",
            "contact_name": "林女士",
            "contact_phone": "13600001111",
            "content": "空调不制冷，第二次来修",
            "urgency": "normal",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    detail = f"/complaints/{complaint.pk}/"
    assert response["Location"] == detail
    page = client.get(detail).content.decode()
    assert 'id="step-classify"' in page and "countdown" in page
    steps = [
        {"move": "classify", "category": "product_quality", "urgency": "high"},
        {
            "move": "assign",
            "owner_id": agent.pk,
            "department": "workshop",
            "solve_by": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
        {"move": "investigate"},
        {"move": "propose", "investigation": "冷媒泄漏", "solution": "更换冷凝器"},
        {"move": "implement"},
        {
            "move": "feedback",
            "result": "已修复",
            "cause": "冷凝器缺陷",
            "improvement": "同批次车辆主动检查",
            "satisfaction": "5",
        },
        {"move": "close"},
    ]
    for step in steps:
        complaint.refresh_from_db()
        answer = client.post(f"{detail}step/", step | {"version": complaint.version})
        assert answer.status_code == 302, (step, answer.content.decode()[:2000])
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.satisfaction == 5
    page = client.get(detail).content.decode()
    assert "同批次车辆主动检查" in page


def test_a_step_with_missing_fields_shows_them(cast, client_as):
    complaint = received(cast)
    client = client_as(cast.staff_a[Role.CSR])
    response = client.post(f"/complaints/{complaint.pk}/step/", {"move": "classify"})
    assert response.status_code == 422
    assert "field-error" in response.content.decode()
    response = client.post(f"/complaints/{complaint.pk}/step/", {"move": "close"})
    assert response.status_code == 422
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_new_form_refuses_bad_input(cast, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    response = client.post("/complaints/new/", {"kind": "complaint", "channel": "hotline"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert not Complaint.objects.exists()


def test_list_search_filter_and_countdown(cast, client_as):
    late = received(cast, content="车窗异响", received_at=timezone.now() - timedelta(hours=30))
    received(cast, content="发票开错")
    walk(cast, received(cast, kind="inquiry", content="保养周期"), "answer")
    client = client_as(cast.staff_a[Role.CSR])
    page = client.get("/complaints/", {"q": "车窗"}).content.decode()
    assert str(late) in page and "发票开错" not in page
    assert "countdown late" in page
    overdue = client.get("/complaints/", {"overdue_only": "on"}).content.decode()
    assert str(late) in overdue and "发票开错" not in overdue
    inquiries = client.get("/complaints/inquiries/").content.decode()
    assert "保养周期" in inquiries and "车窗异响" not in inquiries


def test_manager_saves_the_ladder_page(cast, client_as):
    client = client_as(cast.staff_a[Role.MANAGER])
    assert client.get("/complaints/ladder/").status_code == 200
    response = client.post(
        "/complaints/ladder/",
        {
            "first_response_hours": "12",
            "feedback_hours": "24",
            "warn_percent": "75",
            "target_1": "manager",
            "after_1": "0",
            "channel_1": "email",
            "target_2": "admin",
            "after_2": "4",
            "channel_2": "inbox",
        },
    )
    assert response.status_code == 302
    steps = ComplaintLadderStep.objects.filter(dealer=cast.dealer_a)
    assert list(steps.values_list("level", "after_minutes", "target")) == [
        (1, 0, "manager"),
        (2, 240, "admin"),
    ]
    agent = client_as(cast.staff_a[Role.CSR])
    assert agent.get("/complaints/ladder/").status_code == 200
    refused = agent.post(
        "/complaints/ladder/",
        {
            "first_response_hours": "1",
            "feedback_hours": "1",
            "warn_percent": "50",
            "target_1": "manager",
            "after_1": "0",
        },
    )
    assert refused.status_code == 403


def test_another_dealers_complaint_is_404_and_roles_are_kept(cast, client_as):
    theirs = received(cast, dealer="b")
    client = client_as(cast.staff_a[Role.MANAGER])
    assert client.get(f"/complaints/{theirs.pk}/").status_code == 404
    assert client.post(f"/complaints/{theirs.pk}/step/", {"move": "classify"}).status_code == 404
    mine = received(cast)
    technician = client_as(cast.staff_a[Role.TECHNICIAN])
    for url in urls(mine):
        assert technician.get(url).status_code == 403, url
    advisor = client_as(cast.staff_a[Role.ADVISOR])
    page = advisor.get(f"/complaints/{mine.pk}/").content.decode()
    assert 'id="step-classify"' not in page
    refused = advisor.post(
        f"/complaints/{mine.pk}/step/",
        {"move": "classify", "category": "service", "urgency": "low"},
    )
    assert refused.status_code == 403


def test_due_panel_shows_what_is_due_and_late(cast):
    late = received(cast, received_at=timezone.now() - timedelta(hours=30))
    soon = received(cast, received_at=timezone.now() - timedelta(hours=20))
    walk(cast, received(cast), "classify")
    received(cast, dealer="b", received_at=timezone.now() - timedelta(hours=30))
    due = complaints_due(cast.staff_a[Role.MANAGER])
    assert [c.pk for c in due["rows"]] == [late.pk, soon.pk]
    assert (due["late"], due["due"]) == (1, 2)
    html = render_to_string("complaints/_due_panel.html", {"due": due})
    assert str(late) in html and "countdown late" in html
    assert complaints_due(cast.staff_a[Role.TECHNICIAN])["rows"] == []


def test_pages_in_chinese_by_default_and_in_english_when_chosen(cast, client_as):
    complaint = walk(
        cast, received(cast, received_at=timezone.now() - timedelta(hours=2)), "implement"
    )
    client = client_as(cast.staff_a[Role.MANAGER])
    chinese = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "回复客户" in chinese and "对处理的满意度" in chinese
    assert "投诉分析" in client.get("/complaints/analysis/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "Give feedback" in english and "Satisfaction with the handling" in english
    assert "Complaint analysis" in client.get("/complaints/analysis/").content.decode()
