from django.apps import AppConfig


class PartsConfig(AppConfig):
    name = "dealercare.parts"
    label = "parts"
    verbose_name = "Parts"

    def ready(self):
        from dealercare.core.audit_vocabulary import audit_vocabulary_register
        from dealercare.parts import events
        from dealercare.parts.models import Part, Supplier

        audit_vocabulary_register(
            events=events.PartEvent,
            object_types=events.PartAuditObject,
            models_by_type={"part": Part, "supplier": Supplier},
        )
