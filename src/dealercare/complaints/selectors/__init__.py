"""Reads of the complaints desk, scoped to the actor's dealer."""

from dealercare.complaints.selectors.complaints import (
    ComplaintFilters,
    complaint_get,
    complaint_handlers,
    complaint_list,
    complaints_due,
    due_state,
)

__all__ = [
    "ComplaintFilters",
    "complaint_get",
    "complaint_handlers",
    "complaint_list",
    "complaints_due",
    "due_state",
]
