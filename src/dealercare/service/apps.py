from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "dealercare.service"
    label = "service"
    verbose_name = "After-sales service"

    def ready(self):
        from dealercare.core.audit_vocabulary import audit_vocabulary_register
        from dealercare.service import events, workflow  # noqa: F401 (registers the moves)
        from dealercare.service.models import FollowUpTask, RepairOrder, ServiceOperation

        audit_vocabulary_register(
            events=events.ServiceEvent,
            object_types=events.ServiceAuditObject,
            models_by_type={
                "repair_order": RepairOrder,
                "service_operation": ServiceOperation,
                "follow_up": FollowUpTask,
            },
        )
