from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

REMINDER_FIELDS = {
    "send_on": _("send on"),
    "text": _("text"),
    "reason": _("Reason"),  # "reason" alone is the export reason in the project catalog
    "until": _("until"),
    "channel": _("channel"),
}


class CareConfig(AppConfig):
    name = "dealercare.care"
    label = "care"
    verbose_name = "Relationship care"

    def ready(self):
        from dealercare.care import events
        from dealercare.care.models import Reminder, ReminderPause, ReminderRule
        from dealercare.care.services.planner import care_plan_customers, care_plan_vehicles
        from dealercare.care.services.privacy import reminders_forget_customers
        from dealercare.care.services.reminders import reminders_follow_maintenance
        from dealercare.core.audit_vocabulary import audit_vocabulary_register
        from dealercare.customers.services import CUSTOMERS_CHANGED_LISTENERS
        from dealercare.customers.services.privacy import CUSTOMER_ERASERS
        from dealercare.vehicles.services import (
            MAINTENANCE_REPLANNED_LISTENERS,
            VEHICLES_CHANGED_LISTENERS,
        )

        CUSTOMER_ERASERS.append(reminders_forget_customers)
        MAINTENANCE_REPLANNED_LISTENERS.append(reminders_follow_maintenance)
        VEHICLES_CHANGED_LISTENERS.append(care_plan_vehicles)
        CUSTOMERS_CHANGED_LISTENERS.append(care_plan_customers)
        audit_vocabulary_register(
            events=events.CareEvent,
            object_types=events.CareAuditObject,
            models_by_type={
                "care_rule": ReminderRule,
                "care_reminder": Reminder,
                "care_pause": ReminderPause,
            },
            fields=REMINDER_FIELDS,
            links={
                "care_reminder": ("care:reminder", "reminder_id"),
                "care_rule": ("care:rule", "rule_id"),
            },
        )
