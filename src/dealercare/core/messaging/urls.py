from django.urls import path

from dealercare.core.messaging import views

app_name = "messaging"
urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<int:pk>/retry/", views.outbox_retry, name="retry"),
    path("outbox/<int:pk>/cancel/", views.outbox_cancel, name="cancel"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="read"),
]
