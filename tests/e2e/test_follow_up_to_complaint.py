"""The follow-up call to the closed complaint on the pages (R-SVC-7, R-CMP-4..6): the agent
calls with the script, the customer is unhappy, one click opens the complaint pre-filled;
it is classified, assigned, solved and closed with the customer's feedback."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealercare.complaints.models import Complaint
from dealercare.core.roles import Role
from dealercare.service.models import FollowUpTask, RepairOrder
from tests.e2e.test_complaint_flow import click_move, step
from tests.service.workshop_factories import order_in

pytestmark = pytest.mark.e2e


def test_an_unhappy_follow_up_call_becomes_a_closed_complaint(
    page, live_server, log_in, cast, artifacts
):
    order = order_in(cast, RepairOrder.Status.DELIVERED)
    task = FollowUpTask.objects.create(
        dealer=cast.dealer_a,
        order=order,
        customer=order.customer,
        vehicle=order.vehicle,
        due_on=timezone.localdate() - timedelta(days=1),
        channel="phone",
    )
    agent = cast.staff_a[Role.CSR]
    url = live_server.url
    log_in(page, "csr@sh01")

    page.goto(f"{url}/service/follow-ups/")
    expect(page.locator("main")).to_contain_text("已逾期")
    page.get_by_role("link", name=re.compile(r"\d{4}")).first.click()
    expect(page.locator("h2", has_text="回访话术")).to_be_visible()
    page.locator("[name=reached][value=yes]").check()
    page.locator("[name=quality_score][value='2']").check()
    page.locator("[name=attitude_score][value='4']").check()
    page.locator("[name=price_score][value='3']").check()
    page.locator("[name=remarks]").fill("保养后发动机噪音变大，希望尽快处理")
    page.screenshot(path=artifacts / "follow-up-1-script.png", full_page=True)
    page.get_by_role("button", name="保存回访记录").click()
    expect(page.locator("#follow-up-status")).to_contain_text("不满意")

    page.locator("#open-complaint").click()
    expect(page).to_have_url(re.compile(r"/complaints/\d+/$"))
    expect(page.locator("main")).to_contain_text("保养后发动机噪音变大")
    expect(page.locator("main")).to_contain_text(order.number)
    page.screenshot(path=artifacts / "follow-up-2-complaint.png", full_page=True)
    complaint = Complaint.objects.get()
    assert (complaint.follow_up_id, complaint.customer_id) == (task.pk, order.customer_id)

    page.locator("#step-classify [name=category]").select_option("service")
    step(page, "classify")
    page.locator("#step-assign [name=owner_id]").select_option(str(agent.pk))
    page.locator("#step-assign [name=department]").select_option("workshop")
    solve_by = timezone.localtime() + timedelta(days=1)
    page.locator("#step-assign [name=solve_by]").fill(solve_by.strftime("%Y-%m-%dT%H:%M"))
    step(page, "assign")
    click_move(page, "开始调查")
    page.locator("#step-propose [name=investigation]").fill("发动机底护板螺丝松动")
    page.locator("#step-propose [name=solution]").fill("免费紧固并检查底盘")
    step(page, "propose")
    click_move(page, "已实施")
    page.locator("#step-feedback [name=result]").fill("已紧固，异响消除")
    page.locator("#step-feedback [name=cause]").fill("保养后未按力矩紧固")
    page.locator("#step-feedback [name=improvement]").fill("保养完工检查增加底护板一项")
    page.locator("#step-feedback [name=satisfaction]").select_option("4")
    step(page, "feedback")
    click_move(page, "关闭")
    expect(page.locator("#status")).to_have_text("已结案")
    page.screenshot(path=artifacts / "follow-up-3-closed.png", full_page=True)
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.satisfaction == 4
