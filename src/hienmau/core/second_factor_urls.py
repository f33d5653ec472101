from django.urls import path

from hienmau.core import auth_views, second_factor_views

app_name = "second_factor"

urlpatterns = [
    path("", second_factor_views.manage, name="manage"),
    path("start/", second_factor_views.start, name="start"),
    path("confirm/", second_factor_views.confirm, name="confirm"),
    path("remove/", second_factor_views.remove, name="remove"),
    path("recovery/", second_factor_views.recovery, name="recovery"),
    path("verify/", auth_views.verify, name="verify"),
]
