from django.urls import path

from hienmau.results import views

app_name = "results"
urlpatterns = [
    path("import/", views.result_import, name="result_import"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
]
