"""Template helpers: the role table, formatting of money, numbers and dates, audit entries."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dealercare.core import masking
from dealercare.core.audit_vocabulary import VOCABULARY
from dealercare.core.messaging.models import StopReason
from dealercare.core.roles import allows
from dealercare.core.scheduling import registered_jobs
from dealercare.core.shredding import audit_open

register = template.Library()


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
        return VOCABULARY.models[object_type]._meta.get_field(name)
    except (KeyError, FieldDoesNotExist):
        return None


def _shown(value, field=None) -> str:
    """Any stored JSON value as text: lists joined, mappings as ``key: value``, codes by
    their label. Entries are never edited, so whatever an entry holds must render."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, dict):
        return "; ".join(
            f"{VOCABULARY.fields.get(k, k)}: {_shown(v, field)}" for k, v in value.items()
        )
    if isinstance(value, list):
        return "、".join(_shown(v, field) for v in value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(VOCABULARY.values.get(value, value) if isinstance(value, str) else value)


@register.simple_tag
def audit_verb(entry) -> str:
    return str(VOCABULARY.actions.get(entry.action, entry.action))


@register.simple_tag
def audit_object_type(entry) -> str:
    return str(VOCABULARY.object_types.get(entry.object_type, entry.object_type))


@register.simple_tag
def audit_label(entry) -> str:
    return audit_open(entry).label


@register.simple_tag
def audit_link(entry) -> str:
    """The page of the object an entry is about, when its app named one."""
    link = VOCABULARY.links.get(entry.object_type)
    if link is None or entry.object_id is None:
        return ""
    url_name, kwarg = link
    return reverse(url_name, kwargs={kwarg: entry.object_id})


@register.simple_tag
def audit_actor(entry) -> str:
    return entry.actor.display_name if entry.actor else str(_("System"))


@register.simple_tag
def audit_changes(entry) -> list[dict]:
    """Each change as label, old and new — masked by the services, opened (or shown as
    erased) here."""
    lines = []
    changes = audit_open(entry).changes
    changes = changes if isinstance(changes, dict) else {"": changes}
    for name, pair in sorted(changes.items()):
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        field = _field(entry.object_type, name)
        # the object's own field first: a name another app registered means something else
        label = (field.verbose_name if field else None) or VOCABULARY.fields.get(name, name)
        if _shown(old, field) or _shown(new, field):
            lines.append({"label": label, "old": _shown(old, field), "new": _shown(new, field)})
    return lines
