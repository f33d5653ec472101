"""Re-importing a corrected appendix updates the plan in place (rows keep their ids, so lower plans and
drives stay linked), keeps rows added on the grid, reports what changed, and never makes a second plan."""

import datetime
import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from hienmau.drives.models import Drive
from hienmau.orgs.models import Unit
from hienmau.plans import importer, services
from hienmau.plans.importer import analyse_pasted, save_plan
from hienmau.plans.models import Allocation, Plan
from tests.plans.helpers import RESULT_KEYS

HEAD = "Số: 14/KH-UBND\nÂn Thi, ngày 17 tháng 01 năm 2024\nKẾ HOẠCH\nHiến máu tình nguyện năm 2024\nPHỤ LỤC\n"
TABLE_V1 = (
    "STT\tĐơn vị\tĐợt I\tĐợt II\tTổng\n"
    "1\tXã Vân Du\t25\t29\t54\n"
    "2\tXã Phù Ứng\t31\t30\t61\n"
    "3\tTrường THPT Ân Thi\t\t30\t30\n"
    "\tTổng cộng\t56\t89\t145\n"
)
TABLE_V2 = (
    "STT\tĐơn vị\tĐợt I\tĐợt II\tTổng\n"
    "1\tXã Vân Du\t30\t29\t59\n"
    "2\tTrường THPT Ân Thi\t5\t30\t35\n"
    "3\tĐội thanh niên tình nguyện\t10\t\t10\n"
    "\tTổng cộng\t45\t59\t104\n"
)


def imported(tree, text):
    return save_plan(analyse_pasted(text, tree.an_thi), source_name="phu-luc.txt")


@pytest.fixture
def first(tree):
    plan, changes = imported(tree, HEAD + TABLE_V1)
    assert changes.status == "created" and len(changes.added) == 3
    return plan


def test_a_corrected_appendix_updates_the_plan_in_place_and_reports_what_changed(tree, first):
    van_du = first.allocations.get(unit=tree.van_du)
    school = first.allocations.get(unit=tree.school)
    lower = Plan.objects.create(issuing_unit=tree.van_du, title="Kế hoạch xã Vân Du", received_allocation=van_du)
    round_2 = first.buckets.get(key="round:2")
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Đợt II",
        plan=first,
        bucket=round_2,
        date=datetime.date(2024, 6, 1),
        start_time=datetime.time(7),
        site_name="Nhà văn hoá",
    )
    police = Unit.objects.create(name="Công an huyện", kind="organisation", category="armed_forces", parent=tree.an_thi)
    by_hand = services.add_allocation(first, police, 12)
    services.set_cell(van_du, first.buckets.get(key="round:1"), 26)  # an edit on the grid

    plan, changes = imported(tree, HEAD + TABLE_V2)

    assert plan.pk == first.pk and Plan.objects.count() == 2  # this plan and the commune's
    assert changes.status == "updated" and bool(changes)
    assert plan.allocations.get(unit=tree.van_du).pk == van_du.pk
    assert plan.allocations.get(unit=tree.school).pk == school.pk
    lower.refresh_from_db()
    drive.refresh_from_db()
    assert lower.received_allocation_id == van_du.pk and drive.bucket_id == round_2.pk
    assert not plan.allocations.filter(unit=tree.phu_ung).exists()
    kept = Allocation.objects.get(pk=by_hand.pk)
    assert kept.total == 12 and not kept.from_import
    van_du.refresh_from_db()
    assert van_du.total == 59 and {c.bucket.key: c.value for c in van_du.cells.all()} == {"round:1": 30, "round:2": 29}
    assert {c.bucket.key: c.value for c in plan.allocations.get(unit=tree.school).cells.all()} == {
        "round:1": 5,
        "round:2": 30,
    }
    report = changes.as_dict()
    assert report["plan"] == "updated"
    assert report["added"] == [{"unit": "Đội thanh niên tình nguyện", "total": 10, "buckets": {"round:1": 10}}]
    assert report["removed"] == [{"unit": "xã Phù Ứng", "total": 61, "buckets": {"round:1": 31, "round:2": 30}}]
    assert report["kept"] == [{"unit": "Công an huyện", "total": 12, "buckets": {}}]
    changed = {row["unit"]: row["fields"] for row in report["changed"]}
    assert changed["xã Vân Du"] == [
        {"field": "total", "old": 54, "new": 59},
        {"field": "round:1", "old": 26, "new": 30},
    ]
    assert changed["Trường THPT Ân Thi"] == [
        {"field": "total", "old": 30, "new": 35},
        {"field": "round:1", "old": None, "new": 5},
    ]
    assert "xã Vân Du: Tổng 54 → 59; Đợt I 26 → 30" in changes.details()
    assert [a.unit_name for a in plan.allocations.order_by("position")][-1] == "Công an huyện"


def test_a_removed_row_that_a_lower_plan_received_is_named_in_the_report(tree, first):
    phu_ung = first.allocations.get(unit=tree.phu_ung)
    Plan.objects.create(
        issuing_unit=tree.phu_ung, number="3", suffix="KH-UBND", title="Kế hoạch xã", received_allocation=phu_ung
    )
    _plan, changes = imported(tree, HEAD + TABLE_V2)
    assert changes.as_dict()["removed"][0]["lower_plans"] == ["3/KH-UBND"]
    assert any("3/KH-UBND" in line for line in changes.details())


def test_the_same_file_again_changes_nothing(tree, first):
    history = first.history.count()
    plan, changes = imported(tree, HEAD + TABLE_V1)
    assert plan.pk == first.pk and not changes and changes.status == "unchanged"
    assert first.history.count() == history


def test_the_same_unnumbered_file_imported_twice_makes_one_plan(tree):
    text = HEAD.replace("Số: 14/KH-UBND\n", "") + TABLE_V1
    first, _ = imported(tree, text)
    again, changes = imported(tree, text)
    assert again.pk == first.pk and not changes
    corrected, changes = imported(tree, HEAD.replace("Số: 14/KH-UBND\n", "") + TABLE_V2)
    assert corrected.pk == first.pk and changes.status == "updated"
    assert Plan.objects.count() == 1


def test_the_command_adds_the_changes_only_when_it_saves(tree, tmp_path):
    path = tmp_path / "phu-luc.txt"
    path.write_text(HEAD + TABLE_V1, encoding="utf-8")

    def run(*extra) -> dict:
        out = StringIO()
        call_command("plan", "import", str(path), "--json", "--unit", "329", *extra, stdout=out, stderr=StringIO())
        return json.loads(out.getvalue())

    assert set(run("--dry-run")) == RESULT_KEYS
    created = run()
    assert set(created) == RESULT_KEYS | {"changes"} and created["changes"]["plan"] == "created"
    path.write_text(HEAD + TABLE_V2, encoding="utf-8")
    updated = run()
    assert updated["changes"]["plan"] == "updated"
    assert {"unit": "xã Phù Ứng", "total": 61, "buckets": {"round:1": 31, "round:2": 30}} in updated["changes"][
        "removed"
    ]
    assert run()["changes"] == {"plan": "unchanged", "added": [], "changed": [], "removed": [], "kept": []}


def test_the_preview_and_the_confirmation_say_what_changes(tree, people, client_for, first):
    client = client_for(people.district_officer)
    preview = client.post(reverse("plans:plan_import"), {"text": HEAD + TABLE_V2, "issuing_unit": tree.an_thi.pk})
    body = preview.content.decode()
    assert "So với kế hoạch đã có" in body and "xã Vân Du: Tổng 54 → 59; Đợt I 25 → 30" in body
    assert Allocation.objects.filter(plan=first, unit=tree.phu_ung).exists()  # nothing saved yet
    saved = client.post(
        reverse("plans:plan_import"), {"token": preview.context["token"], "issuing_unit": tree.an_thi.pk}, follow=True
    )
    shown = [str(m) for m in saved.context["messages"]]
    assert shown[0].startswith("Đã cập nhật kế hoạch 14/KH-UBND: thêm 1 dòng, sửa 2 dòng, bỏ 1 dòng")
    assert "Bỏ xã Phù Ứng: tổng 61" in shown


def test_a_plan_saved_by_someone_else_meanwhile_is_a_409_and_saves_nothing(
    tree, people, client_for, first, monkeypatch
):
    """Two confirms of the same new plan: the second finds no plan when it looks, then the number is taken."""
    client = client_for(people.district_officer)
    preview = client.post(reverse("plans:plan_import"), {"text": HEAD + TABLE_V2, "issuing_unit": tree.an_thi.pk})
    monkeypatch.setattr(importer, "_find_plan", lambda *args: None)
    response = client.post(
        reverse("plans:plan_import"), {"token": preview.context["token"], "issuing_unit": tree.an_thi.pk}
    )
    assert response.status_code == 409
    assert "đã được nhập" in response.content.decode()
    assert Plan.objects.count() == 1 and first.allocations.filter(unit=tree.phu_ung).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises the two writers")
@pytest.mark.django_db(transaction=True)
def test_two_confirms_of_the_same_new_plan_at_once_make_one_plan(tree):
    analysis = analyse_pasted(HEAD + TABLE_V1, tree.an_thi)
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm():
        try:
            barrier.wait()
            _plan, changes = save_plan(analysis)
            outcomes.append(changes.status)
        except importer.PlanAlreadyImported:
            outcomes.append("409")
        except Exception as exc:  # a 500 in the view
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) in (["created", "unchanged"], ["409", "created"]), outcomes
    assert Plan.objects.count() == 1
