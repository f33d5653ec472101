import pytest

from tests.plans.conftest import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editing_the_grid_updates_row_and_column_totals_live(live_server, page, tree, people, login, screenshot):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29]), (tree.phu_ung, 61, [31, 30])])
    login("ctd.anthi")
    page.goto(f"{live_server.url}/plans/{plan.pk}/grid/")
    first_round = page.locator("#allocation-grid tbody tr").nth(0).locator("input.cell").nth(1)
    first_round.fill("1.025")
    first_round.press("Enter")  # saves and moves down
    page.wait_for_selector("#grid-status:has-text('Đã lưu')")
    row_sum = page.locator(f"#rowsum-{plan.allocations.get(unit=tree.van_du).pk}")
    assert row_sum.inner_text() == "1.054"
    assert "flag" in (page.locator("#allocation-grid tbody tr").nth(0).get_attribute("class") or "")
    totals = page.locator("#grid-totals td")
    assert totals.nth(3).inner_text() == "1.056"  # round I: 1.025 + 31
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "xã Phù Ứng — Đợt I"
    page.keyboard.type("abc")
    page.keyboard.press("Tab")
    page.wait_for_selector("#grid-status.error")
    assert "không phải số nguyên" in page.locator("#grid-status").inner_text()
    screenshot("plan-grid-editing")
