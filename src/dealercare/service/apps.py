from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the repair order's entries name besides the order's own fields: its lines' and
# approvals' fields (read with the order's, so they are labelled here).
ORDER_ENTRY_FIELDS = {
    "approved_lines": _("lines approved"),
    "method": _("how"),
    "pay_type": _("paid by"),
    "unit_price": _("unit price / rate"),
    "quantity": _("quantity / hours"),
    "issued_quantity": _("issued from stock"),
    "added_after_approval": _("added work"),
    "warranty_claim_of": _("replaces under warranty"),
    "kind": _("line kind"),
    "description": _("line description"),
    "amount": _("line amount"),
}


class ServiceConfig(AppConfig):
    name = "dealercare.service"
    label = "service"
    verbose_name = "After-sales service"

    def ready(self):
        from dealercare.customers.services.privacy import CUSTOMER_ERASERS, ERASURE_BLOCKERS
        from dealercare.service.services import privacy

        ERASURE_BLOCKERS.append(privacy.open_repair_order_blocks_erasure)
        CUSTOMER_ERASERS.append(privacy.follow_ups_forget_customers)
        from dealercare.core.audit_vocabulary import audit_vocabulary_register
        from dealercare.service import events, workflow  # noqa: F401 (registers the moves)
        from dealercare.service.models import (
            Appointment,
            Equipment,
            FaultCode,
            FollowUpTask,
            RepairOrder,
            ServiceBay,
            ServiceCapacity,
            ServiceOperation,
            ServiceSettings,
        )

        audit_vocabulary_register(
            events=events.ServiceEvent,
            object_types=events.ServiceAuditObject,
            models_by_type={
                "repair_order": RepairOrder,
                "service_operation": ServiceOperation,
                "equipment": Equipment,
                "service_settings": ServiceSettings,
                "follow_up": FollowUpTask,
            },
            fields=ORDER_ENTRY_FIELDS,
            links={
                "repair_order": ("service:order_detail", "order_id"),
                "follow_up": ("service:follow_up_detail", "follow_up_id"),
            },
        )
        audit_vocabulary_register(
            events=events.BookingEvent,
            object_types=events.BookingAuditObject,
            models_by_type={
                "appointment": Appointment,
                "service_capacity": ServiceCapacity,
                "service_bay": ServiceBay,
                "fault_code": FaultCode,
            },
            links={
                "appointment": ("service:appointment_detail", "appointment_id"),
                "diagnosis_report": ("service:diagnosis_detail", "diagnosis_id"),
                "roadside_request": ("service:roadside_detail", "roadside_id"),
            },
        )
