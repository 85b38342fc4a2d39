"""After-sales service (R-SVC): one module per part of the dealer's day, all in one app."""

from dealercare.service.models.catalogue import ServiceOperation, ServiceSettings
from dealercare.service.models.orders import (
    RepairOrder,
    RepairOrderApproval,
    RepairOrderLine,
    RepairOrderSequence,
)
from dealercare.service.models.workshop import (
    Delivery,
    FollowUpTask,
    ProgressReport,
    QualityInspection,
    Reception,
    WalkAround,
)

__all__ = [
    "Delivery",
    "FollowUpTask",
    "ProgressReport",
    "QualityInspection",
    "Reception",
    "RepairOrder",
    "RepairOrderApproval",
    "RepairOrderLine",
    "RepairOrderSequence",
    "ServiceOperation",
    "ServiceSettings",
    "WalkAround",
]
