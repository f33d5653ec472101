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


def test_a_cell_changed_by_someone_else_is_refused_and_shows_the_stored_value(live_server, page, tree, people, login):
    from unittest import mock

    from django.db import OperationalError

    from hienmau.plans import services
    from hienmau.plans.models import AllocationCell

    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29]), (tree.phu_ung, 61, [31, 30])])
    van_du = plan.allocations.get(unit=tree.van_du)
    login("ctd.anthi")
    page.goto(f"{live_server.url}/plans/{plan.pk}/grid/")
    services.set_cell(van_du, plan.buckets.get(key="round:1"), 30)  # another officer, after the page loaded
    first_round = page.locator("#allocation-grid tbody tr").nth(0).locator("input.cell").nth(1)
    first_round.fill("40")
    first_round.press("Tab")
    page.wait_for_selector("#grid-status.error")
    assert "vừa được người khác sửa thành 30" in page.locator("#grid-status").inner_text()
    assert first_round.input_value() == "30"  # the stored value, not what was typed
    assert page.locator(f"#rowsum-{van_du.pk}").inner_text() == "59"
    assert AllocationCell.objects.get(allocation=van_du, bucket__key="round:1").value == 30

    first_round.fill("41")  # seen now: saved
    first_round.press("Tab")
    page.wait_for_selector("#grid-status:not(.error)")
    assert page.locator(f"#rowsum-{van_du.pk}").inner_text() == "70"
    assert AllocationCell.objects.get(allocation=van_du, bucket__key="round:1").value == 41

    with mock.patch.object(services, "set_cell", side_effect=OperationalError("server closed the connection")):
        first_round.fill("42")  # the database connection lost while saving: the status line says so
        first_round.press("Tab")
        page.wait_for_selector("#grid-status.error")
    assert "Mất kết nối tới cơ sở dữ liệu giữa chừng" in page.locator("#grid-status").inner_text()
    assert AllocationCell.objects.get(allocation=van_du, bucket__key="round:1").value == 41
