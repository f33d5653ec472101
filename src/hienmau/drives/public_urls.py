from django.urls import path

from hienmau.drives import views

app_name = "public_drives"
urlpatterns = [path("<str:token>/", views.public_register, name="register")]
