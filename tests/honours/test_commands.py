"""`hienmau honours candidates` and `hienmau honours import` on the test tree: who a round proposes at the
cut-off day, for already-honoured people, merged duplicates and old lists; an untidy old list attached
to donors inside the importer's scope only."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hienmau.donors.models import Donation, Donor, TransferRequest
from hienmau.donors.registry import decide_transfer
from hienmau.honours.models import Honour, HonourStatus, LocalTier, MatchStatus, PastImport
from hienmau.orgs.models import Role
from hienmau.orgs.scoping import Scope, unit_scope

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
CUTOFF = datetime.date(2025, 6, 14)


def run(*args) -> dict:
    out = io.StringIO()
    call_command("honours", *args, stdout=out)
    return json.loads(out.getvalue())


def donor(name, dob, commune, **extra) -> Donor:
    return Donor.objects.create(full_name=name, date_of_birth=dob, commune=commune, **extra)


def give(person: Donor, times: int, last: datetime.date = CUTOFF, every: int = 90) -> None:
    Donation.objects.bulk_create(
        Donation(donor=person, date=last - datetime.timedelta(days=every * i), volume_ml=350) for i in range(times)
    )


def past(person: Donor, tier: int, year: int, count: int | None = None) -> Honour:
    return Honour.objects.create(
        owner=person.commune, donor=person, tier=tier, count=count or tier, year=year, name=person.full_name,
        status=HonourStatus.APPROVED,
    )  # fmt: skip


@pytest.fixture
def tree_codes(tree):
    tree.an_thi.code = "329"
    tree.an_thi.save()
    return tree


def candidates(unit="329", cutoff=CUTOFF, *extra):
    return run("candidates", "--unit", unit, "--cutoff", cutoff.isoformat(), *extra, "--json")["candidates"]


def test_the_cutoff_day_counts_and_the_day_after_does_not(tree_codes):
    tree = tree_codes
    on_the_day = donor("Nguyễn Văn Hùng", datetime.date(1980, 5, 12), tree.van_du)
    give(on_the_day, 20)  # the 20th on the cut-off day itself
    day_after = donor("Trần Thị Hoa", datetime.date(1985, 9, 3), tree.phu_ung)
    give(day_after, 20, last=CUTOFF + datetime.timedelta(days=1))
    give(day_after, 1, last=CUTOFF + datetime.timedelta(days=30))
    found = candidates()
    assert found == [{"donor_id": on_the_day.pk, "name": "Nguyễn Văn Hùng", "count": 20, "tier": 20}]
    later = candidates("329", CUTOFF + datetime.timedelta(days=1))
    assert {(c["name"], c["count"], c["tier"]) for c in later} == {
        ("Nguyễn Văn Hùng", 20, 20),
        ("Trần Thị Hoa", 20, 20),
    }


def test_nobody_is_proposed_twice_for_a_tier_received_at_any_level(tree_codes):
    tree = tree_codes
    got_20 = donor("Lê Văn Tám", datetime.date(1979, 1, 1), tree.van_du)
    give(got_20, 25)
    past(got_20, 20, 2024, count=23)  # as recorded by the end of 2024
    got_30_missed_nothing = donor("Phạm Minh Đức", datetime.date(1975, 2, 1), tree.van_du)
    give(got_30_missed_nothing, 33)
    past(got_30_missed_nothing, 20, 2022, count=23)
    past(got_30_missed_nothing, 30, 2024, count=31)
    ready_for_30 = donor("Đỗ Thị Lan", datetime.date(1982, 11, 20), tree.phu_ung)
    give(ready_for_30, 31)
    past(ready_for_30, 20, 2022, count=21)
    assert candidates() == [{"donor_id": ready_for_30.pk, "name": "Đỗ Thị Lan", "count": 31, "tier": 30}]


def test_merged_duplicates_count_each_day_once(tree_codes):
    tree = tree_codes
    survivor = donor("Vũ Thị Mai", datetime.date(1990, 8, 15), tree.van_du)
    give(survivor, 12)
    merged = donor("Vũ Thị Mai", datetime.date(1990, 8, 15), tree.van_du)
    give(merged, 10)  # the last two days are the same visits as the survivor's last two
    give(merged, 8, last=CUTOFF - datetime.timedelta(days=12 * 90 + 45))
    merged.merged_into = survivor
    merged.save()
    # 12 days + the 8 others = 20 distinct days (the 10 first ones repeat the survivor's days)
    assert candidates() == [{"donor_id": survivor.pk, "name": "Vũ Thị Mai", "count": 20, "tier": 20}]


def test_an_old_lists_count_counts_with_the_donations_recorded_after_its_year(tree_codes):
    tree = tree_codes
    person = donor("Hoàng Văn Nam", datetime.date(1970, 3, 3), tree.van_du)
    give(person, 3)  # 14/06/2025, 16/03/2025, 16/12/2024: all after the list's year
    give(person, 1, last=datetime.date(2019, 3, 1))  # in the list's year: already in its count
    past(person, 20, 2019, count=26)
    # 26 + 3 = 29: the 20 is received, the 30 not reached yet.
    assert candidates() == []
    give(person, 1, last=datetime.date(2024, 1, 10))
    assert candidates() == [{"donor_id": person.pk, "name": "Hoàng Văn Nam", "count": 30, "tier": 30}]
    # An honour of a year after the cut-off's is received (never proposed again) but adds no count.
    past(person, 30, 2026, count=30)
    assert candidates() == []


def test_only_the_units_scope_is_proposed_and_local_tiers_and_the_tiers_option_apply(tree_codes):
    tree = tree_codes
    mine = donor("Bùi Thị Thu", datetime.date(1992, 7, 7), tree.van_du)
    give(mine, 11)
    theirs = donor("Châu Thị Bé Ngọc", datetime.date(1990, 4, 4), tree.an_giang)
    give(theirs, 45)
    assert candidates() == []
    LocalTier.objects.create(unit=tree.hung_yen, count=10, award="Giấy khen của Hội Chữ thập đỏ tỉnh")
    assert candidates() == [{"donor_id": mine.pk, "name": "Bùi Thị Thu", "count": 11, "tier": 10}]
    assert candidates("329", CUTOFF, "--tiers", "5,20") == [
        {"donor_id": mine.pk, "name": "Bùi Thị Thu", "count": 11, "tier": 5}
    ]
    with pytest.raises(CommandError, match="--tiers"):
        candidates("329", CUTOFF, "--tiers", "hai mươi")
    with pytest.raises(CommandError, match="mã “999”"):
        candidates("999")


def test_candidates_are_in_vietnamese_name_order(tree_codes):
    tree = tree_codes
    for name in ("Trần Văn Bình", "Nguyễn Thị An", "Lê Chi"):
        give(donor(name, datetime.date(1980, 1, 1), tree.van_du), 20)
    assert [c["name"] for c in candidates()] == ["Nguyễn Thị An", "Trần Văn Bình", "Lê Chi"]


# --- importing an old list -----------------------------------------------------------------------


@pytest.fixture
def listed(tree_codes):
    """The people of data/ton-vinh-2019.txt as the registry knows them."""
    tree = tree_codes
    return {
        "hung": donor("Nguyễn Văn Hùng", datetime.date(1980, 5, 12), tree.van_du),
        # Two records of the scope fit "Trần Thị Hoa, 03/09/1985": nobody is chosen.
        "hoa": donor("Trần Thị Hoa", datetime.date(1985, 9, 3), tree.van_du),
        "hoa2": donor("Tran Thi Hoa", datetime.date(1985, 9, 3), tree.phu_ung),
        # Only another province has "Phạm Minh Đức, 01/02/1975": never attached, never shown.
        "duc": donor("Phạm Minh Đức", datetime.date(1975, 2, 1), tree.an_giang),
        "lan": donor("Đỗ Thị Lan", datetime.date(1982, 11, 20), tree.phu_ung),
    }


def test_an_untidy_old_list_is_attached_inside_the_scope_only(listed):
    result = run("import", str(DATA / "ton-vinh-2019.txt"), "--unit", "329", "--json")
    assert result["saved"] is True
    rows = {r["name"]: r for r in result["rows"]}
    assert {name: (r["status"], r["tier"], r["count"], r["year"]) for name, r in rows.items()} == {
        "Nguyễn Văn Hùng": ("linked", 20, 21, 2019),
        "Trần Thị Hoa": ("review", 20, 20, 2019),
        "Lê Văn Tám": ("review", 20, 22, 2019),  # a birth year only
        "Phạm Minh Đức": ("review", 30, 31, 2019),
        "Đỗ Thị Lan": ("linked", 30, 28, 2019),
    }
    assert rows["Nguyễn Văn Hùng"]["donor_id"] == listed["hung"].pk
    assert [(f["line"], f["column"], f["code"]) for f in result["findings"]] == [(18, "Số lần hiến", "inconsistent")]
    assert (result["linked"], result["review"], result["transfer"], result["already_imported"]) == (2, 3, 0, 0)
    assert not Honour.objects.filter(donor=listed["duc"]).exists()
    assert Donor.objects.count() == 5  # an old list creates nobody
    again = run("import", str(DATA / "ton-vinh-2019.txt"), "--unit", "329", "--json")
    assert again["already_imported"] == 5 and Honour.objects.count() == 5 and PastImport.objects.count() == 1


def test_a_dry_run_saves_nothing(listed):
    result = run("import", str(DATA / "ton-vinh-2019.txt"), "--unit", "329", "--dry-run", "--json")
    assert result["saved"] is False and result["linked"] == 2
    assert not Honour.objects.exists() and not PastImport.objects.exists()


def test_a_cccd_outside_the_scope_becomes_a_transfer_request_and_the_honour_waits(listed, tmp_path, people):
    duc = listed["duc"]
    duc.cccd = "089075001234"
    duc.sex = "M"
    duc.save()
    source = tmp_path / "ds.csv"
    source.write_text(
        "Danh sách tôn vinh năm 2024\nHọ và tên,Ngày sinh,Số CCCD,Số lần hiến\nNguyễn Văn Khác,01/02/1975,089075001234,31\n",
        encoding="utf-8",
    )
    result = run("import", str(source), "--unit", "329", "--json")
    assert [(r["status"], r["donor_id"]) for r in result["rows"]] == [("transfer", None)]
    honour = Honour.objects.get()
    assert honour.donor is None and honour.match == MatchStatus.TRANSFER
    transfer = TransferRequest.objects.get(donor=duc)
    editing = unit_scope(listed["duc"].commune)
    decide_transfer(
        transfer, Scope(editing.unit, Role.OFFICER, root_paths=editing.root_paths), people.province_officer, True
    )
    honour.refresh_from_db()
    assert honour.donor == duc and honour.match == MatchStatus.LINKED


def test_a_bad_list_saves_nothing_and_names_the_row(listed, tmp_path):
    source = tmp_path / "ds.txt"
    source.write_text(
        "DANH SÁCH TÔN VINH NĂM 2023\nSTT\tHọ và tên\tNgày sinh\tSố lần hiến\n1\tAn\t01/01/1990\t21\n"
        "2\tBình\t30/02/1991\t22\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="không lưu gì"):
        call_command("honours", "import", str(source), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["saved"] is False
    assert [(f["line"], f["column"], f["code"]) for f in result["findings"]] == [(4, "Ngày sinh", "invalid_date")]
    assert not Honour.objects.exists()
