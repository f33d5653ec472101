import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_under_age_self_registration_is_refused_with_the_reason(live_server, page, tree, screenshot):
    """Issue 10: someone born in 2010 signed up for a drive and was later checked in as a donor."""
    from hienmau.core.clock import today
    from hienmau.drives.models import Drive, Registration, TimeSlot

    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu huyện Ân Thi",
        date=today() + datetime.timedelta(days=19),
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 0),
        site_name="Nhà văn hoá huyện",
        public_registration=True,
    )
    TimeSlot.objects.create(drive=drive, start_time=datetime.time(7, 0), end_time=datetime.time(9, 0), quota=30)
    page.goto(f"{live_server.url}/r/{drive.public_token}/")
    page.select_option("#id_slot", index=0)
    page.fill("#id_full_name", "Trần Văn Nhỏ")
    page.fill("#id_date_of_birth", "01/06/2010")
    page.select_option("#id_sex", "M")
    page.fill("#id_phone", "0912 000 333")
    page.check("#id_consent")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Chưa đủ 18 tuổi")
    body = page.locator("body").inner_text()
    assert "Đăng ký thành công" not in body and "từ ngày 01/06/2028 mới được hiến máu" in body
    assert not Registration.objects.filter(drive=drive).exists()
    screenshot("self-registration-under-age-refused")
