"""A complaint from the call to the close on the pages (R-CMP-1..6): the customer-service
agent records it (a new contact becomes a customer), classifies, assigns, investigates,
proposes, implements, gives the feedback and closes it; the detail page fits a phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealercare.complaints.models import Complaint
from dealercare.core.roles import Role

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def step(page, move: str):
    """Submit the form of a step that takes fields."""
    page.locator(f"#step-{move} button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/complaints/\d+/$"))


def click_move(page, label: str):
    page.locator(".workflow-moves").get_by_role("button", name=label).click()
    expect(page).to_have_url(re.compile(r"/complaints/\d+/$"))


def test_an_agent_works_a_complaint_to_the_close(page, live_server, log_in, cast, artifacts):
    url = live_server.url
    agent = cast.staff_a[Role.CSR]
    log_in(page, "csr@sh01")

    page.goto(f"{url}/complaints/new/")
    page.locator("[name=channel]").select_option("hotline")
    page.locator("[name=contact_name]").fill("林女士")
    page.locator("[name=contact_phone]").fill("13600001111")
    page.locator("[name=content]").fill("空调不制冷，第二次来修了")
    page.locator("[name=wanted_outcome]").fill("更换压缩机")
    page.screenshot(path=artifacts / "complaint-1-new.png", full_page=True)
    page.locator("form.form button.primary[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/complaints/\d+/$"))
    expect(page.locator("time.countdown")).to_be_visible()
    complaint = Complaint.objects.get()
    assert complaint.customer.name == "林女士"

    page.locator("#step-classify [name=category]").select_option("product_quality")
    page.locator("#step-classify [name=urgency]").select_option("high")
    step(page, "classify")
    expect(page.locator("#status")).to_have_text("已分类")

    page.locator("#step-assign [name=owner_id]").select_option(str(agent.pk))
    page.locator("#step-assign [name=department]").select_option("workshop")
    solve_by = timezone.localtime() + timedelta(days=2)
    page.locator("#step-assign [name=solve_by]").fill(solve_by.strftime("%Y-%m-%dT%H:%M"))
    step(page, "assign")

    click_move(page, "开始调查")
    page.locator("#step-propose [name=investigation]").fill("冷凝器泄漏")
    page.locator("#step-propose [name=solution]").fill("免费更换冷凝器并加注冷媒")
    step(page, "propose")
    click_move(page, "已实施")
    expect(page.locator("main")).to_contain_text("回复期限")

    page.locator("#step-feedback [name=result]").fill("已修复，客户试车满意")
    page.locator("#step-feedback [name=cause]").fill("冷凝器批次缺陷")
    page.locator("#step-feedback [name=improvement]").fill("同批次车辆主动检查")
    page.locator("#step-feedback [name=satisfaction]").select_option("5")
    page.screenshot(path=artifacts / "complaint-2-feedback.png", full_page=True)
    step(page, "feedback")
    click_move(page, "关闭")
    expect(page.locator("#status")).to_have_text("已结案")
    expect(page.locator("#satisfaction")).to_contain_text("5")
    page.screenshot(path=artifacts / "complaint-3-closed.png", full_page=True)

    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.first_responded_at is not None
    assert (complaint.cause, complaint.satisfaction) == ("冷凝器批次缺陷", 5)

    page.set_viewport_size(PHONE)
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=artifacts / "complaint-4-detail-phone.png", full_page=True)
    assert width <= PHONE["width"]
