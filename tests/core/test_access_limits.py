"""Guessing is bounded: logins lock per account (django-axes) and per address, the public pages are rate
limited per address, passwords are hashed with Argon2 and checked by the validators, idle sessions end."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hienmau import settings as production
from hienmau.orgs.models import Role
from tests.factories import UnitFactory, UserFactory, member

LOGIN = "/accounts/login/"


def _login(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_an_account_is_locked_after_five_failures_even_for_the_right_password(client):
    UserFactory(username="vp.angiang")
    statuses = [_login(client, "vp.angiang", f"wrong-{n}", address=f"10.0.0.{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form again with its error, then the lock-out
    locked = _login(client, "vp.angiang", "secret-pass-123", address="10.0.9.9")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Đăng nhập sai quá nhiều lần nên tạm thời bị khoá" in text and "15 phút" in text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_success_before_the_limit_clears_the_account_failures(client):
    UserFactory(username="ld.angiang")
    for attempt in range(4):
        _login(client, "ld.angiang", f"wrong-{attempt}")
    assert _login(client, "ld.angiang", "secret-pass-123").status_code == 302
    client.logout()
    for attempt in range(4):
        _login(client, "ld.angiang", f"again-{attempt}")
    assert _login(client, "ld.angiang", "secret-pass-123").status_code == 302


@pytest.mark.django_db
def test_an_address_is_locked_after_its_own_limit_whatever_the_accounts(client, settings):
    settings.HIENMAU_RATE_LOGIN_FAILURES = (3, 900)
    UserFactory(username="ctd.anthi")
    for name in ("a", "b", "c"):
        assert _login(client, name, "guess", address="203.0.113.7").status_code == 200
    refused = _login(client, "ctd.anthi", "secret-pass-123", address="203.0.113.7")
    assert refused.status_code == 429 and "tạm thời bị khoá" in refused.content.decode()
    assert _login(client, "ctd.anthi", "secret-pass-123", address="203.0.113.8").status_code == 302


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(rf, settings):
    from hienmau.core.ratelimit import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.HIENMAU_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
    settings.HIENMAU_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.4"  # what the client wrote itself (6.6.6.6) is not trusted


@pytest.mark.django_db
def test_certificate_checks_are_limited_per_address(client, settings):
    settings.HIENMAU_RATE_CERTIFICATE_CHECK = (3, 60)
    url = reverse("public_certificates:certificate_verify", args=["A" * 24])
    statuses = [client.get(url, REMOTE_ADDR="192.0.2.1").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    last = client.get(url, REMOTE_ADDR="192.0.2.1")
    assert "Bạn đã gửi quá nhiều yêu cầu" in last.content.decode() and last["Retry-After"] == "60"
    assert client.get(url, REMOTE_ADDR="192.0.2.2").status_code == 404


@pytest.mark.django_db
def test_self_registration_submissions_are_limited_per_address(client, settings):
    settings.HIENMAU_RATE_SELF_REGISTRATION = (2, 600)
    url = reverse("public_drives:register", args=["no-such-drive"])
    assert client.get(url, REMOTE_ADDR="192.0.2.9").status_code == 404  # reading the page is not counted
    statuses = [client.post(url, {}, REMOTE_ADDR="192.0.2.9").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


def test_new_passwords_are_hashed_with_argon2_and_old_hashes_still_verify(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert make_password("a long passphrase").startswith("argon2$argon2id$")
    old = make_password("a long passphrase", hasher="pbkdf2_sha256")
    assert check_password("a long passphrase", old)


@pytest.mark.django_db
def test_an_old_hash_is_upgraded_to_argon2_at_the_next_login(client, settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = UserFactory(username="bv.kiengiang")
    user.password = make_password("secret-pass-123", hasher="pbkdf2_sha256")
    user.save()
    assert _login(client, "bv.kiengiang", "secret-pass-123").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize("password", ["short1", "1234567890123", "password123", "vp.angiang2025"])
def test_weak_passwords_are_refused(password):
    user = get_user_model()(username="vp.angiang2025")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_strong_password_passes():
    assert validate_password("đỏ-tươi-giọt-máu-hồng", get_user_model()(username="vp.angiang")) is None


@pytest.mark.django_db
def test_an_idle_session_ends_and_an_active_one_is_kept_alive(client, settings):
    assert production.SESSION_COOKIE_AGE == 3600
    client.force_login(member("dm.vandu", UnitFactory(), Role.FOCAL_POINT))
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    assert client.get("/").status_code == 200
    kept = Session.objects.get(pk=key).expire_date - timezone.now()
    assert kept > datetime.timedelta(minutes=55)  # the request pushed the expiry a full idle period forward
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_api_throttle_counts_by_the_real_address_not_a_made_up_forwarded_one(rf):
    from rest_framework.request import Request

    from hienmau.api.throttling import PerTokenThrottle

    request = Request(rf.get("/api/v1/units/", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="6.6.6.6"))
    assert PerTokenThrottle().get_ident(request) == "192.0.2.50"
