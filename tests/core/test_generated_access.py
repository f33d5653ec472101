"""Every route of the URL conf, as every role of a province that does not own the object, gets nothing.

Generated from the URL conf: each pattern is requested (GET, and POST for a pattern with arguments) by a
user of each role at Hưng Yên province, with its arguments naming objects that belong to An Giang (WORLD
below). The answer must be a refusal (403/404, or a redirect that is not to the object) and carry no
personal value of An Giang's people (names, CCCD, phone). A pattern without arguments (a list, a form) is
requested too: it may answer 200, but must not show An Giang's people.

A NEW ROUTE FAILS THIS TEST until it is placed:
  - a pattern with arguments: add its name to ARGUMENTS with a function building its kwargs from the
    World (add the object it shows to `world()` if it is not there, owned by An Giang);
  - a pattern that cannot be parametrised (or is public by design): add it to NOT_CHECKED with the reason.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hienmau.api.tokens import create_token
from hienmau.donors.models import Donation, Donor, DonorMerge, DuplicateProposal, TransferRequest
from hienmau.drives.models import Drive, Registration, RosterEntry, TimeSlot
from hienmau.honours.models import Honour, HonourRound, HonourStatus, LocalTier
from hienmau.humanitarian.models import Beneficiary, BeneficiaryDocument, Delivery, Pledge, Sponsor
from hienmau.jobs.models import Job
from hienmau.orgs.models import Membership, Role, SuccessorLink, Unit, UnitCategory, UnitKind
from hienmau.outreach.models import Activity, BudgetLine, Contribution, Expense, Volunteer
from hienmau.plans.models import PlanAttachment
from hienmau.reports.models import UnitReport
from hienmau.results.models import ResultImport
from hienmau.standby.models import Call, Club, ClubKind, ClubMember, EmergencyRequest
from tests.factories import member
from tests.plans.conftest import make_plan

pytestmark = pytest.mark.django_db

NAME, CCCD, PHONE = "Châu Thị Bé Ngọc", "089190001234", "0911222333"
OTHER_NAME, OTHER_CCCD = "Lâm Văn Trùng Tên", "089190005678"
HELPED_NAME, HELPED_CCCD = "Thạch Thị Sa Rết", "089190009999"
# What must never appear in an answer to a Hưng Yên user (the phone also as stored and as grouped).
PERSONAL = (NAME, CCCD, PHONE, "+84911222333", "0911 222 333", OTHER_NAME, OTHER_CCCD, HELPED_NAME, HELPED_CCCD)


@dataclass
class World:
    tree: object
    commune: Unit
    hospital: Unit
    donor: Donor
    other_donor: Donor
    donation: Donation
    plan: object
    attachment: PlanAttachment
    drive: Drive
    registration: Registration
    roster: RosterEntry
    emergency: EmergencyRequest
    call: Call
    club: Club
    club_member: ClubMember
    honour_round: HonourRound
    honour: Honour
    tier: LocalTier
    result_import: ResultImport
    unit_report: UnitReport
    proposal: DuplicateProposal
    transfer: TransferRequest
    merge: DonorMerge
    link: SuccessorLink
    beneficiary: Beneficiary
    pledge: Pledge
    document: BeneficiaryDocument
    api_token: object
    activity: Activity
    volunteer: Volunteer
    budget_line: BudgetLine
    expense: Expense
    contribution: Contribution
    job: Job


def world(tree) -> World:
    """An Giang's objects, each of the kind a route shows."""
    ag_user = member("vp.angiang.owner", tree.an_giang, Role.OFFICER)
    TOTPDevice.objects.create(user=ag_user, name="Ứng dụng xác thực", confirmed=True)  # no outsider resets it
    commune = Unit.objects.create(
        name="Mỹ Hoà Hưng", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.an_giang
    )
    hospital = Unit.objects.create(
        name="Bệnh viện Đa khoa An Giang",
        kind=UnitKind.ORGANISATION,
        category=UnitCategory.HOSPITAL,
        parent=tree.an_giang,
    )
    donor = Donor.objects.create(
        full_name=NAME,
        date_of_birth=datetime.date(1990, 4, 4),
        sex="F",
        cccd=CCCD,
        phone="+84911222333",
        address="Ấp Mỹ Hoà, xã Mỹ Hoà Hưng",
        commune=commune,
        abo="O",
        rh="-",
    )
    other_donor = Donor.objects.create(
        full_name=OTHER_NAME, date_of_birth=datetime.date(1991, 1, 1), sex="M", cccd=OTHER_CCCD, commune=commune
    )
    donation = Donation.objects.create(
        donor=donor,
        date=datetime.date(2025, 9, 1),
        facility=hospital,
        volume_ml=350,
        certificate_number="AG-2025-0001",
        certificate_token="AgCertToken1234567890abc",
    )
    plan = make_plan(tree.an_giang, "66", [(commune, 100, [50, 50])])
    attachment = PlanAttachment.objects.create(plan=plan, name="phu-luc.txt", file=ContentFile(b"x", name="p.txt"))
    drive = Drive.objects.create(
        organiser=tree.an_giang,
        title="Ngày hội hiến máu An Giang",
        date=datetime.date(2026, 3, 20),
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 0),
        site_name="Nhà văn hoá tỉnh",
        facility=hospital,
        public_registration=True,
    )
    slot = TimeSlot.objects.create(
        drive=drive, unit=None, start_time=datetime.time(7, 0), end_time=datetime.time(9, 0), quota=20
    )
    registration = Registration.objects.create(drive=drive, slot=slot, donor=donor, full_name=NAME)
    roster = RosterEntry.objects.create(drive=drive, role=RosterEntry._meta.get_field("role").choices[0][0])
    emergency = EmergencyRequest.objects.create(
        facility=hospital,
        office=tree.an_giang,
        abo="O",
        rh="-",
        component="whole_blood",
        units=2,
        needed_by=timezone.now() + datetime.timedelta(days=1),
        created_by=ag_user,
    )
    call = Call.objects.create(request=emergency, donor=donor)
    club = Club.objects.create(name="CLB Rh(−) An Giang", kind=ClubKind.RARE, unit=tree.an_giang)
    club_member = ClubMember.objects.create(club=club, donor=donor, joined_on=datetime.date(2024, 1, 1))
    honour_round = HonourRound.objects.create(
        unit=tree.an_giang, title="Tôn vinh 14/6/2025", cutoff=datetime.date(2025, 5, 31), created_by=ag_user
    )
    honour = Honour.objects.create(
        owner=tree.an_giang,
        round=honour_round,
        donor=donor,
        tier=20,
        count=21,
        year=2025,
        status=HonourStatus.PROPOSED,
        name=NAME,
    )
    tier = LocalTier.objects.create(unit=tree.an_giang, count=5, award="Giấy khen của Hội Chữ thập đỏ tỉnh")
    result_import = ResultImport.objects.create(source_name="ket-qua.xlsx", source_hash="0" * 64, unit=tree.an_giang)
    unit_report = UnitReport.objects.create(plan=plan, unit=commune)
    proposal = DuplicateProposal.objects.create(
        unit=tree.an_giang, new_donor=other_donor, candidate=donor, reason="cccd", source="manual"
    )
    transfer = TransferRequest.objects.create(
        donor=donor, asking_unit=commune, deciding_unit=tree.an_giang, source="manual", typed_name=NAME
    )
    merge = DonorMerge.objects.create(survivor=donor, merged=other_donor, by=ag_user)
    link = SuccessorLink.objects.get(predecessor=tree.kien_giang, successor=tree.an_giang)
    beneficiary = Beneficiary.objects.create(
        unit=commune, kind="household", full_name=HELPED_NAME, cccd=HELPED_CCCD, phone="+84911222444"
    )
    sponsor = Sponsor.objects.create(
        unit=tree.an_giang,
        kind=Sponsor.Kind.choices[0][0],
        name="Doanh nghiệp An Giang",
        joined_on=datetime.date(2024, 1, 1),
    )
    pledge = Pledge.objects.create(
        beneficiary=beneficiary, sponsor=sponsor, need=Pledge._meta.get_field("need").choices[0][0],
        start=datetime.date(2025, 1, 1),
    )  # fmt: skip
    Delivery.objects.create(pledge=pledge, date=datetime.date(2025, 2, 1))
    document = BeneficiaryDocument.objects.create(
        beneficiary=beneficiary, name="giay-xac-nhan.pdf", file=ContentFile(b"%PDF", name="x.pdf")
    )
    api_token, _raw = create_token(ag_user, Membership.objects.get(user=ag_user), "Hệ thống bệnh viện An Giang")
    activity = Activity.objects.create(
        plan=plan, unit=commune, kind=Activity._meta.get_field("kind").choices[0][0], date=datetime.date(2025, 3, 1),
        title="Phát tờ rơi ở chợ Mỹ Hoà Hưng",
    )  # fmt: skip
    volunteer = Volunteer.objects.create(unit=commune, donor=donor, joined_on=datetime.date(2024, 1, 1))
    budget_line = BudgetLine.objects.create(plan=plan, category="printing", source="state", amount=5_000_000)
    expense = Expense.objects.create(
        plan=plan, category="printing", source="state", date=datetime.date(2025, 3, 1), description="In tờ rơi",
        amount=1_000_000,
    )  # fmt: skip
    contribution = Contribution.objects.create(
        plan=plan, sponsor=sponsor, date=datetime.date(2025, 3, 1), source="sponsorship", amount=2_000_000
    )
    job = Job.objects.create(
        kind=Job._meta.get_field("kind").choices[0][0], user=ag_user, membership=Membership.objects.get(user=ag_user),
        message=f"Đã nhập 1 dòng: {NAME}",
    )  # fmt: skip
    return World(
        tree, commune, hospital, donor, other_donor, donation, plan, attachment, drive, registration, roster,
        emergency, call, club, club_member, honour_round, honour, tier, result_import, unit_report, proposal,
        transfer, merge, link, beneficiary, pledge, document, api_token, activity, volunteer,
        budget_line, expense, contribution, job,
    )  # fmt: skip


Kwargs = Callable[[World], dict]
# Every pattern with arguments: its kwargs, naming An Giang's objects. ADD NEW ROUTES HERE (see above).
ARGUMENTS: dict[str, Kwargs] = {
    "orgs:unit_detail": lambda w: {"pk": w.commune.pk},
    "orgs:unit_children": lambda w: {"pk": w.tree.an_giang.pk},
    "orgs:unit_edit": lambda w: {"pk": w.commune.pk},
    "orgs:unit_create": lambda w: {"parent_pk": w.tree.an_giang.pk},
    "orgs:unit_history": lambda w: {"pk": w.commune.pk},
    "orgs:successor_add": lambda w: {"pk": w.commune.pk},
    "orgs:successor_decide": lambda w: {"pk": w.tree.an_giang.pk, "link_pk": w.link.pk},
    "plans:plan_detail": lambda w: {"pk": w.plan.pk},
    "plans:plan_edit": lambda w: {"pk": w.plan.pk},
    "plans:plan_grid": lambda w: {"pk": w.plan.pk},
    "plans:grid_cell": lambda w: {"pk": w.plan.pk},
    "plans:grid_add_row": lambda w: {"pk": w.plan.pk},
    "plans:grid_add_bucket": lambda w: {"pk": w.plan.pk},
    "plans:plan_targets": lambda w: {"pk": w.plan.pk},
    "plans:plan_issue": lambda w: {"pk": w.plan.pk},
    "plans:plan_amend": lambda w: {"pk": w.plan.pk},
    "plans:plan_amendment_issue": lambda w: {"pk": w.plan.pk},
    "plans:plan_draft": lambda w: {"pk": w.plan.pk},
    "plans:plan_history": lambda w: {"pk": w.plan.pk},
    "plans:plan_attach": lambda w: {"pk": w.plan.pk},
    "plans:plan_attachment": lambda w: {"pk": w.plan.pk, "attachment_pk": w.attachment.pk},
    "plans:plan_export": lambda w: {"pk": w.plan.pk, "fmt": "xlsx"},
    "donors:review_proposal": lambda w: {"pk": w.proposal.pk},
    "donors:review_transfer": lambda w: {"pk": w.transfer.pk},
    "donors:donor_detail": lambda w: {"pk": w.donor.pk},
    "donors:donor_edit": lambda w: {"pk": w.donor.pk},
    "donors:donor_history": lambda w: {"pk": w.donor.pk},
    "donors:donation_create": lambda w: {"pk": w.donor.pk},
    "donors:donor_export": lambda w: {"pk": w.donor.pk},
    "donors:donor_erase": lambda w: {"pk": w.donor.pk},
    "donors:donor_reveal": lambda w: {"pk": w.donor.pk, "field": "cccd"},
    "donors:merge_preview": lambda w: {"pk": w.donor.pk, "other_pk": w.other_donor.pk},
    "donors:merge_undo": lambda w: {"merge_pk": w.merge.pk},
    "donor_documents:donation_certificate": lambda w: {"pk": w.donation.pk},
    "donor_documents:donor_card": lambda w: {"pk": w.donor.pk},
    "drives:drive_detail": lambda w: {"pk": w.drive.pk},
    "drives:drive_edit": lambda w: {"pk": w.drive.pk},
    "drives:slots_create": lambda w: {"pk": w.drive.pk},
    "drives:roster_add": lambda w: {"pk": w.drive.pk},
    "drives:roster_delete": lambda w: {"pk": w.drive.pk, "entry_pk": w.roster.pk},
    "drives:aggregate_set": lambda w: {"pk": w.drive.pk},
    "drives:list_submit": lambda w: {"pk": w.drive.pk},
    "drive_checkin:checkin": lambda w: {"pk": w.drive.pk},
    "drive_checkin:checkin_counter": lambda w: {"pk": w.drive.pk},
    "drive_checkin:checkin_outcome": lambda w: {"pk": w.drive.pk},
    "drive_checkin:checkin_snapshot": lambda w: {"pk": w.drive.pk},
    "drive_checkin:checkin_walk_in": lambda w: {"pk": w.drive.pk},
    "drive_checkin:result_sheet": lambda w: {"pk": w.drive.pk, "fmt": "xlsx"},
    "drive_checkin:facility_list": lambda w: {"pk": w.drive.pk},
    "drive_checkin:drive_close": lambda w: {"pk": w.drive.pk},
    "results:import_detail": lambda w: {"pk": w.result_import.pk},
    "reports:plan_achievement": lambda w: {"pk": w.plan.pk},
    "reports:plan_comparison": lambda w: {"pk": w.plan.pk, "fmt": "xlsx"},
    "reports:unit_achievement": lambda w: {"pk": w.commune.pk},
    "reports:unit_indicators": lambda w: {"pk": w.commune.pk},
    "reports:plan_submissions": lambda w: {"pk": w.plan.pk},
    "reports:period_close": lambda w: {"pk": w.plan.pk},
    "reports:unit_report": lambda w: {"pk": w.plan.pk, "unit_pk": w.commune.pk},
    "reports:consolidated_export": lambda w: {"pk": w.plan.pk, "fmt": "docx"},
    "reports:unit_outlook": lambda w: {"pk": w.commune.pk},
    "standby:request_detail": lambda w: {"pk": w.emergency.pk},
    "standby:request_wave": lambda w: {"pk": w.emergency.pk},
    "standby:request_cancel": lambda w: {"pk": w.emergency.pk},
    "standby:call_answer": lambda w: {"pk": w.call.pk},
    "standby:club_detail": lambda w: {"pk": w.club.pk},
    "standby:member_add": lambda w: {"pk": w.club.pk},
    "standby:club_export": lambda w: {"pk": w.club.pk},
    "standby:member_edit": lambda w: {"pk": w.club_member.pk},
    "honours:round_detail": lambda w: {"pk": w.honour_round.pk},
    "honours:round_refresh": lambda w: {"pk": w.honour_round.pk},
    "honours:round_approve": lambda w: {"pk": w.honour_round.pk},
    "honours:honour_toggle": lambda w: {"pk": w.honour_round.pk, "honour_pk": w.honour.pk},
    "honours:round_export": lambda w: {"pk": w.honour_round.pk, "kind": "list.xlsx"},
    "honours:review_choose": lambda w: {"honour_pk": w.honour.pk},
    "honours:tier_delete": lambda w: {"pk": w.tier.pk},
    "humanitarian:beneficiary_detail": lambda w: {"pk": w.beneficiary.pk},
    "humanitarian:beneficiary_history": lambda w: {"pk": w.beneficiary.pk},
    "jobs:job_detail": lambda w: {"pk": w.job.pk},
    "jobs:job_download": lambda w: {"pk": w.job.pk},
    "outreach:plan_activities": lambda w: {"pk": w.plan.pk},
    "outreach:activity_edit": lambda w: {"pk": w.activity.pk},
    "outreach:activity_delete": lambda w: {"pk": w.activity.pk},
    "outreach:activity_file": lambda w: {"pk": w.activity.pk},
    "outreach:volunteer_detail": lambda w: {"pk": w.volunteer.pk},
    "outreach:plan_budget": lambda w: {"pk": w.plan.pk},
    "outreach:budget_line_add": lambda w: {"pk": w.plan.pk},
    "outreach:expense_add": lambda w: {"pk": w.plan.pk},
    "outreach:contribution_add": lambda w: {"pk": w.plan.pk},
    "outreach:budget_item_delete": lambda w: {"pk": w.plan.pk, "kind": "line", "item_pk": w.budget_line.pk},
    "outreach:budget_receipt": lambda w: {"pk": w.plan.pk, "kind": "expense", "item_pk": w.expense.pk},
    "outreach:budget_export": lambda w: {"pk": w.plan.pk, "kind": "xlsx"},
    "api_tokens:token_revoke": lambda w: {"pk": w.api_token.pk},
    "orgs:member_reset_second_factor": lambda w: {
        "pk": w.tree.an_giang.pk,
        "member_pk": Membership.objects.get(user__username="vp.angiang.owner").pk,
    },
    "humanitarian:beneficiary_edit": lambda w: {"pk": w.beneficiary.pk},
    "humanitarian:beneficiary_reveal": lambda w: {"pk": w.beneficiary.pk, "field": "cccd"},
    "humanitarian:beneficiary_erase": lambda w: {"pk": w.beneficiary.pk},
    "humanitarian:pledge_create": lambda w: {"pk": w.beneficiary.pk},
    "humanitarian:delivery_create": lambda w: {"pk": w.beneficiary.pk, "pledge_pk": w.pledge.pk},
    "humanitarian:document_upload": lambda w: {"pk": w.beneficiary.pk},
    "humanitarian:document_download": lambda w: {"pk": w.beneficiary.pk, "document_pk": w.document.pk},
    "humanitarian:report_export": lambda w: {"fmt": "xlsx"},
    # The API (token of a Hưng Yên membership, see API_ROUTES).
    "api:unit-detail": lambda w: {"pk": w.commune.pk},
    "api:plan-detail": lambda w: {"pk": w.plan.pk},
    "api:allocation-detail": lambda w: {"pk": w.plan.allocations.first().pk},
    "api:drive-detail": lambda w: {"pk": w.drive.pk},
    "api:registration-detail": lambda w: {"pk": w.registration.pk},
    "api:donor-detail": lambda w: {"pk": w.donor.pk},
    "api:donation-detail": lambda w: {"pk": w.donation.pk},
    "api:emergency-request-detail": lambda w: {"pk": w.emergency.pk},
    "api:honour-detail": lambda w: {"pk": w.honour.pk},
    "api:unit-achievement": lambda w: {"pk": w.commune.pk},
    "api:plan-achievement": lambda w: {"pk": w.plan.pk},
    "api:drive-results": lambda w: {"pk": w.drive.pk},
}
# Routes not behind the session: requested with an API token of the same Hưng Yên membership.
API_PREFIX = "api:"
# Patterns not requested here, with the reason. ADD A ROUTE HERE ONLY WHEN IT CANNOT BE PARAMETRISED.
NOT_CHECKED: dict[str, str] = {
    "public_certificates:certificate_verify": "public by design (QR on the paper); shows only the masked name, "
    "tested in tests/donors/test_certificates.py",
    "public_drives:register": "public by design (anyone with the drive's link signs up); shows no registrant",
    "logout": "ends the session; no data",
    "set_language": "sets a cookie; no data",
    "switch_unit": "changes the active membership among the user's own; refuses others (tests/orgs)",
    "api:schema": "the OpenAPI schema: public, no data",
    "api:docs": "the API documentation page: public, no data",
    "api:redoc": "the API documentation page: public, no data",
    "api:donation-push": "a facility's day push (POST only); its scope is walked in tests/api/test_api.py",
    "api/^(?P<path>.*)$": "the API's JSON 404 for any other path",
}
# Objects other provinces may see by design (the unit tree and its figures are shared); the answer may
# be 200 but must still carry no personal value.
VISIBLE: dict[str, str] = {
    "humanitarian:report_export": "the user's own unit's report (the argument is the format, not an object)",
}


def patterns(resolvers=None, prefix="", namespace=""):
    """(name, route, has arguments) of every pattern of the URL conf, the admin site apart (staff only,
    and Django's own)."""
    for item in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(item, URLResolver):
            space = f"{namespace}:{item.namespace}".strip(":") if item.namespace else namespace
            if space == "admin":
                continue
            yield from patterns(item.url_patterns, prefix + str(item.pattern), space)
        elif isinstance(item, URLPattern):
            route = prefix + str(item.pattern)
            name = (f"{namespace}:{item.name}" if namespace else item.name) if item.name else route
            yield name, prefix + str(item.pattern), bool(item.pattern.converters) or "<" in str(item.pattern)


def test_every_route_is_placed():
    unplaced = [
        f"{name or '(unnamed)'} ({route})"
        for name, route, arguments in patterns()
        if name not in NOT_CHECKED and arguments and name not in ARGUMENTS
    ]
    stale = sorted((set(ARGUMENTS) | set(NOT_CHECKED)) - {name for name, _route, _args in patterns()})
    assert unplaced == [], (
        "Routes with arguments that the generated access test does not know: "
        + ", ".join(unplaced)
        + ". In tests/core/test_generated_access.py add each to ARGUMENTS with a lambda building its kwargs "
        "from objects owned by An Giang (add the object to world() if missing), or, if it cannot be "
        "parametrised or is public by design, to NOT_CHECKED with the reason."
    )
    assert stale == [], f"Routes no longer in the URL conf: {stale}; remove them from ARGUMENTS / NOT_CHECKED."


ROLES = [Role.ADMIN, Role.OFFICER, Role.LEADER, Role.FOCAL_POINT, Role.FACILITY_STAFF]


def _text(body: bytes) -> str:
    """The body as text; an .xlsx/.docx (a zip) by the XML of its parts."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", errors="replace")


def _leaks(body: bytes) -> list[str]:
    text = _text(body)
    return [value for value in PERSONAL if value in text]


def _refused(response, url: str) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code in (301, 302, 303):
        return not response["Location"].split("?")[0].startswith(url.split("?")[0])
    return False


def test_no_route_gives_another_provinces_people(tree):
    w = world(tree)
    problems: list[str] = []
    for role in ROLES:
        user = member(f"hy.{role}", tree.hung_yen, role)
        session = Client()
        session.force_login(user)
        _token, raw = create_token(user, Membership.objects.get(user=user), "kiểm tra")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for name, route, arguments in patterns():
            if name in NOT_CHECKED:
                continue
            client = api if name.startswith(API_PREFIX) else session
            if not arguments:
                response = client.get(reverse(name))
                if leaks := _leaks(response.content):
                    problems.append(f"{role} GET {route} shows {leaks}")
                continue
            if name not in ARGUMENTS:
                continue  # reported by test_every_route_is_placed
            url = reverse(name, kwargs=ARGUMENTS[name](w))
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                if leaks := _leaks(body):
                    problems.append(f"{role} {method.upper()} {url} ({name}) shows {leaks}")
                if name not in VISIBLE and not _refused(response, url):
                    problems.append(f"{role} {method.upper()} {url} ({name}) answered {response.status_code}")
    w.donor.refresh_from_db()
    assert w.donor.full_name == NAME and w.donor.erased_at is None  # nothing was changed by the attempts
    assert TOTPDevice.objects.filter(user__username="vp.angiang.owner", confirmed=True).exists()
    assert problems == [], "\n".join(problems)
