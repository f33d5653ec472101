"""The officer's path in the browser's place: raise an O Rh(−) request, see the ranked list with reasons,
send wave one through the (fake) SMS gateway, record answers, the request closes as filled; who may see
and change what; club rosters kept by a chair who holds no other role, exported with a logged reveal."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hienmau.donors.models import Donor, RevealLog
from hienmau.notify.models import Message, Status
from hienmau.standby.models import Call, Club, ClubMember, EmergencyRequest, RequestStatus
from tests.factories import UserFactory

from .test_match_command import hospital, person  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def donors(tree):
    people = []
    for n, name in enumerate(["Trần Văn Một", "Lê Thị Hai", "Phạm Văn Ba", "Ngô Thị Bốn"]):
        donor = person(name, tree.van_du, "O", "-")
        donor.phone = f"+8491234560{n}"
        donor.cccd = f"03309200{n:04d}"
        donor.save()
        people.append(donor)
    person("Võ Văn Dương", tree.van_du, "O", "+")  # incompatible with an O Rh(−) patient
    return people


def raise_request(client, hospital):  # noqa: F811
    response = client.post(
        reverse("standby:request_new"),
        {
            "facility": hospital.pk,
            "group": "O-",
            "component": "red_cells",
            "units": "2",
            "urgency": "urgent",
            "needed_on": "04/05/2026",
            "needed_at": "22:00",
            "place": "Khoa Hồi sức",
            "contact_phone": "0220 3 888 999",
            "answer_minutes": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return EmergencyRequest.objects.get()


def test_raise_match_call_answer_and_fill(
    tree,
    people,
    client_for,
    hospital,  # noqa: F811
    donors,
    fake_gateway,
    django_capture_on_commit_callbacks,
):
    client = client_for(people.district_officer)
    emergency = raise_request(client, hospital)
    assert (emergency.abo, emergency.rh, emergency.units, emergency.office) == ("O", "-", 2, tree.an_thi)
    page = client.get(reverse("standby:request_detail", args=[emergency.pk])).content.decode()
    assert "Cần máu nhóm O Rh−" in page and "Trần Văn Một" in page and "Võ Văn Dương" not in page
    assert "nhóm máu O Rh− phù hợp" in page and "đủ điều kiện hiến khối hồng cầu" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("standby:request_wave", args=[emergency.pk]), follow=True)
    assert "Đã gửi tin gọi 4 người (đợt 1)" in response.content.decode()
    assert len(fake_gateway.delivered) == 4 and {m["to"] for m in fake_gateway.delivered} == {d.phone for d in donors}
    assert "O Rh−" in fake_gateway.delivered[0]["text"]
    assert Message.objects.filter(status=Status.SENT).count() == 4
    page = response.content.decode()
    assert "+84912345600" not in page  # phones masked in the call log
    calls = list(emergency.calls.order_by("pk"))
    client.post(reverse("standby:call_answer", args=[calls[0].pk]), {"outcome": "declined"})
    client.post(reverse("standby:call_answer", args=[calls[1].pk]), {"outcome": "accepted"})
    emergency.refresh_from_db()
    assert emergency.status == RequestStatus.OPEN
    response = client.post(reverse("standby:call_answer", args=[calls[2].pk]), {"outcome": "accepted"}, follow=True)
    assert "yêu cầu đã đóng" in response.content.decode()
    emergency.refresh_from_db()
    assert emergency.status == RequestStatus.FILLED and emergency.filled_at
    report = client.get(reverse("standby:report")).content.decode()
    assert "Thời gian đủ người" in report and "phút" in report


def test_a_gateway_failure_shows_as_retrying_and_nothing_is_lost(
    tree,
    people,
    client_for,
    hospital,  # noqa: F811
    donors,
    fake_gateway,
    django_capture_on_commit_callbacks,
):
    fake_gateway.state.fail_next = [503] * 4
    client = client_for(people.district_officer)
    emergency = raise_request(client, hospital)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("standby:request_wave", args=[emergency.pk]))
    assert Message.objects.filter(status=Status.RETRYING).count() == 4 and fake_gateway.delivered == []
    assert Call.objects.count() == 4  # the calls stand; the messages wait for send-due


def test_other_province_read_only_and_bad_answers(tree, people, client_for, hospital, donors):  # noqa: F811
    emergency = raise_request(client_for(people.district_officer), hospital)
    call_url = reverse("standby:request_wave", args=[emergency.pk])
    outsider = member_of_kien_giang(tree)
    client = client_for(outsider)
    assert client.get(reverse("standby:request_detail", args=[emergency.pk])).status_code == 404
    assert client.post(call_url).status_code == 404
    assert "Trần Văn Một" not in client.get(reverse("standby:request_list")).content.decode()
    from hienmau.orgs.models import Role
    from tests.factories import member

    leader = client_for(member("ld.anthi", tree.an_thi, Role.LEADER))
    assert leader.get(reverse("standby:request_detail", args=[emergency.pk])).status_code == 200
    assert leader.post(call_url).status_code == 403
    assert leader.get(reverse("standby:request_new")).status_code == 403
    officer = client_for(people.district_officer)
    assert officer.get(call_url).status_code == 405
    officer.post(call_url)
    call = Call.objects.first()
    officer.post(reverse("standby:call_answer", args=[call.pk]), {"outcome": "maybe"})
    call.refresh_from_db()
    assert call.outcome == ""


def member_of_kien_giang(tree):
    from hienmau.orgs.models import Role
    from tests.factories import member

    return member("vp.kiengiang", tree.kien_giang, Role.OFFICER)


def test_a_chair_keeps_the_roster_without_another_role(tree, people, client_for, donors):
    chair = UserFactory(username="clb.chair")
    club = Club.objects.create(name="CLB Rh âm Ân Thi", kind="rare", unit=tree.an_thi, chair=chair)
    ClubMember.objects.create(club=club, donor=donors[0], joined_on=datetime.date(2024, 1, 1))
    client = client_for(chair)
    page = client.get(reverse("standby:club_detail", args=[club.pk])).content.decode()
    assert "Trần Văn Một" in page and "+84912345600" not in page
    response = client.post(
        reverse("standby:member_add", args=[club.pk]),
        {"number": donors[1].cccd, "joined_on": "01/05/2026", "channel": "sms"},
    )
    assert response.status_code == 302 and club.members.count() == 2
    response = client.post(
        reverse("standby:member_add", args=[club.pk]), {"number": "Lê Thị", "joined_on": "01/05/2026", "channel": "sms"}
    )
    assert response.status_code == 400 and "Nhập đủ 12 số CCCD" in response.content.decode()
    member = club.members.get(donor=donors[1])
    response = client.post(
        reverse("standby:member_edit", args=[member.pk]),
        {
            "status": "active",
            "unavailable_until": "31/05/2026",
            "channel": "zalo",
            "zalo_user_id": "",
            "consent_emergency": "on",
        },
    )
    assert "Cần mã người dùng Zalo" in response.content.decode()
    client.post(
        reverse("standby:member_edit", args=[member.pk]),
        {"status": "active", "unavailable_until": "31/05/2026", "channel": "sms", "consent_emergency": "on"},
    )
    member.refresh_from_db()
    assert member.unavailable_until == datetime.date(2026, 5, 31)
    export = client.get(reverse("standby:club_export", args=[club.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "0912345600" in values and "Lê Thị Hai" in values
    assert RevealLog.objects.filter(user=chair, field="phone").count() == 2
    assert client.get(reverse("standby:request_list")).status_code == 403  # a chair holds no role


def test_a_roster_never_links_a_donor_outside_the_scope(tree, people, client_for):
    from hienmau.orgs.models import Unit

    far = Unit.objects.create(name="Mỹ Hoà Hưng", kind="commune", category="rural_commune", parent=tree.an_giang)
    other = Donor.objects.create(full_name="Châu Thị Bé Ngọc", cccd="089190001234", commune=far, phone="+84911222333")
    club = Club.objects.create(name="CLB dự bị Ân Thi", kind="reserve", unit=tree.an_thi)
    client = client_for(people.district_officer)
    for number in (other.cccd, "0911222333"):
        response = client.post(
            reverse("standby:member_add", args=[club.pk]),
            {"number": number, "joined_on": "01/05/2026", "channel": "sms"},
        )
        assert response.status_code == 400 and "Không tìm thấy" in response.content.decode()
        assert "Châu Thị Bé Ngọc" not in response.content.decode()
    assert not club.members.exists()
    outsider = client_for(member_of_kien_giang(tree))
    assert outsider.get(reverse("standby:club_detail", args=[club.pk])).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_standby_url_is_404_for_another_province(tree, people, client_for, hospital, donors, method):  # noqa: F811
    from tests.orgs.test_scoping import urls_taking

    emergency = raise_request(client_for(people.district_officer), hospital)
    client_for(people.district_officer).post(reverse("standby:request_wave", args=[emergency.pk]))
    club = Club.objects.create(name="CLB dự bị Ân Thi", kind="reserve", unit=tree.an_thi)
    member = ClubMember.objects.create(club=club, donor=donors[0], joined_on=datetime.date(2025, 1, 1))
    objects = {"request": emergency.pk, "call": Call.objects.first().pk, "club": club.pk, "member": member.pk}
    names = {
        "request_detail": "request", "request_wave": "request", "request_cancel": "request", "call_answer": "call",
        "club_detail": "club", "member_add": "club", "club_export": "club", "member_edit": "member",
    }  # fmt: skip
    walked = urls_taking(1, "standby")
    assert len(walked) == len(names)
    client = client_for(member_of_kien_giang(tree))
    for name, kind in names.items():
        url = reverse(f"standby:{name}", args=[objects[kind]])
        response = getattr(client, method)(url)
        assert response.status_code in (404, 405), (url, response.status_code)
        assert response.status_code == 404 or method == "get"
    emergency.refresh_from_db()
    assert emergency.status == RequestStatus.OPEN and club.members.count() == 1
