"""An officer creates an API token under their account, copies it once, uses it, and revokes it."""

import pytest
import requests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_creates_uses_and_revokes_an_api_token(live_server, page, tree, people, login, screenshot):
    login("ctd.anthi")
    page.click("header >> text=Khoá API")
    assert page.locator("h1").inner_text() == "Khoá truy cập API"
    page.fill("#id_name", "Phần mềm ngân hàng máu Trung tâm Y tế Ân Thi")
    page.click("button:has-text('Tạo khoá')")
    secret = page.locator("#token-secret").inner_text()
    assert secret.startswith("hm_")
    screenshot("api-token-created")
    answer = requests.get(f"{live_server.url}/api/v1/units/", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["count"] >= 1

    page.goto(f"{live_server.url}/account/api-tokens/")
    assert secret not in page.content() and f"{secret[:11]}…" in page.content()
    page.click("button:has-text('Thu hồi')")
    page.wait_for_selector("text=Đã thu hồi khoá")
    screenshot("api-token-revoked")
    answer = requests.get(f"{live_server.url}/api/v1/units/", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert answer.status_code == 401 and answer.json()["code"] == "authentication_failed"
