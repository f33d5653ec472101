"""Nobody reaches a unit outside their scope, by any URL that takes a unit."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import build_scope, scope_queryset, scoped_units

UNIT_KWARGS = ("pk", "parent_pk")


def urls_taking(object_pk: int, namespace: str, kwargs=UNIT_KWARGS) -> list[str]:
    """Every named URL of a namespace whose only parameters are object ids, filled in with `object_pk`."""
    urls = []

    def walk(patterns, current=""):
        for entry in patterns:
            if isinstance(entry, URLPattern):
                params = set(entry.pattern.converters)
                if current == namespace and params and params <= set(kwargs) and entry.name:
                    urls.append(reverse(f"{current}:{entry.name}", kwargs=dict.fromkeys(params, object_pk)))
            else:
                walk(entry.url_patterns, entry.namespace or current)

    walk(get_resolver().url_patterns)
    return urls


def unit_urls(unit_pk: int) -> list[str]:
    reports = [url for url in urls_taking(unit_pk, "reports") if url.startswith("/reports/units/")]
    return urls_taking(unit_pk, "orgs") + reports


def test_the_url_walk_finds_the_unit_pages():
    names = unit_urls(1)
    assert "/units/1/" in names and "/units/1/edit/" in names and "/units/1/history/" in names
    assert "/reports/units/1/" in names
    assert len(names) >= 6


@pytest.mark.parametrize("method", ["get", "post"])
def test_commune_focal_point_cannot_reach_another_commune_by_any_url(tree, people, client_for, method):
    client = client_for(people.van_du_focal)
    for url in unit_urls(tree.phu_ung.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (url, response.status_code)
    for url in unit_urls(tree.hung_yen.pk):
        assert client.get(url).status_code == 404, url


def test_commune_focal_point_reads_its_own_commune_but_cannot_manage_units(tree, people, client_for):
    client = client_for(people.van_du_focal)
    assert client.get(reverse("orgs:unit_detail", args=[tree.van_du.pk])).status_code == 200
    assert client.get(reverse("orgs:unit_history", args=[tree.van_du.pk])).status_code == 200
    assert client.get(reverse("orgs:unit_edit", args=[tree.van_du.pk])).status_code == 403
    assert client.post(reverse("orgs:unit_create", args=[tree.van_du.pk]), {"name": "X"}).status_code == 403


def test_unit_tree_and_search_list_only_units_in_scope(tree, people, client_for):
    client = client_for(people.van_du_focal)
    page = client.get(reverse("orgs:unit_tree"), {"q": "phu ung", "include_ceased": "on"}).content.decode()
    assert "Phù Ứng" not in page
    page = client.get(reverse("orgs:unit_tree"), {"q": "van du", "include_ceased": "on"}).content.decode()
    assert "Vân Du" in page


def test_anonymous_is_sent_to_login_and_user_without_role_is_refused(tree, people, client, client_for):
    for url in [reverse("home"), *unit_urls(tree.van_du.pk)]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    refused = client_for(people.nobody)
    assert refused.get(reverse("home")).status_code == 403
    assert refused.get(reverse("orgs:unit_detail", args=[tree.van_du.pk])).status_code == 403


def test_leader_reads_but_cannot_change(tree, people, client_for):
    client = client_for(people.province_leader)
    assert client.get(reverse("orgs:unit_detail", args=[tree.an_giang.pk])).status_code == 200
    assert client.get(reverse("orgs:unit_edit", args=[tree.an_giang.pk])).status_code == 403
    assert client.post(reverse("orgs:successor_add", args=[tree.kien_giang.pk]), {}).status_code == 403


def test_today_province_officer_also_reads_units_of_the_merged_province(tree, people, client_for):
    client = client_for(people.province_officer)
    assert client.get(reverse("orgs:unit_detail", args=[tree.an_minh.pk])).status_code == 200
    assert client.get(reverse("orgs:unit_detail", args=[tree.an_thi.pk])).status_code == 404


def test_scope_filters_any_unit_owned_queryset(tree, people):
    scope = build_scope(people.district_officer.memberships.get())
    assert set(scoped_units(scope)) == {tree.an_thi, tree.van_du, tree.phu_ung, tree.school}
    memberships = scope_queryset(people.van_du_focal.memberships.model.objects.all(), scope)
    assert {m.user.username for m in memberships} == {"ctd.anthi", "dm.vandu", "dm.phuung"}


def test_national_admin_sees_everything(tree, people):
    scope = build_scope(people.admin.memberships.get())
    assert scoped_units(scope).count() == Unit.objects.count()


def test_switching_to_a_membership_of_someone_else_is_refused(tree, people, client_for):
    other = people.phu_ung_focal.memberships.get()
    client = client_for(people.van_du_focal)
    assert client.post(reverse("switch_unit"), {"membership": other.pk}).status_code == 403


def test_switching_between_own_memberships_changes_the_scope(tree, people, client_for):
    from hienmau.orgs.models import Membership, Role

    second = Membership.objects.create(user=people.van_du_focal, unit=tree.phu_ung, role=Role.FOCAL_POINT)
    client = client_for(people.van_du_focal)
    assert client.get(reverse("orgs:unit_detail", args=[tree.phu_ung.pk])).status_code == 404
    client.post(reverse("switch_unit"), {"membership": second.pk})
    assert client.get(reverse("orgs:unit_detail", args=[tree.phu_ung.pk])).status_code == 200
    assert client.get(reverse("orgs:unit_detail", args=[tree.van_du.pk])).status_code == 404
