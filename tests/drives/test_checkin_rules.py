"""The rules a check-in outcome must pass where blood is actually taken: eligibility (age, weight, gap,
a running deferral) unless a physician allows it, nothing before the drive's day, one deferral per
registration, and a "donated" after a "deferred" only as an explicit correction."""

# The fixtures come from test_checkin (imported below), so their names are parameters here too.
# ruff: noqa: F811

import datetime
import json

import pytest
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.donors.models import Donation, Outcome
from hienmau.donors.recording import Visit, record_donation
from hienmau.drives.models import CheckInEvent, Registration, RegistrationStatus
from tests.drives.test_checkin import DRIVE_DAY, drive, hospital, post_outcome, register, registrants  # noqa: F401

pytestmark = pytest.mark.urls("tests.drives.checkin_test_urls")


@pytest.fixture
def minor(drive, tree):
    """Born in 2010: 11 years old on the drive's day."""
    return register(drive, tree.van_du, "Vũ Minh Khôi", dob=datetime.date(2010, 3, 1))


def test_an_under_age_donation_is_refused_with_the_reason(client_for, people, drive, minor):
    response = post_outcome(client_for(people.district_officer), drive, minor, "evt-minor-1")

    assert response.status_code == 422
    answer = response.json()
    assert answer["ok"] is False and answer["override"] is True
    assert "Chưa đủ 18 tuổi" in answer["error"] and "01/03/2010" in answer["error"]
    assert any("Chưa đủ 18 tuổi" in reason for reason in answer["reasons"])
    minor.refresh_from_db()
    assert minor.status == RegistrationStatus.REGISTERED and minor.donation is None
    assert not Donation.objects.exists() and not CheckInEvent.objects.exists()


def test_a_physician_override_records_who_allowed_it_and_why(client_for, people, drive, minor):
    client = client_for(people.district_officer)
    response = post_outcome(
        client,
        drive,
        minor,
        "evt-minor-2",
        override_physician="BS. Trần Văn Hùng",
        override_reason="Thử nghiệm đặc biệt được Hội đồng đạo đức phê duyệt",
    )

    assert response.status_code == 200, response.json()
    donation = Registration.objects.get(pk=minor.pk).donation
    assert donation.outcome == Outcome.DONATED
    assert donation.override_physician == "BS. Trần Văn Hùng"
    assert donation.override_reason == "Thử nghiệm đặc biệt được Hội đồng đạo đức phê duyệt"
    assert "Chưa đủ 18 tuổi" in donation.override_refusal
    assert donation.override_by == people.district_officer and donation.override_at is not None
    history = client.get(reverse("donors:donor_history", args=[minor.donor_id])).content.decode()
    assert "BS. Trần Văn Hùng" in history and "Thử nghiệm đặc biệt" in history
    detail = client.get(reverse("donors:donor_detail", args=[minor.donor_id])).content.decode()
    assert "bác sĩ cho phép" in detail


def test_an_override_needs_both_the_physician_and_the_reason(client_for, people, drive, minor):
    response = post_outcome(
        client_for(people.district_officer), drive, minor, "evt-minor-3", override_physician="BS. Hùng"
    )
    assert response.status_code == 400
    assert "tên bác sĩ và lý do" in response.json()["error"]
    assert not Donation.objects.exists()


def test_a_donation_inside_the_gap_is_refused(client_for, people, drive, registrants, hospital):
    duc = registrants["duc"]
    record_donation(duc.donor, Visit(date=DRIVE_DAY - datetime.timedelta(days=30), facility=hospital, volume_ml=350))
    response = post_outcome(client_for(people.district_officer), drive, duc, "evt-gap-1")

    assert response.status_code == 422
    assert "cần cách ít nhất 12 tuần" in response.json()["error"]
    assert Donation.objects.count() == 1


def test_a_running_deferral_refuses_a_donation(client_for, people, drive, registrants, hospital):
    an = registrants["an"]
    record_donation(
        an.donor,
        Visit(
            date=DRIVE_DAY - datetime.timedelta(days=7),
            outcome=Outcome.DEFERRED,
            facility=hospital,
            deferral_reason="Huyết áp không đạt",
            deferral_until=DRIVE_DAY + datetime.timedelta(days=14),
        ),
    )
    response = post_outcome(client_for(people.district_officer), drive, an, "evt-deferred-1")

    assert response.status_code == 422
    assert "Đang tạm hoãn hiến máu (Huyết áp không đạt)" in response.json()["error"]


def test_too_little_weight_for_the_volume_is_refused(client_for, people, drive, registrants):
    hoa = registrants["hoa"]
    hoa.donor.weight_kg = 43
    hoa.donor.save()
    response = post_outcome(client_for(people.district_officer), drive, hoa, "evt-weight-1", volume_ml=350)

    assert response.status_code == 422
    assert "vượt mức cho phép" in response.json()["error"]


@pytest.mark.parametrize("outcome", ["donated", "deferred", "no_show"])
def test_no_outcome_before_the_drive_day(client_for, people, drive, registrants, outcome):
    extra = {"deferral_reason": "Huyết sắc tố thấp"} if outcome == "deferred" else {}
    with frozen(DRIVE_DAY - datetime.timedelta(days=19)):
        response = post_outcome(
            client_for(people.district_officer), drive, registrants["duc"], f"evt-early-{outcome}", outcome, **extra
        )

    assert response.status_code == 422
    assert "chỉ ghi nhận kết quả từ ngày đó" in response.json()["error"] and "09/07/2021" in response.json()["error"]
    assert Registration.objects.get(pk=registrants["duc"].pk).status == RegistrationStatus.REGISTERED
    assert not Donation.objects.exists() and not CheckInEvent.objects.exists()


def test_outcomes_are_taken_on_the_drive_day(client_for, people, drive, registrants):
    with frozen(DRIVE_DAY):
        response = post_outcome(client_for(people.district_officer), drive, registrants["duc"], "evt-today-1")
    assert response.status_code == 200


def deferral(client, drive, registration, event_id, reason, until=""):
    return post_outcome(client, drive, registration, event_id, "deferred", deferral_reason=reason, deferral_until=until)


def test_two_deferrals_of_one_registration_are_one_deferral(client_for, people, drive, registrants):
    client = client_for(people.district_officer)
    an = registrants["an"]
    assert deferral(client, drive, an, "evt-def-1", "Huyết áp không đạt").status_code == 200
    assert deferral(client, drive, an, "evt-def-2", "Huyết sắc tố thấp", "2021-10-09").status_code == 200

    deferrals = Donation.objects.filter(donor=an.donor, outcome=Outcome.DEFERRED)
    assert deferrals.count() == 1
    assert (deferrals.get().deferral_reason, deferrals.get().deferral_until) == (
        "Huyết sắc tố thấp",
        datetime.date(2021, 10, 9),
    )
    assert Registration.objects.get(pk=an.pk).donation == deferrals.get()


def test_donated_after_deferred_needs_an_explicit_correction(client_for, people, drive, registrants):
    client = client_for(people.district_officer)
    an = registrants["an"]
    deferral(client, drive, an, "evt-fix-1", "Huyết áp không đạt", "2021-07-23")

    refused = post_outcome(client, drive, an, "evt-fix-2")
    assert refused.status_code == 409
    assert refused.json()["correction"] is True and "Sửa kết quả đã ghi" in refused.json()["error"]
    assert Registration.objects.get(pk=an.pk).status == RegistrationStatus.DEFERRED

    corrected = post_outcome(client, drive, an, "evt-fix-3", correction="true")
    assert corrected.status_code == 200, corrected.json()
    registration = Registration.objects.select_related("donation").get(pk=an.pk)
    assert registration.status == RegistrationStatus.DONATED
    assert Donation.objects.filter(donor=an.donor).count() == 1  # the deferral became the donation
    assert registration.donation.outcome == Outcome.DONATED and registration.donation.deferral_reason == ""
    assert CheckInEvent.objects.get(client_event_id="evt-fix-3").correction is True
    reasons = registration.donation.history.values_list("history_change_reason", flat=True)
    assert any("Sửa kết quả tiếp nhận" in (reason or "") for reason in reasons)


def test_no_show_after_deferred_needs_a_correction_and_removes_the_deferral(client_for, people, drive, registrants):
    client = client_for(people.district_officer)
    an = registrants["an"]
    deferral(client, drive, an, "evt-ns-1", "Huyết áp không đạt")

    assert post_outcome(client, drive, an, "evt-ns-2", "no_show").status_code == 409
    assert post_outcome(client, drive, an, "evt-ns-3", "no_show", correction="true").status_code == 200
    assert Registration.objects.get(pk=an.pk).status == RegistrationStatus.NO_SHOW
    assert not Donation.objects.filter(donor=an.donor).exists()


def test_the_outbox_api_answers_json_for_every_refusal(client_for, people, drive, minor):
    client = client_for(people.district_officer)
    body = {"registration": minor.pk, "client_event_id": "evt-json-1", "outcome": "donated", "volume_ml": 350}
    response = client.post(
        reverse("drive_checkin:checkin_outcome", args=[drive.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 422 and response["Content-Type"].startswith("application/json")
