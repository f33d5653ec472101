from django.urls import path

from hienmau.standby import views

app_name = "standby"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_new, name="request_new"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/wave/", views.request_wave, name="request_wave"),
    path("<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("calls/<int:pk>/answer/", views.call_answer, name="call_answer"),
    path("report/", views.report, name="report"),
    path("clubs/", views.club_list, name="club_list"),
    path("clubs/new/", views.club_new, name="club_new"),
    path("clubs/<int:pk>/", views.club_detail, name="club_detail"),
    path("clubs/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("clubs/<int:pk>/export.xlsx", views.club_export, name="club_export"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
]
