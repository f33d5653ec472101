"""Drive workflows: taking a slot without overbooking, receiving unit lists, checking donors in exactly
once (even when the check-in page was offline and sends again), and counting results per unit."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hienmau.core.clock import today
from hienmau.core.lib.text import fold
from hienmau.core.limits import value_problems
from hienmau.donors.models import Donor, Outcome
from hienmau.donors.recording import Override, Visit, record_donation
from hienmau.donors.services import RegistryLookup, duplicates_of
from hienmau.drives.lib.outcomes import Step, next_step
from hienmau.drives.models import (
    AggregateResult,
    CheckInEvent,
    Drive,
    DriveStatus,
    RegistrantList,
    Registration,
    RegistrationKind,
    RegistrationSource,
    RegistrationStatus,
    TimeSlot,
)
from hienmau.notify.services import send
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope


class SlotFull(ValidationError):
    pass


@dataclass
class Person:
    full_name: str
    date_of_birth: datetime.date | None = None
    sex: str = ""
    cccd: str | None = None
    phone: str = ""
    abo: str = ""
    rh: str = ""


def find_or_create_donor(person: Person) -> tuple[Donor, bool]:
    """The registry record for a person: an exact CCCD, then phone + birth date, then name + birth date."""
    candidates = duplicates_of(
        cccd=person.cccd, phone=person.phone, date_of_birth=person.date_of_birth, name_folded=fold(person.full_name)
    )
    if candidates:
        return candidates[0].donor, False
    donor = Donor.objects.create(
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        cccd=person.cccd,
        phone=person.phone,
        abo=person.abo,
        rh=person.rh,
        blood_group_source="self" if person.abo else "",
    )
    return donor, True


def take_slot(
    drive: Drive,
    slot: TimeSlot,
    person: Person,
    *,
    kind: str = RegistrationKind.DIRECT,
    source: str = RegistrationSource.SELF,
    unit: Unit | None = None,
) -> Registration:
    """Book one place. The slot row is locked, capacity re-checked and the registration created in one
    transaction, so two people can never take the last place (SQLite serialises the same way through its
    IMMEDIATE transactions)."""
    if slot.drive_id != drive.pk:
        raise ValidationError(_("Khung giờ không thuộc đợt hiến máu này."))
    with transaction.atomic():
        locked = TimeSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.registrations.count() >= locked.quota:
            raise SlotFull(
                _("Khung giờ %(slot)s đã đủ người.") % {"slot": f"{locked.start_time:%H:%M}–{locked.end_time:%H:%M}"}
            )
        donor, _created = find_or_create_donor(person)
        if Registration.objects.filter(drive=drive, donor=donor).exists():
            raise ValidationError(_("Người này đã đăng ký đợt hiến máu này."))
        try:
            return Registration.objects.create(
                drive=drive,
                slot=locked,
                unit=unit or locked.unit,
                donor=donor,
                full_name=donor.full_name,
                kind=kind,
                source=source,
                late=_is_late(drive),
            )
        except IntegrityError as exc:
            raise ValidationError(_("Người này đã đăng ký đợt hiến máu này.")) from exc


def _is_late(drive: Drive) -> bool:
    return bool(drive.list_deadline and today() > drive.list_deadline)


@dataclass
class ListOutcome:
    registrant_list: RegistrantList
    created: int = 0
    new_donors: int = 0
    skipped: list[int] = field(default_factory=list)  # line numbers already registered


def submit_list(
    drive: Drive, unit: Unit, people: list[tuple[int, Person, str]], user, source_name: str = ""
) -> ListOutcome:
    """Register a unit's checked lines (line number, person, kind) in one transaction, marked late after
    the deadline. People are matched to the registry in bulk (a list may have thousands of lines); a
    person already registered for the drive is skipped and reported, not duplicated. A line whose values
    the registry cannot hold refuses the whole list (ValidationError naming the lines)."""
    too_long = [
        f"Dòng {line}: {label} {problem}"
        for line, person, _kind in people
        for label, problem in value_problems(Donor, {"full_name": person.full_name})
    ]
    if too_long:
        raise ValidationError("; ".join(too_long) + ". Không lưu dòng nào.")
    slot = drive.slots.filter(unit=unit).first()
    lookup = RegistryLookup.load(
        cccds={p.cccd for _, p, _ in people if p.cccd},
        phones={p.phone for _, p, _ in people if p.phone},
        pairs={(fold(p.full_name), p.date_of_birth) for _, p, _ in people},
    )
    with transaction.atomic():
        registrant_list = RegistrantList.objects.create(
            drive=drive,
            unit=unit,
            submitted_by=user,
            late=_is_late(drive),
            source_name=source_name[:255],
            lines=len(people),
        )
        outcome = ListOutcome(registrant_list)
        registered = set(drive.registrations.exclude(donor=None).values_list("donor_id", flat=True))
        new_registrations = []
        for line, person, kind in people:
            name = fold(person.full_name)
            donor = lookup.find(person.cccd, person.phone, name, person.date_of_birth)
            if donor is None:
                donor = Donor.objects.create(
                    full_name=person.full_name,
                    date_of_birth=person.date_of_birth,
                    sex=person.sex,
                    cccd=person.cccd,
                    phone=person.phone,
                    abo=person.abo,
                    rh=person.rh,
                    blood_group_source="self" if person.abo else "",
                )
                lookup.remember(donor)
                outcome.new_donors += 1
            if donor.pk in registered:
                outcome.skipped.append(line)
                continue
            registered.add(donor.pk)
            new_registrations.append(
                Registration(
                    drive=drive,
                    slot=slot,
                    unit=unit,
                    donor=donor,
                    full_name=donor.full_name,
                    kind=kind,
                    source=RegistrationSource.LIST,
                    registrant_list=registrant_list,
                    late=registrant_list.late,
                )
            )
        bulk_create_with_history(new_registrations, Registration, batch_size=1000)
        outcome.created = len(new_registrations)
    return outcome


@dataclass(frozen=True)
class DrivePart:
    """What of a drive one scope sees: all of it for the organising side and the collecting facility,
    only its own units' quotas, registrants, lists and results for a unit that takes part."""

    drive: Drive
    scope: Scope | None = None  # None: the whole drive

    @classmethod
    def seen_by(cls, drive: Drive, scope: Scope) -> DrivePart:
        whole = Drive.objects.seen_whole_by(scope).filter(pk=drive.pk).exists()
        return cls(drive, None if whole else scope)

    @property
    def whole(self) -> bool:
        return self.scope is None

    def units(self, prefix: str = "unit__") -> Q:
        return Q() if self.scope is None else self.scope.unit_filter(prefix)

    def slots(self):
        return self.drive.slots.filter(self.units())

    def registrations(self):
        return self.drive.registrations.filter(self.units())

    def lists(self):
        return self.drive.lists.filter(self.units())

    def aggregates(self):
        return self.drive.aggregate_results.filter(self.units())


def _part(drive: Drive, part: DrivePart | None) -> DrivePart:
    return part if part is not None else DrivePart(drive)


def calendar_drives(scope: Scope, first: datetime.date, last: datetime.date) -> list[Drive]:
    """The drives between two days the scope sees, each with `participants` and `registered` counted as
    its part of the drive (a participating unit counts only its own)."""
    drives = list(
        Drive.objects.visible_to(scope)
        .filter(date__range=(first, last))
        .select_related("organiser", "facility")
        .prefetch_related("slots__unit")
        .annotate(
            registered_all=Count("registrations", distinct=True),
            registered_own=Count("registrations", filter=scope.unit_filter("registrations__unit__"), distinct=True),
        )
        .order_by("date", "start_time")
    )
    whole = set(Drive.objects.seen_whole_by(scope).filter(pk__in=[d.pk for d in drives]).values_list("pk", flat=True))
    for drive in drives:
        seen = drive.pk in whole
        drive.registered = drive.registered_all if seen else drive.registered_own
        drive.participants = [s.unit for s in drive.slots.all() if s.unit_id and (seen or scope.contains(s.unit))]
    return drives


@dataclass
class UnitQuota:
    unit: Unit
    quota: int
    registered: int
    deadline: datetime.date | None
    late_lists: int


def quotas(drive: Drive, part: DrivePart | None = None) -> list[UnitQuota]:
    part = _part(drive, part)
    counts = dict(part.registrations().values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    late = dict(
        part.lists().filter(late=True).values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
    )
    return [
        UnitQuota(slot.unit, slot.quota, counts.get(slot.unit_id, 0), drive.list_deadline, late.get(slot.unit_id, 0))
        for slot in part.slots().select_related("unit")
        if slot.unit_id
    ]


# --- check-in ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    outcome: str  # donated, deferred, no_show
    component: str = "whole_blood"
    volume_ml: int | None = None
    bag_number: str = ""
    deferral_reason: str = ""
    deferral_until: datetime.date | None = None
    override: Override | None = None  # a physician allowed a donation the rules refuse
    correction: bool = False  # the officer corrects an earlier outcome (a deferral recorded by mistake)


class OutcomeConflict(ValidationError):
    """The outcome contradicts one already recorded for the registration."""


class DriveNotStarted(ValidationError):
    """Outcomes are recorded from the drive's day on."""


def record_outcome(
    registration: Registration, check_in: CheckIn, client_event_id: str, user
) -> tuple[CheckInEvent, bool]:
    """Record what happened to one registrant. The same client_event_id (a re-sent offline outcome or a
    second scan's retry) returns the first record; a registrant already counted as donated is never
    counted twice. Returns (event, created).

    The visit itself is written by donors.recording (eligibility, physician override, certificate).
    Outcomes are refused before the drive's day (DriveNotStarted). A second "deferred" updates the one
    deferral of the registration; a "donated" or "no_show" after a "deferred" is an OutcomeConflict
    unless the officer marks it as a correction, which then replaces the deferral."""
    if check_in.outcome not in (RegistrationStatus.DONATED, RegistrationStatus.DEFERRED, RegistrationStatus.NO_SHOW):
        raise ValidationError(_("Kết quả không hợp lệ."))
    if check_in.outcome == RegistrationStatus.DONATED and check_in.volume_ml not in (250, 350, 450):
        raise ValidationError(_("Thể tích phải là 250, 350 hoặc 450 ml."))
    if check_in.outcome == RegistrationStatus.DEFERRED and not check_in.deferral_reason:
        raise ValidationError(_("Ghi lý do tạm hoãn."))
    existing = CheckInEvent.objects.filter(client_event_id=client_event_id).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        # of=("self",): the donor join may be empty, and PostgreSQL cannot lock the nullable side of a join.
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("drive", "donor", "donation")
            .get(pk=registration.pk)
        )
        existing = CheckInEvent.objects.filter(client_event_id=client_event_id).first()
        if existing is not None:
            return existing, False
        step = next_step(locked.status, check_in.outcome, check_in.correction, locked.drive.date, today())
        _refuse(step, locked)
        event = CheckInEvent.objects.create(
            client_event_id=client_event_id,
            registration=locked,
            outcome=check_in.outcome,
            component=check_in.component if check_in.outcome == RegistrationStatus.DONATED else "",
            volume_ml=check_in.volume_ml if check_in.outcome == RegistrationStatus.DONATED else None,
            bag_number=check_in.bag_number,
            deferral_reason=check_in.deferral_reason,
            deferral_until=check_in.deferral_until,
            correction=step in (Step.REPLACE_DEFERRAL, Step.REMOVE_DEFERRAL),
            recorded_by=user,
        )
        earlier = locked.donation if step != Step.RECORD else None
        locked.status = check_in.outcome
        if step == Step.REMOVE_DEFERRAL:
            locked.donation = None
            locked.save()
            if earlier is not None:
                earlier._change_reason = _("Sửa kết quả tiếp nhận: người này không đến.")  # type: ignore[attr-defined]
                earlier.delete()
        elif check_in.outcome != RegistrationStatus.NO_SHOW and locked.donor_id:
            locked.donation = record_donation(
                locked.donor,
                _visit(locked, check_in),
                user=user,
                override=check_in.override,
                replacing=earlier,
                why=_("Sửa kết quả tiếp nhận: trước đó ghi tạm hoãn.") if event.correction else "",
            )
        locked.save()
    return event, True


def _refuse(step: Step, registration: Registration) -> None:
    if step == Step.TOO_EARLY:
        raise DriveNotStarted(
            _("Đợt hiến máu diễn ra ngày %(day)s: chỉ ghi nhận kết quả từ ngày đó.")
            % {"day": f"{registration.drive.date:%d/%m/%Y}"}
        )
    if step == Step.ALREADY_DONATED:
        raise OutcomeConflict(_("%(name)s đã được ghi nhận hiến máu ở đợt này.") % {"name": registration.full_name})
    if step == Step.NEEDS_CORRECTION:
        raise OutcomeConflict(
            _(
                "%(name)s đã được ghi tạm hoãn ở đợt này. Nếu đó là ghi nhầm, chọn “Sửa kết quả đã ghi” "
                "rồi ghi nhận lại."
            )
            % {"name": registration.full_name}
        )


def _visit(registration: Registration, check_in: CheckIn) -> Visit:
    drive = registration.drive
    donated = check_in.outcome == RegistrationStatus.DONATED
    return Visit(
        date=drive.date,
        outcome=Outcome.DONATED if donated else Outcome.DEFERRED,
        component=check_in.component,
        volume_ml=check_in.volume_ml if donated else None,
        bag_number=check_in.bag_number,
        facility=drive.facility,
        drive_name=drive.title,
        mobilised_by=registration.unit,
        deferral_reason=check_in.deferral_reason,
        deferral_until=check_in.deferral_until,
    )


def walk_in(drive: Drive, person: Person, unit: Unit | None) -> Registration:
    donor, _created = find_or_create_donor(person)
    existing = Registration.objects.filter(drive=drive, donor=donor).first()
    if existing:
        return existing
    return Registration.objects.create(
        drive=drive, unit=unit, donor=donor, full_name=donor.full_name, source=RegistrationSource.WALK_IN
    )


# --- results -------------------------------------------------------------------------------------


@dataclass
class UnitResult:
    unit_name: str
    registered: int = 0
    donated: int = 0
    deferred: int = 0
    no_show: int = 0
    volume_ml: int = 0


def results(drive: Drive, part: DrivePart | None = None) -> tuple[list[UnitResult], UnitResult]:
    """Per mobilising unit: registered, donated (with volume), deferred, did not come; individual records
    and units' aggregate reports added together."""
    part = _part(drive, part)
    by_unit: dict[str, UnitResult] = defaultdict(lambda: UnitResult(""))
    self_registered = _("Tự đăng ký / đến trực tiếp")
    for registration in part.registrations().select_related("unit", "donation"):
        name = registration.unit.full_name if registration.unit_id else self_registered
        row = by_unit[name]
        row.unit_name = name
        row.registered += 1
        if registration.status == RegistrationStatus.DONATED:
            row.donated += 1
            row.volume_ml += registration.donation.volume_ml if registration.donation else 0
        elif registration.status == RegistrationStatus.DEFERRED:
            row.deferred += 1
        elif registration.status == RegistrationStatus.NO_SHOW:
            row.no_show += 1
    for aggregate in part.aggregates().select_related("unit"):
        row = by_unit[aggregate.unit.full_name]
        row.unit_name = aggregate.unit.full_name
        row.donated += aggregate.donated
        row.deferred += aggregate.deferred
        row.volume_ml += aggregate.volume_ml
    # Vietnamese order (letters without their marks), people who came on their own last.
    rows = sorted(by_unit.values(), key=lambda r: (r.unit_name == self_registered, fold(r.unit_name), r.unit_name))
    total = UnitResult(_("Tổng cộng"))
    for row in rows:
        for attr in ("registered", "donated", "deferred", "no_show", "volume_ml"):
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
    return rows, total


def collected(drive: Drive, part: DrivePart | None = None) -> int:
    part = _part(drive, part)
    return part.registrations().filter(status=RegistrationStatus.DONATED).count() + sum(
        a.donated for a in part.aggregates()
    )


def close_drive(drive: Drive) -> int:
    """Close the drive: everyone still only registered did not come. Returns how many."""
    with transaction.atomic():
        missing = drive.registrations.filter(status=RegistrationStatus.REGISTERED).update(
            status=RegistrationStatus.NO_SHOW
        )
        Drive.objects.filter(pk=drive.pk).update(status=DriveStatus.CLOSED)
    drive.refresh_from_db()
    return missing


def set_aggregate(drive: Drive, unit: Unit, donated: int, deferred: int, volume_ml: int) -> AggregateResult:
    aggregate, _created = AggregateResult.objects.update_or_create(
        drive=drive, unit=unit, defaults={"donated": donated, "deferred": deferred, "volume_ml": volume_ml}
    )
    return aggregate


def send_reminders(drive: Drive) -> int:
    """Remind every registrant who agreed to be contacted and has a phone, once per registration."""
    sent = 0
    registrations = drive.registrations.filter(status=RegistrationStatus.REGISTERED, donor__consent_contact=True)
    for registration in registrations.exclude(donor__phone="").select_related("donor", "slot"):
        when = registration.slot.start_time if registration.slot_id else drive.start_time
        body = _(
            "Nhắc lịch hiến máu: %(name)s, hẹn bạn lúc %(time)s ngày %(date)s tại %(site)s. "
            "Ngủ đủ giấc, ăn nhẹ, mang theo giấy tờ tùy thân. Cảm ơn bạn!"
        ) % {
            "name": registration.full_name,
            "time": f"{when:%H:%M}",
            "date": f"{drive.date:%d/%m/%Y}",
            "site": drive.site_name,
        }
        _message, created = send("sms", registration.donor.phone, body, f"drive:{drive.pk}:reminder:{registration.pk}")
        sent += created
    return sent
