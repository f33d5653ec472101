"""Matching people to the registry, always inside the user's scope.

Every path that links a typed person to a donor record (the new-donor form, history imports, registrant
lists, walk-ins at check-in, self-registration) asks one `RegistryLookup`, loaded in bulk for its rows:

- the same CCCD on a record the user's scope reaches: that record (`Match.donor`);
- the same CCCD on a record outside the scope: nothing is shown or linked; the row waits on a
  `TransferRequest` to the level covering both sides (or the donor's home unit), which sees only that a
  record exists (`Match.other`, never shown to the asking user);
- the same name and birth date, or phone and birth date, inside the scope: a new record, proposed as a
  possible duplicate (`DuplicateProposal`) for the scope to review; never linked automatically;
- nothing: a new record.

A look-alike outside the scope is ignored altogether: not shown, not proposed, not linked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from hienmau.core.erasure import register_eraser
from hienmau.donors.lib import matching
from hienmau.donors.models import (
    Donation,
    Donor,
    DuplicateProposal,
    HeldDonation,
    LinkSource,
    ReviewStatus,
    TransferRequest,
)
from hienmau.donors.recording import Visit, record_imported
from hienmau.donors.services import merge_donors
from hienmau.orgs.models import SuccessorLink, Unit, UnitKind
from hienmau.orgs.scoping import Scope, covering_unit, scope_queryset

# Sent once when a transfer is approved, so the apps holding rows that waited on it (drives:
# registrations and their check-in outcomes) attach them to the donor. Arguments: transfer, user.
transfer_approved = Signal()


@dataclass(frozen=True)
class Candidate:
    """An in-scope record that may be the same person (what the duplicate warnings list)."""

    donor: Donor
    reason: str


@dataclass
class Match:
    donor: Donor | None = None  # link to this in-scope record (same CCCD)
    other: Donor | None = None  # same CCCD outside the scope: ask for a transfer, show nothing
    candidates: list[Candidate] = field(default_factory=list)  # new record, proposed against these

    @property
    def waits_on_transfer(self) -> bool:
        return self.other is not None


@dataclass
class RegistryLookup:
    """Registry records for a batch of people, fetched with a few bulk queries instead of three per
    person, and split by the user's scope."""

    scope: Scope | None
    by_cccd: dict
    by_phone: dict  # (phone, birth date) → [donors]
    by_name: dict  # (folded name, birth date) → [donors]
    in_scope: set
    created: dict = field(default_factory=dict)  # keys of records this batch created → record

    PAIR_BATCH = 500

    @classmethod
    def load(cls, scope: Scope | None, *, cccds: set, phones: set, pairs: set) -> RegistryLookup:
        """`scope` None is the whole country (a command run by the operator). `pairs` are (folded name,
        date of birth); a name without a birth date matches nobody."""
        active = Donor.objects.active().only("pk", "cccd", "phone", "date_of_birth", "name_folded", "full_name")
        cccds = {c for c in cccds if c}
        by_cccd = {d.cccd: d for d in active.filter(cccd__in=cccds)} if cccds else {}
        by_phone: dict = {}
        if phones:
            for donor in active.filter(phone__in={p for p in phones if p}, date_of_birth__isnull=False):
                by_phone.setdefault((donor.phone, donor.date_of_birth), []).append(donor)
        by_name: dict = {}
        wanted = sorted((name, dob) for name, dob in pairs if dob is not None)
        for start in range(0, len(wanted), cls.PAIR_BATCH):
            for donor in cls._with_names(wanted[start : start + cls.PAIR_BATCH]):
                by_name.setdefault((donor.name_folded, donor.date_of_birth), []).append(donor)
        found = {d.pk for d in by_cccd.values()}
        found |= {d.pk for group in (*by_phone.values(), *by_name.values()) for d in group}
        if scope is None or scope.everything:
            in_scope = found
        else:
            in_scope = set()
            ids = sorted(found)
            for start in range(0, len(ids), 5000):
                batch = Donor.objects.filter(pk__in=ids[start : start + 5000])
                in_scope |= set(batch.visible_to(scope).values_list("pk", flat=True))
                # People the scope's own units put on a drive's list (records made from lists carry no
                # commune yet) are the scope's too.
                in_scope |= set(
                    batch.filter(
                        scope.unit_filter("registrations__unit__")
                        | scope.unit_filter("registrations__drive__organiser__")
                    ).values_list("pk", flat=True)
                )
        return cls(scope, by_cccd, by_phone, by_name, in_scope)

    @staticmethod
    def _with_names(pairs: list[tuple[str, datetime.date]]):
        """Active donors with one of these exact (name, birth date) pairs: a join against a VALUES list
        walks the (date_of_birth, name_folded) index once per pair. An OR of conditions cost 23 s for a
        100.000-row import (planning hundreds of branches); either column alone pulls in tens of
        thousands of namesakes from a national registry."""
        table = connection.ops.quote_name(Donor._meta.db_table)
        values = ", ".join(["(%s, %s)"] * len(pairs))
        return Donor.objects.raw(
            f"SELECT d.id, d.cccd, d.phone, d.date_of_birth, d.name_folded, d.full_name FROM {table} d "
            f"JOIN (VALUES {values}) AS wanted ON d.name_folded = wanted.column1 AND d.date_of_birth = wanted.column2 "
            "WHERE d.merged_into_id IS NULL AND d.erased_at IS NULL",
            [value for pair in pairs for value in pair],
        )

    def remember(self, donor, cccd, phone, name_folded, date_of_birth) -> None:
        """A record created by this batch (a Donor or a placeholder), so the person's other rows in the
        same file find it instead of creating it again."""
        for key in self._keys(cccd, phone, name_folded, date_of_birth):
            self.created.setdefault(key, donor)

    @staticmethod
    def _keys(cccd, phone, name_folded, date_of_birth) -> list[tuple[object, ...]]:
        keys: list[tuple[object, ...]] = []
        if cccd:
            keys.append(("cccd", cccd))
        if phone and date_of_birth:
            keys.append(("phone", phone, date_of_birth))
        if name_folded and date_of_birth:
            keys.append(("name", name_folded, date_of_birth))
        return keys

    def created_match(self, cccd, phone, name_folded, date_of_birth):
        """The record this batch already created for the same person, if any."""
        for key in self._keys(cccd, phone, name_folded, date_of_birth):
            if key in self.created:
                return self.created[key]
        return None

    def match(self, cccd, phone, name_folded, date_of_birth) -> Match:
        """What donors/lib/matching.py decides for this person, with the records it names."""
        same_cccd = self.by_cccd.get(cccd) if cccd else None
        same_phone = self.by_phone.get((phone, date_of_birth), []) if phone else []
        same_name = self.by_name.get((name_folded, date_of_birth), [])
        records = {d.pk: d for d in (*([same_cccd] if same_cccd else []), *same_phone, *same_name)}

        def plain(donors):
            return [matching.Record(d.pk, d.cccd, d.pk in self.in_scope) for d in donors]

        decision = matching.decide(
            cccd, plain([same_cccd])[0] if same_cccd else None, plain(same_phone), plain(same_name)
        )
        reasons = {matching.PHONE: _("trùng số điện thoại và ngày sinh"), matching.NAME: _("trùng họ tên và ngày sinh")}
        return Match(
            donor=records.get(decision.link),
            other=records.get(decision.transfer),
            candidates=[Candidate(records[pk], reasons[reason]) for pk, reason in decision.candidates],
        )


def lookup_one(scope: Scope | None, *, cccd=None, phone="", name_folded="", date_of_birth=None) -> Match:
    lookup = RegistryLookup.load(
        scope, cccds={cccd} if cccd else set(), phones={phone} if phone else set(), pairs={(name_folded, date_of_birth)}
    )
    return lookup.match(cccd, phone, name_folded, date_of_birth)


# --- transfers -------------------------------------------------------------------------------------


def home_unit(donor: Donor) -> Unit | None:
    """Where the record belongs: the commune, else the workplace, else the facility of the last visit."""
    if donor.commune_id:
        return donor.commune
    if donor.workplace_id:
        return donor.workplace
    last = donor.donations.exclude(facility=None).select_related("facility").order_by("-date", "-pk").first()
    return last.facility if last else None


def deciding_unit_for(asking_unit: Unit, donor: Donor) -> Unit:
    """The level that covers both the asking unit and the donor's home; when only the nation covers
    both (another province), the donor's home province decides, as it knows the person."""
    home = home_unit(donor)
    if home is None:
        return Unit.objects.filter(parent__isnull=True).earliest("pk")  # the national unit
    covering = covering_unit(asking_unit, home)
    if covering.kind != UnitKind.NATIONAL:
        return covering
    province = next((u for u in (*home.ancestors(), home) if u.kind == UnitKind.PROVINCE), None)
    if province is None:
        return home
    # A province that merged into another is asked through the province that took it over.
    for _hop in range(5):
        successor = SuccessorLink.objects.approved().filter(predecessor=province).select_related("successor").first()
        if successor is None or province.valid_until is None:
            break
        province = successor.successor
    return province


def request_transfer(
    donor: Donor, scope: Scope, user, source: str, typed_name: str = "", donor_values: dict | None = None
) -> TransferRequest:
    """The pending request of the scope's unit for this record, created on first need."""
    existing = TransferRequest.objects.filter(donor=donor, asking_unit=scope.unit, status=ReviewStatus.PENDING).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return TransferRequest.objects.create(
                donor=donor,
                asking_unit=scope.unit,
                asked_by=user if getattr(user, "pk", None) else None,
                deciding_unit=deciding_unit_for(scope.unit, donor),
                source=source,
                typed_name=typed_name[:255],
                donor_values=donor_values or {},
            )
    except IntegrityError:  # a parallel request of the same unit
        return TransferRequest.objects.get(donor=donor, asking_unit=scope.unit, status=ReviewStatus.PENDING)


def transfer_notice(transfer: TransferRequest) -> str:
    """What the asking user is told: that the record exists elsewhere and whom to ask, nothing more."""
    return _(
        "Người này đã được đăng ký ở nơi khác. Đã gửi yêu cầu chuyển hồ sơ; hãy liên hệ %(unit)s để được đồng ý."
    ) % {"unit": transfer.deciding_unit.full_name}


def hold_donation(transfer: TransferRequest, visit: Visit, source_key: str | None = None) -> HeldDonation:
    """Keep a visit that waits on the transfer, as written, to be recorded once if it is approved."""
    values = {
        name: getattr(visit, name).isoformat()
        if isinstance(getattr(visit, name), datetime.date)
        else getattr(visit, name)
        for name in Visit.__dataclass_fields__
        if name not in ("facility", "mobilised_by")
    }
    values["facility_id"] = visit.facility.pk if visit.facility else None
    values["mobilised_by_id"] = visit.mobilised_by.pk if visit.mobilised_by else None
    held = HeldDonation(transfer=transfer, values=values, source_key=source_key)  # not a donation yet
    held.save()
    return held


def _held_visit(values: dict) -> Visit:
    units = Unit.objects.in_bulk([pk for pk in (values.get("facility_id"), values.get("mobilised_by_id")) if pk])
    fields = {name: values[name] for name in Visit.__dataclass_fields__ if name in values}
    for name in _DATE_FIELDS:
        if fields.get(name):
            fields[name] = datetime.date.fromisoformat(fields[name])
    fields["facility"] = units.get(values.get("facility_id"))
    fields["mobilised_by"] = units.get(values.get("mobilised_by_id"))
    return Visit(**fields)


def can_decide_transfer(scope: Scope, transfer: TransferRequest) -> bool:
    return scope.can_edit and scope.contains(transfer.deciding_unit)


def decide_transfer(transfer: TransferRequest, scope: Scope, user, approve: bool) -> TransferRequest:
    if not can_decide_transfer(scope, transfer):
        raise PermissionDenied(_("Chỉ đơn vị quyết định mới được duyệt yêu cầu chuyển hồ sơ này."))
    with transaction.atomic():
        transfer = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
        if transfer.status != ReviewStatus.PENDING:
            raise ValidationError(_("Yêu cầu này đã được quyết định."))
        transfer.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        transfer.decided_by = user
        transfer.decided_at = timezone.now()
        transfer.save()
        if approve:
            _apply_transfer(transfer, user)
    return transfer


def _apply_transfer(transfer: TransferRequest, user) -> None:
    donor = Donor.objects.select_for_update().get(pk=transfer.donor_id)
    changed = False
    for attname in ("commune_id", "workplace_id"):
        value = transfer.donor_values.get(attname)
        if value:
            setattr(donor, attname, value)
            changed = True
    if changed:
        donor.save()
    for held in transfer.held_donations.select_for_update().filter(applied_at__isnull=True):
        # Recorded as the import it came from (what happened, not judged again), once: the key is unique.
        key = held.source_key or f"held:{held.pk}"
        if not Donation.objects.filter(source_key=key).exists():
            record_imported([(donor.pk, _held_visit(held.values), key)])
        held.donation = Donation.objects.get(source_key=key)
        held.applied_at = timezone.now()
        held.save()
    transfer_approved.send(sender=TransferRequest, transfer=transfer, user=user)


_DATE_FIELDS = ("date", "deferral_until")


# --- duplicate proposals ---------------------------------------------------------------------------


def propose_duplicates(new_donor: Donor | int, candidates: list[Candidate], unit: Unit, source: str) -> int:
    """Queue look-alikes of a new record for the unit's review. Returns how many were queued."""
    new_id = new_donor if isinstance(new_donor, int) else new_donor.pk
    rows = [
        DuplicateProposal(unit=unit, new_donor_id=new_id, candidate=c.donor, reason=c.reason[:100], source=source)
        for c in candidates
        if c.donor.pk != new_id
    ]
    DuplicateProposal.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def proposals_for(scope: Scope):

    return scope_queryset(DuplicateProposal.objects.all(), scope).filter(candidate__in=Donor.objects.visible_to(scope))


def decide_proposal(proposal: DuplicateProposal, scope: Scope, user, approve: bool) -> DuplicateProposal:
    """Approving merges the new record into the existing one (its donations move, reversibly); rejecting
    keeps two people."""

    if not scope.can_edit or not proposals_for(scope).filter(pk=proposal.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        proposal = DuplicateProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ReviewStatus.PENDING:
            raise ValidationError(_("Đề xuất này đã được quyết định."))
        if approve:
            merge_donors(proposal.candidate, proposal.new_donor, user)
            DuplicateProposal.objects.filter(new_donor=proposal.new_donor, status=ReviewStatus.PENDING).exclude(
                pk=proposal.pk
            ).update(status=ReviewStatus.REJECTED, decided_by=user, decided_at=timezone.now())
        proposal.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.save()
    return proposal


__all__ = [
    "Candidate",
    "LinkSource",
    "Match",
    "RegistryLookup",
    "decide_proposal",
    "decide_transfer",
    "hold_donation",
    "lookup_one",
    "propose_duplicates",
    "request_transfer",
    "transfer_approved",
    "transfer_notice",
]


# --- erasure ---------------------------------------------------------------------------------------


def erase_review_records(identity) -> None:
    """What the review queue holds about a person being erased (core.erasure): the name typed in a
    transfer request becomes the anonymous reference, in its history too; held visits lose their bag
    number and any note naming the person; proposals keep only record ids."""
    transfers = TransferRequest.objects.filter(donor__in=identity.donor_ids)
    named = [t.pk for t in TransferRequest.objects.exclude(typed_name="") if identity.mentioned_in(t.typed_name)]
    ids = set(transfers.values_list("pk", flat=True)) | set(named)
    TransferRequest.objects.filter(pk__in=ids).update(typed_name=identity.reference, donor_values={})
    TransferRequest.history.filter(id__in=ids).update(typed_name=identity.reference, donor_values={})
    for held in HeldDonation.objects.filter(transfer__in=ids):
        held.values = {
            **held.values,
            "bag_number": "",
            "deferral_reason": identity.scrub(held.values.get("deferral_reason", "")),
        }
        held.save(update_fields=["values"])


def register() -> None:

    register_eraser(
        erase_review_records, holds=["donors.TransferRequest", "donors.HeldDonation", "donors.DuplicateProposal"]
    )
