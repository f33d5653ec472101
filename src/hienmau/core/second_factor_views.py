"""The account's second-factor page: enrol a TOTP app (the QR code and the secret are shown once, on the
answer that creates them), confirm it with a code, replace or remove it with a current code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from hienmau.core import second_factor
from hienmau.core.auth_views import account_locked_out, safe_next

WRONG_CODE = gettext_lazy("Mã xác thực không đúng hoặc đã hết hạn.")


def _page(request: HttpRequest, status: int = 200, **context) -> HttpResponse:
    """The page; `next` (where the user was sent from to enrol) is carried through the forms."""
    device = second_factor.confirmed_device(request.user)
    context = {
        "device": device,
        "recovery_left": second_factor.recovery_codes_left(request.user),
        "next": safe_next(request, ""),
        **context,
    }
    return render(request, "core/second_factor.html", context, status=status)


@never_cache
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _current_code_ok(request: HttpRequest) -> HttpResponse | None:
    """None when the user has no device or typed its current code; otherwise the answer to give (the page
    with the error, or the lock-out page after too many wrong codes)."""
    if second_factor.confirmed_device(request.user) is None:
        return None
    if second_factor.locked_out(request, request.user):
        return account_locked_out(request)
    if second_factor.check_code(request, request.user, request.POST.get("otp_token", "")) is not None:
        return None
    return _page(request, current_error=str(WRONG_CODE), status=400)


@sensitive_post_parameters("otp_token")
@never_cache
@require_POST
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """A new secret; replacing a device first needs its current code."""
    refused = _current_code_ok(request)
    if refused is not None:
        return refused
    device = second_factor.begin_enrolment(request.user)
    request.session[second_factor.ENROLLING_KEY] = device.pk
    return _page(
        request,
        enrolling=device,
        qr=second_factor.qr_svg(device),
        secret=second_factor.secret_text(device),
    )


@sensitive_post_parameters("otp_token")
@never_cache
@require_POST
@login_required
def confirm(request: HttpRequest) -> HttpResponse:
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=False).filter(
        pk=request.session.get(second_factor.ENROLLING_KEY)
    )
    enrolling = device.first()
    if enrolling is None:
        messages.error(request, _("Phiên đăng ký đã hết hạn. Vui lòng bắt đầu lại."))
        return redirect("second_factor:manage")
    if not second_factor.confirm_enrolment(request, enrolling, request.POST.get("otp_token", "")):
        error = str(WRONG_CODE) + " " + _("Nhập mã đang hiển thị trong ứng dụng, hoặc bắt đầu lại để nhận mã QR mới.")
        return _page(request, status=400, enrolling=enrolling, confirm_error=error)
    request.session.pop(second_factor.ENROLLING_KEY, None)
    messages.success(request, _("Đã bật xác thực hai bước. Từ nay, sau mật khẩu bạn sẽ nhập mã từ ứng dụng."))
    return _page(
        request,
        recovery_codes=second_factor.make_recovery_codes(request.user),
        next=safe_next(request, reverse("second_factor:manage")),
    )


@sensitive_post_parameters("otp_token")
@never_cache
@require_POST
@login_required
def recovery(request: HttpRequest) -> HttpResponse:
    """A new set of recovery codes, after a current code (or one of the old recovery codes)."""
    if second_factor.confirmed_device(request.user) is None:
        return redirect("second_factor:manage")
    refused = _current_code_ok(request)
    if refused is not None:
        return refused
    return _page(
        request,
        recovery_codes=second_factor.make_recovery_codes(request.user),
        next=reverse("second_factor:manage"),
    )


@sensitive_post_parameters("otp_token")
@never_cache
@require_POST
@login_required
def remove(request: HttpRequest) -> HttpResponse:
    if second_factor.confirmed_device(request.user) is None:
        return redirect("second_factor:manage")
    refused = _current_code_ok(request)
    if refused is not None:
        return refused
    second_factor.remove(request.user)
    request.session.pop(second_factor.ENROLLING_KEY, None)
    messages.success(request, _("Đã gỡ xác thực hai bước khỏi tài khoản."))
    return redirect("second_factor:manage")
