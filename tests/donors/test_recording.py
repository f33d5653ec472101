"""One service records a donation: every path goes through donors/recording.py, with the same rules."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.clock import frozen
from hienmau.donors import recording
from hienmau.donors.models import Component, Donation, Outcome
from hienmau.donors.recording import FutureVisit, NotEligible, Override, Visit, record_donation
from hienmau.drives.lib.outcomes import DEFERRED, DONATED, NO_SHOW, OUTCOMES, REGISTERED, Step, next_step

SRC = Path(__file__).resolve().parents[2] / "src" / "hienmau"
WRITES = re.compile(
    r"Donation\.objects\.(create|bulk_create|get_or_create|update_or_create)\b"
    r"|(?<!class )\bDonation\("
    r"|insert_with_history\(\s*Donation\b"
    r"|bulk_create_with_history\(\s*\[?[^)]*Donation\b"
)


def test_only_the_recording_service_writes_donations():
    writers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and WRITES.search(path.read_text(encoding="utf-8"))
    )
    assert writers == ["donors/recording.py"]


# --- the pure parts ---------------------------------------------------------------------------------

texts = st.text(alphabet=st.sampled_from(" \tabcđếBS.ÂnHùng"), max_size=12)


@given(texts, texts)
def test_an_override_is_both_names_or_nothing(physician, reason):
    blank = (not physician.split(), not reason.split())
    if all(blank):
        assert Override.given(physician, reason) is None
    elif any(blank):
        with pytest.raises(ValidationError):
            Override.given(physician, reason)
    else:
        override = Override.given(physician, reason)
        assert override.physician == " ".join(physician.split()) and override.reason == " ".join(reason.split())


visits = st.builds(
    Visit,
    date=st.dates(datetime.date(2000, 1, 1), datetime.date(2025, 12, 31)),
    outcome=st.sampled_from([Outcome.DONATED, Outcome.DEFERRED]),
    component=st.sampled_from(list(Component.values)),
    volume_ml=st.sampled_from([250, 350, 450]),
    deferral_reason=st.sampled_from(["", "Huyết áp không đạt"]),
    deferral_until=st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2026, 12, 31)),
    benefit_kind=st.sampled_from(["", "cash", "gift"]),
    benefit_amount=st.none() | st.integers(0, 1_000_000),
)


@given(visits)
def test_a_deferral_has_no_volume_and_a_donation_no_deferral(visit):
    fields = recording._fields(visit, rate=lambda *args: None)
    if visit.outcome == Outcome.DEFERRED:
        assert fields["volume_ml"] is None and fields["benefit_kind"] == "" and fields["benefit_amount"] is None
        assert (fields["deferral_reason"], fields["deferral_until"]) == (visit.deferral_reason, visit.deferral_until)
    else:
        assert fields["deferral_reason"] == "" and fields["deferral_until"] is None
        assert fields["volume_ml"] == visit.volume_ml


days = st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))


@given(st.sampled_from([REGISTERED, DONATED, DEFERRED, NO_SHOW]), st.sampled_from(OUTCOMES), st.booleans(), days, days)
def test_outcome_steps(current, outcome, correction, drive_day, today):
    step = next_step(current, outcome, correction, drive_day, today)
    if drive_day > today:
        assert step == Step.TOO_EARLY  # nothing before the drive's day
    elif current == DONATED:
        assert step == Step.ALREADY_DONATED  # blood given is final
    elif current == DEFERRED and outcome == DEFERRED:
        assert step == Step.UPDATE_DEFERRAL  # two deferrals are one
    elif current == DEFERRED:
        assert step == (
            Step.NEEDS_CORRECTION
            if not correction
            else Step.REPLACE_DEFERRAL
            if outcome == DONATED
            else Step.REMOVE_DEFERRAL
        )
    else:
        assert step == Step.RECORD


# --- the service ------------------------------------------------------------------------------------


def test_a_visit_after_today_is_refused(donors, hospital):
    with frozen(datetime.date(2025, 10, 1)), pytest.raises(FutureVisit, match="chưa tới"):
        record_donation(donors["an"], Visit(date=datetime.date(2025, 10, 2), facility=hospital, volume_ml=350))
    assert not donors["an"].donations.exists()


def test_a_donor_without_a_birth_date_cannot_be_judged(donors, hospital):
    an = donors["an"]
    an.date_of_birth = None
    an.save()
    with pytest.raises(NotEligible, match="chưa có ngày sinh"):
        record_donation(an, Visit(date=datetime.date(2025, 10, 2), facility=hospital, volume_ml=350))


def test_an_override_is_kept_only_when_the_rules_refuse(donors, hospital, people):
    donation = record_donation(
        donors["an"],
        Visit(date=datetime.date(2025, 10, 2), facility=hospital, volume_ml=350),
        user=people.district_officer,
        override=Override("BS. Hùng", "Không cần"),
    )
    assert donation.override_physician == "" and donation.override_by is None


# --- the donor page's manual entry --------------------------------------------------------------------


def manual(client, donor, **fields):
    data = {
        "date": "02/10/2025",
        "outcome": "donated",
        "component": "whole_blood",
        "volume_ml": "350",
        "bag_number": "",
        "benefit_kind": "",
        "benefit_amount": "",
        **fields,
    }
    return client.post(reverse("donors:donation_create", args=[donor.pk]), data)


def test_manual_entry_inside_the_gap_is_refused_with_a_form_error(donors, people, client_for, hospital):
    client = client_for(people.district_officer)
    response = manual(client, donors["duc"], date="01/09/2025", facility=hospital.pk)  # 45 days after 18/07/2025

    assert response.status_code == 422
    page = response.content.decode()
    assert "Chưa đủ điều kiện hiến máu vào ngày này" in page and "cần cách ít nhất 12 tuần" in page
    assert "Chỉ ghi nhận khi bác sĩ cho phép" in page
    assert donors["duc"].donations.count() == 2


def test_manual_entry_with_a_physician_override_is_recorded(donors, people, client_for, hospital):
    client = client_for(people.district_officer)
    response = manual(
        client,
        donors["duc"],
        date="01/09/2025",
        facility=hospital.pk,
        override_physician="BS. Nguyễn Thị Mai",
        override_reason="Cấp cứu, nhóm máu phù hợp",
    )

    assert response.status_code == 302
    donation = donors["duc"].donations.get(date=datetime.date(2025, 9, 1))
    assert donation.override_physician == "BS. Nguyễn Thị Mai" and "12 tuần" in donation.override_refusal
    assert donation.override_by == people.district_officer
    history = client.get(reverse("donors:donor_history", args=[donors["duc"].pk])).content.decode()
    assert "Cấp cứu, nhóm máu phù hợp" in history and "BS. Nguyễn Thị Mai" in history


def test_manual_entry_of_an_eligible_donation_needs_no_override(donors, people, client_for, hospital):
    response = manual(client_for(people.district_officer), donors["an"], facility=hospital.pk)
    assert response.status_code == 302
    assert donors["an"].donations.get().outcome == Outcome.DONATED


def test_the_history_import_goes_through_the_recording_service(monkeypatch, donors, hospital, tmp_path):
    from hienmau.donors.importer import import_history

    calls = []
    original = recording.record_imported
    monkeypatch.setattr(
        "hienmau.donors.importer.record_imported", lambda rows: calls.append(len(rows)) or original(rows)
    )
    path = tmp_path / "lich-su.csv"
    path.write_text(
        "Họ và tên,Ngày sinh,Giới tính,Ngày hiến,Thể tích,Kết quả\nNguyễn Văn Mới,01/02/1990,Nam,05/09/2025,350,Đã hiến\n",
        encoding="utf-8",
    )
    result = import_history(path, hospital)
    assert result.donations_created == 1 and calls == [1]
    assert Donation.objects.filter(donor__full_name="Nguyễn Văn Mới", outcome=Outcome.DONATED).count() == 1
