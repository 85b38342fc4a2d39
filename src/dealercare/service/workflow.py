"""The repair order's one workflow (R-SVC-3..6): open → approved → in progress → quality
check → ready → delivered → closed, with rework and cancel. Services move an order only
through ``core.workflow.workflow_move`` with these names."""

from django.utils.translation import gettext_lazy as _

from dealercare.core.roles import Action
from dealercare.core.workflow import Move, Workflow
from dealercare.service.models import Appointment, DiagnosisReport, RepairOrder, RoadsideRequest

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


# Appointments (R-SVC-1): a reschedule is a service (the slot changes, not the status).
Booked = Appointment.Status

APPOINTMENT_FLOW = Workflow(
    model=Appointment,
    field="status",
    states=Booked,
    object_type="appointment",
    label=str,
    moves=[
        Move("arrive", Booked.BOOKED, Booked.ARRIVED, Action.APPOINTMENT_BOOK, _("Arrived")),
        Move("complete", Booked.ARRIVED, Booked.COMPLETED, Action.APPOINTMENT_BOOK, _("Completed")),
        Move(
            "cancel",
            Booked.BOOKED,
            Booked.CANCELLED,
            Action.APPOINTMENT_BOOK,
            _("Cancel the booking"),
            reason_required=True,
        ),
        Move("no_show", Booked.BOOKED, Booked.NO_SHOW, Action.APPOINTMENT_BOOK, _("No-show")),
    ],
)

# Remote diagnosis (R-VEH-5): answered remotely, booked in, or closed as nothing to do.
Report = DiagnosisReport.Status

DIAGNOSIS_FLOW = Workflow(
    model=DiagnosisReport,
    field="status",
    states=Report,
    object_type="diagnosis_report",
    label=str,
    moves=[
        Move(
            "answer",
            Report.NEW,
            Report.ANSWERED_REMOTELY,
            Action.DIAGNOSIS_HANDLE,
            _("Answer remotely"),
        ),
        Move(
            "book",
            (Report.NEW, Report.ANSWERED_REMOTELY),
            Report.BOOKED,
            Action.APPOINTMENT_BOOK,
            _("Book a visit"),
        ),
        Move(
            "close",
            (Report.NEW, Report.ANSWERED_REMOTELY),
            Report.CLOSED,
            Action.DIAGNOSIS_HANDLE,
            _("Close"),
            reason_required=True,
        ),
    ],
)

# Roadside assistance (R-SVC-9): received → dispatched → on scene → towed / fixed, or cancelled.
Roadside = RoadsideRequest.Status

ROADSIDE_FLOW = Workflow(
    model=RoadsideRequest,
    field="status",
    states=Roadside,
    object_type="roadside_request",
    label=str,
    moves=[
        Move(
            "dispatch",
            Roadside.RECEIVED,
            Roadside.DISPATCHED,
            Action.ROADSIDE_HANDLE,
            _("Dispatch"),
        ),
        Move(
            "on_scene",
            Roadside.DISPATCHED,
            Roadside.ON_SCENE,
            Action.ROADSIDE_HANDLE,
            _("On scene"),
        ),
        Move("tow", Roadside.ON_SCENE, Roadside.TOWED, Action.ROADSIDE_HANDLE, _("Towed in")),
        Move(
            "fix", Roadside.ON_SCENE, Roadside.FIXED, Action.ROADSIDE_HANDLE, _("Fixed on the spot")
        ),
        Move(
            "cancel",
            (Roadside.RECEIVED, Roadside.DISPATCHED, Roadside.ON_SCENE),
            Roadside.CANCELLED,
            Action.ROADSIDE_HANDLE,
            _("Cancel"),
            reason_required=True,
        ),
    ],
)
