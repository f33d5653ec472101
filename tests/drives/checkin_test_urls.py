"""The project's URLs plus the check-in pages, for tests that run before hienmau/urls.py mounts them."""

from django.urls import NoReverseMatch, include, path, reverse

from hienmau.urls import urlpatterns as base

urlpatterns = [*base]
try:
    reverse("drive_checkin:checkin", args=[1], urlconf="hienmau.urls")
except NoReverseMatch:
    urlpatterns.append(path("drives/", include("hienmau.drives.checkin_urls")))
