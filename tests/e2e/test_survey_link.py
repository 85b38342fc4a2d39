"""The customer's survey link on a 390 px phone, without logging in: every question
answered by touch, a detractor's answer sent, the thank-you page; the link then says it was
answered, and the complaint is open for the customer-service desk."""

import pytest
from playwright.sync_api import expect

from dealercare.complaints.models import Complaint
from dealercare.core.roles import Role
from dealercare.surveys.models import SurveyResponse
from dealercare.surveys.services.invitations import survey_invite
from tests.service.booking_factories import owner_and_car
from tests.surveys.factories import default_survey

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_the_survey_link_is_answered_on_a_phone(browser, live_server, cast, artifacts):
    customer, car = owner_and_car(cast.staff_a[Role.ADVISOR], name="李娜")
    invitation = survey_invite(
        actor=cast.staff_a[Role.CSR],
        template=default_survey(cast.dealer_a),
        customer=customer,
        vehicle=car,
        channel="sms",
    )
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + invitation.link)
        expect(page.get_by_role("heading", level=1)).to_have_text("您对我们的服务满意吗？")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        questions = page.locator("fieldset.survey-question")
        expect(questions).to_have_count(6)
        # A choice is a big target: at least 44 px high.
        assert page.locator(".choices .choice span").first.bounding_box()["height"] >= 44
        page.get_by_role("button", name="提交").click()  # nothing answered yet
        expect(page.locator(".field-error").first).to_be_visible()
        page.screenshot(path=artifacts / "survey-link-phone-errors.png", full_page=True)

        for index, score in ((0, "4"), (1, "5"), (2, "4"), (4, "5")):
            questions.nth(index).locator("label.choice", has_text=score).first.tap()
        questions.nth(3).locator("label.choice", has_text="否").tap()
        questions.nth(5).locator("textarea").fill("交车晚了一个小时，也没有人提前通知")
        page.screenshot(path=artifacts / "survey-link-phone.png", full_page=True)
        page.get_by_role("button", name="提交").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("谢谢您！")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=artifacts / "survey-link-phone-thanks.png", full_page=True)

        page.goto(live_server.url + invitation.link)
        expect(page.get_by_role("heading", level=1)).to_have_text("已经回答过了")
    finally:
        context.close()
    response = SurveyResponse.objects.get()
    assert (response.satisfaction, response.nps, response.unhappy) == (4, 5, True)
    complaint = Complaint.objects.get()
    assert response.complaint == complaint and "交车晚了一个小时" in complaint.content
