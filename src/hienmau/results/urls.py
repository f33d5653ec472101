from django.urls import path

from hienmau.results import views

app_name = "results"
urlpatterns = [
    path("import/", views.result_import, name="result_import"),
]
