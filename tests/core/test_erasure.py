"""Erasure that erases: a person who went through every path (registry, unit list, self-registration,
walk-in, merge, certificate, reminder) is erased, then every table (historical ones included) and every
stored file is scanned for their name, CCCD, phones and birth date.

The scan is generic: it reads every model Django knows, so a model added later that keeps a copy of a
person and has no eraser (core/erasure.py) makes this test fail.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Q
from django.test import RequestFactory
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.core.erasure import held_models
from hienmau.core.lib.text import fold
from hienmau.donors.models import Donation, Donor, DuplicateProposal, Household
from hienmau.drives import services as drive_services
from hienmau.drives.models import Drive, Registration, RegistrationStatus, TimeSlot
from hienmau.honours.models import Honour
from hienmau.humanitarian.models import Beneficiary
from hienmau.orgs.models import Unit
from hienmau.outreach.models import Service, Volunteer

NAME = "Quách Thị Diệu Linh"
BORN = datetime.date(1987, 3, 14)
CCCD = "033187004521"
PHONE, SECOND_PHONE = "0903217654", "0977111222"
DAY = datetime.date(2026, 12, 10)


def needles() -> list[str]:
    phones = [f(p) for p in (PHONE, SECOND_PHONE) for f in (lambda p: p, lambda p: "+84" + p[1:], lambda p: p[1:])]
    dates = [BORN.isoformat(), f"{BORN:%d/%m/%Y}", f"{BORN.day}/{BORN.month}/{BORN.year}"]
    return [NAME, fold(NAME), CCCD, *phones, *dates]


def found_in(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    lowered, folded = text.lower(), fold(text)
    return [n for n in (*needles(), *extra) if n.lower() in lowered or fold(n) in folded]


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def traces_in_database(extra: tuple[str, ...] = ()) -> list[str]:
    """Every (table, column, row) holding one of the person's values, in any model, historical included."""
    traces = []
    for model in apps.get_models(include_auto_created=True):
        text_columns = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        date_columns = [f for f in model._meta.concrete_fields if type(f) is models.DateField]
        columns = text_columns + date_columns
        if not columns:
            continue
        pk = model._meta.pk.attname
        for row in model._base_manager.values_list(pk, *[f.attname for f in columns]).iterator():
            for column, value in zip(columns, row[1:], strict=True):
                if value is None:
                    continue
                if column in date_columns:
                    hits = ["ngày sinh"] if value == BORN else []
                else:
                    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                    hits = found_in(text, extra)
                if hits:
                    traces.append(f"{model._meta.db_table}.{column.attname} #{row[0]}: {hits}")
    return traces


def traces_in_files(root: Path) -> list[str]:
    from hienmau.core.uploads import file_text

    return [
        f"{path.relative_to(root)}: {found_in(file_text(path))}"
        for path in root.rglob("*")
        if path.is_file() and found_in(file_text(path))
    ]


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HIENMAU_NOTIFY_BACKEND = "file"
    return tmp_path


@pytest.fixture
def hospital(tree):
    return Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi, code="TTYT-AT"
    )


def new_drive(tree, hospital, title: str, day: datetime.date = DAY) -> Drive:
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title=title,
        date=day,
        start_time=datetime.time(7),
        site_name="Nhà văn hoá huyện",
        facility=hospital,
        public_registration=True,
    )
    TimeSlot.objects.create(
        drive=drive, unit=tree.van_du, start_time=datetime.time(7), end_time=datetime.time(9), quota=9
    )
    TimeSlot.objects.create(drive=drive, unit=None, start_time=datetime.time(9), end_time=datetime.time(11), quota=9)
    return drive


LIST = (
    "STT\tHọ và tên\tNgày sinh\tGiới tính\tSố CCCD\tSố điện thoại\tĐơn vị\tTrực tiếp / Dự bị\n"
    f"1\t{NAME}\t{BORN:%d/%m/%Y}\tNữ\t{CCCD}\t{PHONE}\tXã Vân Du\tTrực tiếp\n"
)


@pytest.mark.django_db(transaction=True)
def test_an_erased_person_leaves_no_trace_in_any_table_or_file(tree, people, client_for, hospital, var_dir):
    officer = client_for(people.district_officer)
    with frozen(DAY - datetime.timedelta(days=5)):
        # Registry: created by hand, with a second record for the same person created later.
        created = officer.post(
            reverse("donors:donor_create"),
            {
                "full_name": NAME,
                "date_of_birth": f"{BORN:%d/%m/%Y}",
                "sex": "F",
                "cccd": CCCD,
                "phone": PHONE,
                "address": "Số 5 ngõ 12 thôn Đông",
                "commune": tree.van_du.pk,
                "weight_kg": "55",
                "consent_contact": "on",
                "consent_processing": "on",
            },
        )
        assert created.status_code == 302, created.context["form"].errors
        person = Donor.objects.get(cccd=CCCD)
        twin = Donor.objects.create(
            full_name=NAME, date_of_birth=BORN, sex="F", phone="+84" + SECOND_PHONE[1:], commune=tree.van_du
        )
        Donation.objects.create(donor=twin, date=datetime.date(2024, 5, 2), facility=hospital, volume_ml=250)
        # A unit's list (confirmed), and the same list uploaded again and left at its preview.
        listed = new_drive(tree, hospital, "Ngày hội hiến máu tháng 12")
        url = reverse("drives:list_submit", args=[listed.pk])
        preview = officer.post(url, {"unit": tree.van_du.pk, "text": LIST})
        lines = [str(line.line) for line in preview.context["valid"]]
        assert (
            officer.post(url, {"token": preview.context["token"], "unit": tree.van_du.pk, "line": lines}).status_code
            == 302
        )
        upload = SimpleUploadedFile("danh-sach.csv", LIST.replace("\t", ",").encode("utf-8"), "text/csv")
        assert officer.post(url, {"unit": tree.van_du.pk, "file": upload}).status_code == 200
        # A reminder, sent to the outbox.
        assert drive_services.send_reminders(listed) == 1
        # Self-registration on the public page of another drive.
        public = new_drive(tree, hospital, "Hiến máu cuối tuần")
        officer.logout()
        response = officer.post(
            reverse("public_drives:register", args=[public.public_token]),
            {
                "slot": public.slots.get(unit__isnull=True).pk,
                "full_name": NAME,
                "date_of_birth": f"{BORN:%d/%m/%Y}",
                "sex": "F",
                "phone": SECOND_PHONE,
                "kind": "direct",
                "consent": "on",
                "last_donation": "",
            },
        )
        assert response.status_code == 200
        officer = client_for(people.district_officer)
        # An edit in the admin (its log names the record).
        request = RequestFactory().post("/admin/")
        request.user = people.district_officer
        admin.site._registry[Donor].log_change(request, person, [{"changed": {"fields": ["address"]}}])
        # A reveal whose reason names her.
        officer.post(
            reverse("donors:donor_reveal", args=[person.pk, "phone"]), HTTP_HX_PROMPT=f"Gọi cho chị {NAME} {PHONE}"
        )
        # The same person on file as a humanitarian address (by her CCCD), with a document and a reveal.
        assert (
            officer.post(
                reverse("humanitarian:beneficiary_create"),
                {
                    "unit": tree.van_du.pk,
                    "kind": "person",
                    "full_name": NAME,
                    "date_of_birth": f"{BORN:%d/%m/%Y}",
                    "cccd": CCCD,
                    "phone": PHONE,
                    "address": "Số 5 ngõ 12 thôn Đông",
                    "situation": f"Chị {NAME} nuôi mẹ già",
                    "status": "surveyed",
                },
            ).status_code
            == 302
        )
        beneficiary = Beneficiary.objects.get(cccd=CCCD)
        paper = SimpleUploadedFile("ho-so.pdf", f"Đơn đề nghị của {NAME}, CCCD {CCCD}".encode(), "application/pdf")
        officer.post(reverse("humanitarian:document_upload", args=[beneficiary.pk]), {"file": paper})
        assert beneficiary.documents.exists()
        officer.post(
            reverse("humanitarian:beneficiary_reveal", args=[beneficiary.pk, "phone"]), {"reason": f"Gọi {NAME}"}
        )
        # Volunteer roster: found by her CCCD, a note and her hours naming her.
        joined = officer.post(
            reverse("outreach:volunteer_list"),
            {
                "unit": tree.van_du.pk,
                "number": CCCD,
                "joined_on": f"{DAY:%d/%m/%Y}",
                "skills": f"Chị {NAME} lo hậu cần",
            },
        )
        assert joined.status_code == 302
        volunteer = Volunteer.objects.get(donor=person)
        served = officer.post(
            reverse("outreach:volunteer_detail", args=[volunteer.pk]),
            {"date": f"{DAY:%d/%m/%Y}", "hours": "4", "task": f"Gọi {PHONE} hẹn đón tiếp"},
        )
        assert served.status_code == 302
        # Merge: every other record of hers is merged into the first.
        # The self-registered one is not linked to her (the public page links nobody): it waits in the
        # review queue as a possible duplicate, and is merged from there.
        self_registered = Registration.objects.get(source="self").donor
        for other in Donor.objects.exclude(pk__in=[person.pk, self_registered.pk]).filter(full_name=NAME):
            assert officer.post(reverse("donors:merge_preview", args=[person.pk, other.pk])).status_code == 302
        proposal = DuplicateProposal.objects.get(new_donor=self_registered, candidate=person)
        assert (
            officer.post(reverse("donors:review_proposal", args=[proposal.pk]), {"decision": "approve"}).status_code
            == 302
        )
    with frozen(DAY):
        # Check-in: she gives blood on the list's drive (a certificate is issued) and walks in at a third.
        registration = Registration.objects.get(drive=listed)
        drive_services.record_outcome(
            registration,
            drive_services.CheckIn(
                outcome=RegistrationStatus.DONATED, component="whole_blood", volume_ml=350, bag_number="AT-9911"
            ),
            "event-1",
            people.district_officer,
        )
        walked = new_drive(tree, hospital, "Hiến máu tại trạm")
        drive_services.walk_in(
            walked, drive_services.Person(full_name=NAME, date_of_birth=BORN, cccd=CCCD), tree.van_du
        )

    # Her family, honoured (its household and its honour named after her), and a registration she recruited.
    house = Household.objects.create(name=NAME, commune=tree.van_du)
    Donor.objects.filter(pk=person.pk).update(household=house)
    Honour.objects.create(
        subject="family", owner=tree.an_thi, household=house, tier=3, count=4, year=2026, status="approved",
        name=f"Gia đình bà {NAME}", note=f"Thành viên: {NAME} (4 lần)",
    )  # fmt: skip
    Registration.objects.filter(source="walk_in").update(recruited_by=person)

    person.refresh_from_db()
    donated = person.donations.get(date=DAY)
    assert donated.certificate_number and donated.certificate_token
    secrets = (donated.certificate_token, "AT-9911")  # the certificate's QR token and the blood bag
    hers = Registration.objects.filter(Q(donor=person) | Q(donor__merged_into=person))
    assert sorted(hers.values_list("source", flat=True)) == ["list", "self", "walk_in"]
    assert Donor.objects.filter(merged_into=person).exists()
    assert traces_in_database(secrets) and traces_in_files(var_dir)  # the walk left traces for the scan to find

    response = officer.post(reverse("donors:donor_erase", args=[person.pk]), {"confirm": "yes"})
    assert response.status_code == 302

    assert traces_in_database(secrets) == []
    assert traces_in_files(var_dir) == []
    person.refresh_from_db()
    assert Beneficiary.objects.get(pk=beneficiary.pk).erased_at is not None
    assert person.donations.filter(outcome="donated").count() == 2  # the counts stay, anonymous
    assert hers.count() == 3
    # Her hours still count for the plan's figures, on the anonymised record, and she left the roster.
    assert Service.objects.filter(volunteer__donor=person, hours=4).exists()
    assert Volunteer.objects.get(donor=person).status == "left"
    family = Honour.objects.get(household=house)
    assert family.tier == 3 and family.name.startswith("Gia đình bà ") and NAME not in family.name


PERSONAL_FIELD_NAMES = {"full_name", "cccd", "phone", "date_of_birth", "address", "recipient", "bag_number"}
# Models with free text or JSON that never describe a person: (label, why).
NOT_ABOUT_PEOPLE = {
    "sessions.Session": "login state and the tokens of kept uploads (files erased by core.uploads)",
    "orgs.Unit": "a unit's note",
    "plans.Plan": "a plan's document text",
    "plans.ImportFinding": "what a plan import found in a document",
    "donors.EligibilityRuleSet": "the values of a circular's rules",
    "results.ResultImport": "a tally's rows and findings: units, dates and blood-unit counts, no person",
    "plans.PlanAmendment": "why a plan's targets changed and the targets before and after, per unit",
    "reports.UnitReport": "a unit's activities, difficulties and proposals for a period, and the office's comment",
    "reports.ReportEvent": "the office's comment when it returns or approves a unit's report",
    "django_tasks_database.DBTaskResult": "a queued background task: its arguments are a job's number (hienmau.jobs, "
    "whose texts are erased there) and its return value the job's state",
    "axes.AccessAttempt": "failed staff logins (username, address, browser; passwords masked), no donor; "
    "purged after the cool-off by django-axes and by `hienmau purge`",
}


def test_every_model_that_can_hold_a_person_has_an_eraser():
    """A model with a personal-looking field, free text, JSON, or a link to a donor or a registration is
    named by some registered eraser (core.erasure.register_eraser(..., holds=[...])) or listed above as
    not about people; historical models count as their record's model."""
    person_models = {Donor, Registration}
    missing = []
    for model in apps.get_models():
        own = getattr(model, "instance_type", model)  # a django-simple-history model stands for its record
        fields = own._meta.concrete_fields
        personal = any(
            f.name in PERSONAL_FIELD_NAMES
            or isinstance(f, (models.TextField, models.JSONField))
            or (f.is_relation and f.related_model in person_models)
            for f in fields
        )
        if personal and own._meta.label_lower not in held_models() and own._meta.label not in NOT_ABOUT_PEOPLE:
            missing.append(own._meta.label)
    assert sorted(set(missing)) == []
