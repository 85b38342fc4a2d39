from django.apps import AppConfig


class VehiclesConfig(AppConfig):
    name = "dealercare.vehicles"
    label = "vehicles"
    verbose_name = "Vehicles"

    def ready(self):
        from dealercare.core.audit_vocabulary import audit_vocabulary_register
        from dealercare.vehicles import events
        from dealercare.vehicles.models import MileageReading, Vehicle

        audit_vocabulary_register(
            events=events.VehicleEvent,
            object_types=events.VehicleAuditObject,
            models_by_type={"vehicle": Vehicle},
            fields=events.FIELD_LABELS,
            values=dict(MileageReading.Consistency.choices),
            links={"vehicle": ("vehicles:detail", "pk")},
        )
