import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_activity_recorded_shows_as_progress_on_the_plan_page(live_server, page, tree, people, login, screenshot):
    from hienmau.plans.models import Target
    from tests.plans.conftest import make_plan

    plan = make_plan(tree.kien_giang, "66", [(tree.an_minh, 350, [350])], buckets=("month:5",))
    Target.objects.create(plan=plan, metric="volunteers", value=300)
    Target.objects.create(plan=plan, metric="media_items", value=None)
    login("vp.angiang")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.click("#outreach a:has-text('Ghi nhận hoạt động tuyên truyền')")
    page.select_option("#id_kind", "news")
    page.fill("#id_date", "09/05/2022")
    page.fill("#id_title", "Báo Kiên Giang: ra quân chiến dịch")
    page.fill("#id_quantity", "3")
    page.click("button:has-text('Ghi nhận')")
    page.wait_for_selector("text=Đã ghi nhận hoạt động tuyên truyền.")
    screenshot("outreach-plan-activities")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    panel = page.locator("#outreach").inner_text()
    assert "Tin, bài truyền thông\n3" in panel or "Tin, bài truyền thông 3" in panel.replace("\n", " ")
    assert "0 / 300" in panel
    page.locator("#outreach").screenshot(path=str(screenshot("outreach-plan-panel")))


def test_a_phone_on_the_roster_is_revealed_in_its_row_with_a_reason(live_server, page, tree, people, login, screenshot):
    from hienmau.donors.models import Donor, RevealLog
    from hienmau.outreach import services

    for name, phone in (("Phạm Thị Hoa", "+84912345678"), ("Lê Văn Nam", "+84987000111")):
        person = Donor.objects.create(full_name=name, phone=phone, commune=tree.van_du)
        services.add_volunteer(tree.van_du, person, datetime.date(2024, 3, 1))
    login("dm.vandu")
    page.goto(f"{live_server.url}/outreach/volunteers/")
    row = page.locator("tr:has-text('Lê Văn Nam')")
    assert "0987000111" not in page.content()
    page.once("dialog", lambda dialog: dialog.accept("Gọi hẹn trực ngày hội"))
    row.locator("button").click()
    row.locator(".revealed").wait_for()
    assert "987000111" in row.inner_text() and "912345678" not in page.content()
    assert RevealLog.objects.get(field="phone").reason == "Gọi hẹn trực ngày hội"
    screenshot("outreach-volunteers")


def test_a_budget_is_estimated_and_spent_and_compared(live_server, page, tree, people, login, screenshot):
    from tests.plans.conftest import make_plan

    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29])])
    login("ctd.anthi")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.click("#outreach a:has-text('Kinh phí: dự toán và thực hiện')")
    with page.expect_navigation():
        page.select_option("#add-line #id_category", "printing")
        page.select_option("#add-line #id_source", "state")
        page.fill("#add-line #id_amount", "8.000.000")
        page.click("#add-line button")
    with page.expect_navigation():
        page.select_option("#add-expense #id_category", "printing")
        page.fill("#add-expense #id_date", "04/03/2024")
        page.fill("#add-expense #id_description", "In 2.000 tờ rơi")
        page.fill("#add-expense #id_amount", "9.200.000")
        page.click("#add-expense button")
    stats = page.locator(".stats").inner_text()
    assert "8.000.000" in stats and "9.200.000" in stats and "115,0%" in stats
    row = page.locator("tr:has-text('In ấn tờ rơi, áp phích, băng rôn')").first.inner_text()
    assert "1.200.000" in row
    screenshot("outreach-budget")
