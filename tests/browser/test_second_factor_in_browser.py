"""An officer whose role must have a second factor signs in, is sent to enrol, adds the secret to an
authenticator (computed here from the secret the page shows, as an app would), and signs in again with a
code, under the Content-Security-Policy with nothing refused."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, later: int = 0) -> str:
    """What an authenticator app shows for the secret, `later` seconds from now."""
    key = secret.replace(" ", "")
    generator = TOTP(b32decode(key + "=" * (-len(key) % 8)))
    generator.time = time.time() + later
    return f"{generator.token():06d}"


def test_an_officer_enrols_and_signs_in_with_a_code(live_server, page, tree, people, settings, screenshot):
    settings.HIENMAU_SECOND_FACTOR_REQUIRED = True
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if message.type == "error" else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )

    def password():
        page.goto(f"{live_server.url}/accounts/login/?next=/donors/")
        page.fill("#id_username", "ctd.anthi")
        page.fill("#id_password", "secret-pass-123")
        page.click("button[type=submit]")

    password()
    page.wait_for_url("**/account/two-factor/**")
    page.click("button:has-text('Bật xác thực hai bước')")
    secret = page.locator("#enrol-secret").inner_text()
    assert page.locator("#enrol-qr svg").is_visible()
    screenshot("second-factor-enrol")
    page.fill("#id_confirm_token", _code(secret))
    page.click("button:has-text('Xác nhận và bật')")
    page.wait_for_selector("text=Đã bật xác thực hai bước")
    assert secret not in page.content()
    assert page.locator("#recovery-codes li").count() == 10  # the recovery codes, shown this once
    screenshot("second-factor-recovery-codes")

    page.click("header >> button:has-text('Đăng xuất')")
    password()
    page.wait_for_url("**/account/two-factor/verify/**")
    screenshot("second-factor-verify")
    page.fill("#id_otp_token", _code(secret, later=30))  # the next step: the one just used is refused
    page.click("button:has-text('Xác nhận')")
    page.wait_for_url(f"{live_server.url}/donors/")
    assert page.locator("h1").first.is_visible()
    assert [text for text in seen if "Content Security Policy" in text or "CSP violation" in text] == []
    assert seen == []
