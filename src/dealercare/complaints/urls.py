from dealercare.complaints.views import analysis, desk

app_name = "complaints"
urlpatterns = [*desk.urlpatterns, *analysis.urlpatterns]
