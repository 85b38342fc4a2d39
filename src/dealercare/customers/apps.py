from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "dealercare.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self):
        from dealercare.core.audit_vocabulary import audit_vocabulary_register
        from dealercare.customers import events, messaging
        from dealercare.customers.models import Customer, ImportBatch
        from dealercare.customers.services.privacy import ExportReason

        audit_vocabulary_register(
            events=events.CustomerEvent,
            object_types=events.CustomerAuditObject,
            models_by_type={"customer": Customer, "import": ImportBatch},
            fields=events.FIELD_LABELS,
            values=events.VALUE_LABELS | dict(ExportReason.CHOICES),
        )
        messaging.register()
