"""`hienmau standby match … --json`: the contract's keys, compatibility, eligibility on the day, consent
and the requester's scope."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hienmau.donors.models import Donation, Donor
from hienmau.orgs.models import Unit

pytestmark = pytest.mark.django_db

ON = "2026-05-04"


@pytest.fixture
def hospital(tree):
    return Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi, code="TTYT-AT"
    )


def person(name, commune, abo, rh, *, consent=True, last=None, component="whole_blood", facility=None):
    donor = Donor.objects.create(
        full_name=name,
        date_of_birth=datetime.date(1992, 3, 3),
        sex="M",
        weight_kg=60,
        commune=commune,
        abo=abo,
        rh=rh,
        consent_emergency=consent,
    )
    if last:
        Donation.objects.create(
            donor=donor, date=last, facility=facility, volume_ml=350, component=component, bag_number=f"B{donor.pk}"
        )
    return donor


def run(*args):
    out = StringIO()
    call_command("standby", "match", *args, "--on", ON, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_o_negative_request_lists_compatible_eligible_consenting_donors_in_scope(tree, hospital):
    near = person("Ngô Văn Gần", tree.van_du, "O", "-", last=datetime.date(2025, 10, 1), facility=hospital)
    club_far = person("Đỗ Thị Xa", tree.phu_ung, "O", "-", last=datetime.date(2024, 1, 5), facility=hospital)
    recent = person("Vũ Văn Vừa", tree.van_du, "O", "-", last=datetime.date(2026, 4, 20), facility=hospital)
    positive = person("Lý Văn Dương", tree.van_du, "O", "+")
    refused = person("Hồ Thị Không", tree.van_du, "O", "-", consent=False)
    elsewhere = person("Mai Văn Giang", tree.an_minh, "O", "-")  # outside the hospital's scope
    answer = run("--group", "O-", "--component", "red_cells", "--units", "1", "--near", "TTYT-AT", "--urgent")
    ids = [c["donor_id"] for c in answer["candidates"]]
    assert set(ids) == {near.pk, club_far.pk}
    for excluded in (recent, positive, refused, elsewhere):
        assert excluded.pk not in ids
    first = answer["candidates"][0]
    assert set(first) == {"donor_id", "name", "group", "eligible_from", "reasons"}
    assert first["group"] == "O-" and first["reasons"]
    assert answer["wave"] == ids[:3]
    assert ids == [club_far.pk, near.pk]  # both in the hospital's district: the longest rested first
    assert answer["candidates"][1]["eligible_from"] == "2025-12-24"  # 84 days after the last donation


def test_each_component_has_its_own_interval(tree, hospital):
    gave = person(
        "Phan Văn Tiểu",
        tree.van_du,
        "A",
        "+",
        last=datetime.date(2026, 4, 16),
        component="platelets",
        facility=hospital,
    )  # 18 days before: past the 14 days after platelets
    whole = person("Tạ Văn Toàn", tree.van_du, "A", "+", last=datetime.date(2026, 4, 16), facility=hospital)
    answer = run("--group", "A+", "--component", "platelets", "--units", "2", "--near", "TTYT-AT")
    assert [c["donor_id"] for c in answer["candidates"]] == [gave.pk]  # not 84 days after whole blood yet
    assert whole.pk not in answer["wave"]


def test_bad_group_is_refused_in_vietnamese(tree, hospital):
    with pytest.raises(CommandError, match="Nhóm máu"):
        run("--group", "Z-", "--component", "red_cells", "--units", "1", "--near", "TTYT-AT")
