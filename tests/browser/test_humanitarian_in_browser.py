"""The officer's flow of the humanitarian-address drive: record a household, pair it with a sponsor,
record a delivery, and read the report by commune with the priority communes flagged."""

import datetime

import pytest

from tests.humanitarian.conftest import places  # noqa: F401  # the former Kiên Giang units and a sponsor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_pair_deliver_and_report(live_server, page, tree, people, places, login, screenshot):  # noqa: F811
    from hienmau.humanitarian.models import Beneficiary, Delivery

    login("vp.angiang")
    page.click("nav.mainnav a:has-text('Địa chỉ nhân đạo')")
    page.click("a:has-text('Ghi nhận hộ / người cần trợ giúp')")
    page.select_option("#id_unit", str(places.phu_my.pk))
    page.select_option("#id_kind", "household")
    page.fill("#id_full_name", "Thạch Thị Thử")
    page.fill("#id_phone", "0912345678")
    page.fill("#id_members", "4")
    page.fill("#id_situation", "Hộ nghèo, chồng mất, nhà dột nát.")
    page.check("input[name=needs][value=health_insurance]")
    page.check("input[name=needs][value=house_repair]")
    screenshot("humanitarian-record")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("h1:has-text('Thạch Thị Thử')")
    assert "091****678" in page.locator("#phone").inner_text()
    beneficiary = Beneficiary.objects.get()
    page.click("summary:has-text('Kết nối với nhà tài trợ')")
    page.select_option("#pledge-sponsor", str(places.sponsor.pk))
    page.select_option("#pledge-need", "health_insurance")
    page.fill("#pledge-amount", "4.422.600")  # four cards, once
    page.fill("#pledge-quantity", "4")
    page.fill("#pledge-start", "01/01/2026")
    page.click("button:has-text('Ghi cam kết')")
    page.wait_for_selector("td:has-text('Công ty Thử Nghiệm')")
    page.click("summary:has-text('Ghi lần trao hỗ trợ')")
    page.fill("#delivery-date", f"{datetime.date.today() - datetime.timedelta(days=1):%d/%m/%Y}")
    page.fill("#delivery-value", "4.422.600")
    page.fill("#delivery-quantity", "4")
    page.click("button:has-text('Ghi lần trao')")
    page.wait_for_selector(".messages li:has-text('Đã ghi lần trao hỗ trợ')")
    assert Delivery.objects.get(pledge__beneficiary=beneficiary).value == 4_422_600
    screenshot("humanitarian-household")
    page.click("a:has-text('Báo cáo kết quả')")
    row = page.locator("table.coverage tr.priority", has_text="Phú Mỹ")
    assert "Ưu tiên" in row.inner_text() and "4.422.600" in row.inner_text()
    screenshot("humanitarian-report")
