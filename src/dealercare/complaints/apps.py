from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "dealercare.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self):
        from dealercare.complaints.services import privacy
        from dealercare.customers.services.privacy import CUSTOMER_ERASERS, ERASURE_BLOCKERS

        ERASURE_BLOCKERS.append(privacy.open_complaint_blocks_erasure)
        CUSTOMER_ERASERS.append(privacy.complaints_forget_customers)
        from dealercare.complaints import events, workflow  # noqa: F401 (registers the moves)
        from dealercare.complaints.models import (
            Complaint,
            ComplaintSettings,
            PreventiveAction,
            RootCause,
        )
        from dealercare.core.audit_vocabulary import audit_vocabulary_register

        audit_vocabulary_register(
            events=events.ComplaintEvent,
            object_types=events.ComplaintAuditObject,
            models_by_type={
                "complaint": Complaint,
                "complaint_settings": ComplaintSettings,
                "root_cause": RootCause,
                "preventive_action": PreventiveAction,
            },
            links={"complaint": ("complaints:detail", "complaint_id")},
        )
