app_name = "vehicles"
urlpatterns: list = []
