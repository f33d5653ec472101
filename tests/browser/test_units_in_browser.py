import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_shows_the_vietnamese_home_of_the_users_unit(live_server, page, tree, people, login, screenshot):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "Đăng nhập"
    screenshot("login")
    login("ctd.anthi")
    assert page.locator("h1").inner_text() == "huyện Ân Thi"
    assert "Cán bộ Văn phòng Ban Chỉ đạo" in page.content()
    screenshot("home-district-officer")


def test_unit_tree_search_without_accents_and_expanding_a_branch(live_server, page, tree, people, login, screenshot):
    from hienmau.orgs.models import Unit, UnitCategory, UnitKind

    Unit.objects.create(
        name="Đắk Lắk", code="66", kind=UnitKind.PROVINCE, category=UnitCategory.PROVINCE, parent=tree.nation
    )
    login("admin")
    page.goto(f"{live_server.url}/units/")
    page.fill("#id_q", "dak lak")
    page.wait_for_selector("text=1 đơn vị khớp với “dak lak”")
    assert page.locator("#tree-body").get_by_text("tỉnh Đắk Lắk").count() == 1
    screenshot("unit-search-dak-lak")

    page.fill("#id_q", "")
    page.check("#id_include_ceased")
    page.wait_for_selector("#tree-body summary:has-text('tỉnh Hưng Yên')")
    page.click("#tree-body summary:has-text('tỉnh Hưng Yên')")
    page.wait_for_selector("#tree-body summary:has-text('huyện Ân Thi')")
    page.click("#tree-body summary:has-text('huyện Ân Thi')")
    page.wait_for_selector("#tree-body a:has-text('xã Vân Du')")
    screenshot("unit-tree-expanded")


def test_commune_focal_point_is_denied_another_commune(live_server, page, tree, people, login, screenshot):
    login("dm.vandu")
    response = page.goto(f"{live_server.url}/units/{tree.phu_ung.pk}/")
    assert response.status == 404
    assert "nằm ngoài phạm vi đơn vị của bạn" in page.content()
    assert "Phù Ứng" not in page.content()
    screenshot("scoped-denial")
    response = page.goto(f"{live_server.url}/units/{tree.van_du.pk}/")
    assert response.status == 200 and page.locator("h1").inner_text() == "xã Vân Du"
