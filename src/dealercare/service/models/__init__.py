"""After-sales service (R-SVC): one module per part of the dealer's day, all in one app."""

from dealercare.service.models.appointments import (
    Appointment,
    AppointmentDay,
    ServiceBay,
    ServiceCapacity,
)
from dealercare.service.models.catalogue import ServiceOperation, ServiceSettings
from dealercare.service.models.diagnosis import DiagnosisReport, FaultCode
from dealercare.service.models.equipment import Equipment, EquipmentCalibration, EquipmentUse
from dealercare.service.models.orders import (
    RepairOrder,
    RepairOrderApproval,
    RepairOrderLine,
    RepairOrderSequence,
)
from dealercare.service.models.roadside import RoadsideRequest
from dealercare.service.models.workshop import (
    Delivery,
    FollowUpTask,
    ProgressReport,
    QualityInspection,
    Reception,
    WalkAround,
)

__all__ = [
    "Appointment",
    "AppointmentDay",
    "Delivery",
    "DiagnosisReport",
    "Equipment",
    "EquipmentCalibration",
    "EquipmentUse",
    "FaultCode",
    "FollowUpTask",
    "ProgressReport",
    "QualityInspection",
    "Reception",
    "RepairOrder",
    "RepairOrderApproval",
    "RepairOrderLine",
    "RepairOrderSequence",
    "RoadsideRequest",
    "ServiceBay",
    "ServiceCapacity",
    "ServiceOperation",
    "ServiceSettings",
    "WalkAround",
]
