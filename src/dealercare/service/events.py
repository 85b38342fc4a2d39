"""What the workshop writes to the audit trail (the repair order's moves are registered by
its workflow, ``service.workflow``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceEvent(models.TextChoices):
    OPERATION_CREATE = "service_operation.create", _("added the operation")
    OPERATION_UPDATE = "service_operation.update", _("changed the operation")
    SETTINGS_UPDATE = "service_settings.update", _("changed the workshop settings")
    ORDER_OPEN = "repair_order.open", _("opened the repair order")
    ORDER_UPDATE = "repair_order.update", _("changed the repair order")
    LINE_ADD = "repair_order.line_add", _("added a line")
    LINE_UPDATE = "repair_order.line_update", _("changed a line")
    LINE_REMOVE = "repair_order.line_remove", _("removed a line")
    APPROVAL = "repair_order.approval", _("recorded the customer's approval")
    EQUIPMENT_REGISTER = "equipment.register", _("registered the equipment")
    EQUIPMENT_UPDATE = "equipment.update", _("changed the equipment")
    EQUIPMENT_CALIBRATE = "equipment.calibrate", _("recorded a calibration")
    EQUIPMENT_USE = "equipment.use", _("recorded a use of the equipment")
    COMEBACK = "repair_order.comeback", _("flagged the order as a comeback")
    WARRANTY_CLAIM = "repair_order.warranty_claim", _("replaced a part under warranty")
    # workshop
    RECEPTION = "repair_order.reception", _("received the car")
    ASSIGN = "repair_order.assign", _("assigned the technician")
    PROGRESS = "repair_order.progress", _("reported progress")
    DELAY = "repair_order.delay", _("moved the promised time")
    INSPECTION = "repair_order.inspection", _("recorded the quality inspection")
    DELIVERY = "repair_order.delivery", _("handed the car over")
    PRINT = "repair_order.print", _("printed the repair order")
    FOLLOW_UP_CREATE = "follow_up.create", _("created the follow-up task")
    FOLLOW_UP_DONE = "follow_up.done", _("recorded the follow-up visit")
    FOLLOW_UP_CALL = "follow_up.call", _("called for the follow-up visit")


class ServiceAuditObject(models.TextChoices):
    SERVICE_OPERATION = "service_operation", _("Service operation")
    SERVICE_SETTINGS = "service_settings", _("Workshop settings")
    REPAIR_ORDER = "repair_order", _("Repair order")
    EQUIPMENT = "equipment", _("Equipment")
    FOLLOW_UP = "follow_up", _("Follow-up task")


class BookingEvent(models.TextChoices):
    """Appointments, remote diagnosis and roadside assistance (their status moves are
    registered by their workflows)."""

    APPOINTMENT_BOOK = "appointment.book", _("booked the appointment")
    APPOINTMENT_RESCHEDULE = "appointment.reschedule", _("rescheduled the appointment")
    APPOINTMENT_ORDER = "appointment.order", _("linked the repair order")
    CAPACITY_UPDATE = "service_capacity.update", _("changed the booking capacity")
    BAY_CREATE = "service_bay.create", _("added the bay")
    BAY_UPDATE = "service_bay.update", _("changed the bay")
    FAULT_CODE_CREATE = "fault_code.create", _("added the fault code")
    FAULT_CODE_UPDATE = "fault_code.update", _("changed the fault code")
    DIAGNOSIS_RECEIVE = "diagnosis_report.receive", _("received fault codes")
    DIAGNOSIS_ANSWER = "diagnosis_report.guidance", _("gave guidance remotely")
    ROADSIDE_RECEIVE = "roadside_request.receive", _("took the roadside request")
    ROADSIDE_DISPATCH = "roadside_request.dispatch_details", _("recorded who was sent")
    ROADSIDE_ORDER = "roadside_request.order", _("opened a repair order for the roadside request")


class BookingAuditObject(models.TextChoices):
    APPOINTMENT = "appointment", _("Appointment")
    SERVICE_CAPACITY = "service_capacity", _("Booking capacity")
    SERVICE_BAY = "service_bay", _("Bay")
    FAULT_CODE = "fault_code", _("Fault code")
    DIAGNOSIS_REPORT = "diagnosis_report", _("Remote diagnosis")
    ROADSIDE_REQUEST = "roadside_request", _("Roadside request")
