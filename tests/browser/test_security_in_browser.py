"""Under the Content-Security-Policy the pages work with nothing refused: no inline script, every inline
style block with its nonce, the shared behaviours (language switcher, print button) from app.js."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page):
    """Console errors and CSP violations, as the browser reports them."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if message.type == "error" else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


def test_pages_run_under_the_policy_without_a_refusal(live_server, page, tree, people, login, screenshot):
    from hienmau.donors.models import Donor

    donor = Donor.objects.create(
        full_name="Nguyễn Văn Đức",
        date_of_birth=datetime.date(1990, 5, 12),
        sex="M",
        cccd="033090012345",
        phone="+84912345678",
        commune=tree.van_du,
    )
    seen = _watch(page)
    login("ctd.anthi")
    for path in ("/", "/donors/", f"/donors/{donor.pk}/", "/plans/", "/drives/", f"/donors/{donor.pk}/card/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert page.locator("button[data-print]").is_visible()
    screenshot("csp-donor-card")
    page.goto(f"{live_server.url}/c/{'A' * 24}/")  # the public check's page: inline style with its nonce
    page.wait_for_load_state("networkidle")
    csp = [text for text in seen if "Content Security Policy" in text or "CSP violation" in text]
    errors = [text for text in seen if "Failed to load resource" not in text]  # the 404 above is expected
    assert csp == [] and errors == []


def test_the_language_switcher_submits_itself(live_server, page, tree, people, login):
    seen = _watch(page)
    login("ctd.anthi")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert seen == []
