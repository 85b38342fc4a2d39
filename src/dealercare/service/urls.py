from dealercare.service.views import appointments, diagnosis, equipment, orders, roadside, workshop

app_name = "service"
urlpatterns = [
    *orders.urlpatterns,
    *appointments.urlpatterns,
    *diagnosis.urlpatterns,
    *roadside.urlpatterns,
    *equipment.urlpatterns,
    *workshop.urlpatterns,
]
