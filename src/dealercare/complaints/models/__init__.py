from dealercare.complaints.models.analysis import PreventiveAction, RootCause
from dealercare.complaints.models.complaints import (
    Complaint,
    ComplaintEscalation,
    ComplaintLadderStep,
    ComplaintSettings,
    EscalationTarget,
)

__all__ = [
    "Complaint",
    "ComplaintEscalation",
    "ComplaintLadderStep",
    "ComplaintSettings",
    "EscalationTarget",
    "PreventiveAction",
    "RootCause",
]
