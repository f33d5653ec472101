import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_donor_without_diacritics_and_reveal_the_cccd(live_server, page, tree, people, login, screenshot):
    from hienmau.donors.models import Donor, RevealLog

    Donor.objects.create(
        full_name="Nguyễn Văn Đức",
        date_of_birth=datetime.date(1990, 5, 12),
        sex="M",
        cccd="033090012345",
        phone="+84912345678",
        commune=tree.van_du,
        abo="O",
        rh="-",
    )
    login("dm.vandu")
    page.goto(f"{live_server.url}/donors/")
    page.fill("#id_q", "nguyen van duc")
    page.wait_for_selector("#donor-rows a:has-text('Nguyễn Văn Đức')")
    screenshot("donor-search")
    page.click("#donor-rows a:has-text('Nguyễn Văn Đức')")
    assert "033******345" in page.locator("#cccd").inner_text()
    page.once("dialog", lambda dialog: dialog.accept("Xác minh khi gọi mời hiến máu"))  # the reason is asked
    page.click("#cccd button")
    page.wait_for_selector("#cccd .revealed")
    assert page.locator("#cccd").inner_text() == "033090012345"
    assert RevealLog.objects.get(field="cccd").reason == "Xác minh khi gọi mời hiến máu"
    screenshot("donor-page")
