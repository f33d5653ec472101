"""A plan's life: draft → issued (read-only, every write endpoint refuses) → amended under its own number
and date, with the differences kept; lower plans and drives stay linked to the same rows."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from hienmau.plans import services
from hienmau.plans.importer import PlanImportError, analyse_file, save_plan
from hienmau.plans.lib.versions import ADDED, CHANGED, REMOVED, differences
from hienmau.plans.models import Plan, PlanStatus
from tests.plans.helpers import APP_SEEDS

ISSUE = {"number": "14/KH-UBND", "date": "17/01/2024", "signer": "Nguyễn Văn A"}


def _issued(plan):
    return services.issue(plan, number="14/KH-UBND", date=datetime.date(2024, 1, 17), signer="Nguyễn Văn A")


@pytest.mark.django_db
def test_issue_asks_number_date_and_signer_and_names_what_is_missing(tree, people, district_plan, client_for):
    client = client_for(people.district_officer)
    page = client.get(reverse("plans:plan_issue", args=[district_plan.pk])).content.decode()
    assert "Số văn bản" in page and "Người ký" in page and 'value="14/KH-UBND"' in page
    response = client.post(reverse("plans:plan_issue", args=[district_plan.pk]), {"number": "14", "date": "17/01/2024"})
    assert response.status_code == 422 and "Người ký" in response.content.decode()
    district_plan.refresh_from_db()
    assert district_plan.status == PlanStatus.DRAFT
    with pytest.raises(ValidationError) as refused:
        services.issue(district_plan, number="", date=None, signer="")
    assert refused.value.messages == ["Nhập số văn bản.", "Nhập ngày ban hành.", "Nhập người ký."]


@pytest.mark.django_db
def test_an_issued_plan_refuses_every_write_and_says_why(tree, people, district_plan, client_for):
    client = client_for(people.district_officer)
    response = client.post(reverse("plans:plan_issue", args=[district_plan.pk]), ISSUE)
    assert response.status_code == 302
    plan = Plan.objects.get(pk=district_plan.pk)
    assert (plan.status, plan.signer, plan.issued_by) == (PlanStatus.ISSUED, "Nguyễn Văn A", people.district_officer)
    allocation = plan.allocations.first()
    bucket = plan.buckets.first()
    writes = [
        ("plans:plan_edit", {"title": "x"}),
        ("plans:plan_grid", {}),
        ("plans:grid_cell", {"allocation": allocation.pk, "bucket": bucket.pk, "value": "99"}),
        ("plans:grid_add_row", {"unit": tree.phu_ung.pk, "total": "5"}),
        ("plans:grid_add_bucket", {"kind": "round", "number": "3"}),
        ("plans:plan_targets", {}),
    ]
    for name, data in writes:
        refused = client.post(reverse(name, args=[plan.pk]), data)
        assert refused.status_code == 403, name
        assert "đã ban hành" in refused.content.decode() and "Điều chỉnh kế hoạch" in refused.content.decode()
    assert not plan.allocations.filter(cells__value=99).exists()
    with pytest.raises(services.PlanLocked):
        services.set_total(allocation, 1)
    detail = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("plans:plan_grid", args=[plan.pk]) not in detail  # no button behind which a 403 waits
    assert "Điều chỉnh kế hoạch" in detail


@pytest.mark.django_db
def test_an_amendment_has_its_own_number_and_keeps_what_changed(tree, people, district_plan, client_for):
    plan = _issued(district_plan)
    lower_row = plan.allocations.get(unit=tree.van_du)
    client = client_for(people.district_officer)
    client.post(reverse("plans:plan_amend", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AMENDING
    bucket = plan.buckets.get(key="round:1")
    response = client.post(
        reverse("plans:grid_cell", args=[plan.pk]), {"allocation": lower_row.pk, "bucket": bucket.pk, "value": "30"}
    )
    assert response.status_code == 200
    services.set_total(lower_row, 59)
    page = client.get(reverse("plans:plan_amendment_issue", args=[plan.pk])).content.decode()
    assert "xã Vân Du — Đợt I" in page and "25" in page and "30" in page
    response = client.post(
        reverse("plans:plan_amendment_issue", args=[plan.pk]),
        {"number": "20/KH-UBND", "date": "01/03/2024", "signer": "Nguyễn Văn A", "reason": "Vân Du nhận thêm 5"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    amendment = plan.amendments.get()
    assert (plan.status, amendment.sequence, amendment.reference) == (PlanStatus.ISSUED, 1, "20/KH-UBND")
    assert {"kind": CHANGED, "what": "xã Vân Du — Đợt I", "old": "25", "new": "30"} in amendment.changes
    assert {"kind": CHANGED, "what": "xã Vân Du — tổng", "old": "54", "new": "59"} in amendment.changes
    assert plan.allocations.get(pk=lower_row.pk).total == 59  # the same row: lower plans stay linked
    detail = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Điều chỉnh lần 1" in detail and "20/KH-UBND" in detail
    with pytest.raises(services.PlanLocked):
        services.set_total(lower_row, 60)


@pytest.mark.django_db
def test_an_amendment_without_changes_or_dated_before_the_plan_is_refused(tree, people, district_plan):
    plan = _issued(district_plan)
    services.open_amendment(plan)
    with pytest.raises(ValidationError, match="chưa thay đổi"):
        services.issue_amendment(plan, number="20", date=datetime.date(2024, 3, 1), signer="A")
    with pytest.raises(ValidationError, match="trước ngày ban hành"):
        services.issue_amendment(plan, number="20", date=datetime.date(2023, 3, 1), signer="A")
    with pytest.raises(ValidationError, match="đang có một văn bản điều chỉnh"):
        services.open_amendment(plan)


@pytest.mark.django_db
def test_a_reimport_does_not_overwrite_an_issued_plan(tmp_path, tree):
    path = APP_SEEDS / "seed-001-an-thi-14-KH-UBND-2024.txt"
    plan, _changes = save_plan(analyse_file(path, tree.an_thi))
    services.issue(plan, number=plan.reference, date=plan.date, signer="Chủ tịch")
    changed = tmp_path / "changed.txt"
    changed.write_text(path.read_text(encoding="utf-8").replace("54", "55", 1), encoding="utf-8")
    with pytest.raises(PlanImportError, match="đã ban hành"):
        save_plan(analyse_file(changed, tree.an_thi))


rows = st.dictionaries(
    st.sampled_from(["1", "2", "3", "4"]),
    st.fixed_dictionaries(
        {
            "unit": st.sampled_from(["xã Vân Du", "xã Phù Ủng"]),
            "total": st.none() | st.integers(0, 500),
            "cells": st.dictionaries(st.sampled_from(["Tháng 5", "Đợt I"]), st.integers(0, 99)),
        }
    ),
)
snapshots = st.fixed_dictionaries(
    {"fields": st.dictionaries(st.sampled_from(["Trích yếu", "Từ ngày"]), st.text(max_size=5)), "rows": rows}
)


@given(snapshots)
def test_a_snapshot_compared_with_itself_has_no_difference(snapshot):
    assert differences(snapshot, snapshot) == []


@given(snapshots, snapshots)
def test_every_row_added_or_removed_is_named(before, after):
    changes = differences(before, after)
    added = {c.what for c in changes if c.kind == ADDED}
    removed = {c.what for c in changes if c.kind == REMOVED}
    for key in after["rows"].keys() - before["rows"].keys():
        assert after["rows"][key]["unit"] in added
    for key in before["rows"].keys() - after["rows"].keys():
        assert before["rows"][key]["unit"] in removed
    assert (changes == []) == (_filled(before) == _filled(after))


def _filled(snapshot):
    return {k: v for k, v in snapshot["fields"].items() if v}, snapshot["rows"]
