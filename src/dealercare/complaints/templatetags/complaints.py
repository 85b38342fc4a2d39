"""The countdown to a due time: the text the page starts with; static/js/countdown.js keeps
it running."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from dealercare.complaints.selectors import due_state

register = template.Library()


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    return _("%(h)sh %(m)sm") % {"h": hours, "m": minutes}


@register.simple_tag
def countdown(due_at):
    if due_at is None:
        return "—"
    now = timezone.now()
    seconds = (due_at - now).total_seconds()
    text = _("%(span)s left") % {"span": _span(seconds)}
    if seconds < 0:
        text = _("overdue %(span)s") % {"span": _span(seconds)}
    state = due_state(due_at, now)
    return format_html(
        '<time class="countdown {}" datetime="{}" data-due="{}" data-left="{}" data-late="{}">'
        "{}</time>",
        state,
        due_at.isoformat(),
        due_at.isoformat(),
        _("%(span)s left"),
        _("overdue %(span)s"),
        text,
    )
