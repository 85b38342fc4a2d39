"""The shapes of the relationship-care API (dealercare.care.api): reminder rules and
campaigns, reminders and what staff do with them, pauses, and the outgoing messages."""

import re
from datetime import date, datetime, time
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic import PlainValidator, WithJsonSchema

from dealercare.care.models import Reminder, ReminderKind
from dealercare.care.services.rules import MAX_LEAD_DAYS, message_values, template_render
from dealercare.core.calendars import HOLIDAYS
from dealercare.core.masking import mask_email, mask_name, mask_phone
from dealercare.core.messaging.models import MessageChannel, MessageStatus
from dealercare.core.pagination import PAGE_SIZE
from dealercare.core.schemas import PageNumber, PageSize, text

Id = Annotated[int, Field(ge=1, le=2**62)]
Version = Annotated[int, Field(ge=1, le=2**31, description="The version you read (409 if stale)")]
# A day of this century: the planner and the pauses count days from it.
Day = Annotated[
    date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31), description="YYYY-MM-DD, 2000–2099")
]
# A time of day as the dealer's clock shows it: HH:MM, no time zone (the dealer's own).
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _parse_clock(value):
    if isinstance(value, str) and CLOCK.match(value):
        return time.fromisoformat(value)
    raise ValueError("a time of day as HH:MM")


def _clock_schema(example: str) -> dict:
    return {"type": "string", "pattern": CLOCK.pattern, "examples": [example]}


Clock = Annotated[time, PlainValidator(_parse_clock), WithJsonSchema(_clock_schema("21:00"))]
Kind = Literal[tuple(ReminderKind.values)]
Holiday = Literal[tuple(HOLIDAYS)]
KindOrAll = Literal[("", *ReminderKind.values)]
ReminderStatus = Literal[("", *Reminder.Status.values)]
Channel = Literal[(MessageChannel.WECHAT, MessageChannel.SMS, MessageChannel.EMAIL)]
OutboxStatus = Literal[("", *MessageStatus.values)]
CustomerChannel = Literal["", MessageChannel.WECHAT, MessageChannel.SMS, MessageChannel.EMAIL]


def clock(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


# Reminder rules and campaigns ------------------------------------------------------------


class RuleIn(Schema):
    name: text(100, min_length=1)
    active: bool = True
    lead_days: Annotated[int, Field(ge=0, le=MAX_LEAD_DAYS, description="Days before due")]
    channels: list[Channel] = Field(
        ..., min_length=1, max_length=3, description="The order to try: wechat, sms, email"
    )
    quiet_start: Clock = Field(..., description="Quiet hours from, HH:MM")
    quiet_end: Annotated[Clock, WithJsonSchema(_clock_schema("08:00"))] = Field(
        ..., description="Quiet hours until, HH:MM"
    )
    weekly_cap: Annotated[int, Field(ge=0, le=14)] = Field(
        2, description="Marketing messages per customer per week"
    )
    template_zh: text(500, min_length=1) = Field(
        ..., description="Variables: {name} {plate} {due_date} {dealer} {dealer_phone}"
    )
    template_en: text(500) = ""
    holidays: list[Holiday] = Field(
        [], max_length=10, description="Holiday rule: spring_festival, mid_autumn, …"
    )
    campaign_date: Day | None = Field(None, description="Campaign: the day it goes out")
    segment_grade: Literal["", "A", "B", "C", "D"] = Field("", description="Campaign: grade")
    segment_tag: text(30) = Field("", description="Campaign: a customer tag")


class RuleUpdateIn(RuleIn):
    version: Version


class RuleOut(Schema):
    id: int
    kind: str
    name: str
    active: bool
    lead_days: int
    channels: list[str]
    quiet_start: str = Field(description="HH:MM")
    quiet_end: str = Field(description="HH:MM")
    weekly_cap: int
    template_zh: str
    template_en: str
    holidays: list[str]
    campaign_date: date | None
    segment_grade: str
    segment_tag: str
    version: int

    @staticmethod
    def resolve_quiet_start(obj) -> str:
        return clock(obj.quiet_start)

    @staticmethod
    def resolve_quiet_end(obj) -> str:
        return clock(obj.quiet_end)

    @staticmethod
    def resolve_segment_tag(obj) -> str:
        return obj.segment_tag.name if obj.segment_tag_id else ""


class PreviewIn(Schema):
    kind: Kind = Field(..., description="The rule's kind: picks the due day shown")
    template_zh: text(500, min_length=1)
    template_en: text(500) = ""
    customer_id: Id | None = Field(None, description="Default: the first customer with a car")


class PreviewOut(Schema):
    customer_id: int
    customer_name: str = Field(description="Masked")
    text_zh: str
    text_en: str


# Reminders -------------------------------------------------------------------------------


class ReminderOut(Schema):
    id: int
    kind: str
    status: str
    skip_reason: str
    rule_id: int
    rule_name: str = Field(alias="rule.name")
    customer_id: int
    customer_name: str = Field(description="Masked")
    vehicle_id: int | None
    plate: str
    due_date: date
    send_on: date
    text: str = Field(description="The reminder's own text (variables as in the rule), or empty")
    preview: str = Field(description="The text as it goes out (the name masked)")
    channel: str
    message_id: int | None
    message_status: str = Field(description="The outbox message's delivery status")
    sent_at: datetime | None
    call_note: str
    handled_by_id: int | None
    version: int

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return mask_name(obj.customer.name)

    @staticmethod
    def resolve_plate(obj) -> str:
        return (obj.vehicle.plate or obj.vehicle.vin) if obj.vehicle_id else ""

    @staticmethod
    def resolve_preview(obj) -> str:
        values = message_values(
            dealer=obj.dealer,
            customer=obj.customer,
            plate=ReminderOut.resolve_plate(obj),
            due=obj.due_date,
        )
        values["name"] = mask_name(obj.customer.name)
        return template_render(obj.text or obj.rule.template_zh, values)

    @staticmethod
    def resolve_message_status(obj) -> str:
        return obj.message.status if obj.message_id else ""


class ReminderPageOut(Schema):
    items: list[ReminderOut]
    count: int
    page: int
    pages: int


class ReminderQuery(Schema):
    kind: KindOrAll = ""
    status: ReminderStatus = ""
    date_from: Day | None = Field(None, description="Sent on or planned for from this day")
    date_to: Day | None = Field(None, description="… up to and including this day")
    customer_id: Id | None = None
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


Reason = text(300, min_length=1)


class ReminderMoveIn(Schema):
    send_on: Day
    reason: Reason
    version: Version


class ReminderTextIn(Schema):
    text: text(500, min_length=1, description="Variables as in the rule")
    reason: Reason
    version: Version


class ReminderCancelIn(Schema):
    reason: Reason
    version: Version


class ReminderCallIn(Schema):
    note: text(500, min_length=1) = Field(..., description="The call's outcome")
    version: Version


# Pauses ----------------------------------------------------------------------------------


class PauseIn(Schema):
    customer_id: Id
    kind: KindOrAll = Field("", description="One kind, or empty for all reminders")
    until: Day = Field(..., description="Held back up to and including this day")
    reason: Reason


class PauseOut(Schema):
    id: int
    customer_id: int
    kind: str
    until: date
    reason: str
    created_by_id: int
    created_at: datetime
    ended_on: date | None


class PauseQuery(Schema):
    customer_id: Id = Field(..., description="The customer whose pauses in force are listed")


# Outgoing messages -----------------------------------------------------------------------


def _mask_address(message) -> str:
    if message.channel == MessageChannel.EMAIL:
        return mask_email(message.address)
    if message.channel == MessageChannel.INBOX:
        return ""
    return mask_phone(message.address)


def _hide_link(message) -> str:
    """A message's body without its link: a survey link is the customer's alone."""
    body = message.body
    if message.link:
        body = body.replace(settings.PUBLIC_BASE_URL + message.link, "[link]")
        body = body.replace(message.link, "[link]")
    return body


class MessageOut(Schema):
    id: int
    recipient_kind: str
    recipient_id: int
    customer_id: int | None
    channel: str
    address: str = Field(description="Masked")
    topic: str
    body: str = Field(description="The text sent (any link in it left out)")
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    next_try_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_address(obj) -> str:
        return _mask_address(obj)

    @staticmethod
    def resolve_body(obj) -> str:
        return _hide_link(obj)


class MessagePageOut(Schema):
    items: list[MessageOut]
    count: int
    page: int
    pages: int


class MessageQuery(Schema):
    customer_id: Id | None = None
    status: OutboxStatus = ""
    channel: CustomerChannel = ""
    topic: text(50) = Field("", description="e.g. care.birthday; a trailing . matches a prefix")
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE
