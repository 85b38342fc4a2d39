from dealercare.complaints.views import desk

app_name = "complaints"
urlpatterns = [*desk.urlpatterns]
