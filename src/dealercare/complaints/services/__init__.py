"""Every write of the complaints desk: one function per business action, one transaction.
Other apps (follow-up visits, surveys) call :func:`complaint_receive`."""

from dealercare.complaints.services.from_follow_up import complaint_from_follow_up
from dealercare.complaints.services.handling import (
    StepInput,
    complaint_transition,
    complaint_update,
)
from dealercare.complaints.services.receive import (
    clock_times,
    complaint_event,
    complaint_receive,
    complaint_settings,
)

__all__ = [
    "StepInput",
    "clock_times",
    "complaint_event",
    "complaint_from_follow_up",
    "complaint_receive",
    "complaint_settings",
    "complaint_transition",
    "complaint_update",
]
