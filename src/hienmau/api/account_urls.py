from django.urls import path

from hienmau.api import account_views

app_name = "api_tokens"

urlpatterns = [
    path("", account_views.token_list, name="token_list"),
    path("<int:pk>/revoke/", account_views.token_revoke, name="token_revoke"),
]
