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


class ServiceAuditObject(models.TextChoices):
    SERVICE_OPERATION = "service_operation", _("Service operation")
    SERVICE_SETTINGS = "service_settings", _("Workshop settings")
    REPAIR_ORDER = "repair_order", _("Repair order")
    FOLLOW_UP = "follow_up", _("Follow-up task")
