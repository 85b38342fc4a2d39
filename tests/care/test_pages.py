"""The care pages: who sees them, another dealer's records not found, and staff moving,
changing, cancelling, calling and pausing through them (audited)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.care.models import Reminder, ReminderKind, ReminderPause, ReminderRule
from dealercare.care.services.planner import care_plan
from dealercare.care.services.sending import care_dispatch
from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from tests.care.factories import car, consenting_customer

K = ReminderKind
S = Reminder.Status


def today():
    return timezone.localdate()


@pytest.fixture
def planned(cast):
    """A consenting customer's car whose inspection falls due in 35 days, planned."""
    owner = consenting_customer(cast, name="欧阳娜娜")
    vehicle = car(cast, owner, inspection_due=today() + timedelta(days=35))
    Reminder.objects.all().delete()
    care_plan(today())
    reminder = Reminder.objects.get(kind=K.INSPECTION, vehicle=vehicle)
    # send it later, so it is still planned (not due) after any dispatch in the test
    Reminder.objects.filter(pk=reminder.pk).update(send_on=today() + timedelta(days=5))
    reminder.refresh_from_db()
    return reminder


@pytest.fixture
def call_task(cast):
    """A reminder that became a phone call: the customer consented to nothing."""
    owner = consenting_customer(cast, channels=(), name="司马光")
    car(cast, owner, insurance_expiry=today() + timedelta(days=10))
    care_plan(today())
    care_dispatch()
    return Reminder.objects.get(kind=K.INSURANCE, customer=owner, status=S.CALL)


def pages(reminder: Reminder) -> list[str]:
    rule = ReminderRule.objects.get(dealer=reminder.dealer, kind=K.MAINTENANCE)
    month = today().strftime("%Y-%m")
    return [
        "/care/",
        f"/care/calendar/?month={month}",
        "/care/calls/",
        f"/care/reminders/{reminder.pk}/",
        f"/care/customers/{reminder.customer_id}/",
        f"/care/customers/{reminder.customer_id}/pause/",
        "/care/rules/",
        f"/care/rules/{rule.pk}/",
        "/care/rules/new/",
    ]


RULE_PAGES = ("/care/rules/",)


@pytest.mark.parametrize("role", [Role.CSR, Role.MANAGER, Role.ADVISOR, Role.TECHNICIAN])
def test_pages_by_role(cast, client_as, planned, role):
    client = client_as(cast.staff_a[role])
    urls = pages(planned)
    seen = {url: client.get(url).status_code for url in urls}
    rules = {u for u in urls if u.startswith("/care/rules/")}
    wanted = {
        Role.CSR: {u: 403 if u in rules else 200 for u in urls},
        Role.MANAGER: dict.fromkeys(urls, 200),
        Role.ADVISOR: {u: 403 if u in rules else 200 for u in urls},
        Role.TECHNICIAN: dict.fromkeys(urls, 403),
    }[role]
    assert seen == wanted


def test_the_pages_read_in_chinese(cast, client_as, planned):
    manager = client_as(cast.staff_a[Role.MANAGER])
    listed = manager.get("/care/").text
    assert "客户关怀" in listed and "欧阳娜娜" in listed and "年检" in listed
    detail = manager.get(f"/care/reminders/{planned.pk}/").text
    assert "改期" in detail and "取消提醒" in detail and "年检" in detail
    assert planned.vehicle.plate in detail
    calendar = manager.get("/care/calendar/").text
    assert "提醒日历" in calendar
    send_on = planned.send_on.strftime("%Y-%m-%d")
    assert f"?date_from={send_on}&amp;date_to={send_on}" in calendar
    day = manager.get(f"/care/?date_from={send_on}&date_to={send_on}").text
    assert "欧阳娜娜" in day
    assert manager.get("/care/calendar/?month=0001-01").status_code == 200
    searched = manager.post("/care/", {"q": "欧阳", "status": "planned"})
    assert searched.status_code == 302 and "?s=" in searched["Location"]
    assert "欧阳娜娜" in manager.get(searched["Location"]).text
    assert manager.get("/care/?q=13912345678").status_code == 422  # no mobile in a URL


def test_the_nav_and_the_customer_page_link_the_care(cast, client_as, planned):
    csr = client_as(cast.staff_a[Role.CSR])
    page = csr.get(f"/customers/{planned.customer_id}/").text
    assert f'hx-get="/care/customers/{planned.customer_id}/"' in page
    assert "提醒与关怀" in page and 'href="/care/"' in page
    panel = csr.get(f"/care/customers/{planned.customer_id}/", headers={"HX-Request": "true"})
    assert "<html" not in panel.text and "年检" in panel.text
    technician = client_as(cast.staff_a[Role.TECHNICIAN])
    assert 'href="/care/"' not in technician.get("/").text


def test_another_dealers_records_are_not_found(cast, client_as, planned, call_task):
    outsider = client_as(cast.staff_b[Role.MANAGER])
    pause = ReminderPause.objects.create(
        dealer=cast.dealer_a,
        customer=planned.customer,
        until=today() + timedelta(days=3),
        reason="出国",
        created_by=cast.staff_a[Role.CSR],
    )
    for url in [*pages(planned)[3:6], pages(planned)[7]]:
        assert outsider.get(url).status_code == 404, url
    for url, data in (
        (f"/care/reminders/{planned.pk}/", {"action": "cancel", "reason": "x", "version": 1}),
        (f"/care/reminders/{call_task.pk}/", {"action": "call", "note": "x", "version": 1}),
        (f"/care/customers/{planned.customer_id}/pause/", {"until": "2099-01-01"}),
        (f"/care/pauses/{pause.pk}/end/", {}),
    ):
        assert outsider.post(url, data).status_code == 404, url
    assert "欧阳娜娜" not in outsider.get("/care/").text
    assert "司马光" not in outsider.get("/care/calls/").text
    planned.refresh_from_db()
    assert planned.status == S.PLANNED
    assert ReminderPause.objects.get(pk=pause.pk).ended_on is None


def _audited(action: str, reminder_id: int) -> AuditEntry:
    return AuditEntry.objects.get(action=action, object_type="care_reminder", object_id=reminder_id)


def test_move_edit_and_cancel_on_the_page(cast, client_as, planned):
    csr = client_as(cast.staff_a[Role.CSR])
    url = f"/care/reminders/{planned.pk}/"
    later = today() + timedelta(days=9)
    moved = csr.post(
        url, {"action": "move", "send_on": later.isoformat(), "reason": "客户出差", "version": 1}
    )
    assert moved.status_code == 302
    planned.refresh_from_db()
    assert planned.send_on == later and planned.version == 2
    assert _audited("care_reminder.move", planned.pk).actor == cast.staff_a[Role.CSR]
    timeline = csr.get(f"/customers/{planned.customer_id}/").text.split('class="timeline"')[1]
    assert "客户出差" in timeline and f'href="/care/reminders/{planned.pk}/"' in timeline
    assert "导出原因" not in timeline

    stale = csr.post(url, {"action": "cancel", "reason": "重复", "version": 1})
    assert stale.status_code == 409

    bad = csr.post(url, {"action": "text", "text": "{foo}您好", "reason": "个性化", "version": 2})
    assert bad.status_code == 422 and "{foo}" in bad.text
    edited = csr.post(
        url,
        {"action": "text", "text": "{name}您好，年检快到了。", "reason": "个性化", "version": 2},
    )
    assert edited.status_code == 302
    assert "欧阳娜娜您好，年检快到了。" in csr.get(url).text
    assert _audited("care_reminder.edit", planned.pk)

    cancelled = csr.post(url, {"action": "cancel", "reason": "客户已到店", "version": 3})
    assert cancelled.status_code == 302
    planned.refresh_from_db()
    assert planned.status == S.CANCELLED
    assert _audited("care_reminder.cancel", planned.pk).actor == cast.staff_a[Role.CSR]


def test_a_sales_person_sees_but_cannot_change(cast, client_as, planned):
    sales = client_as(cast.staff_a[Role.SALES])
    url = f"/care/reminders/{planned.pk}/"
    page = sales.get(url)
    assert page.status_code == 200 and 'name="action"' not in page.text
    assert sales.post(url, {"action": "cancel", "reason": "x", "version": 1}).status_code == 403


def test_the_call_is_done_on_the_page(cast, client_as, call_task):
    csr = client_as(cast.staff_a[Role.CSR])
    listed = csr.get("/care/calls/").text
    assert "司马光" in listed and f"/care/reminders/{call_task.pk}/" in listed
    page = csr.get(f"/care/reminders/{call_task.pk}/").text
    assert "通话完成" in page and "在客户页面查看完整号码" in page
    assert call_task.customer.phone not in page  # masked: revealing is audited elsewhere
    done = csr.post(
        f"/care/reminders/{call_task.pk}/",
        {"action": "call", "note": "已提醒续保，客户下周到店", "version": call_task.version},
    )
    assert done.status_code == 302
    call_task.refresh_from_db()
    assert call_task.status == S.CALLED and call_task.call_note == "已提醒续保，客户下周到店"
    assert _audited("care_reminder.called", call_task.pk)


def test_pause_and_resume_on_the_pages(cast, client_as, planned):
    csr = client_as(cast.staff_a[Role.CSR])
    url = f"/care/customers/{planned.customer_id}/pause/"
    refused = csr.post(url, {"kind": "", "until": "", "reason": ""})
    assert refused.status_code == 422
    until = today() + timedelta(days=30)
    paused = csr.post(url, {"kind": K.INSPECTION, "until": until.isoformat(), "reason": "出国"})
    assert paused.status_code == 302 and paused["Location"] == f"/customers/{planned.customer_id}/"
    pause = ReminderPause.objects.get(customer=planned.customer)
    assert (pause.kind, pause.until, pause.reason) == (K.INSPECTION, until, "出国")
    assert AuditEntry.objects.filter(action="care_pause.create", object_id=pause.pk).exists()
    panel = csr.get(f"/care/customers/{planned.customer_id}/").text
    assert "出国" in panel and f"/care/pauses/{pause.pk}/end/" in panel
    assert csr.post(f"/care/pauses/{pause.pk}/end/").status_code == 302
    pause.refresh_from_db()
    assert pause.ended_on == today()
    assert AuditEntry.objects.filter(action="care_pause.end", object_id=pause.pk).exists()
    assert "出国" not in csr.get(f"/care/customers/{planned.customer_id}/").text


def _rule_post(rule: ReminderRule, **changes) -> dict:
    data = {
        "name": rule.name,
        "active": "on",
        "lead_days": rule.lead_days,
        "channels": rule.channels,
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        "weekly_cap": rule.weekly_cap,
        "template_zh": rule.template_zh,
        "template_en": rule.template_en,
        "version": rule.version,
    }
    return data | changes


def test_the_rule_preview_shows_a_real_customer(cast, client_as, planned):
    manager = client_as(cast.staff_a[Role.MANAGER])
    manager.get("/care/rules/")
    rule = ReminderRule.objects.get(dealer=cast.dealer_a, kind=K.INSPECTION)
    url = f"/care/rules/{rule.pk}/"
    shown = manager.post(url, _rule_post(rule, do="preview"))
    assert shown.status_code == 200
    assert planned.vehicle.plate in shown.text  # the customer's car, in the text
    assert "欧*" in shown.text or "欧阳" in shown.text
    rule.refresh_from_db()
    assert rule.version == 1  # a preview saves nothing

    bad = manager.post(url, _rule_post(rule, do="preview", template_en="Dear {foo}"))
    assert bad.status_code == 422
    assert "{foo}" in bad.text and 'class="field has-error' in bad.text

    saved = manager.post(url, _rule_post(rule, do="save", lead_days=20, channels=["sms"]))
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert (rule.lead_days, rule.channels, rule.version) == (20, ["sms"], 2)
    assert AuditEntry.objects.filter(action="care_rule.update", object_id=rule.pk).exists()

    refused = manager.post(url, _rule_post(rule, do="save", template_zh="{foo}"))
    assert refused.status_code == 422 and "{foo}" in refused.text


def test_a_campaign_is_created_on_the_page(cast, client_as, planned):
    manager = client_as(cast.staff_a[Role.MANAGER])
    data = {
        "name": "国庆试驾节",
        "active": "on",
        "lead_days": 3,
        "channels": ["wechat", "sms"],
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        "weekly_cap": 2,
        "template_zh": "{name}您好，{dealer}国庆试驾节邀您到店！",
        "campaign_date": (today() + timedelta(days=20)).isoformat(),
        "do": "save",
    }
    missing = manager.post("/care/rules/new/", data | {"campaign_date": ""})
    assert missing.status_code == 422
    created = manager.post("/care/rules/new/", data)
    assert created.status_code == 302
    campaign = ReminderRule.objects.get(kind=K.CAMPAIGN, dealer=cast.dealer_a)
    assert campaign.channels == ["wechat", "sms"]
    url = created["Location"]
    page = manager.get(url).text
    assert 'value="国庆试驾节"' in page and "活动日期" in page
    reordered = manager.post(
        url, data | {"first_channel": "sms", "version": campaign.version, "segment_grade": "A"}
    )
    assert reordered.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.channels, campaign.segment_grade) == (["sms", "wechat"], "A")
    assert created["Location"] == f"/care/rules/{campaign.pk}/"
    assert "国庆试驾节" in manager.get("/care/rules/").text


def test_the_pages_read_in_english_when_chosen(cast, client_as, planned, call_task):
    manager = client_as(cast.staff_a[Role.MANAGER])
    manager.cookies["django_language"] = "en"
    assert "Upcoming reminders" in manager.get("/care/").text
    assert "Previous month" in manager.get("/care/calendar/?month=2026-13").text
    assert "Call done" in manager.get(f"/care/reminders/{call_task.pk}/").text
    rule = ReminderRule.objects.get(dealer=cast.dealer_a, kind=K.HOLIDAY)
    page = manager.get(f"/care/rules/{rule.pk}/").text
    assert "Spring Festival" in page and "Try first" in page
