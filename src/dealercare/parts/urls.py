app_name = "parts"
urlpatterns = []
