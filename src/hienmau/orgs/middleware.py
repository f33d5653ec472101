from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from hienmau.core import second_factor
from hienmau.orgs.models import Membership
from hienmau.orgs.scoping import build_scope, requires_second_factor, superuser_scope

ACTIVE_MEMBERSHIP_SESSION_KEY = "hienmau.active_membership"


def acting_membership(request) -> Membership | None:
    """The membership the signed-in user acts as: the one chosen in this session, else the first granted."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.for_user(user)
    chosen = request.session.get(ACTIVE_MEMBERSHIP_SESSION_KEY)
    membership = memberships.filter(pk=chosen).first() if chosen else None
    return membership or memberships.order_by("pk").first()  # first granted, until the user switches


def resolve_scope(request):
    membership = acting_membership(request)
    if membership is not None:
        return build_scope(membership)
    if request.user.is_authenticated and request.user.is_superuser:
        return superuser_scope()
    return None


class ActiveUnitMiddleware:
    """Puts `request.scope` (the acting membership's reach) on every request, computed on first use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: resolve_scope(request))
        return self.get_response(request)


# Reached without a verified session: signing in and out, the code step, the language, the public pages
# (by namespace), and the API, which authenticates each request by its token, never by the session.
OPEN_ROUTES = frozenset({"login", "logout", "set_language", "second_factor:verify"})
OPEN_NAMESPACES = frozenset({"public_drives", "public_certificates", "api"})
# Reached without a verified session by a user who must enrol and has no device yet: the account's page.
SECOND_FACTOR_NEEDED = _(
    "Phiên đăng nhập cần mã xác thực hai bước: hãy mở trang đăng nhập và nhập mã; kết quả chờ gửi vẫn được giữ trên máy."
)
ENROL_ROUTES = frozenset({"second_factor:manage", "second_factor:start", "second_factor:confirm"})


def second_factor_step(user) -> str | None:
    """Where a signed-in session that gave no code must go: the code step if the user has a device, the
    enrolment page if HIENMAU_SECOND_FACTOR_REQUIRED and their roles reach personal data in full
    (orgs.scoping.requires_second_factor), else nowhere."""
    if second_factor.has_device(user):
        return "second_factor:verify"
    if settings.HIENMAU_SECOND_FACTOR_REQUIRED and requires_second_factor(user):
        return "second_factor:manage"
    return None


class SecondFactorMiddleware:
    """Sends a session that has not given its second factor to the code step or the enrolment page,
    before any view but the open ones runs. The check runs only for signed-in, unverified sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in OPEN_ROUTES or match.namespace in OPEN_NAMESPACES:
            return None
        user = request.user
        if not user.is_authenticated or second_factor.is_verified(user):
            return None
        step = second_factor_step(user)
        if step is None or (step == "second_factor:manage" and match.view_name in ENROL_ROUTES):
            return None
        target = f"{reverse(step)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
        if "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json":
            # A page's fetch() (the check-in outbox) would follow a redirect to an HTML page and take it for
            # an answer; a 401 tells it to keep what it holds and ask the person to sign in again.
            return JsonResponse({"ok": False, "error": str(SECOND_FACTOR_NEEDED), "login": target}, status=401)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)
