"""Template helpers: the role table, formatting of money, numbers and dates, audit entries."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dealercare.core import masking
from dealercare.core.messaging.models import OutboxEvent, StopReason
from dealercare.core.roles import allows
from dealercare.core.scheduling import registered_jobs
from dealercare.customers.models import Channel

register = template.Library()

AUDIT_MODELS = {"customer": "customers.Customer", "vehicle": "vehicles.Vehicle"}
AUDIT_VERBS = {
    "customer.create": _("created the customer"),
    "customer.import": _("imported the customer"),
    "customer.update": _("changed the customer"),
    "customer.delete": _("deleted the customer"),
    "customer.reveal": _("revealed in clear text"),
    "customer.merge": _("merged a duplicate into the customer"),
    "customer.merged_into": _("merged the customer into another"),
    "customer.data_quality_export": _("downloaded the data-quality report"),
    "consent.record": _("recorded marketing consent"),
    "vehicle.create": _("added the vehicle"),
    "vehicle.update": _("changed the vehicle"),
    "vehicle.mileage": _("recorded a mileage reading"),
    "vehicle.delete": _("deleted the vehicle"),
    **dict(OutboxEvent.choices),
    "job.run_now": _("asked to run the job now"),
}
AUDIT_LABELS = {
    "tags": _("tags"),
    "km": _("odometer (km)"),
    "merged_customer": _("merged customer"),
    "merged_into": _("merged into"),
    **{f"consent.{value}": label for value, label in Channel.choices},
}
AUDIT_VALUES = {"granted": _("granted"), "withdrawn": _("withdrawn")}


@register.filter
def can(user, action: str) -> bool:
    """``{% if user|can:"customer.update" %}`` — the same table the services check."""
    return allows(user, action)


@register.filter
def mask(value, kind: str) -> str:
    """``{{ customer.phone|mask:"phone" }}`` — one of the masks in core.masking."""
    return getattr(masking, f"mask_{kind}")(value)


@register.filter
def stop_reason(value: str) -> str:
    """An outbox message's ``last_error``: our own reasons in words, a channel's as it is."""
    return StopReason(value).label if value in StopReason.values else value


@register.filter
def cny(value) -> str:
    """¥1,234.50"""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def km(value) -> str:
    return "" if value is None else f"{value:,} km"


@register.filter
def day(value) -> str:
    """2026-11-25"""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d") if isinstance(value, date) else ""


@register.filter
def long_day(value) -> str:
    """2026年11月25日 in Chinese, 25 Nov 2026 in English."""
    if not isinstance(value, date):
        return ""
    if (get_language() or "").startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {value:%b} {value.year}"


@register.filter
def moment(value) -> str:
    """2026-11-25 14:05 in the dealer's time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@register.filter
def job_title(name: str) -> str:
    job = registered_jobs().get(name)
    return str(job.title) if job else name


@register.filter
def job_result(value) -> str:
    """What a job returned: a count, or its counts by name."""
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return "" if value is None else str(value)


@register.filter
def duration_since(end: datetime, start: datetime) -> str:
    seconds = (end - start).total_seconds()
    return f"{seconds:.1f} s" if seconds < 60 else f"{seconds / 60:.0f} min"


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current URL's query with another page number, so filters survive paging; a
    posted search is carried by its token (``core.http.kept_search``)."""
    query = context["request"].GET.copy()
    if context.get("search"):
        query["s"] = context["search"]
    query["page"] = number
    return f"?{query.urlencode()}"


def _field(object_type: str, name: str):
    try:
        return apps.get_model(AUDIT_MODELS[object_type])._meta.get_field(name)
    except (KeyError, FieldDoesNotExist):
        return None


def _shown(value, field) -> str:
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(AUDIT_VALUES.get(value, value))


@register.simple_tag
def audit_verb(entry) -> str:
    return str(AUDIT_VERBS.get(entry.action, entry.action))


@register.simple_tag
def audit_actor(entry) -> str:
    return entry.actor.display_name if entry.actor else str(_("System"))


@register.simple_tag
def audit_changes(entry) -> list[dict]:
    """Each change as label, old and new — the values are already masked by the services."""
    lines = []
    for name, (old, new) in sorted(entry.changes.items()):
        field = _field(entry.object_type, name)
        label = AUDIT_LABELS.get(name) or (field.verbose_name if field else name)
        if entry.action == "customer.reveal":
            lines.append({"label": label, "old": "", "new": ""})
        elif _shown(old, field) or _shown(new, field):
            lines.append({"label": label, "old": _shown(old, field), "new": _shown(new, field)})
    return lines
