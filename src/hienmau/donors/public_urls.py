"""Public pages, no login: checking a certificate from its QR code. Mounted at "c/"."""

from django.urls import path

from hienmau.donors import public_views

app_name = "public_certificates"
urlpatterns = [
    path("<str:token>/", public_views.certificate_verify, name="certificate_verify"),
]
