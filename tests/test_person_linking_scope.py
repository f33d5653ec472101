"""Every path that can link a typed person to a donor record, walked by users of another province.

An An Giang donor is typed (by CCCD, or by name + birth date, or by phone + birth date) by Ân Thi
(Hưng Yên) users through each path. Afterwards the donor must still be invisible to them: their page and
its reveal and export are 404, lists and search do not show them, nothing was added to their record, and
no answer named them. A CCCD becomes a transfer request for An Giang to decide; a look-alike never links.

PATHS lists them. A new way of linking a person to a donor record (a new import, an API, a form) MUST be
added here: write a function `try_<path>(ctx, how)` that types the An Giang donor through it as the
Ân Thi user, decorate it with @linking_path("…"), and the checks below run on it.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from hienmau.api.tokens import create_token
from hienmau.core.clock import frozen
from hienmau.donors.models import (
    Donation,
    Donor,
    DuplicateProposal,
    HeldDonation,
    ReviewStatus,
    TransferRequest,
)
from hienmau.donors.registry import decide_transfer
from hienmau.drives.models import Drive, Registration, TimeSlot
from hienmau.orgs.models import Role, Unit, UnitCategory, UnitKind
from hienmau.orgs.scoping import unit_scope
from tests.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.drives.checkin_test_urls")]

DRIVE_DAY = datetime.date(2026, 3, 20)
BEFORE = datetime.date(2026, 3, 10)

# Every path that links a person to a donor record: (name, function(ctx, how)). Add yours (see above).
PATHS: list[tuple[str, object]] = []
# How the other province's donor is typed: by their CCCD, or by the name + birth date (and phone) only.
HOW = ("cccd", "name_and_birth_date")
NO_CCCD: set[str] = set()  # paths whose form has no CCCD field


def linking_path(name, takes_cccd=True):
    def register(function):
        PATHS.append((name, function))
        if not takes_cccd:
            NO_CCCD.add(name)
        return function

    return register


@dataclass
class Ctx:
    tree: object
    people: object
    other: Donor  # the An Giang donor
    other_donations: int
    drive: Drive
    hospital: Unit
    client: Client
    answers: list  # every page the Ân Thi user (or the public) received


@pytest.fixture
def ctx(tree, people, client) -> Ctx:
    long_xuyen = Unit.objects.create(
        name="Mỹ Hoà Hưng", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.an_giang
    )
    ag_hospital = Unit.objects.create(
        name="Bệnh viện Đa khoa An Giang",
        kind=UnitKind.ORGANISATION,
        category=UnitCategory.HOSPITAL,
        parent=tree.an_giang,
    )
    other = Donor.objects.create(
        full_name="Châu Thị Bé Ngọc",
        date_of_birth=datetime.date(1990, 4, 4),
        sex="F",
        cccd="089190001234",
        phone="+84911222333",
        address="Ấp Mỹ Hoà, xã Mỹ Hoà Hưng",
        commune=long_xuyen,
    )
    Donation.objects.create(donor=other, date=datetime.date(2025, 9, 1), facility=ag_hospital, volume_ml=350)
    hospital = Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi",
        kind=UnitKind.ORGANISATION,
        category=UnitCategory.HOSPITAL,
        parent=tree.an_thi,
    )
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu huyện Ân Thi",
        date=DRIVE_DAY,
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 0),
        site_name="Nhà văn hoá huyện",
        facility=hospital,
        public_registration=True,
    )
    TimeSlot.objects.create(
        drive=drive, unit=None, start_time=datetime.time(7, 0), end_time=datetime.time(9, 0), quota=20
    )
    TimeSlot.objects.create(
        drive=drive, unit=None, start_time=datetime.time(9, 0), end_time=datetime.time(11, 0), quota=20
    )
    TimeSlot.objects.create(
        drive=drive, unit=tree.van_du, start_time=datetime.time(7, 0), end_time=datetime.time(11, 0), quota=20
    )
    return Ctx(tree, people, other, 1, drive, hospital, client, [])


def typed(ctx, how) -> dict:
    """What the Ân Thi user types for the person: the same CCCD, or only the same name and birth date."""
    return {
        "full_name": "Nguyễn Văn Khác" if how == "cccd" else ctx.other.full_name,
        "cccd": ctx.other.cccd if how == "cccd" else "",
        "dob": "04/04/1990",
        "phone": "0911222333" if how != "cccd" else "",
    }


def keep(ctx, response):
    ctx.answers.append(response.content.decode(errors="replace"))
    return response


# --- the paths -------------------------------------------------------------------------------------


@linking_path("manual create")
def try_manual_create(ctx, how):
    person = typed(ctx, how)
    client = ctx.client
    client.force_login(ctx.people.district_officer)
    data = {
        "full_name": person["full_name"],
        "date_of_birth": person["dob"],
        "sex": "F",
        "cccd": person["cccd"],
        "phone": person["phone"],
        "commune": ctx.tree.van_du.pk,
    }
    keep(ctx, client.post(reverse("donors:donor_create"), data))
    # Told to confirm a look-alike (none is shown): confirm, as a user would.
    keep(ctx, client.post(reverse("donors:donor_create"), data | {"confirm_not_duplicate": "on"}))


@linking_path("history import")
def try_history_import(ctx, how):
    person = typed(ctx, how)
    text = "Họ và tên,Ngày sinh,Số CCCD,Ngày hiến,Kết quả,Thể tích\n"
    text += f"{person['full_name']},{person['dob']},{person['cccd']},01/03/2026,Tạm hoãn,\n"
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "lich-su.csv"
    ctx.client.force_login(ctx.people.district_officer)
    keep(ctx, ctx.client.post(reverse("donors:history_import"), {"facility": ctx.hospital.pk, "file": upload}))


@linking_path("old honours list")
def try_old_honours_list(ctx, how):
    person = typed(ctx, how)
    text = "Danh sách tôn vinh năm 2024\nHọ và tên,Ngày sinh,Số CCCD,Số lần hiến\n"
    text += f"{person['full_name']},{person['dob']},{person['cccd']},21\n"
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "ton-vinh.csv"
    ctx.client.force_login(ctx.people.district_officer)
    keep(ctx, ctx.client.post(reverse("honours:past_import"), {"file": upload}))
    keep(ctx, ctx.client.get(reverse("honours:review")))


@linking_path("registrant list")
def try_registrant_list(ctx, how):
    person = typed(ctx, how)
    client = ctx.client
    client.force_login(ctx.people.van_du_focal)
    data = {
        "unit": ctx.tree.van_du.pk,
        "typed-TOTAL_FORMS": "1",
        "typed-INITIAL_FORMS": "0",
        "typed-MIN_NUM_FORMS": "0",
        "typed-MAX_NUM_FORMS": "1000",
        "typed-0-full_name": person["full_name"],
        "typed-0-date_of_birth": person["dob"],
        "typed-0-sex": "Nữ",
        "typed-0-cccd": person["cccd"],
        "typed-0-phone": person["phone"] or "0912000111",
        "typed-0-kind": "Trực tiếp",
    }
    with frozen(BEFORE):
        preview = keep(ctx, client.post(reverse("drives:list_submit", args=[ctx.drive.pk]), data))
        lines = [str(line.line) for line in preview.context["valid"]]
        assert lines, preview.context.get("lines")
        keep(
            ctx,
            client.post(
                reverse("drives:list_submit", args=[ctx.drive.pk]),
                {"token": preview.context["token"], "unit": ctx.tree.van_du.pk, "line": lines},
                follow=True,
            ),
        )


@linking_path("registrant list recruiter", takes_cccd=False)  # finds recruiters by CCCD only, never creates one
def try_registrant_list_recruiter(ctx, how):
    client = ctx.client
    client.force_login(ctx.people.van_du_focal)
    other = ctx.other
    text = (
        "STT\tHọ và tên\tNgày sinh\tGiới tính\tSố điện thoại\tNgười vận động\n"
        f"1\tNguyễn Văn Mới\t01/02/1995\tNam\t0912000333\t{other.full_name} - {other.cccd}\n"
        f"2\tTrần Văn Mới\t01/02/1996\tNam\t0912000444\t{other.full_name}\n"
    )
    with frozen(BEFORE):
        preview = keep(ctx, client.post(reverse("drives:list_submit", args=[ctx.drive.pk]), {
            "unit": ctx.tree.van_du.pk, "text": text}))  # fmt: skip
        lines = [str(line.line) for line in preview.context["valid"]]
        assert lines == ["1", "2"], preview.context.get("lines")
        keep(
            ctx,
            client.post(
                reverse("drives:list_submit", args=[ctx.drive.pk]),
                {"token": preview.context["token"], "unit": ctx.tree.van_du.pk, "line": lines},
                follow=True,
            ),
        )
    assert not TransferRequest.objects.filter(donor=other).exists()  # a recruiter lookup asks nobody


@linking_path("walk-in")
def try_walk_in(ctx, how):
    person = typed(ctx, how)
    client = ctx.client
    client.force_login(ctx.people.district_officer)
    with frozen(DRIVE_DAY):
        keep(
            ctx,
            client.post(
                reverse("drive_checkin:checkin_walk_in", args=[ctx.drive.pk]),
                {
                    "walkin-full_name": person["full_name"],
                    "walkin-date_of_birth": person["dob"],
                    "walkin-sex": "F",
                    "walkin-phone": person["phone"] or "0912000222",
                    "walkin-cccd": person["cccd"],
                    "walkin-unit": str(ctx.tree.van_du.pk),
                },
                HTTP_HX_REQUEST="true",
            ),
        )
        registration = ctx.drive.registrations.order_by("-pk").first()
        assert registration is not None
        # A "deferred" outcome for the walk-in must not become a deferral on anyone else's record.
        keep(
            ctx,
            client.post(
                reverse("drive_checkin:checkin_outcome", args=[ctx.drive.pk]),
                data=json.dumps(
                    {
                        "registration": registration.pk,
                        "client_event_id": f"walk-in-{how}",
                        "outcome": "deferred",
                        "deferral_reason": "Huyết áp cao",
                        "deferral_until": "2026-04-20",
                    }
                ),
                content_type="application/json",
            ),
        )


@linking_path("self-registration", takes_cccd=False)
def try_self_registration(ctx, how):
    person = typed(ctx, how)
    public = Client()
    url = reverse("public_drives:register", args=[ctx.drive.public_token])
    slots = list(ctx.drive.slots.filter(unit__isnull=True).order_by("start_time"))
    with frozen(BEFORE):
        for slot in slots:  # twice, in two slots: the second answer must not differ
            keep(
                ctx,
                public.post(
                    url,
                    {
                        "slot": slot.pk,
                        "full_name": ctx.other.full_name,
                        "date_of_birth": person["dob"],
                        "sex": "F",
                        "phone": "0911222333",
                        "kind": "direct",
                        "consent": "on",
                    },
                ),
            )


@linking_path("club roster", takes_cccd=False)  # finds records by number only, never creates one: see below
def try_club_roster(ctx, how):
    from hienmau.standby.models import Club

    club = Club.objects.get_or_create(name="CLB hiến máu dự bị Ân Thi", kind="reserve", unit=ctx.tree.an_thi)[0]
    ctx.client.force_login(ctx.people.district_officer)
    for number in (ctx.other.cccd, "0911222333"):  # its CCCD or its phone: neither finds the An Giang record
        data = {"number": number, "joined_on": "01/03/2026", "channel": "sms"}
        keep(ctx, ctx.client.post(reverse("standby:member_add", args=[club.pk]), data))
    assert not club.members.exists()
    assert not TransferRequest.objects.filter(donor=ctx.other).exists()  # a lookup asks nobody for a transfer


@linking_path("volunteer roster", takes_cccd=False)  # finds records by number only, never creates one
def try_volunteer_roster(ctx, how):
    from hienmau.outreach.models import Volunteer

    ctx.client.force_login(ctx.people.district_officer)
    for number in (ctx.other.cccd, "0911222333"):  # its CCCD or its phone: neither finds the An Giang record
        data = {"unit": ctx.tree.van_du.pk, "number": number, "joined_on": "01/03/2026"}
        keep(ctx, ctx.client.post(reverse("outreach:volunteer_list"), data))
    assert not Volunteer.objects.filter(donor=ctx.other).exists()
    assert not TransferRequest.objects.filter(donor=ctx.other).exists()  # a lookup asks nobody for a transfer


# --- the checks ------------------------------------------------------------------------------------


def assert_other_donor_never_visible(ctx):
    other = Donor.objects.get(pk=ctx.other.pk)
    client = ctx.client
    for user in (ctx.people.district_officer, ctx.people.van_du_focal):
        client.force_login(user)
        assert client.get(reverse("donors:donor_detail", args=[other.pk])).status_code == 404
        assert client.post(reverse("donors:donor_reveal", args=[other.pk, "cccd"])).status_code == 404
        assert client.post(reverse("donors:donor_reveal", args=[other.pk, "phone"])).status_code == 404
        assert client.get(reverse("donors:donor_export", args=[other.pk])).status_code == 404
        assert client.get(reverse("donors:donor_history", args=[other.pk])).status_code == 404
        for query in ("chau thi be ngoc", other.cccd, "0911222333"):
            listing = client.get(reverse("donors:donor_list"), {"q": query})
            assert f"/donors/{other.pk}/" not in listing.content.decode()
        review = client.get(reverse("donors:review_queue")).content.decode()
        assert other.address not in review and f"/donors/{other.pk}/" not in review
        assert not Donor.objects.visible_to(unit_scope(user.memberships.get().unit)).filter(pk=other.pk).exists()
        assert_api_never_shows(other, user)
    # Nothing was added to their record, no registration points at it, no answer named anything of it.
    assert other.donations.count() == ctx.other_donations
    assert not Registration.objects.filter(donor=other).exists()
    assert not Registration.objects.filter(recruited_by=other).exists()
    assert (other.commune_id, other.workplace_id) == (ctx.other.commune_id, ctx.other.workplace_id)
    assert not DuplicateProposal.objects.filter(candidate=other).exists()
    for answer in ctx.answers:
        assert f"/donors/{other.pk}/" not in answer
        assert "Mỹ Hoà Hưng" not in answer and other.address not in answer
        assert "Người này đã đăng ký" not in answer and "Cảm ơn Châu" not in answer


def assert_api_never_shows(other, user):
    """The JSON API, with a token acting as the user's membership: no donor record, donation or
    registration of the other province's person, by id or in a list."""
    secret = create_token(user, user.memberships.get(), "Kiểm tra phạm vi")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(f"/api/v1/donors/{other.pk}/").status_code == 404
    assert other.pk not in {row["id"] for row in api.get("/api/v1/donors/", {"page_size": 500}).json()["results"]}
    assert api.get("/api/v1/donations/", {"donor": other.pk}).json()["count"] == 0
    registrations = api.get("/api/v1/registrations/", {"page_size": 500}).json()["results"]
    assert other.pk not in {row["donor"] for row in registrations}


@pytest.mark.parametrize(
    ("name", "how"), [(name, how) for name, _ in PATHS for how in HOW if not (how == "cccd" and name in NO_CCCD)]
)
def test_no_path_shows_or_links_another_provinces_donor(ctx, name, how):
    dict(PATHS)[name](ctx, how)
    assert_other_donor_never_visible(ctx)
    if how == "cccd":
        # The CCCD became a request to An Giang (the donor's province), which sees only who asks.
        transfer = TransferRequest.objects.get(donor=ctx.other)
        assert (transfer.asking_unit, transfer.deciding_unit, transfer.status) == (
            ctx.tree.an_thi if name != "registrant list" else ctx.tree.van_du,
            ctx.tree.an_giang,
            ReviewStatus.PENDING,
        )
        messages = " ".join(ctx.answers)
        assert "đã được đăng ký ở nơi khác" in messages and "tỉnh An Giang" in messages
        # Nothing of the other record is shown: not its name, birth date, phone or the record itself.
        for secret in (ctx.other.full_name, "04/04/1990 (", "091****333", "0911222333", "+84911222333"):
            assert secret not in messages, secret


def test_paths_cover_every_way_a_person_is_linked():
    assert {name for name, _ in PATHS} >= {
        "manual create",
        "history import",
        "registrant list",
        "walk-in",
        "self-registration",
        "club roster",
        "old honours list",
        "registrant list recruiter",
    }


# --- what happens after a decision ---------------------------------------------------------------


def test_an_approved_transfer_applies_the_held_donation_once(ctx):
    try_history_import(ctx, "cccd")
    held = HeldDonation.objects.get()
    assert held.transfer.donor == ctx.other and held.donation is None
    try_history_import(ctx, "cccd")  # the same file again: still one row held
    assert HeldDonation.objects.count() == 1
    province_officer = ctx.people.province_officer
    ctx.client.force_login(ctx.people.district_officer)
    # Ân Thi cannot decide its own request.
    refused = ctx.client.post(reverse("donors:review_transfer", args=[held.transfer.pk]), {"decision": "approve"})
    assert refused.status_code == 404
    ctx.client.force_login(province_officer)
    page = ctx.client.get(reverse("donors:review_queue")).content.decode()
    assert ctx.other.full_name in page and "huyện Ân Thi" in page and "1 lần hiến chờ ghi" in page
    ctx.client.post(reverse("donors:review_transfer", args=[held.transfer.pk]), {"decision": "approve"})
    held.refresh_from_db()
    assert held.transfer.status == ReviewStatus.APPROVED and held.donation.donor == ctx.other
    assert ctx.other.donations.count() == 2
    # Now the donor gave at Ân Thi's facility: Ân Thi sees them.
    ctx.client.force_login(ctx.people.district_officer)
    assert ctx.client.get(reverse("donors:donor_detail", args=[ctx.other.pk])).status_code == 200


def test_an_approved_transfer_gives_a_walk_in_its_recorded_outcome(ctx):
    try_walk_in(ctx, "cccd")
    registration = ctx.drive.registrations.get()
    assert registration.donor is None and registration.transfer.donor == ctx.other
    decide_transfer(
        registration.transfer, unit_scope_editing(ctx.tree.an_giang), ctx.people.province_officer, approve=True
    )
    registration.refresh_from_db()
    assert registration.donor == ctx.other
    deferral = registration.donation
    assert deferral.outcome == "deferred" and deferral.deferral_reason == "Huyết áp cao"


def unit_scope_editing(unit):
    from hienmau.orgs.scoping import Scope

    scope = unit_scope(unit)
    return Scope(unit=scope.unit, role=Role.OFFICER, everything=scope.everything, root_paths=scope.root_paths)


def test_a_look_alike_in_the_scope_is_proposed_never_linked(ctx, tree):
    mine = Donor.objects.create(
        full_name="Vũ Thị Mai", date_of_birth=datetime.date(1998, 8, 15), sex="F", commune=tree.van_du
    )
    ctx.client.force_login(ctx.people.district_officer)
    text = "Họ và tên,Ngày sinh,Ngày hiến,Kết quả\nVũ Thị Mai,15/08/1998,01/03/2026,Tạm hoãn\n"
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "lich-su.csv"
    ctx.client.post(reverse("donors:history_import"), {"facility": ctx.hospital.pk, "file": upload})
    assert mine.donations.count() == 0
    proposal = DuplicateProposal.objects.get(candidate=mine)
    assert proposal.unit == tree.an_thi and proposal.new_donor.donations.count() == 1
    page = ctx.client.get(reverse("donors:review_queue")).content.decode()
    assert f"/donors/{mine.pk}/" in page
    ctx.client.post(reverse("donors:review_proposal", args=[proposal.pk]), {"decision": "approve"})
    assert mine.donations.count() == 1  # merged, with the donation, once
    proposal.refresh_from_db()
    assert proposal.status == ReviewStatus.APPROVED


def test_the_new_donor_form_names_only_in_scope_look_alikes(ctx, tree):
    mine = Donor.objects.create(
        full_name=ctx.other.full_name, date_of_birth=ctx.other.date_of_birth, sex="F", commune=tree.phu_ung
    )
    ctx.client.force_login(ctx.people.district_officer)
    response = ctx.client.post(
        reverse("donors:donor_create"),
        {"full_name": ctx.other.full_name, "date_of_birth": "04/04/1990", "sex": "F", "commune": tree.van_du.pk},
    )
    shown = [c.donor for c in response.context["duplicates"]]
    assert shown == [mine]


def test_self_registration_stores_consent_and_signs_up_once_across_slots(ctx):
    """Consent ticked on the public page is stored on the new record (it used to be saved as "no")."""
    try_self_registration(ctx, "name_and_birth_date")
    registration = ctx.drive.registrations.get()
    assert registration.donor != ctx.other
    assert registration.donor.consent_contact and registration.donor.consent_processing
    assert registration.slot.start_time == datetime.time(9, 0)  # the later choice of slot
    # The second sign-up is answered exactly as the first (the same registration, its code, the new time).
    first, second = (re.sub(r'(X-CSRFToken": |csrfmiddlewaretoken" value=)"[^"]+"', "", a) for a in ctx.answers)
    assert "Cảm ơn bạn đã đăng ký" in first and registration.qr_token in first
    assert first.replace("lúc 07:00", "lúc 09:00") == second


def test_people_of_the_organisers_scope_are_proposed_from_self_registration(ctx, tree):
    mine = Donor.objects.create(
        full_name="Lê Thị Hạnh",
        date_of_birth=datetime.date(1992, 2, 2),
        sex="F",
        phone="+84912555666",
        commune=tree.van_du,
    )
    public = Client()
    slot = ctx.drive.slots.filter(unit__isnull=True).first()
    with frozen(BEFORE):
        page = public.post(
            reverse("public_drives:register", args=[ctx.drive.public_token]),
            {
                "slot": slot.pk,
                "full_name": "Người Bịa Đặt",
                "date_of_birth": "02/02/1992",
                "sex": "F",
                "phone": "0912555666",
                "kind": "direct",
                "consent": "on",
            },
        ).content.decode()
    assert "Lê Thị Hạnh" not in page and "Cảm ơn bạn đã đăng ký" in page
    registration = ctx.drive.registrations.get()
    assert registration.donor != mine
    assert DuplicateProposal.objects.get(new_donor=registration.donor).candidate == mine
    ctx.client.force_login(ctx.people.district_officer)
    review = ctx.client.get(reverse("donors:review_queue")).content.decode()
    # The new record has no commune yet; registered for the organiser's drive, its page opens for them.
    assert "Người Bịa Đặt" in review and f"/donors/{mine.pk}/" in review
    assert f'href="/donors/{registration.donor.pk}/"' in review
    assert ctx.client.get(reverse("donors:donor_detail", args=[registration.donor.pk])).status_code == 200


@pytest.mark.parametrize(
    ("born", "last", "refusal"),
    [
        ("01/06/2010", "", "Chưa đủ 18 tuổi"),
        ("01/01/1960", "", "Đã quá 60 tuổi"),
        ("01/01/1990", "20/02/2026", "cần cách ít nhất 12 tuần"),
    ],
)
def test_self_registration_refuses_who_may_not_give_on_the_drive_day(ctx, born, last, refusal):
    slot = ctx.drive.slots.filter(unit__isnull=True).first()
    with frozen(BEFORE):
        page = (
            Client()
            .post(
                reverse("public_drives:register", args=[ctx.drive.public_token]),
                {
                    "slot": slot.pk,
                    "full_name": "Trần Văn Nhỏ",
                    "date_of_birth": born,
                    "sex": "M",
                    "phone": "0912000333",
                    "last_donation": last,
                    "kind": "direct",
                    "consent": "on",
                },
            )
            .content.decode()
        )
    assert refusal in page and "Đăng ký thành công" not in page
    assert not ctx.drive.registrations.exists()


def test_a_member_of_another_unit_cannot_decide_a_proposal(ctx, tree):
    try_manual_create(ctx, "name_and_birth_date")
    other_officer = member("ctd.khac", tree.hung_yen, Role.LEADER)
    mine = Donor.objects.create(full_name="Phan Văn Tú", date_of_birth=datetime.date(1980, 1, 1), commune=tree.van_du)
    new = Donor.objects.create(full_name="Phan Văn Tú", date_of_birth=datetime.date(1980, 1, 1), commune=tree.van_du)
    proposal = DuplicateProposal.objects.create(
        unit=tree.an_thi, new_donor=new, candidate=mine, reason="trùng họ tên và ngày sinh", source="manual"
    )
    ctx.client.force_login(other_officer)  # a read-only leader of the province
    response = ctx.client.post(reverse("donors:review_proposal", args=[proposal.pk]), {"decision": "approve"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ReviewStatus.PENDING


def test_an_approved_transfer_moves_the_person_to_the_asking_commune(ctx, tree):
    try_manual_create(ctx, "cccd")
    transfer = TransferRequest.objects.get()
    assert transfer.typed_name == "Nguyễn Văn Khác" and transfer.donor_values["commune_id"] == tree.van_du.pk
    ctx.client.force_login(ctx.people.district_officer)
    asked = ctx.client.get(reverse("donors:review_queue")).content.decode()
    assert "Nguyễn Văn Khác" in asked and "tỉnh An Giang" in asked and ctx.other.full_name not in asked
    ctx.client.force_login(ctx.people.province_officer)
    ctx.client.post(reverse("donors:review_transfer", args=[transfer.pk]), {"decision": "approve"})
    ctx.other.refresh_from_db()
    assert ctx.other.commune == tree.van_du
    ctx.client.force_login(ctx.people.van_du_focal)
    assert ctx.client.get(reverse("donors:donor_detail", args=[ctx.other.pk])).status_code == 200


def test_a_new_person_from_a_walk_in_is_found_by_the_unit_that_took_them(ctx):
    """A walk-in (or list line) for someone new makes a record with no commune yet: the officers of the
    drive's organiser find it in their list and open it, instead of it vanishing from everyone's scope."""
    client = ctx.client
    client.force_login(ctx.people.district_officer)
    with frozen(DRIVE_DAY):
        client.post(
            reverse("drive_checkin:checkin_walk_in", args=[ctx.drive.pk]),
            {
                "walkin-full_name": "Đỗ Thị Mới",
                "walkin-date_of_birth": "02/02/1995",
                "walkin-sex": "F",
                "walkin-phone": "0912000999",
                "walkin-cccd": "033195000999",
                "walkin-unit": str(ctx.tree.van_du.pk),
            },
            HTTP_HX_REQUEST="true",
        )
    newcomer = Donor.objects.get(cccd="033195000999")
    assert newcomer.commune_id is None
    assert client.get(reverse("donors:donor_detail", args=[newcomer.pk])).status_code == 200
    assert f"/donors/{newcomer.pk}/" in client.get(reverse("donors:donor_list"), {"q": "do thi moi"}).content.decode()
    # Not to another province's officer.
    outsider = member("officer.an_giang", ctx.tree.an_giang, Role.OFFICER)
    client.force_login(outsider)
    assert client.get(reverse("donors:donor_detail", args=[newcomer.pk])).status_code == 404


# --- humanitarian addresses (beneficiaries are people too) ----------------------------------------


def test_another_provinces_beneficiary_is_never_visible(ctx, tmp_path, settings):
    """The An Giang donor is also on An Giang's file as a humanitarian address. No Ân Thi user reaches
    that record by any beneficiary path: page, edit, reveal, documents, erasure, list, search, report,
    exports; and recording someone with her CCCD in Ân Thi links nothing to her record."""
    from hienmau.humanitarian.models import Beneficiary, BeneficiaryDocument
    from hienmau.humanitarian.services import attach_document

    settings.MEDIA_ROOT = tmp_path
    place = Unit.objects.get(name="Mỹ Hoà Hưng")
    theirs = Beneficiary.objects.create(
        unit=place,
        kind="person",
        full_name=ctx.other.full_name,
        cccd=ctx.other.cccd,
        phone=ctx.other.phone,
        address=ctx.other.address,
        status="established",
        established_on=datetime.date(2026, 1, 5),
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = attach_document(theirs, SimpleUploadedFile("don.pdf", b"%PDF", "application/pdf"), None)
    client = ctx.client
    for user in (ctx.people.district_officer, ctx.people.van_du_focal):
        client.force_login(user)
        for name, args in (
            ("beneficiary_detail", [theirs.pk]),
            ("beneficiary_edit", [theirs.pk]),
            ("beneficiary_history", [theirs.pk]),
            ("beneficiary_erase", [theirs.pk]),
            ("document_download", [theirs.pk, document.pk]),
        ):
            assert client.get(reverse(f"humanitarian:{name}", args=args)).status_code == 404, name
        for field in ("cccd", "phone"):
            url = reverse("humanitarian:beneficiary_reveal", args=[theirs.pk, field])
            assert client.post(url, {"reason": "xem"}).status_code == 404
        for name, args in (("humanitarian:pledge_create", [theirs.pk]), ("humanitarian:document_upload", [theirs.pk])):
            assert client.post(reverse(name, args=args), {}).status_code == 404
        for query in ("", "Châu", ctx.other.full_name):
            listing = client.get(reverse("humanitarian:beneficiary_list"), {"q": query}).content.decode()
            assert f"/humanitarian/{theirs.pk}/" not in listing
            assert listing.count(ctx.other.full_name) == (1 if query == ctx.other.full_name else 0)  # the box
        report = client.get(reverse("humanitarian:report")).content.decode()
        assert "Mỹ Hoà Hưng" not in report
        for fmt in ("xlsx", "docx"):
            exported = client.get(reverse("humanitarian:report_export", args=[fmt]))
            assert exported.status_code == 200 and b"Hoa Hung" not in exported.content
    # The Ân Thi officer records someone with her CCCD: a record of their own, nothing joined to hers.
    client.force_login(ctx.people.district_officer)
    created = client.post(
        reverse("humanitarian:beneficiary_create"),
        {
            "unit": ctx.tree.van_du.pk,
            "kind": "person",
            "full_name": "Nguyễn Văn Khác",
            "cccd": ctx.other.cccd,
            "status": "surveyed",
        },
    )
    assert created.status_code == 302 and ctx.other.full_name not in created.content.decode()
    mine = Beneficiary.objects.get(full_name="Nguyễn Văn Khác")
    assert mine.unit == ctx.tree.van_du and Beneficiary.objects.get(pk=theirs.pk).unit == place
    assert BeneficiaryDocument.objects.filter(beneficiary=theirs).count() == 1
