"""One state machine mechanism for every workflow: a declared table of moves.

An app declares its workflow beside its models::

    REPAIR_ORDER_FLOW = Workflow(
        model=RepairOrder,
        field="status",
        states=RepairOrder.Status,
        moves=[
            Move("approve", Status.QUOTED, Status.APPROVED, Action.REPAIR_ORDER_APPROVE,
                 _("Approve")),
            Move("cancel", (Status.QUOTED, Status.APPROVED), Status.CANCELLED,
                 Action.REPAIR_ORDER_CANCEL, _("Cancel"), reason_required=True),
        ],
    )

and its services move a state only through :func:`workflow_move`; pages show the buttons
:func:`available_moves` returns (``core/_workflow_buttons.html``), so the page and the
service read the same table.

A table of our own rather than django-fsm-2: its permission hooks do not read our role
table, it gives neither the dealer scoping nor the audit entry in the move's transaction,
and its concurrency guard works only through ``save()``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealercare.core.access import scope_to_dealer
from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.errors import InvalidInput, InvalidTransition, NotFound, StaleVersion
from dealercare.core.roles import allows, require

REASON_MAX_LENGTH = 500


@dataclass(frozen=True)
class Move:
    """From any of ``sources`` to ``target``, for a role whose actions include ``action``."""

    name: str
    sources: str | Iterable[str]
    target: str
    action: str
    label: str
    reason_required: bool = False

    def __post_init__(self):
        sources = (self.sources,) if isinstance(self.sources, str) else tuple(self.sources)
        object.__setattr__(self, "sources", frozenset(sources))


_WORKFLOWS: dict[type[models.Model], "Workflow"] = {}


@dataclass(frozen=True)
class Workflow:
    """The moves of one state field of a tenant model (one workflow per model).

    The timeline entry's action is ``<object_type>.<move>``; ``customer_field`` names the
    attribute holding the customer's id (``"pk"`` for the customer itself), ``label`` gives
    the entry's label — never personal data in clear text."""

    model: type[models.Model]
    field: str
    states: type[models.TextChoices]
    moves: Iterable[Move]
    object_type: str = ""
    customer_field: str = "customer_id"
    label: Callable[[models.Model], str] = lambda obj: ""
    table: dict[str, Move] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "moves", tuple(self.moves))
        object.__setattr__(self, "table", {move.name: move for move in self.moves})
        object.__setattr__(self, "object_type", self.object_type or self.model._meta.model_name)
        unknown = {
            state
            for move in self.table.values()
            for state in {*move.sources, move.target}
            if state not in self.states.values
        }
        if unknown or len(self.table) != len(self.moves):
            raise ImproperlyConfigured(f"{self.object_type} workflow: bad moves {unknown or ''}")
        if _WORKFLOWS.setdefault(self.model, self) is not self:
            raise ImproperlyConfigured(f"{self.model.__name__} already has a workflow")

    def state_of(self, obj) -> str:
        return getattr(obj, self.field)


def workflow_of(obj) -> Workflow:
    try:
        return _WORKFLOWS[type(obj)]
    except KeyError:
        raise ImproperlyConfigured(f"{type(obj).__name__} has no workflow") from None


def available_moves(actor, obj) -> list[Move]:
    """The moves the actor's role may make from the object's current state, in the
    order the workflow declares them: the buttons a page shows."""
    workflow = workflow_of(obj)
    state = workflow.state_of(obj)
    return [
        move
        for move in workflow.table.values()
        if state in move.sources and allows(actor, move.action)
    ]


def workflow_move(actor, obj, move_name: str, *, reason=None, expected_version=None):
    """Make one move, in one transaction: the role checked against the role table, the
    state changed only if it is still the one the actor saw, and the move recorded on
    the object's timeline (who, when, from, to, why). Returns the object, moved."""
    workflow = workflow_of(obj)
    move = workflow.table.get(move_name)
    if move is None:
        raise InvalidTransition()
    require(actor, move.action)
    reason = (reason or "").strip()
    if move.reason_required and not reason:
        raise InvalidInput(fields={"reason": [_("Give a reason for this step.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(fields={"reason": [_("The reason is too long.")]})
    source = workflow.state_of(obj)
    if source not in move.sources:
        raise InvalidTransition()
    with transaction.atomic():
        _update_if_unchanged(actor, workflow, obj, move, source, expected_version)
        changes = {workflow.field: [source, move.target]}
        if reason:
            changes["reason"] = ["", reason]
        event = AuditEvent(
            action=f"{workflow.object_type}.{move.name}",
            object_type=workflow.object_type,
            object_id=obj.pk,
            label=workflow.label(obj),
            customer_id=getattr(obj, workflow.customer_field, None),
            changes=changes,
        )
        audit_record(actor=actor, dealer=obj.dealer, event=event)
    return obj


def _update_if_unchanged(actor, workflow, obj, move, source, expected_version) -> None:
    """One conditional UPDATE on the state the actor saw (and the version, if given): of
    two concurrent moves from the same state, the second matches no row (PostgreSQL
    re-reads the row once the first commits), so both can never succeed. A move on a
    state that changed since the actor saw it is stale."""
    model_fields = {f.name for f in workflow.model._meta.concrete_fields}
    rows = scope_to_dealer(actor, workflow.model.objects.filter(pk=obj.pk))
    changes = {workflow.field: move.target}
    if "version" in model_fields:
        changes["version"] = F("version") + 1
    if "updated_at" in model_fields:
        changes["updated_at"] = timezone.now()
    current = rows.filter(**{workflow.field: source})
    if expected_version is not None:
        current = current.filter(version=expected_version)
    if current.update(**changes):
        setattr(obj, workflow.field, move.target)
        obj.refresh_from_db(fields=[name for name in changes if name != workflow.field])
        return
    if not rows.exists():
        raise NotFound()
    raise StaleVersion()


class MoveForm(forms.Form):
    """A posted move: its name (one of the moves offered), a reason, the version seen.
    Whether the move needs a reason is the service's rule, not the form's."""

    move = forms.ChoiceField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=pgettext_lazy("workflow", "reason"), required=False, max_length=REASON_MAX_LENGTH
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, moves: list[Move]):
        super().__init__(data)
        self.fields["move"].choices = [(move.name, move.label) for move in moves]
