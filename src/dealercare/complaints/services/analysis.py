"""Root causes and their preventive actions (R-CMP-7): owners, due dates, followed to done."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.complaints.events import ComplaintAuditObject, ComplaintEvent
from dealercare.complaints.models import Complaint, PreventiveAction, RootCause
from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import InvalidTransition
from dealercare.core.models import User
from dealercare.core.roles import Action, require


def _complaint_ids(dealer_id: int, value: str) -> list[int]:
    """'TS-12, 15' → the ids of the dealer's complaints; an unknown number is refused."""
    numbers = [part.strip().split("-")[-1] for part in (value or "").split(",") if part.strip()]
    if not all(n.isdigit() for n in numbers):
        raise ValidationError(_("Write complaint numbers such as TS-12, separated by commas."))
    ids = {int(n) for n in numbers}
    found = set(
        Complaint.objects.filter(dealer_id=dealer_id, pk__in=ids).values_list("pk", flat=True)
    )
    if found != ids:
        raise ValidationError(_("Unknown complaint: %(ids)s") % {"ids": sorted(ids - found)})
    return sorted(ids)


def _audit(actor, action, object_type, obj, changes) -> None:
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=AuditEvent(
            action=action,
            object_type=object_type,
            object_id=obj.pk,
            label=str(obj)[:200],
            changes=changes,
        ),
    )


@transaction.atomic
def root_cause_create(
    *, actor, title: str, category: str = "", description: str = "", complaint_ids: str = ""
) -> RootCause:
    require(actor, Action.COMPLAINT_MANAGE)
    errors = FieldErrors()
    clean = errors.check_fields(
        {
            "title": lambda v: clean_text(v, max_length=200, required=True),
            "category": lambda v: clean_choice(v, Complaint.Category.choices),
            "description": lambda v: clean_text(v, max_length=4000, multiline=True),
            "complaint_ids": lambda v: _complaint_ids(actor.dealer_id, v),
        },
        locals(),
    )
    errors.raise_if_any()
    ids = clean.pop("complaint_ids")
    cause = RootCause.objects.create(dealer_id=actor.dealer_id, created_by=actor, **clean)
    cause.complaints.set(ids)
    changes = {"title": ["", cause.title], "complaints": ["", ", ".join(map(str, ids))]}
    _audit(actor, ComplaintEvent.ROOT_CAUSE_CREATE, ComplaintAuditObject.ROOT_CAUSE, cause, changes)
    return cause


def _future_date(value):
    if value is None:
        raise ValidationError(_("This field is required."))
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if value < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."))
    return value


@transaction.atomic
def preventive_action_add(
    *, actor, root_cause: RootCause, description: str, owner_id: int, due_date
) -> PreventiveAction:
    require(actor, Action.COMPLAINT_MANAGE)
    errors = FieldErrors()

    def owner(value):
        found = User.objects.filter(pk=value, dealer_id=actor.dealer_id, is_active=True).first()
        if found is None:
            raise ValidationError(_("Choose a member of staff."))
        return found

    clean = errors.check_fields(
        {
            "description": lambda v: clean_text(v, max_length=300, required=True),
            "owner_id": owner,
            "due_date": _future_date,
        },
        locals(),
    )
    errors.raise_if_any()
    action = PreventiveAction.objects.create(
        dealer_id=actor.dealer_id,
        root_cause=root_cause,
        description=clean["description"],
        owner=clean["owner_id"],
        due_date=clean["due_date"],
    )
    changes = {
        "description": ["", action.description],
        "owner": ["", action.owner.display_name],
        "due_date": ["", action.due_date.isoformat()],
    }
    _audit(
        actor, ComplaintEvent.ACTION_CREATE, ComplaintAuditObject.PREVENTIVE_ACTION, action, changes
    )
    return action


@transaction.atomic
def preventive_action_done(
    *, actor, action: PreventiveAction, outcome: str = ""
) -> PreventiveAction:
    """The owner (or a manager) marks the action done, once."""
    if action.owner_id != actor.pk:
        require(actor, Action.COMPLAINT_MANAGE)
    outcome = clean_text(outcome, max_length=300)
    done = PreventiveAction.objects.filter(
        pk=action.pk, dealer_id=actor.dealer_id, status=PreventiveAction.Status.OPEN
    ).update(status=PreventiveAction.Status.DONE, done_at=timezone.now(), outcome=outcome)
    if not done:
        raise InvalidTransition()
    action.refresh_from_db()
    changes = {"status": ["open", "done"], "outcome": ["", outcome]}
    _audit(
        actor, ComplaintEvent.ACTION_DONE, ComplaintAuditObject.PREVENTIVE_ACTION, action, changes
    )
    return action
