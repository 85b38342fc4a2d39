from django.urls import path

from dealercare.care import views

app_name = "care"
urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("calendar/", views.calendar, name="calendar"),
    path("calls/", views.calls, name="calls"),
    path("reminders/<int:reminder_id>/", views.reminder_detail, name="reminder"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.campaign_new, name="campaign_new"),
    path("rules/<int:rule_id>/", views.rule_detail, name="rule"),
    path("customers/<int:customer_id>/", views.customer_panel, name="customer_panel"),
    path("customers/<int:customer_id>/pause/", views.pause, name="pause"),
    path("pauses/<int:pause_id>/end/", views.pause_end, name="pause_end"),
]
