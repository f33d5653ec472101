"""The TOTP second factor: enrolment from the account page, the code step after the password, the roles
that must enrol when HIENMAU_SECOND_FACTOR_REQUIRED, wrong codes throttled like logins, recovery by an
administrator. Codes are computed here from the device's secret with django-otp's own TOTP function."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st

from hienmau.core import second_factor
from hienmau.donors.models import Donor
from hienmau.orgs.models import EDITING_ROLES, Membership, Role
from hienmau.orgs.scoping import (
    build_scope,
    may_export_personal_data,
    may_reset_second_factor,
    may_reveal_personal_data,
    requires_second_factor,
    role_exports_personal_data,
    role_reveals_personal_data,
    second_factor_required_for,
)
from hienmau.standby.models import Club, ClubKind
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"
LOGIN = "/accounts/login/"
VERIFY = reverse("second_factor:verify")
MANAGE = reverse("second_factor:manage")


def code(device: TOTPDevice) -> str:
    """The device's current code. django-otp refuses a code of a time step already used (replay), so the
    test forgets the last step used before computing the next code it types."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong(right: str) -> str:
    return f"{(int(right) + 1) % 1_000_000:06d}"


def enrol(client) -> TOTPDevice:
    page = client.post(reverse("second_factor:start"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user_id=client.session["_auth_user_id"], confirmed=False)
    done = client.post(reverse("second_factor:confirm"), {"otp_token": code(device)})
    assert done.status_code == 200 and "Mã dự phòng" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    return device


def password_step(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    return client.post(url, data, REMOTE_ADDR="10.1.1.1")


# --- enrolment -------------------------------------------------------------------------------------------


def test_enrolment_shows_the_qr_and_secret_once_and_counts_only_after_a_right_code(client, tree):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    client.force_login(user)
    assert "Chưa bật" in client.get(MANAGE).content.decode()

    page = client.post(reverse("second_factor:start")).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed and not second_factor.has_device(user)
    secret = second_factor.secret_text(device).replace(" ", "")
    assert "<svg" in page and "quét mã QR" in page
    assert re.sub(r"\s", "", page).count(secret) == 1  # shown for typing by hand, once
    assert "<script" not in page.split('id="enrol-qr"')[1].split("</div>")[0]
    # A plain visit never shows the secret again.
    assert secret not in re.sub(r"\s", "", client.get(MANAGE).content.decode())

    refused = client.post(reverse("second_factor:confirm"), {"otp_token": wrong(code(device))})
    assert refused.status_code == 400 and "Mã xác thực không đúng" in refused.content.decode()
    assert secret not in re.sub(r"\s", "", refused.content.decode())
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post(reverse("second_factor:confirm"), {"otp_token": code(device)}, follow=True)
    assert "Đã bật xác thực hai bước" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed and second_factor.has_device(user)
    assert client.session["otp_device_id"] == device.persistent_id  # this session is verified


def test_replacing_or_removing_the_device_needs_a_current_code(client, tree):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    client.force_login(user)
    old = enrol(client)

    refused = client.post(reverse("second_factor:remove"), {"otp_token": wrong(code(old))})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.post(reverse("second_factor:start"), {"otp_token": ""}).status_code == 400
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()

    # Replace: a new secret after the current code; the old device counts until the new one is confirmed.
    assert client.post(reverse("second_factor:start"), {"otp_token": code(old)}).status_code == 200
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    assert second_factor.confirmed_device(user) == old
    client.post(reverse("second_factor:confirm"), {"otp_token": code(new)})
    assert list(TOTPDevice.objects.filter(user=user)) == [TOTPDevice.objects.get(pk=new.pk, confirmed=True)]

    removed = client.post(reverse("second_factor:remove"), {"otp_token": code(new)}, follow=True)
    assert "Đã gỡ xác thực hai bước" in removed.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


# --- signing in ------------------------------------------------------------------------------------------


def test_without_a_device_the_password_alone_signs_in(client, tree):
    member("ctd.anthi", tree.an_thi, Role.OFFICER)
    response = password_step(client, "ctd.anthi")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "_auth_user_id" in client.session
    assert client.get(reverse("donors:donor_list")).status_code == 200


def test_with_a_device_the_code_follows_the_password(client, tree):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    client.force_login(user)
    device = enrol(client)
    client.logout()

    response = password_step(client, "ctd.anthi", next_url="/donors/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert "_auth_user_id" not in client.session  # not signed in before the code
    assert client.get("/donors/").status_code == 302
    page = client.get(response["Location"])
    assert "Mã xác thực" in page.content.decode() and 'autocomplete="one-time-code"' in page.content.decode()

    again = client.post(VERIFY, {"otp_token": wrong(code(device)), "next": "/donors/"})
    assert again.status_code == 200 and "Mã xác thực không đúng" in again.content.decode()
    assert "_auth_user_id" not in client.session

    done = client.post(VERIFY, {"otp_token": code(device), "next": "/donors/"})
    assert done.status_code == 302 and done["Location"] == "/donors/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/donors/").status_code == 200
    assert AccessAttempt.objects.filter(username="ctd.anthi").count() == 0  # the success cleared the failure


def test_a_session_signed_in_before_the_device_gives_its_code(client, tree):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    client.force_login(user)
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)  # enrolled from another browser
    response = client.get("/plans/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    htmx = client.get("/plans/", HTTP_HX_REQUEST="true")
    assert htmx.headers["HX-Redirect"].startswith(VERIFY)


def test_the_admin_login_page_leads_to_the_sites_own(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_pending_sign_in_expires(client, tree, monkeypatch):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    password_step(client, "ctd.anthi")
    monkeypatch.setattr(second_factor, "PENDING_SECONDS", -1)
    response = client.post(VERIFY, {"otp_token": code(device)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


# --- wrong codes -----------------------------------------------------------------------------------------


def test_five_wrong_codes_lock_the_account_like_five_wrong_passwords(client, tree, caplog):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    password_step(client, "ctd.anthi")
    bad = wrong(code(device))
    statuses = [client.post(VERIFY, {"otp_token": bad}, REMOTE_ADDR="10.1.1.1").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    attempt = AccessAttempt.objects.get(username="ctd.anthi")
    assert attempt.failures_since_start == 5 and bad not in attempt.post_data  # logged, code masked
    assert "Second factor: wrong code for ctd.anthi" in caplog.text

    # Locked: the right password and then the right code are refused for the cool-off.
    assert password_step(client, "ctd.anthi").status_code == 429
    session = client.session  # as if the password step had been passed just before the lock

    session[second_factor.PENDING_KEY] = {"user": user.pk, "backend": "x", "at": 9_999_999_999}
    session.save()
    locked = client.post(VERIFY, {"otp_token": code(device)})
    assert locked.status_code == 429 and "15 phút" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_current_codes_on_the_account_page_count_too(client, tree):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    client.force_login(user)
    device = enrol(client)
    bad = wrong(code(device))
    statuses = [client.post(reverse("second_factor:remove"), {"otp_token": bad}).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert client.post(reverse("second_factor:remove"), {"otp_token": code(device)}).status_code == 429
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# --- who must enrol --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_that_reveals_or_exports_is_sent_to_enrol_when_required(client, tree, settings, role):
    settings.HIENMAU_SECOND_FACTOR_REQUIRED = True
    user = member(f"u.{role}", tree.hung_yen, role)
    client.force_login(user)
    response = client.get("/donors/")
    assert requires_second_factor(user)
    assert response.status_code == 302 and response["Location"].startswith(MANAGE)
    # The account page, the sign-out, the public pages and the API stay reachable.
    assert client.get(MANAGE).status_code == 200
    assert client.get("/api/v1/units/").status_code in (401, 403)
    sent = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/donors/"' in sent  # carried through enrolment, back where the user was
    client.post(reverse("second_factor:start"), {"next": "/donors/"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("second_factor:confirm"), {"otp_token": code(device), "next": "/donors/"})
    # The recovery codes are shown once; their "continue" leads back where the user was.
    assert done.status_code == 200 and 'class="button" href="/donors/"' in done.content.decode()
    assert client.get("/donors/").status_code == 200


def test_a_user_without_a_role_is_not_sent_to_enrol(client, tree, settings):
    settings.HIENMAU_SECOND_FACTOR_REQUIRED = True
    nobody = UserFactory(username="khach")
    client.force_login(nobody)
    assert not requires_second_factor(nobody)
    assert client.get("/").status_code in (200, 403)
    assert client.get("/").status_code != 302


def test_off_by_setting_the_roles_sign_in_with_their_password(client, tree, settings):
    settings.HIENMAU_SECOND_FACTOR_REQUIRED = False
    member("vp.hungyen", tree.hung_yen, Role.OFFICER)
    password_step(client, "vp.hungyen")
    assert client.get("/donors/").status_code == 200


def test_a_superuser_and_a_clubs_chair_must_enrol(tree):
    boss = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert requires_second_factor(boss)
    chair = UserFactory(username="chu.nhiem")
    assert not requires_second_factor(chair)
    Club.objects.create(name="CLB 25 Ân Thi", kind=ClubKind.CLUB_25, unit=tree.an_thi, chair=chair)
    assert requires_second_factor(chair)


@given(st.sets(st.sampled_from(list(Role))), st.sets(st.sampled_from(list(Role))), st.booleans(), st.booleans())
def test_the_predicate_is_the_reveal_and_export_rules_over_the_roles_held(roles, more, superuser, chairs):
    """Over any roles held: required exactly when one of them may reveal or export (the rules the views
    check), or for a superuser or a club's chair; holding more roles never lifts the requirement."""
    required = second_factor_required_for(roles, superuser=superuser, chairs_club=chairs)
    by_rules = any(role_reveals_personal_data(r) or role_exports_personal_data(r) for r in roles)
    assert required == (by_rules or superuser or chairs)
    assert not required or second_factor_required_for(roles | more, superuser=superuser, chairs_club=chairs)
    assert all(role_exports_personal_data(r) == (r in EDITING_ROLES) for r in roles)


@pytest.mark.parametrize("role", list(Role))
def test_the_predicate_agrees_with_what_the_views_let_each_role_do(client, tree, role):
    user = member(f"r.{role}", tree.an_thi, role)
    donor = Donor.objects.create(full_name="Người Thử", cccd="033190001234", phone="0912345678", commune=tree.van_du)
    client.force_login(user)
    reveal = client.post(reverse("donors:donor_reveal", args=[donor.pk, "cccd"]), {"reason": "kiểm tra"})
    export = client.get(reverse("donors:donor_export", args=[donor.pk]))
    reveals, exports = "033190001234" in reveal.content.decode(), export.status_code == 200
    scope = build_scope(Membership.objects.get(user=user))
    assert reveals == may_reveal_personal_data(scope) and exports == may_export_personal_data(scope)
    assert requires_second_factor(user) == (reveals or exports)


# --- recovery --------------------------------------------------------------------------------------------


def test_an_administrator_resets_a_users_device_and_it_is_logged(client, tree, caplog):
    admin = member("qt.hungyen", tree.hung_yen, Role.ADMIN)
    officer = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    membership = Membership.objects.get(user=officer)
    url = reverse("orgs:member_reset_second_factor", args=[tree.an_thi.pk, membership.pk])

    client.force_login(admin)
    page = client.get(reverse("orgs:unit_detail", args=[tree.an_thi.pk])).content.decode()
    assert "Đã bật" in page and url in page
    done = client.post(url, follow=True)
    assert "Đã đặt lại xác thực hai bước" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = LogEntry.objects.get(object_id=str(officer.pk))
    assert entry.user == admin and "Đặt lại xác thực hai bước" in entry.change_message
    assert "Second factor of ctd.anthi reset by qt.hungyen" in caplog.text


def test_only_an_administrator_of_the_users_unit_resets_it(client, tree):
    officer = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    other_officer = member("vp.hungyen", tree.hung_yen, Role.OFFICER)
    elsewhere = member("qt.angiang", tree.an_giang, Role.ADMIN)
    root = UserFactory(username="root", is_superuser=True)
    scope_of = {u: build_scope(Membership.objects.get(user=u)) for u in (other_officer, elsewhere)}
    assert not may_reset_second_factor(scope_of[other_officer], other_officer, officer)
    assert not may_reset_second_factor(scope_of[elsewhere], elsewhere, officer)
    assert may_reset_second_factor(None, root, officer) and not may_reset_second_factor(None, root, root)
    url = reverse("orgs:member_reset_second_factor", args=[tree.an_thi.pk, Membership.objects.get(user=officer).pk])
    client.force_login(other_officer)
    assert client.post(url).status_code == 403
    client.force_login(elsewhere)
    assert client.post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=officer).exists()


def test_the_reset_user_enrols_again_at_the_next_sign_in(client, tree, settings):
    settings.HIENMAU_SECOND_FACTOR_REQUIRED = True
    officer = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    second_factor.reset(UserFactory(username="root", is_superuser=True), officer)
    response = password_step(client, "ctd.anthi")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get("/").headers["Location"].startswith(MANAGE)
    assert get_user_model().objects.get(pk=officer.pk).is_active


def test_the_command_resets_when_no_administrator_can(tree):
    root = UserFactory(username="root", is_superuser=True)
    TOTPDevice.objects.create(user=root, name="x", confirmed=True)
    out = io.StringIO()
    call_command("second_factor_reset", "root", stdout=out)
    assert "Đã đặt lại xác thực hai bước của root" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=root).exists()
    assert LogEntry.objects.filter(object_id=str(root.pk), user=root).exists()
    with pytest.raises(CommandError):
        call_command("second_factor_reset", "khong-co")


@pytest.mark.parametrize(("debug", "required"), [("", "True"), ("1", "False")])
def test_required_by_default_in_production_and_off_for_make_run(tmp_path, debug, required):
    env = {"PATH": "/usr/bin:/bin", "HIENMAU_VAR_DIR": str(tmp_path), "HIENMAU_DEBUG": debug}
    script = "from hienmau import settings; print(settings.HIENMAU_SECOND_FACTOR_REQUIRED)"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == required


# --- recovery codes --------------------------------------------------------------------------------------


def recovery_codes(page) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)


def test_enrolment_shows_ten_recovery_codes_once_and_each_signs_in_once(client, tree):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    client.force_login(user)
    client.post(reverse("second_factor:start"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(reverse("second_factor:confirm"), {"otp_token": code(device)}).content.decode()
    codes = recovery_codes(page)
    assert len(set(codes)) == 10 and second_factor.recovery_codes_left(user) == 10
    assert not any(spare in client.get(MANAGE).content.decode() for spare in codes)  # never shown again
    client.logout()

    password_step(client, "ctd.anthi", next_url="/donors/")
    done = client.post(VERIFY, {"otp_token": codes[3].upper().replace("-", " "), "next": "/donors/"})
    assert done.status_code == 302 and done["Location"] == "/donors/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert second_factor.recovery_codes_left(user) == 9
    client.logout()

    password_step(client, "ctd.anthi")
    used = client.post(VERIFY, {"otp_token": codes[3]})
    assert used.status_code == 200 and "Mã dự phòng không đúng hoặc đã được dùng" in used.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="ctd.anthi").failures_since_start == 1  # counted like a wrong code


def test_a_lost_phone_is_replaced_with_a_recovery_code_and_a_new_set_replaces_the_old(client, tree):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    client.force_login(user)
    client.post(reverse("second_factor:start"))
    old = TOTPDevice.objects.get(user=user, confirmed=False)
    codes = recovery_codes(client.post(reverse("second_factor:confirm"), {"otp_token": code(old)}).content.decode())

    # A new phone, enrolled with a recovery code instead of the lost phone's code.
    assert client.post(reverse("second_factor:start"), {"otp_token": codes[0]}).status_code == 200
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    fresh = recovery_codes(client.post(reverse("second_factor:confirm"), {"otp_token": code(new)}).content.decode())
    assert second_factor.confirmed_device(user) == new and set(fresh).isdisjoint(codes)

    # A new set on demand, after a current code; the earlier set stops working.
    again = recovery_codes(client.post(reverse("second_factor:recovery"), {"otp_token": code(new)}).content.decode())
    assert len(again) == 10 and set(again).isdisjoint(fresh)
    assert client.post(reverse("second_factor:recovery"), {"otp_token": fresh[1]}).status_code == 400
    assert second_factor.recovery_codes_left(user) == 10


def test_an_administrators_reset_and_removing_the_device_drop_the_recovery_codes(tree):
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    second_factor.make_recovery_codes(user)
    second_factor.reset(member("admin.vn", tree.nation, Role.ADMIN), user)
    assert second_factor.recovery_codes_left(user) == 0
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    second_factor.make_recovery_codes(user)
    second_factor.remove(user)
    assert second_factor.recovery_codes_left(user) == 0


@given(st.text(max_size=12))
def test_a_recovery_code_is_eight_base32_letters_whatever_was_typed_around_it(typed):
    cleaned = second_factor.clean_recovery_code(typed)
    assert cleaned == "" or (len(cleaned) == 8 and set(cleaned) <= second_factor.RECOVERY_ALPHABET)
    assert second_factor.clean_recovery_code("K3XQ-7MFA") == "k3xq7mfa"


def test_a_district_administrator_cannot_reset_an_account_that_also_holds_a_role_above_it(tree):
    """A reset lets the password alone enrol a new device: an account reaching beyond the administrator's
    units is reset only by an administrator over all of them."""
    district_admin = member("qt.anthi", tree.an_thi, Role.ADMIN)
    province_admin = member("qt.hungyen", tree.hung_yen, Role.ADMIN)
    Membership.objects.create(user=province_admin, unit=tree.an_thi, role=Role.OFFICER)
    district_scope = build_scope(Membership.objects.get(user=district_admin))
    province_scope = build_scope(Membership.objects.get(user=province_admin, unit=tree.hung_yen))
    assert not may_reset_second_factor(district_scope, district_admin, province_admin)
    assert may_reset_second_factor(province_scope, province_admin, district_admin)
    assert may_reset_second_factor(district_scope, district_admin, member("ctd.anthi", tree.an_thi, Role.OFFICER))


def test_a_json_call_of_a_session_that_owes_its_code_gets_a_401_not_a_redirect(client, tree):
    """The check-in outbox's fetch() would follow a redirect to an HTML page and retry without a word."""
    user = member("ctd.anthi", tree.an_thi, Role.OFFICER)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)  # signed in, no code given in this session
    answer = client.get("/donors/", HTTP_ACCEPT="application/json")
    assert answer.status_code == 401 and answer.json()["ok"] is False
    assert "mã xác thực hai bước" in answer.json()["error"] and answer.json()["login"].startswith(VERIFY)
    assert client.get("/donors/").status_code == 302  # a page still goes to the code step
