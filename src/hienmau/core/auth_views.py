"""Signing in: Django's login view behind the per-address limit on failed logins (core/ratelimit.py);
the per-account lock-out is django-axes' (AxesStandaloneBackend refuses, the lock-out page below)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hienmau.core import ratelimit


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
