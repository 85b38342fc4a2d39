"""After-sales service (R-SVC): one module per part of the dealer's day, all in one app."""

from dealercare.service.models.catalogue import ServiceOperation, ServiceSettings
from dealercare.service.models.equipment import Equipment, EquipmentCalibration, EquipmentUse
from dealercare.service.models.orders import (
    RepairOrder,
    RepairOrderApproval,
    RepairOrderLine,
    RepairOrderSequence,
)

__all__ = [
    "Equipment",
    "EquipmentCalibration",
    "EquipmentUse",
    "RepairOrder",
    "RepairOrderApproval",
    "RepairOrderLine",
    "RepairOrderSequence",
    "ServiceOperation",
    "ServiceSettings",
]
