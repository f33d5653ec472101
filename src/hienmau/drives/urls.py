from django.urls import path

from hienmau.drives import views

app_name = "drives"
urlpatterns = [
    path("", views.drive_calendar, name="drive_calendar"),
    path("list/", views.drive_list, name="drive_list"),
    path("new/", views.drive_create, name="drive_create"),
    path("<int:pk>/", views.drive_detail, name="drive_detail"),
    path("<int:pk>/edit/", views.drive_edit, name="drive_edit"),
    path("<int:pk>/slots/", views.slots_create, name="slots_create"),
    path("<int:pk>/roster/", views.roster_add, name="roster_add"),
    path("<int:pk>/roster/<int:entry_pk>/delete/", views.roster_delete, name="roster_delete"),
    path("<int:pk>/aggregate/", views.aggregate_set, name="aggregate_set"),
    path("<int:pk>/lists/", views.list_submit, name="list_submit"),
]
