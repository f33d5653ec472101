import datetime

import pytest
from django.urls import reverse

from hienmau.orgs.models import SuccessorLink, Unit


def test_home_shows_the_active_unit_and_counts(tree, people, client_for):
    page = client_for(people.district_officer).get(reverse("home")).content.decode()
    assert "huyện Ân Thi" in page and "Cán bộ Văn phòng Ban Chỉ đạo" in page


def test_search_is_accent_insensitive_and_htmx_gets_a_fragment(tree, people, client_for):
    client = client_for(people.admin)
    response = client.get(reverse("orgs:unit_tree"), {"q": "AN THI", "include_ceased": "on"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "huyện Ân Thi" in body and "Trường THPT Ân Thi" in body and "<html" not in body


def test_tree_children_fragment_lists_one_level(tree, people, client_for):
    body = client_for(people.admin).get(reverse("orgs:unit_children", args=[tree.an_thi.pk])).content.decode()
    assert "Vân Du" not in body  # communes of Ân Thi ended with the district: hidden unless asked
    body = (
        client_for(people.admin)
        .get(reverse("orgs:unit_children", args=[tree.an_thi.pk]), {"include_ceased": "on"})
        .content.decode()
    )
    assert "xã Vân Du" in body and "Trường THPT Ân Thi" in body


def test_officer_edits_a_unit_and_the_history_shows_before_and_after(tree, people, client_for):
    client = client_for(people.district_officer)
    url = reverse("orgs:unit_edit", args=[tree.van_du.pk])
    response = client.post(
        url,
        {
            "name": "Vân Du",
            "code": "12345",
            "kind": "commune",
            "category": "xa",
            "population": "9.800",
            "staff_count": "",
            "valid_from": "",
            "valid_until": "01/07/2025",
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    tree.van_du.refresh_from_db()
    assert tree.van_du.population == 9800 and tree.van_du.code == "12345"
    history = client.get(reverse("orgs:unit_history", args=[tree.van_du.pk])).content.decode()
    assert "ctd.anthi" in history and "9.800" in history.replace("9800", "9.800") and "12345" in history
    assert tree.van_du.history.first().history_user == people.district_officer


def test_edit_rejects_a_commune_under_an_organisation(tree, people, client_for):
    client = client_for(people.district_officer)
    response = client.post(
        reverse("orgs:unit_create", args=[tree.school.pk]), {"name": "Xã lạ", "kind": "commune", "category": "xa"}
    )
    assert response.status_code == 200
    assert Unit.objects.filter(name="Xã lạ").count() == 0


def test_officer_adds_an_organisation_under_a_commune(tree, people, client_for):
    client = client_for(people.district_officer)
    response = client.post(
        reverse("orgs:unit_create", args=[tree.van_du.pk]),
        {"name": "Trường THCS Vân Du", "kind": "organisation", "category": "school", "staff_count": "42"},
    )
    assert response.status_code == 302
    school = Unit.objects.get(name="Trường THCS Vân Du")
    assert school.parent == tree.van_du and school.path.startswith(tree.van_du.path)


def test_a_successor_link_that_closes_a_cycle_is_refused(tree, people, client_for):
    client = client_for(people.admin)
    response = client.post(
        reverse("orgs:successor_add", args=[tree.an_giang.pk]), {"successor": tree.kien_giang.pk, "share": "1"}
    )
    assert response.status_code == 200
    assert "vòng lặp kế thừa" in response.content.decode()
    assert not SuccessorLink.objects.filter(predecessor=tree.an_giang).exists()


def test_unit_page_of_a_ceased_district_names_todays_province(tree, people, client_for):
    body = client_for(people.province_officer).get(reverse("orgs:unit_detail", args=[tree.an_minh.pk])).content.decode()
    assert "Đơn vị đã chấm dứt từ ngày 01/07/2025" in body
    assert "tỉnh An Giang" in body


def test_english_is_selectable(tree, people, client_for):
    client = client_for(people.admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in body and "Recent changes" in body


@pytest.mark.parametrize("path", ["/units/?page=abc&q=x", "/units/?include_ceased=garbage"])
def test_odd_query_strings_do_not_break_the_tree(tree, people, client_for, path):
    assert client_for(people.admin).get(path).status_code == 200


def test_moving_a_unit_moves_its_subtree(tree):
    tree.an_thi.parent = tree.an_giang
    tree.an_thi.save()
    tree.van_du.refresh_from_db()
    assert tree.van_du.path.startswith(tree.an_giang.path)
    assert tree.van_du.ancestors()[-2:] == [tree.an_giang, tree.an_thi]


def test_only_one_current_unit_may_hold_a_code(tree):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="Trùng", kind="province", category="tinh", parent=tree.nation, code="33")
    Unit.objects.create(
        name="Tỉnh cũ",
        kind="province",
        category="tinh",
        parent=tree.nation,
        code="33",
        valid_until=datetime.date(2025, 6, 12),
    )
