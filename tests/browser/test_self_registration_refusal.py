"""The public self-registration page refuses someone under 18 on the drive's day, saying why."""

import datetime

import pytest

from hienmau.core.clock import today
from hienmau.drives.models import Drive, Registration, TimeSlot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_under_age_self_registration_is_refused_with_its_reason(live_server, page, tree, screenshot):
    day = today() + datetime.timedelta(days=19)
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu huyện Ân Thi",
        date=day,
        start_time=datetime.time(7, 0),
        site_name="Nhà văn hoá huyện",
        public_registration=True,
    )
    TimeSlot.objects.create(drive=drive, start_time=datetime.time(7, 0), end_time=datetime.time(9, 0), quota=20)

    page.goto(f"{live_server.url}/r/{drive.public_token}/")
    page.select_option("#id_slot", index=0)
    page.fill("#id_full_name", "Vũ Minh Khôi")
    page.fill("#id_date_of_birth", "01/03/2010")
    page.select_option("#id_sex", "M")
    page.fill("#id_phone", "0912000009")
    page.check("#id_consent")
    page.click("button[type=submit]")

    page.wait_for_selector(".error, .errorlist, .has-error")
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "Chưa đủ 18 tuổi (sinh ngày 01/03/2010)" in body
    assert "Đăng ký thành công" not in body
    assert not Registration.objects.exists()
    screenshot("self-registration-under-age")
