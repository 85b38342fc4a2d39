"""Relationship care's API: each endpoint for its roles, 403 for a role without the action,
another dealer's ids (404), bad input (422 naming the field), stale versions (409), and a
pause that holds the sending back."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dealercare.care.models import Reminder, ReminderKind, ReminderRule
from dealercare.care.services.planner import care_plan
from dealercare.care.services.sending import care_dispatch
from dealercare.core.messaging.models import OutboxMessage
from dealercare.core.roles import Role
from tests.care.factories import car, consenting_customer

K = ReminderKind


@pytest.fixture
def manager(cast, api_as):
    return api_as(cast.staff_a[Role.MANAGER])


@pytest.fixture
def agent(cast, api_as):
    return api_as(cast.staff_a[Role.CSR])


@pytest.fixture
def technician(cast, api_as):
    return api_as(cast.staff_a[Role.TECHNICIAN])


@pytest.fixture
def outsider(cast, api_as):
    return api_as(cast.staff_b[Role.MANAGER])


def _today() -> date:
    return timezone.localdate()


def greeted(cast, *, channels=("sms",), name="王小明") -> Reminder:
    """A customer whose birthday greeting (in three days) goes out today."""
    soon = _today() + timedelta(days=3)
    born = date(1984, soon.month, soon.day)  # a leap year: any day of the year
    customer = consenting_customer(cast, channels=channels, name=name, birthday=born)
    care_plan(_today())
    return Reminder.objects.get(customer=customer, kind=K.BIRTHDAY)


def _rule_body(rule: dict, **changes) -> dict:
    body = {k: v for k, v in rule.items() if k not in ("id", "kind")}
    return body | changes


# Rules and campaigns ---------------------------------------------------------------------


def test_rules_list_read_and_roles(cast, agent, technician, outsider):
    rows = agent.get("/reminder-rules")
    assert rows.status_code == 200
    assert {r["kind"] for r in rows.json()} == set(K.values) - {K.CAMPAIGN}
    birthday = next(r for r in rows.json() if r["kind"] == K.BIRTHDAY)
    assert birthday["quiet_start"] == "21:00" and birthday["lead_days"] == 7
    assert agent.get(f"/reminder-rules/{birthday['id']}").json() == birthday
    assert technician.get("/reminder-rules").status_code == 403
    assert technician.get(f"/reminder-rules/{birthday['id']}").status_code == 403
    assert outsider.get(f"/reminder-rules/{birthday['id']}").status_code == 404


def test_a_rule_is_written_whole_with_its_version(cast, manager, agent, outsider):
    rule = next(r for r in manager.get("/reminder-rules").json() if r["kind"] == K.MAINTENANCE)
    body = _rule_body(rule, lead_days=14, channels=["sms"], quiet_end="07:30")
    saved = manager.put(f"/reminder-rules/{rule['id']}", body)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == rule["version"] + 1
    assert (saved.json()["lead_days"], saved.json()["quiet_end"]) == (14, "07:30")
    stale = manager.put(f"/reminder-rules/{rule['id']}", body)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert agent.put(f"/reminder-rules/{rule['id']}", body).status_code == 403
    assert outsider.put(f"/reminder-rules/{rule['id']}", body).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"template_zh": "{name}您好，{mileage}公里了"}, "template_zh"),
        ({"template_en": "Dear {name"}, "template_en"),
        ({"lead_days": 91}, "lead_days"),
        ({"channels": ["fax"]}, "channels.0"),
        ({"quiet_start": "25:00"}, "quiet_start"),
        ({"name": ""}, "name"),
        ({"version": 0}, "version"),
    ],
)
def test_bad_rule_input_names_the_field(cast, manager, changes, field):
    rule = manager.get("/reminder-rules").json()[0]
    answer = manager.put(f"/reminder-rules/{rule['id']}", _rule_body(rule, **changes))
    assert answer.status_code == 422 and set(answer.json()["fields"]) == {field}


def test_a_holiday_rule_needs_a_holiday(cast, manager):
    rule = next(r for r in manager.get("/reminder-rules").json() if r["kind"] == K.HOLIDAY)
    answer = manager.put(f"/reminder-rules/{rule['id']}", _rule_body(rule, holidays=[]))
    assert answer.status_code == 422 and set(answer.json()["fields"]) == {"holidays"}
    unknown = manager.put(f"/reminder-rules/{rule['id']}", _rule_body(rule, holidays=["xmas"]))
    assert unknown.status_code == 422 and set(unknown.json()["fields"]) == {"holidays.0"}


CAMPAIGN = {
    "name": "春季保养节",
    "lead_days": 0,
    "channels": ["wechat", "sms"],
    "quiet_start": "21:00",
    "quiet_end": "08:00",
    "template_zh": "{name}您好，{dealer}春季保养节，工时费八折，详询{dealer_phone}。",
    "segment_grade": "A",
}


def test_a_campaign_is_created(cast, manager, agent):
    day = (_today() + timedelta(days=20)).isoformat()
    created = manager.post("/reminder-rules", CAMPAIGN | {"campaign_date": day})
    assert created.status_code == 201, created.json()
    assert created.json()["kind"] == K.CAMPAIGN and created.json()["campaign_date"] == day
    assert ReminderRule.objects.get(pk=created.json()["id"]).dealer == cast.dealer_a
    assert any(r["kind"] == K.CAMPAIGN for r in agent.get("/reminder-rules").json())
    assert agent.post("/reminder-rules", CAMPAIGN | {"campaign_date": day}).status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({}, "campaign_date"),
        ({"campaign_date": "2001-01-01"}, "campaign_date"),
        ({"campaign_date": "0000-01-01"}, "campaign_date"),
        ({"campaign_date": "2100-01-01"}, "campaign_date"),
        ({"campaign_date": "2030-01-01", "segment_tag": "没有的标签"}, "segment_tag"),
        ({"campaign_date": "2030-01-01", "segment_grade": "E"}, "segment_grade"),
    ],
)
def test_bad_campaign_input_names_the_field(cast, manager, changes, field):
    answer = manager.post("/reminder-rules", CAMPAIGN | changes)
    assert answer.status_code == 422 and set(answer.json()["fields"]) == {field}


def test_the_preview_uses_a_real_customer(cast, manager, agent, outsider):
    customer = consenting_customer(cast, name="张伟")
    car(cast, customer, plate="沪A12345")
    body = {"kind": K.MAINTENANCE, "template_zh": "{name}您好，{plate}该保养了", "template_en": ""}
    preview = manager.post("/reminder-rules/preview", body)
    assert preview.status_code == 200, preview.json()
    assert preview.json()["customer_id"] == customer.pk
    assert preview.json()["text_zh"] == "张*您好，沪A12345该保养了"
    bad = manager.post("/reminder-rules/preview", body | {"template_zh": "{name}，{mileage}"})
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"template_zh"}
    kind = manager.post("/reminder-rules/preview", body | {"kind": "spam"})
    assert kind.status_code == 422 and set(kind.json()["fields"]) == {"kind"}
    theirs = outsider.post("/reminder-rules/preview", body | {"customer_id": customer.pk})
    assert theirs.status_code == 422 and set(theirs.json()["fields"]) == {"customer_id"}
    assert agent.post("/reminder-rules/preview", body).status_code == 403


# Reminders -------------------------------------------------------------------------------


def test_reminders_list_filter_and_read(cast, agent, technician, outsider):
    reminder = greeted(cast)
    page = agent.get("/reminders", {"kind": K.BIRTHDAY})
    assert page.status_code == 200 and page.json()["count"] == 1
    (row,) = page.json()["items"]
    assert row["id"] == reminder.pk and row["status"] == "planned"
    assert row["customer_name"] == "王**" and row["preview"].startswith("王**您好")
    today = _today().isoformat()
    assert agent.get("/reminders", {"date_from": today, "date_to": today}).json()["count"] >= 1
    later = (_today() + timedelta(days=1)).isoformat()
    assert agent.get("/reminders", {"kind": K.BIRTHDAY, "date_from": later}).json()["count"] == 0
    mine = agent.get("/reminders", {"customer_id": reminder.customer_id, "status": "planned"})
    assert [r["id"] for r in mine.json()["items"]] == [reminder.pk]
    assert agent.get(f"/reminders/{reminder.pk}").json()["version"] == 1
    assert technician.get("/reminders").status_code == 403
    assert technician.get(f"/reminders/{reminder.pk}").status_code == 403
    assert outsider.get(f"/reminders/{reminder.pk}").status_code == 404
    assert outsider.get("/reminders").json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "spam"}, "kind"),
        ({"status": "lost"}, "status"),
        ({"date_from": "0000-01-01"}, "date_from"),
        ({"date_to": "2026-02-30"}, "date_to"),
        ({"customer_id": 0}, "customer_id"),
        ({"size": 101}, "size"),
    ],
)
def test_bad_reminder_filters_name_the_field(cast, agent, params, field):
    answer = agent.get("/reminders", params)
    assert answer.status_code == 422 and set(answer.json()["fields"]) == {field}


def test_a_reminder_is_moved_with_its_version(cast, agent, technician, outsider):
    reminder = greeted(cast)
    url = f"/reminders/{reminder.pk}/move"
    later = (_today() + timedelta(days=2)).isoformat()
    moved = agent.post(url, {"send_on": later, "reason": "客户出差", "version": 1})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["send_on"] == later and moved.json()["version"] == 2
    stale = agent.post(url, {"send_on": later, "reason": "客户出差", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    past = (_today() - timedelta(days=1)).isoformat()
    bad = agent.post(url, {"send_on": past, "reason": "客户出差", "version": 2})
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"send_on"}
    blank = agent.post(url, {"send_on": later, "reason": "  ", "version": 2})
    assert blank.status_code == 422 and set(blank.json()["fields"]) == {"reason"}
    body = {"send_on": later, "reason": "客户出差", "version": 2}
    assert technician.post(url, body).status_code == 403
    assert outsider.post(url, body).status_code == 404


def test_a_reminders_text_is_changed(cast, agent, outsider):
    reminder = greeted(cast)
    url = f"/reminders/{reminder.pk}/text"
    bad = agent.post(url, {"text": "{name}，{gift}", "reason": "加上礼品", "version": 1})
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"text"}
    body = {"text": "{name}您好，生日快乐！到店领取生日礼品。", "reason": "加上礼品", "version": 1}
    changed = agent.post(url, body)
    assert changed.status_code == 200, changed.json()
    assert changed.json()["preview"] == "王**您好，生日快乐！到店领取生日礼品。"
    assert agent.post(url, body).status_code == 409
    assert outsider.post(url, body | {"version": 2}).status_code == 404


def test_a_reminder_is_cancelled_then_left_alone(cast, agent, technician):
    reminder = greeted(cast)
    url = f"/reminders/{reminder.pk}/cancel"
    assert technician.post(url, {"reason": "客户要求", "version": 1}).status_code == 403
    cancelled = agent.post(url, {"reason": "客户要求", "version": 1})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = agent.post(url, {"reason": "客户要求", "version": 2})
    assert again.status_code == 409 and again.json()["code"] == "reminder_not_open"
    missing = agent.post(url, {"version": 2})
    assert missing.status_code == 422 and set(missing.json()["fields"]) == {"reason"}


def test_a_reminder_without_consent_becomes_a_call_made_by_an_agent(cast, agent, outsider):
    reminder = greeted(cast, channels=())
    url = f"/reminders/{reminder.pk}/call"
    early = agent.post(url, {"note": "已致电", "version": 1})
    assert early.status_code == 409 and early.json()["code"] == "reminder_not_a_call"
    care_dispatch()
    row = agent.get(f"/reminders/{reminder.pk}").json()
    assert row["status"] == "call" and row["message_id"] is None
    assert outsider.post(url, {"note": "已致电", "version": row["version"]}).status_code == 404
    bad = agent.post(url, {"note": "x" * 501, "version": row["version"]})
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"note"}
    called = agent.post(url, {"note": "已致电祝福，客户很高兴", "version": row["version"]})
    assert called.status_code == 200, called.json()
    assert called.json()["status"] == "called" and called.json()["call_note"].startswith("已致电")


# Pauses ----------------------------------------------------------------------------------


def test_a_pause_holds_the_sending_back_until_it_ends(cast, agent, technician, outsider):
    reminder = greeted(cast)
    until = (_today() + timedelta(days=10)).isoformat()
    body = {"customer_id": reminder.customer_id, "until": until, "reason": "客户在处理投诉"}
    assert technician.post("/reminder-pauses", body).status_code == 403
    assert outsider.post("/reminder-pauses", body).status_code == 404
    paused = agent.post("/reminder-pauses", body)
    assert paused.status_code == 201, paused.json()
    assert paused.json()["kind"] == "" and paused.json()["until"] == until
    listed = agent.get("/reminder-pauses", {"customer_id": reminder.customer_id})
    assert [p["id"] for p in listed.json()] == [paused.json()["id"]]
    assert (
        outsider.get("/reminder-pauses", {"customer_id": reminder.customer_id}).status_code == 404
    )

    assert care_dispatch() == 0
    reminder.refresh_from_db()
    assert reminder.status == "planned" and not OutboxMessage.objects.exists()

    pause_id = paused.json()["id"]
    assert outsider.post(f"/reminder-pauses/{pause_id}/end").status_code == 404
    assert technician.post(f"/reminder-pauses/{pause_id}/end").status_code == 403
    ended = agent.post(f"/reminder-pauses/{pause_id}/end")
    assert ended.status_code == 200 and ended.json()["ended_on"] == _today().isoformat()
    assert agent.get("/reminder-pauses", {"customer_id": reminder.customer_id}).json() == []
    assert agent.post(f"/reminder-pauses/{pause_id}/end").status_code == 404
    assert care_dispatch() == 1
    reminder.refresh_from_db()
    assert reminder.status == "sent"


def test_a_pause_of_one_kind_lets_the_others_go(cast, agent):
    reminder = greeted(cast)
    until = (_today() + timedelta(days=10)).isoformat()
    body = {"customer_id": reminder.customer_id, "kind": K.INSURANCE, "until": until}
    agent.post("/reminder-pauses", body | {"reason": "已在别处续保"})
    assert care_dispatch() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"until": "2001-01-01"}, "until"),
        ({"until": "0000-01-01"}, "until"),
        ({"reason": ""}, "reason"),
        ({"kind": "spam"}, "kind"),
        ({"customer_id": -1}, "customer_id"),
    ],
)
def test_bad_pause_input_names_the_field(cast, agent, changes, field):
    customer = consenting_customer(cast)
    until = (_today() + timedelta(days=10)).isoformat()
    body = {"customer_id": customer.pk, "until": until, "reason": "客户要求"} | changes
    answer = agent.post("/reminder-pauses", body)
    assert answer.status_code == 422 and set(answer.json()["fields"]) == {field}


# Messages --------------------------------------------------------------------------------


def test_messages_list_the_dealers_own_with_the_address_masked(cast, manager, technician, outsider):
    reminder = greeted(cast)
    care_dispatch()
    customer = reminder.customer
    page = manager.get("/messages", {"customer_id": customer.pk})
    assert page.status_code == 200 and page.json()["count"] == 1
    (message,) = page.json()["items"]
    assert message["topic"] == "care.birthday" and message["channel"] == "sms"
    assert message["status"] == "queued" and message["body"].startswith("王小明您好")
    assert message["address"] == customer.phone[:3] + "****" + customer.phone[-4:]
    assert manager.get("/messages", {"topic": "care."}).json()["count"] == 1
    assert manager.get("/messages", {"topic": "care.inspection"}).json()["count"] == 0
    assert manager.get("/messages", {"status": "failed"}).json()["count"] == 0
    assert manager.get("/messages", {"channel": "wechat"}).json()["count"] == 0
    assert outsider.get("/messages").json()["count"] == 0
    assert outsider.get("/messages", {"customer_id": customer.pk}).json()["count"] == 0
    assert technician.get("/messages").status_code == 403
    bad = manager.get("/messages", {"channel": "inbox"})
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"channel"}


def test_a_page_of_reminders_costs_the_same_for_one_or_many(
    cast, agent, django_assert_max_num_queries
):
    owner = consenting_customer(cast, name="李雷")
    soon = _today() + timedelta(days=10)
    car(cast, owner, inspection_due=soon)
    care_plan(_today())
    with django_assert_max_num_queries(8) as one:
        assert agent.get("/reminders", {"kind": K.INSPECTION}).json()["count"] == 1
    for n in range(4):
        car(cast, consenting_customer(cast, name=f"韩梅{n}"), inspection_due=soon)
    care_plan(_today())
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert agent.get("/reminders", {"kind": K.INSPECTION}).json()["count"] == 5
    care_dispatch()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert agent.get("/messages", {"topic": "care."}).json()["count"] == 5


def test_a_messages_link_is_left_out_and_staff_inboxes_are_not_listed(cast, manager, settings):
    customer = consenting_customer(cast, name="周杰")
    link = "/s/secret-token-123/"
    common = {"dealer": cast.dealer_a, "next_try_at": timezone.now(), "customer_id": customer.pk}
    OutboxMessage.objects.create(
        recipient_kind="customer", recipient_id=customer.pk, channel="email",
        address="zhoujie@example.com", topic="survey.invite", link=link,
        body=f"请评价本次服务：{settings.PUBLIC_BASE_URL}{link}", idempotency_key="t:1", **common,
    )  # fmt: skip
    OutboxMessage.objects.create(
        recipient_kind="staff", recipient_id=cast.staff_a[Role.MANAGER].pk, channel="inbox",
        topic="task", body="回访任务", idempotency_key="t:2", **common,
    )  # fmt: skip
    (message,) = manager.get("/messages").json()["items"]
    assert message["body"] == "请评价本次服务：[link]" and "secret" not in str(message)
    assert message["address"] == "z***@example.com"
