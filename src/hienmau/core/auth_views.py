"""Signing in: Django's login view behind the per-address limit on failed logins (core/ratelimit.py);
the per-account lock-out is django-axes' (AxesStandaloneBackend refuses, the lock-out page below). A user
with a second-factor device gives its code on a second page (core/second_factor.py) before being logged
in; the admin site's own login page sends to this one, so there is one way in."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from hienmau.core import ratelimit, second_factor


def _minutes(delta: timedelta | None) -> int:
    return max(1, round(delta.total_seconds() / 60)) if delta else 0


def locked_out_page(request: HttpRequest, minutes: int, status: int = 429) -> HttpResponse:
    message = _(
        "Đăng nhập sai quá nhiều lần nên tạm thời bị khoá. Vui lòng thử lại sau %(minutes)s phút, "
        "hoặc liên hệ quản trị viên đơn vị để được mở khoá."
    ) % {"minutes": minutes}
    response = render(request, "registration/locked_out.html", {"message": message}, status=status)
    response["Retry-After"] = str(minutes * 60)
    return response


def account_locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page an account locked by django-axes gets."""
    return locked_out_page(request, _minutes(settings.AXES_COOLOFF_TIME))


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if ratelimit.address_locked_out(request):
            _limit, window = settings.HIENMAU_RATE_LOGIN_FAILURES
            return locked_out_page(request, max(1, round(window / 60)))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if not second_factor.has_device(user):
            return super().form_valid(form)
        second_factor.start_pending(self.request, user)
        return redirect(f"{reverse('second_factor:verify')}?{urlencode({REDIRECT_FIELD_NAME: self.get_success_url()})}")


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The `next` the request carries if it points inside the site, else `default` (the home page)."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    if target and allowed:
        return target
    return reverse(settings.LOGIN_REDIRECT_URL) if default is None else default


@sensitive_post_parameters("otp_token")
@csrf_protect
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The code step: after the password (a pending sign-in), or for a signed-in session that has not
    given a code yet (a device enrolled from another session)."""
    user = request.user if request.user.is_authenticated else second_factor.pending_user(request)
    if user is None:
        return redirect_to_login(safe_next(request))
    if request.user.is_authenticated and second_factor.is_verified(request.user):
        return redirect(safe_next(request))
    if not second_factor.has_device(user):
        second_factor.clear_pending(request)
        return redirect(safe_next(request) if request.user.is_authenticated else settings.LOGIN_URL)
    error = recovery_error = ""
    if request.method == "POST":
        if second_factor.locked_out(request, user):
            second_factor.clear_pending(request)
            return account_locked_out(request)
        device = second_factor.check_code(request, user, request.POST.get("otp_token", ""))
        if device is not None:
            second_factor.complete_login(request, user, device)
            return redirect(safe_next(request))
        if getattr(request, "axes_locked_out", False):  # django-axes answers with the lock-out page
            second_factor.clear_pending(request)
        if second_factor.clean_code(request.POST.get("otp_token", "")) or not request.POST.get("otp_token", "").strip():
            error = _("Mã xác thực không đúng hoặc đã hết hạn. Mở ứng dụng xác thực và nhập mã đang hiển thị.")
        else:
            recovery_error = _("Mã dự phòng không đúng hoặc đã được dùng.")
    context = {
        "error": error,
        "recovery_error": recovery_error,
        "next": safe_next(request),
        "username": user.get_username(),
    }
    return render(request, "registration/second_factor_verify.html", context)


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin site's login page: the site's own, with its second factor (set in urls.py)."""
    if request.user.is_authenticated and not request.user.is_staff:
        return redirect("home")
    return redirect_to_login(safe_next(request, reverse("admin:index")))
