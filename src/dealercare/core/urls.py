from django.contrib.auth import views as auth_views
from django.urls import path

from dealercare.core import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit_log"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<slug:name>/run/", views.job_run_now, name="job_run_now"),
]
