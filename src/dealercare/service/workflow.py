"""The repair order's one workflow (R-SVC-3..6): open → approved → in progress → quality
check → ready → delivered → closed, with rework and cancel. Services move an order only
through ``core.workflow.workflow_move`` with these names."""

from django.utils.translation import gettext_lazy as _

from dealercare.core.roles import Action
from dealercare.core.workflow import Move, Workflow
from dealercare.service.models import RepairOrder

Status = RepairOrder.Status

REPAIR_ORDER_FLOW = Workflow(
    model=RepairOrder,
    field="status",
    states=Status,
    object_type="repair_order",
    label=lambda order: order.number,
    moves=[
        Move("approve", Status.OPEN, Status.APPROVED, Action.REPAIR_ORDER_APPROVE, _("Approve")),
        Move("start", Status.APPROVED, Status.IN_PROGRESS, Action.REPAIR_ORDER_WORK, _("Start")),
        Move(
            "finish",
            Status.IN_PROGRESS,
            Status.QUALITY_CHECK,
            Action.REPAIR_ORDER_WORK,
            _("Finished, to quality check"),
        ),
        Move("pass", Status.QUALITY_CHECK, Status.READY, Action.REPAIR_ORDER_INSPECT, _("Pass")),
        Move(
            "rework",
            Status.QUALITY_CHECK,
            Status.IN_PROGRESS,
            Action.REPAIR_ORDER_INSPECT,
            _("Back to rework"),
            reason_required=True,
        ),
        Move("deliver", Status.READY, Status.DELIVERED, Action.REPAIR_ORDER_DELIVER, _("Deliver")),
        Move("close", Status.DELIVERED, Status.CLOSED, Action.REPAIR_ORDER_DELIVER, _("Close")),
        Move(
            "cancel",
            (Status.OPEN, Status.APPROVED),
            Status.CANCELLED,
            Action.REPAIR_ORDER_CANCEL,
            _("Cancel"),
            reason_required=True,
        ),
    ],
)
