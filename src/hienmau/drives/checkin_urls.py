"""Check-in, its offline support, the result sheet and closing a drive; mounted at "drives/"."""

from django.urls import path

from hienmau.drives import checkin_views as views

app_name = "drive_checkin"

urlpatterns = [
    path("checkin-sw.js", views.checkin_service_worker, name="checkin_sw"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/checkin/counter/", views.checkin_counter, name="checkin_counter"),
    path("<int:pk>/checkin/outcomes/", views.checkin_outcome, name="checkin_outcome"),
    path("<int:pk>/checkin/snapshot.json", views.checkin_snapshot, name="checkin_snapshot"),
    path("<int:pk>/checkin/walk-in/", views.checkin_walk_in, name="checkin_walk_in"),
    path("<int:pk>/results.<str:fmt>", views.result_sheet, name="result_sheet"),
    path("<int:pk>/donor-list.xlsx", views.facility_list, name="facility_list"),
    path("<int:pk>/close/", views.drive_close, name="drive_close"),
]
