from django.urls import path

from dealercare.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export/", views.customer_export, name="export"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/report.csv", views.import_report, name="import_report"),
    path("quality/", views.data_quality, name="quality"),
    path("quality/data-quality.xlsx", views.data_quality_xlsx, name="quality_xlsx"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/merge/", views.customer_merge, name="merge"),
    path("<int:pk>/reveal/<str:field>/", views.customer_reveal, name="reveal"),
    path("<int:pk>/consents/", views.consent_record, name="consent"),
    path("<int:pk>/export/", views.customer_privacy_export, name="privacy_export"),
    path("<int:pk>/erase/", views.customer_erase, name="erase"),
]
