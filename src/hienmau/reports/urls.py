from django.urls import path

from hienmau.reports import submission_views, views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("plans/<int:pk>/", views.plan_achievement, name="plan_achievement"),
    path("plans/<int:pk>/comparison.<str:fmt>", views.plan_comparison, name="plan_comparison"),
    path("units/<int:pk>/", views.unit_achievement, name="unit_achievement"),
    path("units/<int:pk>/indicators/", views.unit_indicators_page, name="unit_indicators"),
    path("submissions/", submission_views.submission_list, name="submission_list"),
    path("plans/<int:pk>/submissions/", submission_views.plan_submissions, name="plan_submissions"),
    path("plans/<int:pk>/submissions/period/", submission_views.period_close, name="period_close"),
    path("plans/<int:pk>/units/<int:unit_pk>/report/", submission_views.unit_report, name="unit_report"),
    path("plans/<int:pk>/consolidated.<str:fmt>", submission_views.consolidated_export, name="consolidated_export"),
    path("units/<int:pk>/outlook/", views.unit_outlook, name="unit_outlook"),
]
