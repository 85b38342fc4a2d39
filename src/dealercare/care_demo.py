"""Relationship care's demo data: a month of reminders and greetings per demo dealer.

The dealer gets its service hotline, its rules (the defaults) and three campaigns to its
grade A customers (two in the past month, the second one held back by the weekly cap for
whoever got the first, and one ahead); a share of the customers keep their birthday by
the lunar calendar. The planner itself plans the month (``care_plan(day)``). As in the
surveys' demo, the older part of the month is sent in bulk, as the sender decides (the
customer's consented channel, a phone call without one, the weekly cap), and the last
days go through the sender itself, day by day (``care_dispatch(now=…)``): the real
sender costs some 20 ms a reminder, a whole month of it half a minute per dealer. The
outbox messages get the outcomes a gateway reports (mostly delivered, a few failed), and
today is planned, so the coming two weeks show what will go out.

``load_demo`` calls :func:`care_demo_fill` after ``surveys_demo_fill``."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from dealercare.care.events import CareAuditObject, CareEvent
from dealercare.care.models import MARKETING_KINDS, Reminder, ReminderKind, ReminderRule
from dealercare.care.services.planner import care_plan
from dealercare.care.services.rules import care_rules_ensure
from dealercare.care.services.sending import care_dispatch, reminder_text, send_time
from dealercare.core.audit import AuditEvent, audit_record_many
from dealercare.core.calendars import lunar_birthday_key
from dealercare.core.messaging.models import (
    MessageChannel,
    MessageStatus,
    OutboxMessage,
    RecipientKind,
)
from dealercare.core.models import Dealer
from dealercare.customers.messaging import consenting_customers
from dealercare.customers.models import Channel, Customer

S = Reminder.Status
ADDRESS = {
    MessageChannel.WECHAT: "phone",
    MessageChannel.SMS: "phone",
    MessageChannel.EMAIL: "email",
}

HISTORY_DAYS = 30
RECENT_DAYS = 4  # the last days are sent by care_dispatch itself
LUNAR_SHARE = 0.015  # customers who keep their lunar birthday (a slow conversion)
DELIVERED_SHARE = 0.93
FAILED_SHARE = 0.03  # the rest: sent, no delivery receipt (yet)
SEND_AT = time(9, 30)
# Why a gateway gave up (no personal data: last_error is shown to every outbox reader).
FAILURES = {
    MessageChannel.SMS: ["运营商退回：空号", "运营商退回：停机", "用户已拒收营销短信"],
    MessageChannel.WECHAT: ["微信：用户未关注公众号", "微信：用户已拒收消息"],
    MessageChannel.EMAIL: ["邮件退信：邮箱不存在"],
}
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
    lunar = rng.sample(customers, min(len(customers), max(1, round(len(customers) * LUNAR_SHARE))))
    for customer in lunar:
        customer.birthday_lunar = True
        customer.lunar_birthday = lunar_birthday_key(customer.birthday)
    Customer.objects.bulk_update(lunar, ["birthday_lunar", "lunar_birthday"], batch_size=500)
    return len(lunar)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, SEND_AT))


def _channel(customer: Customer, channels: list[str], consents: dict[str, set[int]]) -> str:
    """As ``sending.consented_channel``, from consents read once for the month."""
    if customer.preferred_channel == Channel.PHONE:
        return ""
    for channel in dict.fromkeys([customer.preferred_channel, *channels]):
        reachable = channel in ADDRESS and getattr(customer, ADDRESS[channel])
        if reachable and customer.pk in consents[channel]:
            return channel
    return ""


def _send_in_bulk(dealer: Dealer, until: date) -> int:
    """Every planned reminder going out before ``until``, handled as the sender would on
    its day: over the weekly cap not sent, without a consented channel a phone call, else
    a message queued for the customer's part of the day."""
    due = list(
        Reminder.objects.filter(dealer=dealer, status=S.PLANNED, send_on__lt=until)
        .select_related("rule", "customer", "vehicle", "dealer")
        .order_by("send_on", "pk")
    )
    customer_ids = {r.customer_id for r in due}
    consents = {
        channel: consenting_customers(channel=channel, customer_ids=customer_ids)
        for channel in ADDRESS
    }
    marketing_sent: dict[int, list[datetime]] = {}
    messages, events = [], []
    for reminder in due:
        now, customer, rule = _at(reminder.send_on), reminder.customer, reminder.rule
        if reminder.kind in MARKETING_KINDS:
            week = [t for t in marketing_sent.get(customer.pk, []) if t > now - timedelta(days=7)]
            if len(week) >= rule.weekly_cap:
                reminder.status, reminder.skip_reason = S.SKIPPED, Reminder.SkipReason.WEEKLY_CAP
                continue
        channel = _channel(customer, rule.channels, consents)
        if not channel:
            reminder.status, reminder.channel = S.CALL, Channel.PHONE
            events.append(_event(reminder, CareEvent.CALL_TASK, {"status": [S.PLANNED, S.CALL]}))
            continue
        at = send_time(
            now,
            contact_time=customer.preferred_time,
            quiet_start=rule.quiet_start,
            quiet_end=rule.quiet_end,
        )
        reminder.message = OutboxMessage(
            dealer=dealer,
            recipient_kind=RecipientKind.CUSTOMER,
            recipient_id=customer.pk,
            customer_id=customer.pk,
            channel=channel,
            address=getattr(customer, ADDRESS[channel]),
            topic=f"care.{reminder.kind}",
            subject=rule.name if channel == MessageChannel.EMAIL else "",
            body=reminder_text(reminder),
            next_try_at=at,
            idempotency_key=f"care:{reminder.pk}:{RecipientKind.CUSTOMER}:{customer.pk}",
        )
        messages.append(reminder.message)
        reminder.status, reminder.channel, reminder.sent_at = S.SENT, channel, now
        if reminder.kind in MARKETING_KINDS:
            marketing_sent.setdefault(customer.pk, []).append(now)
        changes = {"status": [S.PLANNED, S.SENT], "channel": ["", channel]}
        events.append(_event(reminder, CareEvent.SEND, changes))
    OutboxMessage.objects.bulk_create(messages, batch_size=500)
    # A few UPDATEs, one per outcome and day (bulk_update's CASE per row is slow).
    outcomes: dict[tuple, list[int]] = {}
    for reminder in due:
        key = (reminder.status, reminder.skip_reason, reminder.channel, reminder.sent_at)
        outcomes.setdefault(key, []).append(reminder.pk)
    for (status, skip_reason, channel, sent_at), ids in outcomes.items():
        Reminder.objects.filter(pk__in=ids).update(
            status=status, skip_reason=skip_reason, channel=channel, sent_at=sent_at
        )
    message_of = {m.idempotency_key: m.pk for m in messages}
    for reminder in due:
        if reminder.message is not None:
            reminder.message_id = message_of[reminder.message.idempotency_key]
    sent = [r for r in due if r.message_id]
    for start in range(0, len(sent), 500):
        chunk = sent[start : start + 500]
        Reminder.objects.filter(pk__in=[r.pk for r in chunk]).update(
            message_id=Case(*[When(pk=r.pk, then=Value(r.message_id)) for r in chunk])
        )
    audit_record_many(actor=None, dealer=dealer, events=events)
    return len(due)


def _event(reminder: Reminder, action: str, changes: dict) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=CareAuditObject.REMINDER,
        object_id=reminder.pk,
        label=str(reminder),
        customer_id=reminder.customer_id,
        changes=changes,
    )


def _dispatch(day: date) -> int:
    now = _at(day)
    handled = total = 500
    while handled == 500:
        handled = care_dispatch(now=now, limit=500)
        total += handled
    return total - 500


def _outcomes(dealer: Dealer, rng: random.Random, before: datetime) -> dict[str, int]:
    """What the gateways reported for the month's messages, in a few UPDATEs."""
    queued = OutboxMessage.objects.filter(
        dealer=dealer, topic__startswith="care.", status=MessageStatus.QUEUED
    )
    rows = queued.filter(next_try_at__lt=before).order_by("pk").values_list("pk", "channel")
    ids = list(rows)
    rng.shuffle(ids)
    failing = max(1, round(len(ids) * FAILED_SHARE)) if ids else 0
    unconfirmed = round(len(ids) * (1 - DELIVERED_SHARE - FAILED_SHARE))
    failed, sent = ids[:failing], ids[failing : failing + unconfirmed]
    delivered = ids[failing + unconfirmed :]
    messages = OutboxMessage.objects.filter(dealer=dealer)
    answered = {"created_at": F("next_try_at"), "attempts": 1, "updated_at": F("next_try_at")}
    receipt = F("next_try_at") + timedelta(seconds=20)
    messages.filter(pk__in=[pk for pk, _channel in delivered]).update(
        status=MessageStatus.DELIVERED, sent_at=receipt, **answered
    )
    messages.filter(pk__in=[pk for pk, _channel in sent]).update(
        status=MessageStatus.SENT, sent_at=receipt, **answered
    )
    reasons: dict[str, list[int]] = {}
    for pk, channel in failed:
        reasons.setdefault(rng.choice(FAILURES[channel]), []).append(pk)
    for reason, pks in reasons.items():
        messages.filter(pk__in=pks).update(
            status=MessageStatus.FAILED, last_error=reason, **(answered | {"attempts": 3})
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
        # The planner plans two weeks ahead: a run every 13 days plans what daily runs would.
        for back in range(HISTORY_DAYS, 0, -13):
            care_plan(today - timedelta(days=back))
        _send_in_bulk(dealer, until=today - timedelta(days=RECENT_DAYS))
        for back in range(RECENT_DAYS, 0, -1):
            _dispatch(today - timedelta(days=back))
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
