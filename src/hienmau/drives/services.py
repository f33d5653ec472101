"""Drive workflows: taking a slot without overbooking, receiving unit lists, checking donors in exactly
once (even when the check-in page was offline and sends again), and counting results per unit."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hienmau.core.clock import today
from hienmau.core.lib.text import fold
from hienmau.core.limits import value_problems
from hienmau.donors import registry
from hienmau.donors.models import Donation, Donor, LinkSource, Outcome, TransferRequest
from hienmau.donors.recording import Override, Visit, record_donation, record_imported
from hienmau.donors.services import issue_certificate
from hienmau.drives.lib import clashes
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
from hienmau.drives.signals import results_changed
from hienmau.notify.services import send
from hienmau.orgs.models import Unit
from hienmau.orgs.place_resolver import UnitResolver, address_root
from hienmau.orgs.scoping import Scope, unit_scope


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
    consent: bool = False  # ticked "may store and contact me" (self-registration)
    address: str = ""  # as written
    commune: Unit | None = None  # today's commune of the address (place_addresses), for a new record
    place_note: str = ""  # how the address was placed (an old commune's successor) or why not
    recruiter_cccd: str | None = None  # who recruited them ("Người vận động"), by CCCD only

    def keys(self) -> tuple:
        return (self.cccd, self.phone, Donor.name_columns(self.full_name)["name_folded"], self.date_of_birth)

    def new_donor(self) -> Donor:
        return Donor(
            full_name=self.full_name,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            cccd=self.cccd,
            phone=self.phone,
            abo=self.abo,
            rh=self.rh,
            blood_group_source="self" if self.abo else "",
            consent_contact=self.consent,
            consent_processing=self.consent,
            consent_date=today() if self.consent else None,
            address=self.address[:255],
            commune=self.commune,
        )


def place_addresses(people: Iterable[Person], around: Unit) -> None:
    """Put each person's written address in today's commune, through the one place resolver, among the
    communes of `around`'s province (as it is today, with the provinces merged into it): an address
    written before the 2025 reform ("xã Vân Du, huyện Ân Thi") lands in the commune that took it over,
    with a note; an address that names no commune there, or a commune split in several, is kept as
    written and placed nowhere."""
    people = [p for p in people if p.address]
    if not people:
        return
    resolver = UnitResolver(address_root(around), today(), territorial=True)
    for person in people:
        found = resolver.resolve_address(person.address)
        person.commune = resolver.units.get(found.unit_id) if found.unit_id is not None else None
        person.place_note = found.note if found.former is not None else ""


def _lookup(scope: Scope, people: list[Person]) -> registry.RegistryLookup:
    return registry.RegistryLookup.load(
        scope,
        cccds={p.cccd for p in people if p.cccd},
        phones={p.phone for p in people if p.phone},
        pairs={(p.keys()[2], p.date_of_birth) for p in people},
    )


def link_person(
    person: Person, scope: Scope, user, source: str, lookup: registry.RegistryLookup | None = None
) -> tuple[Donor | None, TransferRequest | None]:
    """The registry record for a person typed by a user of `scope` (donors/registry.py): the in-scope
    record with their CCCD; none, with a transfer request, when the CCCD is registered elsewhere; else a
    new record, proposed to the scope's review when it looks like one of the scope's."""
    lookup = lookup or _lookup(scope, [person])
    keys = person.keys()
    created = lookup.created_match(*keys)
    if created is not None:
        return created, None
    match = lookup.match(*keys)
    if match.donor is not None:
        return match.donor, None
    if match.other is not None:
        return None, registry.request_transfer(match.other, scope, user, source, typed_name=person.full_name)
    donor = person.new_donor()
    donor.save()
    lookup.remember(donor, *keys)
    registry.propose_duplicates(donor, match.candidates, scope.unit, source)
    return donor, None


def take_slot(
    drive: Drive,
    slot: TimeSlot,
    person: Person,
    *,
    kind: str = RegistrationKind.DIRECT,
    source: str = RegistrationSource.SELF,
    unit: Unit | None = None,
) -> Registration:
    """Book one place for someone signing up on the public page. The slot row is locked, capacity
    re-checked and the registration created in one transaction, so two people can never take the last
    place (SQLite serialises the same way through its IMMEDIATE transactions).

    Nothing typed on a public page links to an existing record: a new record is made and, when it looks
    like one of the organiser's, proposed for review. The same new person signing up again (any slot)
    gets their first registration back, and the page answers the same either way."""
    if slot.drive_id != drive.pk:
        raise ValidationError(_("Khung giờ không thuộc đợt hiến máu này."))
    with transaction.atomic():
        # The drive first (one sign-up of a drive at a time, so the same person in two tabs is one
        # registration), then the slot.
        Drive.objects.select_for_update().filter(pk=drive.pk).first()
        locked = TimeSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.registrations.count() >= locked.quota:
            raise SlotFull(
                _("Khung giờ %(slot)s đã đủ người.") % {"slot": f"{locked.start_time:%H:%M}–{locked.end_time:%H:%M}"}
            )
        again = _same_self_registration(drive, person)
        if again is not None:  # the latest choice of slot wins; the page answers as for a first sign-up
            again.slot, again.kind = locked, kind
            again.save(update_fields=["slot", "kind"])
            return again
        scope = unit_scope(drive.organiser)
        match = _lookup(scope, [person]).match(*person.keys())
        donor = person.new_donor()
        donor.cccd = None  # the public page never takes a CCCD
        donor.save()
        registry.propose_duplicates(donor, match.candidates, drive.organiser, LinkSource.SELF)
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
            raise ValidationError(_("Không đăng ký được, xin thử lại.")) from exc


def _same_self_registration(drive: Drive, person: Person) -> Registration | None:
    """This drive's self-registration typed with the same name, birth date and phone."""
    name = person.keys()[2]
    return (
        drive.registrations.filter(
            source=RegistrationSource.SELF,
            donor__name_folded=name,
            donor__date_of_birth=person.date_of_birth,
            donor__phone=person.phone,
        )
        .order_by("pk")
        .first()
    )


def _is_late(drive: Drive) -> bool:
    return bool(drive.list_deadline and today() > drive.list_deadline)


@dataclass
class ListOutcome:
    registrant_list: RegistrantList
    created: int = 0
    new_donors: int = 0
    skipped: list[int] = field(default_factory=list)  # line numbers already registered
    transfers: list[int] = field(default_factory=list)  # lines whose CCCD is registered elsewhere
    ask: set[str] = field(default_factory=set)  # the units deciding those transfers
    recruiters_unmatched: list[int] = field(default_factory=list)  # lines naming a recruiter not in the scope


def recruiters_in_scope(scope: Scope, cccds: Iterable[str | None]) -> dict[str, Donor]:
    """The registry records of the scope holding these CCCDs (a recruiter is linked by CCCD only, never by
    name and birth date); a CCCD of nobody in the scope is absent."""
    wanted = {c for c in cccds if c}
    if not wanted:
        return {}
    found = Donor.objects.active().visible_to(scope).filter(cccd__in=wanted).only("pk", "cccd", "full_name")
    return {donor.cccd: donor for donor in found if donor.cccd}


def submit_list(
    drive: Drive,
    unit: Unit,
    people: list[tuple[int, Person, str]],
    user,
    source_name: str = "",
    scope: Scope | None = None,
) -> ListOutcome:
    """Register a unit's checked lines (line number, person, kind) in one transaction, marked late after
    the deadline. People are matched to the registry in bulk (a list may have thousands of lines) inside
    the submitting user's `scope` (default: the unit's), see link_person; a person already registered for the drive is skipped and reported, not duplicated. A line whose values
    the registry cannot hold refuses the whole list (ValidationError naming the lines)."""
    too_long = [
        f"Dòng {line}: {label} {problem}"
        for line, person, _kind in people
        for label, problem in value_problems(Donor, {"full_name": person.full_name})
    ]
    if too_long:
        raise ValidationError("; ".join(too_long) + ". Không lưu dòng nào.")
    slot = drive.slots.filter(unit=unit).first()
    scope = scope or unit_scope(unit)
    lookup = _lookup(scope, [p for _, p, _ in people])
    recruiters = recruiters_in_scope(scope, (p.recruiter_cccd for _, p, _ in people))
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
        waiting = set(drive.registrations.exclude(transfer=None).values_list("transfer_id", flat=True))
        for line, person, kind in people:
            before = len(lookup.created)
            donor, transfer = link_person(person, scope, user, LinkSource.LIST, lookup)
            outcome.new_donors += len(lookup.created) > before
            if transfer is not None:
                outcome.transfers.append(line)
                outcome.ask.add(transfer.deciding_unit.full_name)
                if transfer.pk in waiting:
                    outcome.skipped.append(line)
                    continue
                waiting.add(transfer.pk)
            else:
                assert donor is not None  # link_person gives a donor whenever it gives no transfer request
                if donor.pk in registered:
                    outcome.skipped.append(line)
                    continue
                registered.add(donor.pk)
            recruiter = recruiters.get(person.recruiter_cccd or "")
            if person.recruiter_cccd and recruiter is None:
                outcome.recruiters_unmatched.append(line)
            new_registrations.append(
                Registration(
                    drive=drive,
                    slot=slot,
                    unit=unit,
                    donor=donor,
                    transfer=transfer,
                    full_name=donor.full_name if donor else person.full_name,
                    kind=kind,
                    source=RegistrationSource.LIST,
                    registrant_list=registrant_list,
                    late=registrant_list.late,
                    recruited_by=recruiter,
                )
            )
        bulk_create_with_history(new_registrations, Registration, batch_size=1000)
        outcome.created = len(new_registrations)
        results_changed.send(Drive, drive=drive)
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

    @staticmethod
    def slots_seen(scope: Scope):
        """`slots()` for many drives at once (a prefetch): every slot of the drives the scope sees whole,
        its own units' slots of the others."""
        whole = Drive.objects.seen_whole_by(scope).values("pk")
        return TimeSlot.objects.filter(Q(drive__in=whole) | scope.unit_filter("unit__"))

    def registrations(self):
        return self.drive.registrations.filter(self.units())

    def lists(self):
        return self.drive.lists.filter(self.units())

    def aggregates(self):
        return self.drive.aggregate_results.filter(self.units())


def _part(drive: Drive, part: DrivePart | None) -> DrivePart:
    return part if part is not None else DrivePart(drive)


def drive_text_filter(text: str) -> Q:
    """Drives whose name, place or address holds the words (as typed), or whose organiser's or
    participating unit's name holds them (accent-insensitive, on the units' folded names)."""
    query = Q()
    folded = fold(text)
    for word, folded_word in zip(text.split(), folded.split()):
        query &= (
            Q(title__icontains=word)
            | Q(site_name__icontains=word)
            | Q(site_address__icontains=word)
            | Q(organiser__name_folded__contains=folded_word)
            | Q(pk__in=TimeSlot.objects.filter(unit__name_folded__contains=folded_word).values("drive"))
        )
    return query


def calendar_drives(scope: Scope, first: datetime.date, last: datetime.date) -> list[Drive]:
    """The drives between two days the scope sees, each with `participants` and `registered` counted as
    its part of the drive (a participating unit counts only its own)."""
    drives = list(
        Drive.objects.visible_to(scope)
        .filter(date__range=(first, last))
        .with_results_flag()
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
class Clash:
    drive: Drive
    reasons: list[str]

    @property
    def label(self) -> str:
        words = {clashes.SAME_SITE: _("cùng địa điểm"), clashes.SAME_FACILITY: _("cùng cơ sở tiếp nhận")}
        return ", ".join(str(words[r]) for r in self.reasons)


@dataclass
class Clashes:
    """Drives the one being saved would clash with: those the scope sees, and how many others it does not."""

    seen: list[Clash] = field(default_factory=list)
    unseen: int = 0

    def __bool__(self) -> bool:
        return bool(self.seen) or self.unseen > 0


def clashing_drives(scope: Scope, booking: clashes.Booking, exclude_pk: int | None = None) -> Clashes:
    """Drives not cancelled on the same day, at overlapping hours, at the same site or with the same
    collecting facility (drives/lib/clashes.py). Only drives the scope sees are named; the others of the
    facility are counted, so that an officer knows to call the facility without seeing other units' plans."""
    same_day = Drive.objects.filter(date=booking.day).exclude(status=DriveStatus.CANCELLED)
    if exclude_pk is not None:
        same_day = same_day.exclude(pk=exclude_pk)
    visible = set(Drive.objects.visible_to(scope).filter(date=booking.day).values_list("pk", flat=True))
    found = Clashes()
    for drive in same_day.select_related("organiser", "facility").order_by("start_time", "pk"):
        other = clashes.Booking(drive.date, drive.start_time, drive.end_time, drive.site_name, drive.facility_id)
        reasons = clashes.clash(booking, other)
        if not reasons:
            continue
        if drive.pk in visible:
            found.seen.append(Clash(drive, reasons))
        else:
            found.unseen += 1
    return found


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
        elif check_in.outcome != RegistrationStatus.NO_SHOW and locked.donor is not None:
            locked.donation = record_donation(
                locked.donor,
                _visit(locked, check_in),
                user=user,
                override=check_in.override,
                replacing=earlier,
                why=_("Sửa kết quả tiếp nhận: trước đó ghi tạm hoãn.") if event.correction else "",
            )
        locked.save()
        results_changed.send(Drive, drive=locked.drive)
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


def walk_in(drive: Drive, person: Person, unit: Unit | None, scope: Scope | None = None, user=None) -> Registration:
    """Register someone who came without being on a list, matched inside the check-in user's scope
    (default: the organiser's). A CCCD registered elsewhere gets a registration without a record, so an
    outcome recorded for it waits on the transfer instead of landing on someone else's record."""
    scope = scope or unit_scope(drive.organiser)
    donor, transfer = link_person(person, scope, user, LinkSource.WALK_IN)
    existing = drive.registrations.filter(Q(donor=donor) if donor else Q(transfer=transfer)).first()
    if existing:
        return existing
    with transaction.atomic():
        registration = Registration.objects.create(
            drive=drive,
            unit=unit,
            donor=donor,
            transfer=transfer,
            full_name=donor.full_name if donor else person.full_name,
            source=RegistrationSource.WALK_IN,
        )
        results_changed.send(Drive, drive=drive)
    return registration


def attach_waiting_registrations(transfer: TransferRequest, user=None) -> None:
    """A transfer was approved: its registrations get the donor, and an outcome already recorded at
    check-in becomes the donor's donation or deferral (once)."""
    for registration in Registration.objects.select_for_update().filter(transfer=transfer, donor=None):
        if Registration.objects.filter(drive_id=registration.drive_id, donor_id=transfer.donor_id).exists():
            continue  # already on this drive's list under their record
        registration.donor_id = transfer.donor_id
        event = registration.events.exclude(outcome=RegistrationStatus.NO_SHOW).order_by("-recorded_at", "-pk").first()
        if event is not None and registration.donation_id is None and registration.status == event.outcome:
            # Recorded as what happened on the day (it was checked in then), once: the event id is the key.
            key = f"checkin:{event.client_event_id}"[:120]
            if not Donation.objects.filter(source_key=key).exists():
                check_in = CheckIn(
                    outcome=event.outcome,
                    component=event.component or "whole_blood",
                    volume_ml=event.volume_ml,
                    bag_number=event.bag_number,
                    deferral_reason=event.deferral_reason,
                    deferral_until=event.deferral_until,
                )
                record_imported([(transfer.donor_id, _visit(registration, check_in), key)])
            donation = Donation.objects.get(source_key=key)
            if donation.outcome == Outcome.DONATED:
                donation = issue_certificate(donation)
            registration.donation = donation
        registration.save()
        results_changed.send(Drive, drive=registration.drive)


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
    """Record a unit's line of the drive's result sheet (the facility's figure, official for the drive)."""
    with transaction.atomic():
        aggregate, _created = AggregateResult.objects.update_or_create(
            drive=drive, unit=unit, defaults={"donated": donated, "deferred": deferred, "volume_ml": volume_ml}
        )
        results_changed.send(Drive, drive=drive)
    return aggregate


def send_reminders(drive: Drive) -> int:
    """Remind every registrant who agreed to be contacted and has a phone, once per registration."""
    sent = 0
    registrations = drive.registrations.filter(status=RegistrationStatus.REGISTERED, donor__consent_contact=True)
    for registration in registrations.exclude(donor__phone="").select_related("donor", "slot"):
        when = registration.slot.start_time if registration.slot is not None else drive.start_time
        assert registration.donor is not None  # the consent filter leaves only registrations with a donor
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
