from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "dealercare.analytics"
    label = "analytics"
    verbose_name = "DealerCare analytics"
