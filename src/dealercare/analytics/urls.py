from django.urls import path

from dealercare.analytics import views

urlpatterns = [
    path("", views.home, name="home"),
]
