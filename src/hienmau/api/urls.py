from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from hienmau.api import views

app_name = "api"

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("drives", views.DriveViewSet, basename="drive")
router.register("registrations", views.RegistrationViewSet, basename="registration")
router.register("donors", views.DonorViewSet, basename="donor")
router.register("donations", views.DonationViewSet, basename="donation")
router.register("emergency-requests", views.EmergencyRequestViewSet, basename="emergency-request")
router.register("honours", views.HonourViewSet, basename="honour")

public = {"authentication_classes": [], "permission_classes": [AllowAny]}
# The documentation pages' bundles inject their own <style> elements (and ReDoc a blob: worker); their
# script stays in files (the split Swagger view serves its start-up script at ?script), as the
# Content-Security-Policy requires (settings.CONTENT_SECURITY_POLICY).
docs_policy = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})

urlpatterns = [
    path("v1/donations/push/", views.DonationPush.as_view(), name="donation-push"),
    path("v1/", include(router.urls)),
    path("v1/schema/", SpectacularAPIView.as_view(**public), name="schema"),
    path("v1/docs/", docs_policy(SpectacularSwaggerSplitView.as_view(url_name="api:schema", **public)), name="docs"),
    path("v1/redoc/", docs_policy(SpectacularRedocView.as_view(url_name="api:schema", **public)), name="redoc"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
