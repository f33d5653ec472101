"""The district officer's honour round at the year's end: a person, a family with its members, a recruiter
and a commune past its target proposed, then the list approved and ready to print."""

import datetime

import pytest

from tests.honours.test_subjects import achieved, family, recruit, recruiter  # noqa: F401  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_year_end_round_with_families_recruiters_and_units(
    live_server,
    page,
    tree,
    people,
    achieved,  # noqa: F811
    family,  # noqa: F811
    recruiter,  # noqa: F811
    login,
    screenshot,
):
    from hienmau.honours.models import HonourRound

    recruit(tree, recruiter, 100, datetime.date(2024, 9, 1))
    login("ctd.anthi")
    page.click("nav.mainnav a:has-text('Tôn vinh')")
    page.select_option("#id_occasion", "year_end")
    page.fill("#id_cutoff", "31/12/2024")
    page.click("button:has-text('Lập danh sách đề xuất')")
    page.wait_for_selector("h2:has-text('Gia đình đạt 3 lần hiến')")
    text = page.locator("main").inner_text()
    assert "Gia đình ông Nguyễn Văn Cường" in text and "Thành viên: Nguyễn Văn Cường (3 lần)" in text
    assert "Người vận động được từ 100 lần hiến trong năm 2024 (1 người)" in text and "Phạm Thị Vận" in text
    assert "Tập thể đạt từ 100% chỉ tiêu năm 2024 (1 tập thể)" in text and "xã Vân Du" in text
    screenshot("honours-round-draft")
    page.fill("#id_decision_number", "30/QĐ-BCĐ")
    page.click("button:has-text('Duyệt danh sách')")
    page.wait_for_selector("a:has-text('In giấy khen (PDF)')")
    assert not HonourRound.objects.get().is_draft
    assert "Được tôn vinh: 3." in page.locator("main").inner_text()
    screenshot("honours-round-approved")
