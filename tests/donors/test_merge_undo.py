"""Undoing a merge gives both records back exactly as they were: the merged record's own CCCD, and the
survivor's own (blank or not) values, not guesses."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from hienmau.donors.models import Donor, DonorMerge
from hienmau.donors.services import merge_donors, undo_merge


@pytest.fixture
def twin(donors, tree):
    """Another record of Nguyễn Văn Đức, with his own CCCD, phone, weight and address."""
    return Donor.objects.create(
        full_name="Nguyễn Văn Đức",
        date_of_birth=datetime.date(1990, 5, 12),
        sex="M",
        cccd="033090099999",
        phone="+84900000001",
        address="Thôn Vân Du",
        weight_kg=Decimal("62.5"),
        consent_date=datetime.date(2024, 3, 15),
        commune=tree.phu_ung,
    )


def fields(donor):
    donor.refresh_from_db()
    return {
        name: getattr(donor, name)
        for name in ("date_of_birth", "sex", "cccd", "phone", "address", "commune_id", "abo", "rh", "weight_kg")
    } | {"consent_date": donor.consent_date, "household_id": donor.household_id, "merged_into": donor.merged_into_id}


def test_undo_gives_the_merged_record_its_own_cccd_back(donors, twin, people):
    duc = donors["duc"]
    before_survivor, before_merged = fields(duc), fields(twin)

    merge = merge_donors(duc, twin, people.district_officer)
    assert fields(twin)["cccd"] is None and fields(duc)["cccd"] == "033090012345"
    undo_merge(merge, people.district_officer)

    assert fields(twin) == before_merged  # CCCD 033090099999 included
    assert fields(duc) == before_survivor


def test_undo_restores_the_survivors_blanks_exactly(donors, twin, people):
    an = donors["an"]  # no CCCD, no address, no weight
    before_survivor, before_merged = fields(an), fields(twin)

    merge = merge_donors(an, twin, people.district_officer)
    filled = fields(an)
    assert (filled["cccd"], filled["address"], filled["weight_kg"]) == ("033090099999", "Thôn Vân Du", Decimal("62.5"))
    undo_merge(merge, people.district_officer)

    assert fields(an) == before_survivor
    assert fields(twin) == before_merged


def test_an_edit_made_after_the_merge_stands(donors, twin, people):
    an = donors["an"]
    merge = merge_donors(an, twin, people.district_officer)
    an.refresh_from_db()
    an.address = "Số 5, đường Nguyễn Trãi"
    an.save()

    undo_merge(merge, people.district_officer)

    an.refresh_from_db()
    assert an.address == "Số 5, đường Nguyễn Trãi"
    assert an.cccd is None and an.weight_kg is None


def test_undo_refuses_when_the_cccd_now_belongs_to_someone_else(donors, twin, people):
    duc = donors["duc"]
    merge = merge_donors(duc, twin, people.district_officer)
    Donor.objects.create(full_name="Người khác", cccd="033090099999")

    with pytest.raises(ValidationError, match="CCCD"):
        undo_merge(merge, people.district_officer)
    assert DonorMerge.objects.get().undone_at is None
    twin.refresh_from_db()
    assert twin.merged_into_id == duc.pk


def test_a_merge_stored_before_the_originals_were_kept_still_undoes(donors, twin, people):
    an = donors["an"]
    merge = merge_donors(an, twin, people.district_officer)
    DonorMerge.objects.filter(pk=merge.pk).update(survivor_before={}, merged_before={})
    merge.refresh_from_db()

    undo_merge(merge, people.district_officer)

    an.refresh_from_db()
    twin.refresh_from_db()
    assert an.cccd is None and an.address == "" and twin.cccd == "033090099999"


def test_erasure_forgets_the_values_a_merge_kept_and_override_notes(donors, twin, people, hospital):
    from hienmau.donors.privacy import erase_donor
    from hienmau.donors.recording import Override, Visit, record_donation

    duc = donors["duc"]
    merge = merge_donors(duc, twin, people.district_officer)
    donation = record_donation(
        duc,
        Visit(date=datetime.date(2025, 8, 1), facility=hospital, volume_ml=350),  # 2 weeks after 18/07/2025
        user=people.district_officer,
        override=Override("BS. Mai", "Bệnh nhân cấp cứu cần máu nhóm O"),
    )
    assert "18/07/2025" in donation.override_refusal

    erase_donor(duc, people.district_officer)

    merge.refresh_from_db()
    assert merge.survivor_before == {} and merge.merged_before == {} and merge.filled_fields == {}
    donation.refresh_from_db()
    assert donation.override_refusal == "" and donation.override_reason == ""
    assert donation.override_physician == "BS. Mai"  # who allowed it is the facility's record, not the donor's
    for row in donation.history.all():
        assert row.override_refusal == "" and row.override_reason == ""
