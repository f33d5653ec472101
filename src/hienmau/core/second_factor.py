"""The second factor: one TOTP device per user (django-otp's otp_totp), enrolled from the account page,
asked for after the password, reset by an administrator when lost.

A session is "verified" once it gave a current code (django_otp.login puts the device in the session;
OTPMiddleware reads it back as request.user.is_verified()). Signing in with a confirmed device is two
steps: the password step leaves only a pending sign-in in the session (no login, so django-axes' count
of failures is not cleared), and the code step logs the user in. A wrong code is a failed login for
django-axes and for the per-address limit (core/ratelimit.py): the same five failures lock the account
for the same cool-off, logged in axes' records. Who must enrol is orgs.scoping.requires_second_factor's
to say (orgs.middleware.SecondFactorMiddleware); this module knows nothing of roles.
"""

from __future__ import annotations

import logging
import time
from base64 import b32encode
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hienmau.core import ratelimit

log = logging.getLogger("hienmau.security")

PENDING_KEY = "hienmau.second_factor.pending"  # {"user": pk, "backend": path, "at": unix time}
ENROLLING_KEY = "hienmau.second_factor.enrolling"  # the unconfirmed device's pk
PENDING_SECONDS = 300  # the code must follow the password within five minutes
DEVICE_NAME = "Ứng dụng xác thực"
RESET_MESSAGE = "Đặt lại xác thực hai bước (thiết bị bị xoá, người dùng đăng ký lại)"
RECOVERY_NAME = "Mã dự phòng"
RECOVERY_CODES = 10  # each used once, in place of the app's code, when the phone is lost
RECOVERY_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz234567")  # StaticToken.random_token(): base32


def confirmed_device(user) -> TOTPDevice | None:
    """The user's device that counts (confirmed with a code), if any."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def is_verified(user) -> bool:
    """This session gave a code of the user's device (OTPMiddleware puts it on the user)."""
    return getattr(user, "otp_device", None) is not None


def has_device(user) -> bool:
    return user.is_authenticated and TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def clean_code(code: str | None) -> str:
    """The six digits typed, spaces and dashes apart ("123 456"); "" for anything else."""
    digits = "".join(ch for ch in (code or "") if ch not in " -\u00a0")
    return digits if len(digits) == 6 and digits.isascii() and digits.isdigit() else ""


def clean_recovery_code(code: str | None) -> str:
    """A recovery code as printed ("k3xq-7mfa"), any case, spaces and dashes apart; "" for anything else."""
    letters = "".join(ch for ch in (code or "") if ch not in " -\u00a0").lower()
    return letters if len(letters) == 8 and set(letters) <= RECOVERY_ALPHABET else ""


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment ---------------------------------------------------------------------------------------


def begin_enrolment(user) -> TOTPDevice:
    """A new secret for the user, not yet counting: any earlier unfinished enrolment is dropped. A confirmed
    device stays in force until the new one is confirmed (replacing a phone never leaves a gap)."""
    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into the app by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no script, no style: allowed by the CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1f2430")


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """The code proves the app holds the secret: the device counts from now on, replaces any earlier one,
    and this session is verified with it."""
    code = clean_code(code)
    if not code or device.confirmed or device.user_id != request.user.pk:
        return False
    with transaction.atomic():
        if not device.verify_token(code):
            return False
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    log.info("Second factor enrolled by %s", device.user.get_username())
    return True


def make_recovery_codes(user) -> list[str]:
    """A new set of recovery codes (any earlier set stops working), shown to the user once: the database
    keeps them only to check them, and each is deleted when used."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    log.info("Recovery codes made for %s", user.get_username())
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def remove(user) -> int:
    """Every device of the user (after a current code was checked by the caller)."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log.info("Second factor removed by %s", user.get_username())
    return count


def reset(actor, target) -> int:
    """Recovery: an administrator removes the target's devices (who may is orgs.scoping's to say). Written
    to the admin log of the target's account (Django's LogEntry, the admin's history of that user) and to
    the security log; the target enrols again at their next sign-in."""
    with transaction.atomic():  # never a reset without its record
        count, _ = TOTPDevice.objects.filter(user=target).delete()
        StaticDevice.objects.filter(user=target).delete()
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=get_user_model().objects.filter(pk=target.pk),
            action_flag=CHANGE,
            change_message=RESET_MESSAGE,
            single_object=True,
        )
    log.warning("Second factor of %s reset by %s", target.get_username(), actor.get_username())
    return count


# --- checking a code ---------------------------------------------------------------------------------


def _credentials(user) -> dict[str, Any]:
    return {"username": user.get_username()}


def locked_out(request: HttpRequest, user) -> bool:
    """The account (django-axes) or the address (core/ratelimit.py) is locked for failed logins."""
    return AxesProxyHandler.is_locked(request, _credentials(user)) or ratelimit.address_locked_out(request)


def check_code(request: HttpRequest, user, code: str, recovery: bool = True):
    """The device the code belongs to: the app's current code, or (with `recovery`) one of the user's
    unused recovery codes, which is used up; otherwise a failed login for django-axes and the address limit
    (which may lock the account: request.axes_locked_out)."""
    device = confirmed_device(user)
    verified = None
    if device is not None and (totp := clean_code(code)):
        verified = verify_token(user, device.persistent_id, totp)
    elif device is not None and recovery and (spare := clean_recovery_code(code)):
        codes = StaticDevice.objects.filter(user=user, confirmed=True).first()
        verified = verify_token(user, codes.persistent_id, spare) if codes is not None else None
        if verified is not None:
            log.warning("Recovery code used by %s (%d left)", user.get_username(), recovery_codes_left(user))
    if verified is None:
        log.warning("Second factor: wrong code for %s", user.get_username())
        user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return verified


# --- the sign-in in two steps ------------------------------------------------------------------------


def start_pending(request: HttpRequest, user) -> None:
    """After a right password, for a user with a device: remember who, not logged in yet."""
    request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": int(time.time())}


def pending_user(request: HttpRequest):
    """The user whose password was right in this session within PENDING_SECONDS, or None."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    if user is not None:
        user.backend = pending.get("backend") or settings.AUTHENTICATION_BACKENDS[-1]
    return user


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def complete_login(request: HttpRequest, user, device) -> None:
    """The code was right: log the user in (a new session key; django-axes clears the failures) and mark
    the session verified with the device."""
    clear_pending(request)
    if not request.user.is_authenticated or request.user.pk != user.pk:
        auth_login(request, user, backend=user.backend)
    elif getattr(settings, "AXES_RESET_ON_SUCCESS", False):
        AxesProxyHandler.reset_attempts(username=user.get_username())
    otp_login(request, device)
