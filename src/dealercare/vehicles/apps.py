from django.apps import AppConfig


class VehiclesConfig(AppConfig):
    name = "dealercare.vehicles"
    label = "vehicles"
    verbose_name = "Vehicles"
