from django.contrib import admin
from django.urls import include, path

from dealercare.api import api
from dealercare.surveys.public import survey_public

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("customers/", include("dealercare.customers.urls")),
    path("vehicles/", include("dealercare.vehicles.urls")),
    path("service/", include("dealercare.service.urls")),
    path("parts/", include("dealercare.parts.urls")),
    path("complaints/", include("dealercare.complaints.urls")),
    path("surveys/", include("dealercare.surveys.urls")),
    path("care/", include("dealercare.care.urls")),
    # The customer's survey link (R-SAT-1): no login, short for an SMS.
    path("s/<str:token>/", survey_public, name="survey_public"),
    path("", include("dealercare.core.messaging.urls")),
    path("", include("dealercare.core.urls")),
    path("", include("dealercare.analytics.urls")),
]
