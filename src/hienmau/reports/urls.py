from django.urls import path

from hienmau.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("plans/<int:pk>/", views.plan_achievement, name="plan_achievement"),
    path("plans/<int:pk>/comparison.<str:fmt>", views.plan_comparison, name="plan_comparison"),
    path("units/<int:pk>/", views.unit_achievement, name="unit_achievement"),
    path("units/<int:pk>/indicators/", views.unit_indicators_page, name="unit_indicators"),
]
