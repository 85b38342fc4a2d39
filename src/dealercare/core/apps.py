from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "dealercare.core"
    label = "core"
    verbose_name = "DealerCare core"

    def ready(self):
        from dealercare.core.audit_vocabulary import audit_vocabulary_register
        from dealercare.core.db import use_compiled_timestamp_loader
        from dealercare.core.events import CoreAuditObject, CoreEvent

        connection_created.connect(use_compiled_timestamp_loader)
        audit_vocabulary_register(events=CoreEvent, object_types=CoreAuditObject)
