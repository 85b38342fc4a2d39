from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "dealercare.core"
    label = "core"
    verbose_name = "DealerCare core"

    def ready(self):
        from dealercare.core.crypto import load_keys
        from dealercare.core.db import use_compiled_timestamp_loader
        from dealercare.core.messaging.models import RecipientKind
        from dealercare.core.messaging.recipients import (
            StaffDirectory,
            recipient_directory_register,
        )

        load_keys()
        connection_created.connect(use_compiled_timestamp_loader)
        recipient_directory_register(RecipientKind.STAFF, StaffDirectory())
