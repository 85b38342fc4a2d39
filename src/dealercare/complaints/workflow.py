"""The complaint's one workflow (R-CMP-4): received → classified → assigned → investigating →
solution proposed → implemented → feedback given → closed, reopened from closed.
Inquiries and suggestions take the short way: received → answered → closed."""

from django.utils.translation import gettext_lazy as _

from dealercare.complaints.models import Complaint
from dealercare.core.roles import Action
from dealercare.core.workflow import Move, Workflow

Status = Complaint.Status
HANDLE = Action.COMPLAINT_HANDLE

COMPLAINT_FLOW = Workflow(
    model=Complaint,
    field="status",
    states=Status,
    object_type="complaint",
    label=str,
    moves=[
        Move("classify", Status.RECEIVED, Status.CLASSIFIED, HANDLE, _("Classify")),
        Move("assign", Status.CLASSIFIED, Status.ASSIGNED, HANDLE, _("Assign")),
        Move("investigate", Status.ASSIGNED, Status.INVESTIGATING, HANDLE, _("Investigate")),
        Move(
            "propose",
            Status.INVESTIGATING,
            Status.SOLUTION_PROPOSED,
            HANDLE,
            _("Propose a solution"),
        ),
        Move("implement", Status.SOLUTION_PROPOSED, Status.IMPLEMENTED, HANDLE, _("Implemented")),
        Move("feedback", Status.IMPLEMENTED, Status.FEEDBACK_GIVEN, HANDLE, _("Give feedback")),
        Move("answer", Status.RECEIVED, Status.ANSWERED, HANDLE, _("Answer")),
        Move("close", (Status.FEEDBACK_GIVEN, Status.ANSWERED), Status.CLOSED, HANDLE, _("Close")),
        Move(
            "reopen",
            Status.CLOSED,
            Status.INVESTIGATING,
            Action.COMPLAINT_MANAGE,
            _("Reopen"),
            reason_required=True,
        ),
    ],
)

# Which moves belong to which kind: one table, two paths through it.
LIGHT_MOVES = frozenset({"answer", "close"})
COMPLAINT_MOVES = frozenset(COMPLAINT_FLOW.table) - {"answer"}
# Moves that need more than a click: their own form and service.
MOVES_WITH_FORM = frozenset({"classify", "assign", "propose", "feedback", "answer"})


def moves_for(complaint: Complaint) -> frozenset[str]:
    return LIGHT_MOVES if complaint.is_light else COMPLAINT_MOVES
