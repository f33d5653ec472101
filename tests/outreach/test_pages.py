"""Outreach on the web: activities recorded under a plan count against its volunteer and media targets on
the plan page; volunteer rosters find people by number inside the scope and mask their phones; a read-only
role and another province get 403 and 404."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hienmau.donors.models import Donor, RevealLog
from hienmau.outreach import services
from hienmau.outreach.models import Activity, Service, Volunteer

pytestmark = pytest.mark.django_db


def activity(plan, unit, kind="news", quantity=1, **extra):
    return Activity.objects.create(
        plan=plan, unit=unit, kind=kind, date=datetime.date(2022, 5, 9), title="Tin ra quân", quantity=quantity, **extra
    )


def text(response) -> str:
    """The page's words without tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_recorded_activities_show_as_progress_on_the_plan_page(tree, people, client_for, campaign):
    client = client_for(people.province_officer)
    response = client.post(
        reverse("outreach:plan_activities", args=[campaign.pk]),
        {
            "unit": tree.an_minh.pk,
            "kind": "news",
            "date": "09/05/2022",
            "title": "Báo Kiên Giang: ra quân chiến dịch",
            "quantity": "3",
            "reach": "",
            "link": "https://baokiengiang.vn/tin",
            "file": SimpleUploadedFile("bai-bao.pdf", b"%PDF-1.4 test", "application/pdf"),
        },
    )
    assert response.status_code == 302
    recorded = Activity.objects.get()
    assert (recorded.plan, recorded.unit, recorded.quantity, recorded.recorded_by) == (
        campaign,
        tree.an_minh,
        3,
        people.province_officer,
    )
    activity(campaign, tree.kien_giang, kind="leaflets", quantity=2000)  # not a news item
    person = Donor.objects.create(full_name="Lê Văn Tình", phone="+84911000111", commune=None)
    volunteer = services.add_volunteer(tree.an_minh, person, datetime.date(2022, 5, 1))
    for day in (8, 9):
        services.record_service(volunteer, date=datetime.date(2022, 5, day), hours=Decimal(4), plan=campaign)

    page = text(client.get(reverse("plans:plan_detail", args=[campaign.pk])))
    assert "Tuyên truyền và tình nguyện viên" in page
    assert "1 / 300" in page  # one person, however many days
    assert "Tin, bài truyền thông 3 · kế hoạch nêu chỉ tiêu nhưng không ghi số lượng" in page
    assert "8 giờ tình nguyện" in page
    detail = client.get(reverse("outreach:plan_activities", args=[campaign.pk]))
    assert "Phát tờ rơi" in detail.content.decode() and "2.000" in detail.content.decode()
    served = client.get(reverse("outreach:activity_file", args=[recorded.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == b"%PDF-1.4 test"


def test_a_figure_reached_shows_its_percent(tree, people, client_for, district_plan):
    activity(district_plan, tree.van_du, kind="radio", quantity=2)
    activity(district_plan, tree.phu_ung, kind="social", quantity=1)
    page = text(client_for(people.district_officer).get(reverse("plans:plan_detail", args=[district_plan.pk])))
    assert "3 / 4" in page and "(75,0%)" in page


def test_a_leader_reads_but_cannot_record(tree, people, client_for, campaign):
    client = client_for(people.province_leader)
    page = client.get(reverse("outreach:plan_activities", args=[campaign.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    data = {"unit": tree.an_minh.pk, "kind": "talk", "date": "08/05/2022", "title": "Nói chuyện", "quantity": "1"}
    assert client.post(reverse("outreach:plan_activities", args=[campaign.pk]), data).status_code == 403
    recorded = activity(campaign, tree.an_minh)
    assert client.post(reverse("outreach:activity_delete", args=[recorded.pk])).status_code == 403
    assert not Activity.objects.filter(title="Nói chuyện").exists() and Activity.objects.filter(pk=recorded.pk).exists()


def test_another_province_reaches_nothing(tree, people, client_for, campaign):
    recorded = activity(campaign, tree.an_minh, file=SimpleUploadedFile("a.txt", b"x"))
    client = client_for(people.district_officer)
    for name in ("plan_activities",):
        assert client.get(reverse(f"outreach:{name}", args=[campaign.pk])).status_code == 404
    for name in ("activity_edit", "activity_file"):
        assert client.get(reverse(f"outreach:{name}", args=[recorded.pk])).status_code == 404
    assert client.post(reverse("outreach:activity_delete", args=[recorded.pk])).status_code == 404
    assert "Tin ra quân" not in client.get(reverse("outreach:activity_list")).content.decode()
    assert Activity.objects.filter(pk=recorded.pk).exists()


def test_a_commune_edits_its_own_activity_not_its_neighbours(tree, people, client_for, district_plan):
    own, other = activity(district_plan, tree.van_du), activity(district_plan, tree.phu_ung)
    client = client_for(people.van_du_focal)
    data = {"unit": tree.van_du.pk, "kind": "news", "date": "09/05/2024", "title": "Sửa lại", "quantity": "2"}
    assert client.post(reverse("outreach:activity_edit", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert (own.title, own.quantity) == ("Sửa lại", 2)
    assert client.post(reverse("outreach:activity_edit", args=[other.pk]), data).status_code == 404
    other.refresh_from_db()
    assert other.title == "Tin ra quân"


def test_the_roster_finds_people_by_number_in_the_scope_and_masks_their_phone(tree, people, client_for):
    person = Donor.objects.create(full_name="Phạm Thị Hoa", phone="+84912345678", commune=tree.van_du)
    outsider = Donor.objects.create(full_name="Châu Văn Út", phone="+84987654321", commune=None)
    client = client_for(people.district_officer)
    url = reverse("outreach:volunteer_list")
    added = client.post(url, {"unit": tree.van_du.pk, "number": "0912345678", "joined_on": "01/03/2024"})
    assert added.status_code == 302
    assert Volunteer.objects.get().donor == person and Volunteer.objects.get().unit == tree.van_du
    refused = client.post(url, {"unit": tree.van_du.pk, "number": "0987654321", "joined_on": "01/03/2024"})
    assert refused.status_code == 200 and "Không tìm thấy" in refused.content.decode()
    assert not Volunteer.objects.filter(donor=outsider).exists()
    by_name = client.post(url, {"unit": tree.van_du.pk, "number": "Phạm Thị Hoa", "joined_on": "01/03/2024"})
    assert "Nhập đủ 12 số CCCD" in by_name.content.decode()
    roster = client.get(url).content.decode()
    assert "Phạm Thị Hoa" in roster and "0912345678" not in roster and "+84912345678" not in roster
    revealed = client.post(reverse("donors:donor_reveal", args=[person.pk, "phone"]), {"reason": "Gọi hẹn trực"})
    assert "0912345678" in revealed.content.decode() or "+84912345678" in revealed.content.decode()
    assert RevealLog.objects.filter(donor=person, field="phone").count() == 1


def test_another_unit_does_not_see_a_roster(tree, people, client_for):
    person = Donor.objects.create(full_name="Phạm Thị Hoa", phone="+84912345678", commune=tree.van_du)
    volunteer = services.add_volunteer(tree.van_du, person, datetime.date(2024, 3, 1))
    client = client_for(people.phu_ung_focal)
    assert "Phạm Thị Hoa" not in client.get(reverse("outreach:volunteer_list")).content.decode()
    assert client.get(reverse("outreach:volunteer_detail", args=[volunteer.pk])).status_code == 404
    client = client_for(people.province_officer)
    assert client.get(reverse("outreach:volunteer_detail", args=[volunteer.pk])).status_code == 404


def test_hours_are_recorded_on_the_volunteers_page_and_refused_past_a_day(tree, people, client_for, district_plan):
    person = Donor.objects.create(full_name="Phạm Thị Hoa", phone="+84912345678", commune=tree.van_du)
    volunteer = services.add_volunteer(tree.van_du, person, datetime.date(2024, 3, 1))
    client = client_for(people.van_du_focal)
    url = reverse("outreach:volunteer_detail", args=[volunteer.pk])
    ok = client.post(url, {"date": "15/03/2024", "hours": "4,5", "plan": district_plan.pk, "task": "Đón tiếp"})
    assert ok.status_code == 302
    too_long = client.post(url, {"date": "16/03/2024", "hours": "25", "plan": district_plan.pk})
    assert too_long.status_code == 200 and "không quá 24" in too_long.content.decode()
    assert list(Service.objects.values_list("hours", "plan")) == [(Decimal("4.5"), district_plan.pk)]
    with pytest.raises(services.OutreachError):
        services.add_volunteer(tree.van_du, person, datetime.date(2024, 3, 1))
