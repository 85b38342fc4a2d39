"""Working a complaint through its workflow (R-CMP-4, R-CMP-6): each step that needs more
than a click takes its fields here, in the move's transaction. The first move out of
*received* is the first response; *implemented* starts the feedback clock."""

from dataclasses import dataclass, fields
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.complaints.events import ComplaintEvent
from dealercare.complaints.models import Complaint
from dealercare.complaints.services.receive import (
    clock_times,
    complaint_event,
    complaint_settings,
)
from dealercare.complaints.workflow import COMPLAINT_FLOW, moves_for
from dealercare.core.audit import audit_record
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_past_date, clean_text
from dealercare.core.errors import InvalidInput, InvalidTransition, StaleVersion
from dealercare.core.models import User
from dealercare.core.roles import Action, allows, require
from dealercare.core.workflow import workflow_move

Status = Complaint.Status


@dataclass
class StepInput:
    """What a step may carry besides the move: only the fields its move reads are used."""

    reason: str = ""
    category: str = ""
    urgency: str = ""
    owner_id: int | None = None
    department: str = ""
    solve_by: datetime | None = None
    investigation: str = ""
    solution: str = ""
    answer: str = ""
    result: str = ""
    cause: str = ""
    improvement: str = ""
    satisfaction: int | None = None


def _text(required: bool, max_length: int = 4000):
    return lambda v: clean_text(v, max_length=max_length, required=required, multiline=True)


def _owner(dealer_id: int):
    def check(value):
        owner = User.objects.filter(pk=value, dealer_id=dealer_id, is_active=True).first()
        if value is None or owner is None or not allows(owner, Action.COMPLAINT_HANDLE):
            raise ValidationError(_("Choose a member of staff who handles complaints."))
        return owner

    return check


def _solve_by(value):
    if value is None:
        raise ValidationError(_("This field is required."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value < timezone.now():
        raise ValidationError(_("The deadline cannot be in the past."))
    return value


def _satisfaction(value):
    if value in (None, ""):
        raise ValidationError(_("This field is required."))
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError(_("From 1 (very unhappy) to 5 (very happy)."))
    return score


def _checks(complaint: Complaint, move: str) -> dict:
    """The fields each move takes, with their checks."""
    return {
        "classify": {
            "category": lambda v: clean_choice(v, Complaint.Category.choices, required=True),
            "urgency": lambda v: clean_choice(v, Complaint.Urgency.choices, required=True),
        },
        "assign": {
            "owner_id": _owner(complaint.dealer_id),
            "department": lambda v: clean_choice(v, Complaint.Department.choices, required=True),
            "solve_by": _solve_by,
        },
        "investigate": {},
        "propose": {"investigation": _text(False), "solution": _text(True)},
        "answer": {"answer": _text(True)},
        "feedback": {
            "result": _text(True, 2000),
            "cause": _text(True, 2000),
            "improvement": _text(True, 2000),
            "satisfaction": _satisfaction,
        },
    }.get(move, {})


def _clock_fields(complaint: Complaint, move: str, now) -> dict:
    """The times a move stamps: first response, the feedback clock, the close."""
    values = {}
    if complaint.status == Status.RECEIVED and complaint.first_responded_at is None:
        values["first_responded_at"] = now
    if move == "implement":
        settings = complaint_settings(complaint.dealer_id)
        due, warn = clock_times(now, settings.feedback_window(), settings.warn_percent)
        values |= {"implemented_at": now, "feedback_due_at": due, "feedback_warn_at": warn}
    elif move == "feedback":
        values["feedback_given_at"] = now
    elif move == "close":
        values["closed_at"] = now
    elif move == "reopen":
        values |= {
            "closed_at": None,
            "cycle": complaint.cycle + 1,
            "implemented_at": None,
            "feedback_due_at": None,
            "feedback_warn_at": None,
            "feedback_given_at": None,
        }
    return values


@transaction.atomic
def complaint_transition(
    *,
    actor,
    complaint: Complaint,
    move: str,
    data: StepInput | None = None,
    version: int | None = None,
) -> Complaint:
    """Make one move of the complaint's workflow with the fields the move takes (refused,
    changing nothing, when one is missing or wrong)."""
    require(actor, Action.COMPLAINT_HANDLE if move != "reopen" else Action.COMPLAINT_MANAGE)
    data = data or StepInput()
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if version is not None and locked.version != version:
        raise StaleVersion()
    if move not in moves_for(locked) or locked.status not in COMPLAINT_FLOW.table[move].sources:
        raise InvalidTransition()
    errors = FieldErrors()
    clean = errors.check_fields(_checks(locked, move), data)
    errors.raise_if_any()
    before = {name: getattr(locked, name) for name in clean}
    now = timezone.now()
    stamps = _clock_fields(locked, move, now)
    workflow_move(actor, locked, move, reason=data.reason, expected_version=version)
    values = {("owner" if k == "owner_id" else k): v for k, v in clean.items()} | stamps
    if values:
        Complaint.objects.filter(pk=locked.pk).update(**values)
        locked.refresh_from_db()
    if clean:
        changes = {
            name: [_plain(before[name]), _plain(value)]
            for name, value in clean.items()
            if before[name] != value
        }
        audit_record(
            actor=actor,
            dealer=locked.dealer,
            event=complaint_event(_details_event(move), locked, changes),
        )
    return locked


def _details_event(move: str) -> str:
    return {
        "assign": ComplaintEvent.ASSIGN_DETAILS,
        "feedback": ComplaintEvent.FEEDBACK,
    }.get(move, ComplaintEvent.UPDATE)


def _plain(value):
    if isinstance(value, User):
        return value.pk
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value[:200]
    return value


EDITABLE = ("content", "wanted_outcome", "category", "urgency", "purchase_date")


@transaction.atomic
def complaint_update(*, actor, complaint: Complaint, changes: dict, version: int) -> Complaint:
    """Correct what was recorded (content, wanted outcome, category, urgency, purchase
    date) while the complaint is open; ``version`` is the one the actor saw."""
    require(actor, Action.COMPLAINT_HANDLE)
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.version != version:
        raise StaleVersion()
    if locked.status == Status.CLOSED:
        raise InvalidTransition(_("A closed complaint is reopened before it is changed."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(fields={name: [_("Cannot be changed.")] for name in sorted(unknown)})
    checks = {
        "content": _text(True),
        "wanted_outcome": lambda v: clean_text(v, max_length=500, multiline=True),
        "category": lambda v: clean_choice(v, Complaint.Category.choices),
        "urgency": lambda v: clean_choice(v, Complaint.Urgency.choices, required=True),
        "purchase_date": clean_past_date,
    }
    errors = FieldErrors()
    clean = errors.check_fields({k: checks[k] for k in changes}, changes)
    errors.raise_if_any()
    diff = {
        name: [_plain(getattr(locked, name)), _plain(value)]
        for name, value in clean.items()
        if getattr(locked, name) != value
    }
    if not diff:
        return locked
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*clean, "version", "updated_at"])
    diff = {k: [str(a) if a is not None else "", str(b)] for k, (a, b) in diff.items()}
    audit_record(
        actor=actor,
        dealer=locked.dealer,
        event=complaint_event(ComplaintEvent.UPDATE, locked, diff),
    )
    return locked


def step_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(StepInput))
