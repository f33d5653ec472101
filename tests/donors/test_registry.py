import datetime
import json

import pytest
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.donors import services
from hienmau.donors.models import Donation, Donor, DonorMerge, RevealLog
from hienmau.orgs.scoping import unit_scope
from tests.orgs.test_scoping import urls_taking

pytestmark = pytest.mark.django_db


def test_search_without_diacritics_by_phone_and_by_cccd(donors):
    assert list(Donor.objects.search("nguyen van duc")) == [donors["duc"]]
    assert list(Donor.objects.search("NGUYỄN đức")) == [donors["duc"]]
    assert list(Donor.objects.search("0912 345 678")) == [donors["duc"]]
    assert list(Donor.objects.search("0912.345.678")) == [donors["duc"]]
    assert list(Donor.objects.search("033090012345")) == [donors["duc"]]


def test_lists_sort_by_given_name_first(donors):
    assert [d.full_name for d in Donor.objects.vietnamese_order()] == ["Trần Thị An", "Lê Bình", "Nguyễn Văn Đức"]


def test_a_commune_sees_its_residents_and_nobody_elses_by_any_url(donors, people, client_for):
    client = client_for(people.van_du_focal)
    listing = client.get(reverse("donors:donor_list")).content.decode()
    assert "Nguyễn Văn Đức" in listing and "Lê Bình" not in listing
    urls = urls_taking(donors["binh"].pk, "donors", kwargs=("pk", "other_pk"))
    assert len(urls) >= 7
    for url in urls:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url
    for field in ("cccd", "phone"):
        assert client.post(reverse("donors:donor_reveal", args=[donors["binh"].pk, field])).status_code == 404


def test_donor_page_masks_cccd_and_phone_until_revealed_and_logs_the_reveal(donors, people, client_for):
    client = client_for(people.district_officer)
    page = client.get(reverse("donors:donor_detail", args=[donors["duc"].pk])).content.decode()
    assert "033090012345" not in page and "033******345" in page
    assert "0912345678" not in page and "+84912345678" not in page and "091****678" in page
    url = reverse("donors:donor_reveal", args=[donors["duc"].pk, "cccd"])
    refused = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "033090012345" not in refused and "Ghi lý do" in refused and not RevealLog.objects.exists()
    revealed = client.post(url, HTTP_HX_REQUEST="true", HTTP_HX_PROMPT="Gọi mời hiến máu đợt 12/2026")
    assert "033090012345" in revealed.content.decode()
    log = RevealLog.objects.get()
    assert (log.user, log.donor, log.field) == (people.district_officer, donors["duc"], "cccd")
    assert log.reason == "Gọi mời hiến máu đợt 12/2026"
    history = client.get(reverse("donors:donor_history", args=[donors["duc"].pk])).content.decode()
    assert "ctd.anthi" in history and "Gọi mời hiến máu đợt 12/2026" in history


def test_donor_page_shows_next_eligible_date_and_honours(donors, people, client_for):
    with frozen(datetime.date(2025, 8, 1)):
        page = client_for(people.district_officer).get(reverse("donors:donor_detail", args=[donors["duc"].pk]))
    body = page.content.decode()
    assert "Có thể hiến lại từ ngày 10/10/2025" in body  # 18/07/2025 + 84 days
    assert "Mốc tiếp theo: 20 lần" in body


def test_create_warns_about_a_likely_duplicate_then_accepts_when_confirmed(donors, people, client_for, tree):
    client = client_for(people.district_officer)
    data = {"full_name": "Nguyen Van Duc", "date_of_birth": "12/05/1990", "sex": "M", "commune": tree.van_du.pk}
    response = client.post(reverse("donors:donor_create"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "Có thể trùng với" in body and "trùng họ tên và ngày sinh" in body
    assert Donor.objects.count() == 3
    response = client.post(reverse("donors:donor_create"), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302 and Donor.objects.count() == 4


def test_create_refuses_a_cccd_that_contradicts_birth_and_sex(people, client_for, tree, db):
    client = client_for(people.district_officer)
    response = client.post(
        reverse("donors:donor_create"),
        {
            "full_name": "Phạm Thị Hoa",
            "date_of_birth": "01/01/2001",
            "sex": "F",
            "cccd": "033090012399",
            "phone": "0912 000 111",
        },
    )
    errors = response.context["form"].errors
    assert "cccd" in errors and Donor.objects.count() == 0


def test_create_refuses_a_landline(people, client_for, db):
    client = client_for(people.district_officer)
    response = client.post(
        reverse("donors:donor_create"),
        {"full_name": "Phạm Thị Hoa", "date_of_birth": "01/01/2001", "sex": "F", "phone": "0221 3862 123"},
    )
    assert "phone" in response.context["form"].errors


def test_merge_keeps_every_donation_and_can_be_undone(donors, people, client_for, hospital, tree):
    duplicate = Donor.objects.create(
        full_name="Nguyễn Văn Đức",
        date_of_birth=datetime.date(1990, 5, 12),
        sex="M",
        address="Thôn Vân Du",
        commune=donors["duc"].commune,
    )
    Donation.objects.create(donor=duplicate, date=datetime.date(2024, 11, 9), facility=hospital, volume_ml=250)
    assert [c.donor for c in services.duplicates_for(donors["duc"], unit_scope(tree.an_thi))] == [duplicate]
    client = client_for(people.district_officer)
    preview = client.get(reverse("donors:merge_preview", args=[donors["duc"].pk, duplicate.pk]))
    assert "Thôn Vân Du" in preview.content.decode()
    client.post(reverse("donors:merge_preview", args=[donors["duc"].pk, duplicate.pk]))
    donors["duc"].refresh_from_db()
    assert donors["duc"].donations.count() == 3 and donors["duc"].address == "Thôn Vân Du"
    assert Donor.objects.active().filter(pk=duplicate.pk).count() == 0
    merge = DonorMerge.objects.get()
    assert merge.by == people.district_officer
    client.post(reverse("donors:merge_undo", args=[merge.pk]))
    donors["duc"].refresh_from_db()
    duplicate.refresh_from_db()
    assert donors["duc"].donations.count() == 2 and duplicate.donations.count() == 1
    assert donors["duc"].address == "" and duplicate.merged_into is None


def test_recording_a_donation_takes_the_benefit_rate_and_issues_a_certificate(donors, people, client_for, hospital):
    client = client_for(people.district_officer)
    response = client.post(
        reverse("donors:donation_create", args=[donors["an"].pk]),
        {
            "date": "05/11/2026",
            "facility": hospital.pk,
            "outcome": "donated",
            "component": "whole_blood",
            "volume_ml": "350",
            "bag_number": "AT-0001",
            "benefit_kind": "gift",
            "benefit_amount": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    donation = donors["an"].donations.get()
    assert donation.benefit_amount == 150_000  # Circular 15/2023/TT-BYT, 350 ml whole blood
    assert donation.certificate_number == "TTYT-AT-2026-000001" and donation.certificate_token


def test_a_deferral_needs_a_reason_and_no_volume(donors, people, client_for, hospital):
    client = client_for(people.district_officer)
    response = client.post(
        reverse("donors:donation_create", args=[donors["an"].pk]),
        {
            "date": "05/11/2026",
            "facility": hospital.pk,
            "outcome": "deferred",
            "component": "whole_blood",
            "volume_ml": "350",
        },
    )
    errors = response.context["form"].errors
    assert "deferral_reason" in errors and "volume_ml" in errors


def test_export_gives_the_donor_their_own_record(donors, people, client_for):
    response = client_for(people.district_officer).get(reverse("donors:donor_export", args=[donors["duc"].pk]))
    data = json.loads(response.content)
    assert data["ho_ten"] == "Nguyễn Văn Đức" and len(data["cac_lan_hien_mau"]) == 2


def test_erasure_removes_identity_everywhere_and_keeps_anonymous_counts(donors, people, client_for):
    duc = donors["duc"]
    duc.address = "Thôn 3"
    duc.save()
    client = client_for(people.district_officer)
    client.post(reverse("donors:donor_erase", args=[duc.pk]), {"confirm": "yes"})
    duc.refresh_from_db()
    assert duc.erased_at and duc.cccd is None and duc.phone == "" and duc.date_of_birth is None
    assert "Nguyễn" not in duc.full_name
    assert duc.donations.count() == 2
    assert not Donor.history.filter(id=duc.pk, full_name="Nguyễn Văn Đức").exists()
    assert not Donor.history.filter(id=duc.pk, address="Thôn 3").exists()


def test_focal_point_cannot_erase(donors, people, client_for):
    response = client_for(people.van_du_focal).post(
        reverse("donors:donor_erase", args=[donors["duc"].pk]), {"confirm": "yes"}
    )
    assert response.status_code == 403


def test_eligibility_page_for_someone_not_registered(people, client_for, db):
    response = client_for(people.van_du_focal).get(
        reverse("donors:eligibility_check"),
        {
            "sex": "F",
            "date_of_birth": "01/06/2008",
            "weight_kg": "50",
            "on": "01/12/2025",
            "component": "whole_blood",
            "volume_ml": "350",
        },
    )
    body = response.content.decode()
    assert "Chưa đủ điều kiện" in body and "01/06/2026" in body


def test_benefit_report_shows_cash_and_gift_shares(donors, people, client_for, hospital):
    Donation.objects.filter(donor=donors["duc"]).update(benefit_kind="cash")
    Donation.objects.create(
        donor=donors["an"], date=datetime.date(2025, 7, 18), facility=hospital, volume_ml=250, benefit_kind="gift"
    )
    body = client_for(people.district_officer).get(reverse("donors:benefit_report")).content.decode()
    assert "Trung tâm Y tế huyện Ân Thi" in body and "67%" in body and "33%" in body


def test_the_demo_review_page_shows_one_proposal_and_one_transfer(client_for, db):
    from django.contrib.auth import get_user_model

    from hienmau.donors.demo import load_demo as load_donors
    from hienmau.orgs.demo import load_demo as load_units

    load_units()
    load_donors()
    users = get_user_model().objects
    an_thi = client_for(users.get(username="ctd.anthi")).get(reverse("donors:review_queue"))
    assert len(an_thi.context["proposals"]) == 1 and len(an_thi.context["asked"]) == 1
    page = an_thi.content.decode()
    assert "Danh Thị Sa Rên" in page  # the name Ân Thi typed itself, and nothing of the other record
    assert "Trường Đại học Kiên Giang" not in page and "tỉnh An Giang" in page
    an_giang = client_for(users.get(username="vp.angiang")).get(reverse("donors:review_queue"))
    assert len(an_giang.context["to_decide"]) == 1 and "huyện Ân Thi" in an_giang.content.decode()
