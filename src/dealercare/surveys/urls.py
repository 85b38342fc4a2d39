from django.urls import path

from dealercare.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:template_id>/", views.survey_edit, name="edit"),
    path("<int:template_id>/questions/", views.survey_question_add, name="question_add"),
    path(
        "<int:template_id>/questions/<int:question_id>/move/",
        views.survey_question_move,
        name="question_move",
    ),
    path(
        "<int:template_id>/questions/<int:question_id>/remove/",
        views.survey_question_remove,
        name="question_remove",
    ),
    path("invitations/", views.invitation_list, name="invitations"),
    path("invitations/new/", views.invitation_send, name="invite"),
    path("invitations/<int:invitation_id>/fill/", views.invitation_fill, name="fill"),
    path("responses/", views.response_list, name="responses"),
    path("responses/<int:response_id>/", views.response_detail, name="response_detail"),
    path("results/", views.survey_results, name="results"),
]
