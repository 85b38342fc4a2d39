"""Each dealer's reminder rules: lead time, channels, quiet hours, weekly cap and the
message text with its variables (R-CARE-1..6)."""

import string
from dataclasses import asdict, dataclass, field
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from dealercare.care.events import CareAuditObject, CareEvent
from dealercare.care.models import ReminderKind, ReminderRule
from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.calendars import HOLIDAYS
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import InvalidInput, NotFound, StaleVersion
from dealercare.core.masking import mask_name
from dealercare.core.messaging.models import MessageChannel
from dealercare.core.models import Dealer
from dealercare.core.roles import Action, require
from dealercare.customers.models import Customer, Grade, Tag
from dealercare.customers.selectors import active_customers

K = ReminderKind
VARIABLES = {
    "name": _("the customer's name"),
    "plate": _("the car's plate"),
    "due_date": _("the due day"),
    "dealer": _("the dealer's name"),
    "dealer_phone": _("the dealer's service hotline"),
}
CUSTOMER_CHANNELS = (MessageChannel.WECHAT, MessageChannel.SMS, MessageChannel.EMAIL)
CHANNEL_CHOICES = [(c.value, c.label) for c in CUSTOMER_CHANNELS]
MAX_LEAD_DAYS = 90

# What each dealer starts with: lead days, Chinese and English text.
DEFAULT_RULES = {
    K.BIRTHDAY: (
        7,
        "{name}您好，{due_date}是您的生日，{dealer}全体同事提前祝您生日快乐！",
        "Dear {name}, {due_date} is your birthday: happy birthday from all of us at {dealer}!",
    ),
    K.MAINTENANCE: (
        30,
        "{name}您好，您的爱车{plate}预计于{due_date}需要保养，欢迎致电{dealer_phone}预约。",
        "Dear {name}, your car {plate} is due for service around {due_date}. "
        "Call {dealer_phone} to book.",
    ),
    K.INSPECTION: (
        30,
        "{name}您好，您的爱车{plate}年检将于{due_date}到期，{dealer}可代办年检，详询{dealer_phone}。",
        "Dear {name}, the annual inspection of {plate} is due on {due_date}. "
        "{dealer} can arrange it: {dealer_phone}.",
    ),
    K.INSURANCE: (
        30,
        "{name}您好，您的爱车{plate}的车险将于{due_date}到期，续保请致电{dealer_phone}。",
        "Dear {name}, the insurance of {plate} ends on {due_date}. Call {dealer_phone} to renew.",
    ),
    K.MILEAGE_CHECK: (
        30,
        "{name}您好，为准确提醒{plate}的保养时间，请回复当前里程数，或致电{dealer_phone}。",
        "Dear {name}, to remind you of {plate}'s next service on time, "
        "please reply with its current mileage or call {dealer_phone}.",
    ),
    K.HOLIDAY: (
        3,
        "{name}您好，{dealer}祝您节日快乐，出行平安！",
        "Dear {name}, {dealer} wishes you a happy holiday and safe travels!",
    ),
}
DEFAULT_HOLIDAYS = ["spring_festival", "mid_autumn", "national_day"]


def template_variables(template: str) -> list[str]:
    """The variables a text uses; a malformed brace is refused."""
    try:
        return [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]
    except ValueError:
        raise ValidationError(
            _("Unbalanced braces: write a variable as {name}, a brace as {{ or }}.")
        ) from None


def clean_template(value, *, required: bool) -> str:
    text = clean_text(value, max_length=500, required=required, multiline=True)
    unknown = [name for name in template_variables(text) if name not in VARIABLES]
    if unknown:
        raise ValidationError(
            _("Unknown variable {%(name)s}. Use %(known)s.")
            % {"name": unknown[0], "known": ", ".join(f"{{{v}}}" for v in VARIABLES)},
            code="unknown_variable",
        )
    return text


def template_render(template: str, values: dict[str, str]) -> str:
    return template.format_map({name: values.get(name, "") for name in VARIABLES})


def message_values(
    *, dealer: Dealer, customer: Customer, plate: str = "", due: date | None
) -> dict[str, str]:
    due_text = formats.date_format(due, "SHORT_DATE_FORMAT") if due else ""
    return {
        "name": customer.name,
        "plate": plate,
        "due_date": due_text,
        "dealer": dealer.name,
        "dealer_phone": dealer.phone,
    }


def _default_rule(dealer: Dealer, kind: str) -> ReminderRule:
    lead, text_zh, text_en = DEFAULT_RULES[kind]
    return ReminderRule(
        dealer=dealer,
        kind=kind,
        name=str(K(kind).label),
        lead_days=lead,
        channels=[c.value for c in CUSTOMER_CHANNELS],
        template_zh=text_zh,
        template_en=text_en,
        holidays=DEFAULT_HOLIDAYS if kind == K.HOLIDAY else [],
    )


def care_rules_ensure(dealer: Dealer) -> None:
    """Every dealer has one rule per kind (campaigns aside), from the defaults."""
    have = set(ReminderRule.objects.filter(dealer=dealer).values_list("kind", flat=True))
    missing = [_default_rule(dealer, kind) for kind in DEFAULT_RULES if kind not in have]
    ReminderRule.objects.bulk_create(missing, ignore_conflicts=True)


@dataclass
class RuleInput:
    name: str
    lead_days: int
    template_zh: str
    template_en: str = ""
    active: bool = True
    channels: list[str] = field(default_factory=lambda: [c.value for c in CUSTOMER_CHANNELS])
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    weekly_cap: int = 2
    holidays: list[str] = field(default_factory=list)
    campaign_date: date | None = None
    segment_grade: str = ""
    segment_tag: str = ""


def _clean_lead(value) -> int:
    if not isinstance(value, int) or not 0 <= value <= MAX_LEAD_DAYS:
        raise ValidationError(_("A whole number of days from 0 to %d.") % MAX_LEAD_DAYS)
    return value


def _clean_channels(value) -> list[str]:
    channels = list(dict.fromkeys(value or []))
    known = {c.value for c in CUSTOMER_CHANNELS}
    unknown = [c for c in channels if c not in known]
    if unknown:
        raise ValidationError(_("Unknown channel: %s.") % unknown[0])
    if not channels:
        raise ValidationError(_("Choose at least one channel."))
    return channels


def _clean_cap(value) -> int:
    if not isinstance(value, int) or not 0 <= value <= 14:
        raise ValidationError(_("A whole number from 0 to 14."))
    return value


def _clean_holidays(value) -> list[str]:
    unknown = [h for h in value or [] if h not in HOLIDAYS]
    if unknown:
        raise ValidationError(_("Unknown holiday: %s.") % unknown[0])
    return [h for h in HOLIDAYS if h in (value or [])]


def _clean_time(value) -> time:
    if not isinstance(value, time):
        raise ValidationError(_("A time of day, HH:MM."))
    return value.replace(second=0, microsecond=0, tzinfo=None)


def rule_clean(data: RuleInput, *, kind: str, dealer_id: int) -> dict:
    errors = FieldErrors()
    clean = errors.check_fields(
        {
            "name": lambda v: clean_text(v, max_length=100, required=True),
            "lead_days": _clean_lead,
            "template_zh": lambda v: clean_template(v, required=True),
            "template_en": lambda v: clean_template(v, required=False),
            "active": bool,
            "channels": _clean_channels,
            "quiet_start": _clean_time,
            "quiet_end": _clean_time,
            "weekly_cap": _clean_cap,
            "holidays": _clean_holidays,
            "segment_grade": lambda v: clean_choice(v, Grade.choices),
        },
        data,
    )
    clean["campaign_date"] = data.campaign_date
    clean["segment_tag"] = None
    if kind == K.HOLIDAY and not clean.get("holidays") and "holidays" not in errors.errors:
        errors.add("holidays", _("Choose at least one holiday."))
    if kind == K.CAMPAIGN:
        with errors.field("campaign_date"):
            clean["campaign_date"] = _clean_campaign_date(data.campaign_date)
    if data.segment_tag:
        tag = Tag.objects.filter(dealer_id=dealer_id, name=data.segment_tag.strip()).first()
        if tag is None:
            errors.add("segment_tag", _("No customer has this tag."))
        clean["segment_tag"] = tag
    errors.raise_if_any()
    return clean


def _clean_campaign_date(value: date | None) -> date:
    if value is None:
        raise ValidationError(_("This field is required."), code="required")
    if value < timezone.localdate():
        raise ValidationError(_("A campaign day cannot be in the past."))
    return value


def rule_values(rule: ReminderRule) -> dict:
    """The stored rule as the fields of a ``RuleInput``."""
    values = {name: getattr(rule, name) for name in RuleInput.__dataclass_fields__}
    return values | {"segment_tag": rule.segment_tag.name if rule.segment_tag else ""}


def _snapshot(rule: ReminderRule) -> dict:
    values = rule_values(rule)
    values["quiet_start"], values["quiet_end"] = str(rule.quiet_start), str(rule.quiet_end)
    values["campaign_date"] = str(rule.campaign_date or "")
    return values


def _event(action: str, rule: ReminderRule, changes: dict) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=CareAuditObject.RULE,
        object_id=rule.pk,
        label=rule.name,
        changes=changes,
    )


@transaction.atomic
def rule_update(*, actor, rule: ReminderRule, data: RuleInput, version: int) -> ReminderRule:
    require(actor, Action.CARE_RULES)
    locked = ReminderRule.objects.select_for_update().filter(pk=rule.pk, dealer=actor.dealer)
    rule = locked.first()
    if rule is None:
        raise NotFound()
    if rule.version != version:
        raise StaleVersion()
    clean = rule_clean(data, kind=rule.kind, dealer_id=rule.dealer_id)
    before = _snapshot(rule)
    for name, value in clean.items():
        setattr(rule, name, value)
    rule.planned_through = None  # plan its whole range again (what exists stays, once)
    rule.version += 1
    rule.save()
    changes = changes_between(before, _snapshot(rule))
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(CareEvent.RULE_UPDATE, rule, changes)
    )
    return rule


@transaction.atomic
def campaign_create(*, actor, data: RuleInput) -> ReminderRule:
    require(actor, Action.CARE_RULES)
    clean = rule_clean(data, kind=K.CAMPAIGN, dealer_id=actor.dealer_id)
    rule = ReminderRule(dealer=actor.dealer, kind=K.CAMPAIGN, **clean)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise InvalidInput(fields={"kind": [_("This dealer has this rule already.")]}) from None
    changes = changes_between({}, _snapshot(rule))
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(CareEvent.RULE_CREATE, rule, changes)
    )
    return rule


@dataclass(frozen=True)
class Preview:
    customer: Customer
    text_zh: str
    text_en: str


def rule_preview(*, actor, data: RuleInput, kind: str, customer_id: int | None) -> Preview:
    """The rule's texts as a real customer of the dealer would read them (the first one
    with a car, unless named); a bad variable is refused by name, as on saving."""
    require(actor, Action.CARE_RULES)
    errors = FieldErrors()
    texts = errors.check_fields(
        {
            "template_zh": lambda v: clean_template(v, required=True),
            "template_en": lambda v: clean_template(v, required=False),
        },
        asdict(data),
    )
    errors.raise_if_any()
    customers = active_customers(actor.dealer_id)
    if customer_id is not None:
        customers = customers.filter(pk=customer_id)
    else:
        customers = customers.filter(vehicles__isnull=False).order_by("pk")
    customer = customers.first()
    if customer is None:
        raise InvalidInput(fields={"customer_id": [_("No such customer at this dealer.")]})
    vehicle = customer.vehicles.order_by("pk").first()
    due = _preview_due(kind, customer, vehicle)
    values = message_values(
        dealer=actor.dealer, customer=customer, plate=vehicle.plate if vehicle else "", due=due
    )
    values["name"] = mask_name(customer.name)
    return Preview(
        customer=customer,
        text_zh=template_render(texts["template_zh"], values),
        text_en=template_render(texts["template_en"], values),
    )


def _preview_due(kind: str, customer: Customer, vehicle) -> date:
    due = {
        K.MAINTENANCE: vehicle and vehicle.next_maintenance_due,
        K.MILEAGE_CHECK: vehicle and vehicle.next_maintenance_due,
        K.INSPECTION: vehicle and vehicle.inspection_due,
        K.INSURANCE: vehicle and vehicle.insurance_expiry,
        K.BIRTHDAY: customer.birthday and _this_years(customer.birthday, timezone.localdate().year),
    }.get(kind)
    return due or timezone.localdate()


def _this_years(birthday: date, year: int) -> date:
    try:
        return birthday.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)
