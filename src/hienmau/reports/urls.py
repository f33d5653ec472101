from django.urls import path

from hienmau.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("plans/<int:pk>/", views.plan_achievement, name="plan_achievement"),
    path("plans/<int:pk>/comparison.xlsx", views.plan_comparison_xlsx, name="plan_comparison_xlsx"),
    path("units/<int:pk>/", views.unit_achievement, name="unit_achievement"),
]
