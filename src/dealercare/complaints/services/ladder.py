"""The dealer's SLA times and escalation ladder (R-CMP-5): the service manager sets them."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dealercare.complaints.events import ComplaintAuditObject, ComplaintEvent
from dealercare.complaints.models import ComplaintLadderStep, ComplaintSettings, EscalationTarget
from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.cleaning import FieldErrors, clean_choice
from dealercare.core.errors import StaleVersion
from dealercare.core.roles import Action, require

STEP_CHANNELS = (("email", _("E-mail")), ("inbox", _("Staff inbox only")))


@dataclass
class LadderStepInput:
    level: int
    after_minutes: int
    target: str
    channel: str = "email"


@dataclass
class LadderInput:
    first_response_hours: int
    feedback_hours: int
    warn_percent: int
    steps: list[LadderStepInput]


def ladder_get(dealer_id: int) -> tuple[ComplaintSettings, list[ComplaintLadderStep]]:
    """The dealer's settings and ladder (the defaults, unsaved, where none are stored)."""
    settings = ComplaintSettings.objects.filter(dealer_id=dealer_id).first()
    settings = settings or ComplaintSettings(dealer_id=dealer_id)
    steps = list(ComplaintLadderStep.objects.filter(dealer_id=dealer_id).order_by("level"))
    if not steps:
        steps = [
            ComplaintLadderStep(
                dealer_id=dealer_id, level=level, after_minutes=m, target=t, channel=c
            )
            for level, m, t, c in ComplaintLadderStep.DEFAULTS
        ]
    return settings, steps


def _within(low: int, high: int):
    def check(value):
        if value is None or not low <= int(value) <= high:
            raise ValidationError(_("Between %(low)s and %(high)s.") % {"low": low, "high": high})
        return int(value)

    return check


def ladder_clean(data: LadderInput) -> dict:
    errors = FieldErrors()
    clean = errors.check_fields(
        {
            "first_response_hours": _within(1, 168),
            "feedback_hours": _within(1, 168),
            "warn_percent": _within(10, 99),
        },
        data,
    )
    steps = []
    if not 1 <= len(data.steps) <= 3:
        errors.add("steps", _("One to three levels."))
    previous = -1
    for index, step in enumerate(data.steps, start=1):
        name = f"steps.{index}"
        row = errors.check_fields(
            {
                "target": lambda v: clean_choice(v, EscalationTarget.choices, required=True),
                "channel": lambda v: clean_choice(v, STEP_CHANNELS, required=True),
                "after_minutes": _within(0, 60 * 24 * 14),
            },
            {"target": step.target, "channel": step.channel, "after_minutes": step.after_minutes},
        )
        for field in ("target", "channel", "after_minutes"):
            if field in errors.errors:
                errors.errors[f"{name}.{field}"] = errors.errors.pop(field)
        minutes = row.get("after_minutes")
        if minutes is not None and minutes <= previous:
            errors.add(f"{name}.after_minutes", _("Each level comes later than the one before."))
        previous = max(previous, minutes if minutes is not None else previous)
        if len(row) == 3:
            steps.append((index, minutes, row["target"], row["channel"]))
    errors.raise_if_any()
    clean["steps"] = steps
    return clean


@transaction.atomic
def ladder_update(*, actor, data: LadderInput, version: int | None = None) -> ComplaintSettings:
    """Replace the dealer's SLA times and ladder. Levels already reached stay recorded."""
    require(actor, Action.COMPLAINT_MANAGE)
    clean = ladder_clean(data)
    settings, created = ComplaintSettings.objects.select_for_update().get_or_create(
        dealer_id=actor.dealer_id
    )
    if version is not None and not created and settings.version != version:
        raise StaleVersion()
    before = {
        "first_response_hours": settings.first_response_hours,
        "feedback_hours": settings.feedback_hours,
        "warn_percent": settings.warn_percent,
        "steps": [list(s) for s in _stored_steps(actor.dealer_id)],
    }
    for name in ("first_response_hours", "feedback_hours", "warn_percent"):
        setattr(settings, name, clean[name])
    if not created:
        settings.version += 1
    settings.save()
    ComplaintLadderStep.objects.filter(dealer_id=actor.dealer_id).delete()
    ComplaintLadderStep.objects.bulk_create(
        ComplaintLadderStep(
            dealer_id=actor.dealer_id, level=lv, after_minutes=m, target=t, channel=c
        )
        for lv, m, t, c in clean["steps"]
    )
    after = {k: clean[k] for k in before if k != "steps"} | {
        "steps": [list(s) for s in clean["steps"]]
    }
    changes = {k: [str(before[k]), str(after[k])] for k in before if before[k] != after[k]}
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=AuditEvent(
            action=ComplaintEvent.SETTINGS_UPDATE,
            object_type=ComplaintAuditObject.COMPLAINT_SETTINGS,
            object_id=settings.pk,
            label=str(_("Complaint SLA settings")),
            changes=changes,
        ),
    )
    return settings


def _stored_steps(dealer_id: int):
    return ComplaintLadderStep.objects.filter(dealer_id=dealer_id).values_list(
        "level", "after_minutes", "target", "channel"
    )
