from django.urls import path

from dealercare.vehicles import views

app_name = "vehicles"
urlpatterns = [
    path("", views.vehicle_list, name="list"),
    path("new/", views.vehicle_create, name="create"),
    path("<int:pk>/", views.vehicle_detail, name="detail"),
    path("<int:pk>/edit/", views.vehicle_edit, name="edit"),
    path("<int:pk>/delete/", views.vehicle_delete, name="delete"),
    path("<int:pk>/mileage/", views.vehicle_mileage, name="mileage"),
]
