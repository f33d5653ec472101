from django.urls import path

from hienmau.demand import views

app_name = "demand"
urlpatterns = [
    path("", views.need_list, name="need_list"),
    path("import/", views.need_import, name="need_import"),
]
