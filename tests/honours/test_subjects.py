"""Families, recruiters and units in an honour round: who is proposed at the cut-off day, never twice for a
tier (families) or a year (recruiters, units) already received; recruiters recorded from a unit's list by
CCCD only; the round page, the list and the certificates."""

import datetime
import io
import subprocess

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from hienmau.core.clock import frozen
from hienmau.donors.models import Donation, Donor, Household
from hienmau.drives.models import Drive, Registration, TimeSlot
from hienmau.honours import services
from hienmau.honours.lib import candidates as C
from hienmau.honours.models import Honour, HonourRound, HonourStatus, Subject
from hienmau.orgs.scoping import unit_scope
from hienmau.reports.services import unit_year
from hienmau.results import services as results
from hienmau.results.lib.rules import Counts
from tests.plans.conftest import make_plan

pytestmark = pytest.mark.django_db
CUTOFF = datetime.date(2024, 12, 31)
FAMILY_TIERS = (3, 5, 10, 15, 20)


def donor(name, dob, commune, sex="M", times=0, household=None, last=CUTOFF, **extra) -> Donor:
    person = Donor.objects.create(
        full_name=name, date_of_birth=dob, commune=commune, sex=sex, household=household, **extra
    )
    give(person, times, last)
    return person


def give(person: Donor, times: int, last: datetime.date = CUTOFF) -> None:
    Donation.objects.bulk_create(
        Donation(donor=person, date=last - datetime.timedelta(days=90 * i), volume_ml=350) for i in range(times)
    )


def families(unit, cutoff=CUTOFF):
    return [(f.proposal.name, f.proposal.count, f.proposal.tier) for f in services.family_candidates(
        unit_scope(unit), cutoff, FAMILY_TIERS)]  # fmt: skip


# --- rules ---------------------------------------------------------------------------------------


@given(counts=st.lists(st.integers(0, 40), max_size=6), received=st.sets(st.sampled_from(FAMILY_TIERS)))
def test_a_family_is_proposed_for_its_highest_new_tier_of_the_summed_count(counts, received):
    total = C.family_count(counts)
    assert total == sum(counts)
    tier = C.family_tier(total, frozenset(received), FAMILY_TIERS)
    if tier is not None:
        assert tier <= total and tier not in received and all(tier > r for r in received)
        assert tier == max(t for t in FAMILY_TIERS if t <= total)


@given(value=st.integers(0, 400), honoured=st.booleans())
def test_a_yearly_honour_needs_the_threshold_and_comes_once_a_year(value, honoured):
    tier = C.yearly_tier(value, 100, honoured)
    assert (tier == 100) == (value >= 100 and not honoured)


@pytest.mark.parametrize(
    ("name", "sex", "title"),
    [
        ("Nguyễn Văn An", "M", "Gia đình ông Nguyễn Văn An"),
        ("Hộ ông Nguyễn Văn An", "", "Gia đình ông/bà Nguyễn Văn An"),
        ("Gia đình bà  Trần Thị Bình", "F", "Gia đình bà Trần Thị Bình"),
    ],
)
def test_a_family_is_named_from_its_household(name, sex, title):
    assert C.family_title(name, sex) == title


def test_the_achievement_months_are_those_ended_by_the_cutoff():
    assert services.achievement_months(datetime.date(2024, 12, 31)) == (1, 12)
    assert services.achievement_months(datetime.date(2025, 6, 14)) == (1, 5)
    assert services.achievement_months(datetime.date(2025, 6, 30)) == (1, 6)
    assert services.achievement_months(datetime.date(2025, 1, 10)) is None


# --- families ------------------------------------------------------------------------------------


@pytest.fixture
def family(tree):
    house = Household.objects.create(name="Nguyễn Văn Cường", commune=tree.van_du)
    father = donor("Nguyễn Văn Cường", datetime.date(1970, 3, 3), tree.van_du, times=3, household=house)
    mother = donor("Trần Thị Lụa", datetime.date(1972, 4, 4), tree.van_du, sex="F", times=1, household=house)
    return house, father, mother


def test_a_familys_donations_at_the_cutoff_day_count_and_the_day_after_does_not(tree, family):
    house, father, mother = family
    assert families(tree.an_thi) == [("Gia đình ông Nguyễn Văn Cường", 4, 3)]
    give(mother, 1, CUTOFF + datetime.timedelta(days=1))  # a day late: still 4
    assert families(tree.an_thi) == [("Gia đình ông Nguyễn Văn Cường", 4, 3)]
    give(mother, 1, CUTOFF - datetime.timedelta(days=30))  # the 5th, inside the cut-off
    assert families(tree.an_thi) == [("Gia đình ông Nguyễn Văn Cường", 5, 5)]
    assert families(tree.phu_ung) == []  # another commune's scope does not reach them


def test_merged_duplicates_and_imported_history_count_as_for_a_person(tree, family):
    house, father, mother = family
    # A duplicate record of the mother holding the same visit, merged into her: counted once.
    twin = donor("Trần Thị Lụa", datetime.date(1972, 4, 4), tree.van_du, sex="F", times=1, household=house)
    twin.merged_into = mother
    twin.save()
    assert families(tree.an_thi) == [("Gia đình ông Nguyễn Văn Cường", 4, 3)]
    # An old list said the father had given 9 times by 2020; his 3 recorded since count on top (12).
    Honour.objects.create(
        owner=tree.an_thi, donor=father, tier=5, count=9, year=2020, name=father.full_name,
        status=HonourStatus.APPROVED,
    )  # fmt: skip
    give(father, 0)
    assert families(tree.an_thi) == [("Gia đình ông Nguyễn Văn Cường", 13, 10)]


def test_a_family_is_never_proposed_twice_for_a_tier_received(tree, family):
    house, father, mother = family
    Honour.objects.create(
        subject=Subject.FAMILY, owner=tree.an_thi, household=house, tier=3, count=4, year=2023,
        name="Gia đình ông Nguyễn Văn Cường", status=HonourStatus.APPROVED,
    )  # fmt: skip
    assert families(tree.an_thi) == []
    give(mother, 1, CUTOFF - datetime.timedelta(days=45))
    assert families(tree.an_thi) == [("Gia đình ông Nguyễn Văn Cường", 5, 5)]


# --- recruiters ----------------------------------------------------------------------------------


def _drive(tree, day):
    drive = Drive.objects.create(
        organiser=tree.an_thi, title="Ngày hội hiến máu", date=day, start_time=datetime.time(7),
        end_time=datetime.time(11), site_name="Nhà văn hoá", target_units=100, expected_direct=100,
        expected_reserve=0,
    )  # fmt: skip
    TimeSlot.objects.create(
        drive=drive, unit=tree.van_du, start_time=datetime.time(7), end_time=datetime.time(11), quota=500
    )
    return drive


def recruit(tree, recruiter, n, day, start=0):
    """n people registered as recruited by `recruiter`, each donating on `day`."""
    drive = _drive(tree, day)
    for i in range(start, start + n):
        person = Donor.objects.create(full_name=f"Người Thứ {i}", commune=tree.van_du)
        donation = Donation.objects.create(donor=person, date=day, volume_ml=350)
        Registration.objects.create(
            drive=drive, unit=tree.van_du, donor=person, full_name=person.full_name, donation=donation,
            recruited_by=recruiter,
        )  # fmt: skip


@pytest.fixture
def recruiter(tree):
    return donor("Phạm Thị Vận", datetime.date(1975, 5, 5), tree.van_du, sex="F", cccd="033175000123")


def recruiters(unit, cutoff=CUTOFF):
    return [(p.name, p.count) for p in services.recruiter_candidates(unit_scope(unit), cutoff, 100)]


def test_a_recruiter_counts_the_donations_recruited_in_the_year_up_to_the_cutoff(tree, recruiter):
    recruit(tree, recruiter, 60, datetime.date(2023, 11, 1))  # last year: not counted
    recruit(tree, recruiter, 99, datetime.date(2024, 10, 1), start=100)
    assert recruiters(tree.an_thi) == []
    recruit(tree, recruiter, 1, CUTOFF + datetime.timedelta(days=1), start=300)  # after the cut-off
    assert recruiters(tree.an_thi) == []
    recruit(tree, recruiter, 1, CUTOFF, start=400)  # on the cut-off day
    assert recruiters(tree.an_thi) == [("Phạm Thị Vận", 100)]
    assert recruiters(tree.phu_ung) == []


def test_a_recruiter_honoured_this_year_is_not_proposed_again_but_is_next_year(tree, recruiter):
    recruit(tree, recruiter, 100, datetime.date(2024, 5, 1))
    Honour.objects.create(
        subject=Subject.RECRUITER, owner=tree.an_thi, donor=recruiter, tier=100, count=100, year=2024,
        name=recruiter.full_name, status=HonourStatus.APPROVED,
    )  # fmt: skip
    assert recruiters(tree.an_thi) == []
    recruit(tree, recruiter, 100, datetime.date(2025, 5, 1), start=200)
    assert recruiters(tree.an_thi, datetime.date(2025, 6, 14)) == [("Phạm Thị Vận", 100)]


LIST = (
    "STT\tHọ và tên\tNgày sinh\tGiới tính\tSố CCCD\tNgười vận động\n"
    "1\tNguyễn Văn Một\t12/05/1990\tNam\t033090012345\tPhạm Thị Vận - 033175000123\n"
    "2\tNguyễn Văn Hai\t12/05/1991\tNam\t033091012345\t037180000999\n"
    "3\tNguyễn Văn Ba\t12/05/1992\tNam\t033092012345\tPhạm Thị Vận\n"
)


def test_a_units_list_records_the_recruiter_by_cccd_in_scope_only(tree, people, client_for, recruiter):
    # Someone with the recruiter's CCCD elsewhere, and a namesake born the same day: neither links.
    donor("Lê Văn Xa", datetime.date(1980, 1, 1), tree.an_giang, cccd="037180000999")
    drive = _drive(tree, datetime.date(2024, 7, 9))
    client = client_for(people.van_du_focal)
    with frozen(datetime.date(2024, 7, 1)):
        preview = client.post(reverse("drives:list_submit", args=[drive.pk]), {"unit": tree.van_du.pk, "text": LIST})
        body = preview.content.decode()
        assert "Người vận động" in body and "033175000123" not in body
        assert "gắn với hồ sơ" in body and "chưa ghi nhận người vận động" in body
        assert "không ghi số CCCD" in body  # line 3: a name alone
        saved = client.post(
            reverse("drives:list_submit", args=[drive.pk]),
            {"token": preview.context["token"], "unit": tree.van_du.pk, "line": ["1", "2", "3"]},
            follow=True,
        )
    assert "Các dòng 2 ghi người vận động có số CCCD không có trong sổ" in saved.content.decode()
    by_name = dict(Registration.objects.values_list("full_name", "recruited_by"))
    assert by_name == {"Nguyễn Văn Một": recruiter.pk, "Nguyễn Văn Hai": None, "Nguyễn Văn Ba": None}


# --- units ---------------------------------------------------------------------------------------


@pytest.fixture
def achieved(tree):
    """Ân Thi's 2024 plan: Vân Du 54 units (gives 60: 111 %), Phù Ứng 61 (gives 30)."""
    make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29]), (tree.phu_ung, 61, [31, 30])])
    results.set_tally_entry(tree.van_du.pk, datetime.date(2024, 5, 12), Counts(collected=60))
    results.set_tally_entry(tree.phu_ung.pk, datetime.date(2024, 5, 12), Counts(collected=30))
    return tree


def units(unit, cutoff=CUTOFF):
    return [(p.name, p.count) for p in services.unit_candidates(unit, cutoff, 100)]


def test_units_reaching_the_tier_by_the_reports_achievement_are_proposed_once_a_year(achieved):
    tree = achieved
    assert units(tree.an_thi) == [("xã Vân Du", 111)]
    Honour.objects.create(
        subject=Subject.UNIT, owner=tree.an_thi, honoured_unit=tree.van_du, tier=100, count=111, year=2024,
        name="xã Vân Du", status=HonourStatus.APPROVED,
    )  # fmt: skip
    assert units(tree.an_thi) == []


# --- the round -----------------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_round_proposes_and_prints_families_recruiters_and_units(
    achieved, family, recruiter, people, client_for, tmp_path
):
    tree = achieved
    recruit(tree, recruiter, 100, datetime.date(2024, 9, 1))
    hung = donor("Nguyễn Văn Hùng", datetime.date(1980, 5, 12), tree.van_du, times=21)
    client = client_for(people.district_officer)
    client.post(reverse("honours:round_create"), {"occasion": "year_end", "cutoff": "31/12/2024"})
    honour_round = HonourRound.objects.get()
    # The reports' own figure (the donations recorded above count as results too): not recomputed here.
    report = unit_year(tree.an_thi, 2024, by="unit")
    percent = int(
        next(r["percent"] for r, pk in zip(report.rows, report.unit_ids, strict=True) if pk == tree.van_du.pk)
    )
    proposed = {(h.subject, h.name): (h.tier, h.count) for h in honour_round.honours.all()}
    assert proposed == {
        ("individual", "Nguyễn Văn Hùng"): (20, 21),
        ("family", "Gia đình ông Nguyễn Văn Cường"): (3, 4),
        ("recruiter", "Phạm Thị Vận"): (100, 100),
        ("unit", "xã Vân Du"): (100, percent),
    }
    page = client.get(reverse("honours:round_detail", args=[honour_round.pk])).content.decode()
    assert "Gia đình đạt 3 lần hiến (1 gia đình)" in page
    assert "Thành viên: Nguyễn Văn Cường (3 lần), Trần Thị Lụa (1 lần)" in page
    assert "Người vận động được từ 100 lần hiến trong năm 2024 (1 người)" in page
    assert "Tập thể đạt từ 100% chỉ tiêu năm 2024 (1 tập thể)" in page and f"{percent}%" in page
    client.post(
        reverse("honours:round_approve", args=[honour_round.pk]),
        {"decision_number": "30/QĐ-BCĐ", "decision_date": "10/01/2025"},
    )
    numbers = dict(honour_round.honours.values_list("subject", "certificate_number"))
    assert numbers == {"individual": "001/2024", "family": "002/2024", "recruiter": "003/2024", "unit": "004/2024"}

    listing = pdf_text(client.get(reverse("honours:round_export", args=[honour_round.pk, "pdf"])).content, tmp_path)
    assert "GIA ĐÌNH HIẾN MÁU TÌNH NGUYỆN ĐẠT 3 LẦN HIẾN" in listing and "Gia đình ông Nguyễn Văn Cường" in listing
    assert "NGƯỜI VẬN ĐỘNG ĐƯỢC TỪ 100 LẦN HIẾN MÁU" in listing and "TẬP THỂ ĐẠT TỪ 100% CHỈ TIÊU" in listing
    assert "Tổng cộng: 2 người, 1 gia đình, 1 tập thể" in listing

    certificates = client.get(reverse("honours:round_export", args=[honour_round.pk, "certificates"])).content
    text = pdf_text(certificates, tmp_path)
    assert text.count("GIẤY KHEN") == 4
    assert "TÔN VINH GIA ĐÌNH HIẾN MÁU TÌNH NGUYỆN TIÊU BIỂU" in text and "Gia đình ông Nguyễn Văn Cường" in text
    assert "Bà Phạm Thị Vận" in text and "Đã vận động được 100 lần hiến máu tình nguyện trong năm 2024" in text
    assert f"Đã hoàn thành {percent}% chỉ tiêu" in text

    sheet = client.get(reverse("honours:round_export", args=[honour_round.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(sheet.content))
    assert book.sheetnames == ["Danh sách tôn vinh", "Gia đình, vận động, tập thể"]
    first = [r[1] for r in book.worksheets[0].iter_rows(values_only=True) if r and len(r) > 1]
    assert "Nguyễn Văn Hùng" in first and "Gia đình ông Nguyễn Văn Cường" not in first
    second = [r[1] for r in book.worksheets[1].iter_rows(values_only=True) if r and len(r) > 1]
    assert "Gia đình ông Nguyễn Văn Cường" in second and "xã Vân Du" in second

    # Received now: the next round of the year proposes none of them again.
    client.post(reverse("honours:round_create"), {"occasion": "other", "cutoff": "31/12/2024"})
    assert not HonourRound.objects.exclude(pk=honour_round.pk).get().honours.exists()
    donor_page = client.get(reverse("donors:donor_detail", args=[recruiter.pk])).content.decode()
    assert "Người vận động" in donor_page and "100 lần hiến được vận động" in donor_page
    assert hung.honours.get().tier == 20


def test_the_candidates_command_keeps_its_contract_and_adds_the_other_subjects_on_request(achieved, family, recruiter):
    import json

    from django.core.management import call_command

    tree = achieved
    tree.an_thi.code = "329"
    tree.an_thi.save()
    recruit(tree, recruiter, 100, datetime.date(2024, 9, 1))
    out = io.StringIO()
    call_command("honours", "candidates", "--unit", "329", "--cutoff", "2024-12-31", "--json", stdout=out)
    assert list(json.loads(out.getvalue())) == ["candidates"]
    out = io.StringIO()
    call_command(
        "honours", "candidates", "--unit", "329", "--cutoff", "2024-12-31", "--all-subjects", "--json", stdout=out
    )
    found = json.loads(out.getvalue())
    house, father, mother = family
    assert found["families"] == [
        {"household_id": house.pk, "name": "Gia đình ông Nguyễn Văn Cường", "count": 4, "tier": 3,
         "members": [father.pk, mother.pk]}
    ]  # fmt: skip
    assert found["recruiters"] == [{"donor_id": recruiter.pk, "name": "Phạm Thị Vận", "count": 100, "tier": 100}]
    assert [(u["unit_id"], u["tier"]) for u in found["units"]] == [(tree.van_du.pk, 100)]
