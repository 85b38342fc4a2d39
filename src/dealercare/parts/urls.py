from django.urls import path

from dealercare.parts import views

app_name = "parts"
urlpatterns = [
    path("", views.part_list, name="list"),
    path("reorder/", views.part_reorder, name="reorder"),
    path("new/", views.part_create, name="create"),
    path("movements/", views.movement_list, name="movements"),
    path("suppliers/", views.supplier_list, name="suppliers"),
    path("suppliers/new/", views.supplier_create, name="supplier_create"),
    path("suppliers/<int:supplier_id>/edit/", views.supplier_edit, name="supplier_edit"),
    path("<int:part_id>/", views.part_detail, name="detail"),
    path("<int:part_id>/edit/", views.part_edit, name="edit"),
    path("<int:part_id>/receive/", views.part_receive, name="receive"),
    path("<int:part_id>/issue/", views.part_issue, name="issue"),
    path("<int:part_id>/return/", views.part_return, name="return"),
    path("<int:part_id>/adjust/", views.part_adjust, name="adjust"),
]
