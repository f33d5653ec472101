from django.urls import path

from hienmau.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_tree, name="unit_tree"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/children/", views.unit_children, name="unit_children"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:parent_pk>/add/", views.unit_create, name="unit_create"),
    path("<int:pk>/history/", views.unit_history, name="unit_history"),
    path(
        "<int:pk>/members/<int:member_pk>/reset-second-factor/",
        views.member_reset_second_factor,
        name="member_reset_second_factor",
    ),
    path("<int:pk>/successors/add/", views.successor_add, name="successor_add"),
    path("<int:pk>/successors/<int:link_pk>/decide/", views.successor_decide, name="successor_decide"),
]
