"""Successor links hand a unit's records to another unit's officers: recorded at once only inside the
editor's scope, otherwise proposed to the level that covers both ends, and never in force before that."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hienmau.orgs.models import LinkStatus, Role, SuccessorLink, Unit
from hienmau.orgs.scoping import build_scope, covering_unit, scoped_units
from hienmau.orgs.services import current_boundary_units, decide_successor_link, link_successor
from tests.factories import member


def scope_of(user):
    return build_scope(user.memberships.get())


@pytest.fixture
def an_minh_officer(tree):
    return member("ctd.anminh", tree.an_minh, Role.OFFICER)


def test_the_form_offers_the_scope_and_the_level_above_not_every_province(tree, people, client_for):
    other = Unit.objects.create(name="Đồng Nai", kind="province", category="tinh", parent=tree.nation, code="75")
    page = client_for(people.district_officer).get(reverse("orgs:successor_add", args=[tree.an_thi.pk]))
    offered = set(page.context["form"].fields["successor"].queryset)
    assert tree.hung_yen in offered and tree.van_du in offered  # the level above, and the district's own communes
    assert tree.an_giang not in offered and other not in offered and tree.an_minh not in offered
    body = page.content.decode()
    assert "tỉnh Hưng Yên — đề xuất, cần cấp trên duyệt" in body and "tỉnh An Giang" not in body


def test_a_district_cannot_hand_itself_to_another_province(tree, people, client_for):
    client = client_for(people.district_officer)
    response = client.post(
        reverse("orgs:successor_add", args=[tree.an_thi.pk]), {"successor": tree.an_giang.pk, "share": "1"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not SuccessorLink.objects.filter(predecessor=tree.an_thi).exists()
    assert not scope_of(people.province_officer).contains(tree.van_du)


def test_a_link_outside_the_scope_is_a_proposal_that_changes_no_scope(tree, people):
    link = link_successor(
        tree.an_thi, tree.an_giang, scope=scope_of(people.district_officer), user=people.district_officer
    )
    assert link.status == LinkStatus.PENDING and link.deciding_unit == tree.nation
    assert link.proposed_by == people.district_officer
    assert not scope_of(people.province_officer).contains(tree.van_du)
    assert tree.van_du not in scoped_units(scope_of(people.province_officer))
    assert current_boundary_units(tree.an_thi)[0][0] == tree.hung_yen  # ceased: still its parent's, not An Giang's


def test_the_province_cannot_approve_what_only_the_nation_covers(tree, people):
    link = link_successor(
        tree.an_thi, tree.an_giang, scope=scope_of(people.district_officer), user=people.district_officer
    )
    with pytest.raises(PermissionDenied):
        decide_successor_link(link, approve=True, scope=scope_of(people.province_officer), user=people.province_officer)
    link.refresh_from_db()
    assert link.status == LinkStatus.PENDING


def test_a_refused_proposal_stays_without_effect_and_an_approved_one_counts(tree, people):
    district = scope_of(people.district_officer)
    link = link_successor(tree.an_thi, tree.an_giang, scope=district, user=people.district_officer)
    decide_successor_link(link, approve=False, scope=scope_of(people.admin), user=people.admin, note="Sai tỉnh")
    link.refresh_from_db()
    assert link.status == LinkStatus.REFUSED and link.decision_note == "Sai tỉnh"
    assert not scope_of(people.province_officer).contains(tree.van_du)
    with pytest.raises(ValidationError, match="đã được xử lý"):
        decide_successor_link(link, approve=True, scope=scope_of(people.admin), user=people.admin)
    again = link_successor(tree.an_thi, tree.an_giang, scope=district, user=people.district_officer)
    assert again.pk == link.pk and again.status == LinkStatus.PENDING
    decide_successor_link(again, approve=True, scope=scope_of(people.admin), user=people.admin)
    assert scope_of(people.province_officer).contains(tree.van_du)


def test_an_approved_link_cannot_be_rewritten_from_below(tree, people):
    link = link_successor(tree.an_thi, tree.hung_yen)
    with pytest.raises(ValidationError, match="đã được duyệt"):
        link_successor(tree.an_thi, tree.hung_yen, share="0.5", scope=scope_of(people.van_du_focal))
    link.refresh_from_db()
    assert link.status == LinkStatus.APPROVED and link.share == 1


def test_both_ends_in_scope_is_recorded_at_once(tree, people, client_for):
    client = client_for(people.district_officer)
    response = client.post(
        reverse("orgs:successor_add", args=[tree.phu_ung.pk]), {"successor": tree.van_du.pk, "share": "1"}
    )
    assert response.status_code == 302
    link = SuccessorLink.objects.get(predecessor=tree.phu_ung)
    assert link.status == LinkStatus.APPROVED and link.decided_by == people.district_officer


def test_the_covering_unit_counts_approved_predecessors(tree):
    assert covering_unit(tree.an_minh, tree.an_giang) == tree.an_giang  # An Giang's scope holds Kiên Giang
    assert covering_unit(tree.van_du, tree.phu_ung) == tree.an_thi
    assert covering_unit(tree.an_thi, tree.an_giang) == tree.nation


def test_a_proposal_is_decided_on_the_unit_page_by_the_covering_level_only(tree, people, an_minh_officer, client_for):
    proposer = client_for(an_minh_officer)
    form = proposer.get(reverse("orgs:successor_add", args=[tree.an_minh.pk])).context["form"]
    assert tree.an_giang in form.fields["successor"].queryset  # Kiên Giang's successor stands for the level above
    response = proposer.post(
        reverse("orgs:successor_add", args=[tree.an_minh.pk]), {"successor": tree.an_giang.pk, "share": "1"}
    )
    assert response.status_code == 302
    link = SuccessorLink.objects.get(predecessor=tree.an_minh, successor=tree.an_giang)
    assert link.status == LinkStatus.PENDING and link.deciding_unit == tree.an_giang
    own_page = proposer.get(reverse("orgs:unit_detail", args=[tree.an_minh.pk]))
    assert "Chờ duyệt" in own_page.content.decode() and not own_page.context["proposals"][0][1]
    assert "None" not in own_page.content.decode()  # a unit without population shows a dash
    decide = reverse("orgs:successor_decide", args=[tree.an_minh.pk, link.pk])
    assert proposer.post(decide, {"decision": "approve"}).status_code == 403

    officer = client_for(people.province_officer)
    home = officer.get(reverse("home")).content.decode()
    assert "huyện An Minh → tỉnh An Giang" in home
    page = officer.get(reverse("orgs:unit_detail", args=[tree.an_giang.pk]))
    assert page.context["proposals"] == [(link, True)] and "Không duyệt" in page.content.decode()
    refused = officer.post(reverse("orgs:successor_decide", args=[tree.an_giang.pk, link.pk]), {"decision": "refuse"})
    assert refused.status_code == 302
    link.refresh_from_db()
    assert link.status == LinkStatus.PENDING  # a refusal needs its reason
    officer.post(reverse("orgs:successor_decide", args=[tree.an_giang.pk, link.pk]), {"decision": "approve"})
    link.refresh_from_db()
    assert link.status == LinkStatus.APPROVED and link.decided_by == people.province_officer
    assert link.history.first().history_user == people.province_officer


def test_the_migration_default_keeps_existing_links_in_force(tree):
    assert SuccessorLink.objects.get(predecessor=tree.kien_giang).status == LinkStatus.APPROVED
