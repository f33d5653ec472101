"""The project's URLs plus the certificate pages, for tests that run before hienmau/urls.py mounts them."""

from django.urls import include, path

from hienmau.urls import urlpatterns as base

_mounted = {getattr(p, "namespace", None) for p in base}
urlpatterns = [*base]
if "donor_documents" not in _mounted:
    urlpatterns.append(path("donors/", include("hienmau.donors.certificate_urls")))
if "public_certificates" not in _mounted:
    urlpatterns.append(path("c/", include("hienmau.donors.public_urls")))
