"""A check-in refused by the eligibility rules shows its reason on the page (the outbox keeps it, never
drops it silently), and a physician's permission sends it again."""

import datetime

import pytest

from hienmau.donors.models import Donation, Donor
from hienmau.drives.models import Drive, Registration, RegistrationStatus, TimeSlot
from hienmau.orgs.models import Unit, UnitCategory, UnitKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.drives.checkin_test_urls"),
]


@pytest.fixture
def drive(tree):
    hospital = Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi",
        kind=UnitKind.ORGANISATION,
        category=UnitCategory.HOSPITAL,
        parent=tree.an_thi,
    )
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu huyện Ân Thi",
        date=datetime.date(2025, 7, 9),
        start_time=datetime.time(7, 0),
        site_name="Nhà văn hoá huyện",
        facility=hospital,
        target_units=100,
    )
    TimeSlot.objects.create(
        drive=drive, unit=tree.van_du, start_time=datetime.time(7, 0), end_time=datetime.time(9, 0), quota=10
    )
    donor = Donor.objects.create(full_name="Vũ Minh Khôi", date_of_birth=datetime.date(2010, 3, 1), sex="M")
    Registration.objects.create(drive=drive, unit=tree.van_du, donor=donor, full_name=donor.full_name)
    return drive


def test_an_under_age_check_in_is_refused_with_its_reason_in_the_page(
    live_server, page, people, drive, login, screenshot
):
    login("ctd.anthi")
    page.goto(f"{live_server.url}/drives/{drive.pk}/checkin/")
    page.wait_for_function("window.hienmauCheckin !== undefined")
    page.fill("#q", "khoi")
    page.locator("#checkin-results li.reg", has_text="Vũ Minh Khôi").locator("button[data-outcome=donated]").click()
    page.wait_for_selector("#outcome-dialog[open]")
    page.fill("#out-bag", "AT-0099")
    page.click("#outcome-save")

    refused = page.wait_for_selector("#outbox-list li.refused")
    text = refused.inner_text()
    assert "không được nhận" in text
    assert "Chưa đủ 18 tuổi (sinh ngày 01/03/2010)" in text
    assert "bác sĩ cho phép" in text
    assert not Donation.objects.exists()
    screenshot("checkin-refused-under-age")

    page.click("#outbox-list li.refused button.retry-override")
    page.wait_for_selector("#outcome-dialog[open]")
    assert "Chưa đủ 18 tuổi" in page.inner_text("#outcome-warning")
    assert page.input_value("#out-bag") == "AT-0099"
    page.fill("#out-physician", "BS. Trần Văn Hùng")
    page.fill("#out-override-reason", "Hội đồng chuyên môn đồng ý, có giấy của cha mẹ")
    screenshot("checkin-refused-override-dialog")
    page.click("#outcome-save")
    page.wait_for_function("document.querySelector('#outbox').hidden")

    registration = Registration.objects.select_related("donation").get(full_name="Vũ Minh Khôi")
    assert registration.status == RegistrationStatus.DONATED
    assert registration.donation.override_physician == "BS. Trần Văn Hùng"
    assert registration.donation.bag_number == "AT-0099"
