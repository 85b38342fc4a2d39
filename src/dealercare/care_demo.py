"""Relationship care's demo data: a month of reminders and greetings per demo dealer.

The dealer gets its service hotline, its rules (the defaults) and three campaigns to its
grade A customers (two in the past month, the second one held back by the weekly cap for
whoever got the first, and one ahead); a share of the customers keep their birthday by
the lunar calendar. Then the month is lived day by day through the planner and the
sender themselves (``care_plan(day)``, ``care_dispatch(now=…)``): sent reminders, phone
calls for customers without consent, some not sent. The outbox messages get the outcomes
a gateway reports (mostly delivered, a few failed), and today is planned, so the coming
two weeks show what will go out.

``load_demo`` calls :func:`care_demo_fill` after ``surveys_demo_fill``."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dealercare.care.models import Reminder, ReminderKind, ReminderRule
from dealercare.care.services.planner import care_plan
from dealercare.care.services.rules import care_rules_ensure
from dealercare.care.services.sending import care_dispatch
from dealercare.core.calendars import lunar_birthday_key
from dealercare.core.messaging.models import MessageStatus, OutboxMessage
from dealercare.core.models import Dealer
from dealercare.customers.models import Customer

HISTORY_DAYS = 30
LUNAR_SHARE = 0.12  # customers who celebrate their lunar birthday
DELIVERED_SHARE = 0.93
FAILED_SHARE = 0.03  # the rest: sent, no delivery receipt (yet)
SEND_AT = time(9, 30)
# Why a gateway gave up (no personal data: last_error is shown to every outbox reader).
FAILURES = [
    "运营商退回：空号",
    "运营商退回：停机",
    "用户已拒收营销短信",
    "微信：用户未关注公众号",
    "邮件退信：邮箱不存在",
]
SEASONS = {
    12: "冬季",
    1: "冬季",
    2: "冬季",
    3: "春季",
    4: "春季",
    5: "春季",
    6: "夏季",
    7: "夏季",
    8: "夏季",
    9: "秋季",
    10: "秋季",
    11: "秋季",
}
CAMPAIGNS = [
    # (days from today, name, weekly cap, text)
    (
        -16,
        "会员日到店礼",
        2,
        "{name}您好，{dealer}会员日，到店即送精美车载礼品一份，详询{dealer_phone}。",
    ),
    (
        -12,
        "{season}免费检测",
        1,
        "{name}您好，{dealer}{season}爱车免费检测进行中，欢迎预约：{dealer_phone}。",
    ),
    (
        7,
        "{season}保养节",
        2,
        "{name}您好，{dealer}{season}保养节：工时费八折、免费洗车，预约请致电{dealer_phone}。",
    ),
]


def _campaigns(dealer: Dealer, today: date) -> list[ReminderRule]:
    rules = []
    for offset, name, cap, text in CAMPAIGNS:
        day = today + timedelta(days=offset)
        season = SEASONS[day.month]
        rules.append(
            ReminderRule(
                dealer=dealer,
                kind=ReminderKind.CAMPAIGN,
                name=name.format(season=season),
                lead_days=0,
                channels=["wechat", "sms"],
                weekly_cap=cap,
                template_zh=text.replace("{season}", season),
                campaign_date=day,
                segment_grade="A",
            )
        )
    return ReminderRule.objects.bulk_create(rules)


def _lunar_birthdays(dealer: Dealer, rng: random.Random) -> int:
    customers = list(
        Customer.objects.filter(dealer=dealer, birthday__isnull=False).only("pk", "birthday")
    )
    lunar = [c for c in customers if rng.random() < LUNAR_SHARE]
    for customer in lunar:
        customer.birthday_lunar = True
        customer.lunar_birthday = lunar_birthday_key(customer.birthday)
    Customer.objects.bulk_update(lunar, ["birthday_lunar", "lunar_birthday"], batch_size=500)
    return len(lunar)


def _dispatch(day: date) -> int:
    now = timezone.make_aware(datetime.combine(day, SEND_AT))
    handled = total = 500
    while handled == 500:
        handled = care_dispatch(now=now, limit=500)
        total += handled
    return total - 500


def _outcomes(dealer: Dealer, rng: random.Random, before: datetime) -> dict[str, int]:
    """What the gateways reported for the month's messages, in three UPDATEs."""
    queued = OutboxMessage.objects.filter(
        dealer=dealer, topic__startswith="care.", status=MessageStatus.QUEUED
    )
    ids = list(queued.filter(next_try_at__lt=before).order_by("pk").values_list("pk", flat=True))
    rng.shuffle(ids)
    failing = max(1, round(len(ids) * FAILED_SHARE)) if ids else 0
    unconfirmed = round(len(ids) * (1 - DELIVERED_SHARE - FAILED_SHARE))
    failed, sent = ids[:failing], ids[failing : failing + unconfirmed]
    delivered = ids[failing + unconfirmed :]
    messages = OutboxMessage.objects.filter(dealer=dealer)
    answered = {"created_at": F("next_try_at"), "attempts": 1, "updated_at": F("next_try_at")}
    messages.filter(pk__in=delivered).update(
        status=MessageStatus.DELIVERED, sent_at=F("next_try_at") + timedelta(seconds=20), **answered
    )
    messages.filter(pk__in=sent).update(
        status=MessageStatus.SENT, sent_at=F("next_try_at") + timedelta(seconds=20), **answered
    )
    for reason in FAILURES:
        share = failed[FAILURES.index(reason) :: len(FAILURES)]
        messages.filter(pk__in=share).update(
            status=MessageStatus.FAILED,
            last_error=reason,
            **(answered | {"attempts": 3}),
        )
    return {"delivered": len(delivered), "failed": len(failed), "unconfirmed": len(sent)}


def care_demo_fill(dealer: Dealer, *, seed: int) -> dict[str, int]:
    """The dealer's hotline, rules, campaigns, lunar birthdays and a month of care."""
    rng = random.Random(seed * 7919)
    today = timezone.localdate()
    dealer.phone = f"400-820-{rng.randint(1000, 9999)}"
    Dealer.objects.filter(pk=dealer.pk).update(phone=dealer.phone)
    care_rules_ensure(dealer)
    _campaigns(dealer, today)
    _lunar_birthdays(dealer, rng)
    # One transaction: the outbox's after-commit kick then finds the month's messages with
    # their outcomes already written, and sends none of them again.
    with transaction.atomic():
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - timedelta(days=back)
            care_plan(day)
            _dispatch(day)
        outcomes = _outcomes(
            dealer, rng, before=timezone.make_aware(datetime.combine(today, time()))
        )
    care_plan(today)
    reminders = Reminder.objects.filter(dealer=dealer)
    return {
        "sent": reminders.filter(status=Reminder.Status.SENT).count(),
        "calls": reminders.filter(
            status__in=[Reminder.Status.CALL, Reminder.Status.CALLED]
        ).count(),
        "planned": reminders.filter(status=Reminder.Status.PLANNED).count(),
        **outcomes,
    }
