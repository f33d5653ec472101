"""Importing a facility's donation history: all rows checked first, then written in one transaction.

Each row is matched inside the importing user's scope (donors/registry.py): the same CCCD links; a CCCD
registered outside the scope holds the row's donation until a transfer is approved; a person not found
by CCCD is created, and look-alikes of the scope (name or phone with the birth date) are proposed for
review, never linked. A row already imported (same facility and bag number, or for a deferral the
same person, day and outcome) is skipped, so importing the same export twice changes nothing.
Rows are matched and written in chunks with bulk queries: the registry may hold a million donors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from hienmau.core import clock
from hienmau.core.bulk import insert_with_history
from hienmau.core.lib import findings as F
from hienmau.core.lib.findings import Finding
from hienmau.core.lib.tables import TableError, read_rows
from hienmau.core.lib.text import fold
from hienmau.core.limits import value_problems
from hienmau.donors.lib.blood_group import GroupRecord, reconcile
from hienmau.donors.lib.history_rows import HistoryRow, parse_rows
from hienmau.donors.models import BloodGroupSource, Donation, Donor, HeldDonation, LinkSource
from hienmau.donors.recording import Visit, record_imported
from hienmau.donors.registry import RegistryLookup, hold_donation, propose_duplicates, request_transfer
from hienmau.orgs.models import Unit
from hienmau.orgs.place_resolver import UnitResolver, address_root
from hienmau.orgs.scoping import Scope

CHUNK = 2000


class HistoryImportError(Exception):
    def __init__(self, problems: list[Finding]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems[:50]))


@dataclass
class HistoryImportResult:
    rows: int = 0
    donors_created: int = 0
    donations_created: int = 0
    already_imported: int = 0
    held: int = 0  # rows waiting on a transfer request (CCCD registered elsewhere)
    ask: set[str] = field(default_factory=set)  # the units deciding those requests
    proposed: int = 0  # new records proposed as possible duplicates
    duplicates_in_file: list[int] = field(default_factory=list)
    placed: int = 0  # new records placed in a commune from their written address
    placed_from_former: int = 0  # … of which written with a commune's name from before the 2025 reform

    def summary(self) -> str:
        text = (
            f"{self.rows} dòng: thêm {self.donations_created} lần hiến, {self.donors_created} người hiến mới; "
            f"{self.already_imported} dòng đã nhập trước đó."
        )
        if self.held:
            text += (
                f" {self.held} dòng có số CCCD đã được đăng ký ở nơi khác: đã gửi yêu cầu chuyển hồ sơ "
                f"(xem mục Cần xem xét; hãy liên hệ {', '.join(sorted(self.ask))}), "
                "lần hiến được giữ lại chờ quyết định."
            )
        if self.proposed:
            text += f" {self.proposed} hồ sơ mới có thể trùng người đã có: xem mục Cần xem xét."
        if self.placed:
            text += f" {self.placed} người mới được xếp vào xã, phường theo địa chỉ"
            if self.placed_from_former:
                text += f" ({self.placed_from_former} địa chỉ ghi theo tên xã cũ, xếp vào xã hiện nay)"
            text += "."
        return text


def source_key(facility: Unit, row: HistoryRow) -> str:
    if row.bag_number:
        return f"{facility.pk}:bag:{row.bag_number}"
    person = row.cccd or f"{fold(row.full_name)}|{row.date_of_birth.isoformat()}"
    return f"{facility.pk}:{row.date.isoformat()}:{row.outcome}:{person}"[:120]


def read_history(path: Path) -> list[HistoryRow]:
    try:
        table = read_rows(path)
    except TableError as exc:
        raise HistoryImportError([Finding(F.FILE, 1, "tệp", str(exc))]) from exc
    rows, problems = parse_rows(table, today=clock.today())
    problems += [problem for row in rows for problem in _column_problems(row)]
    if problems:
        raise HistoryImportError(sorted(problems, key=lambda p: p.line or 0))
    return rows


def _column_problems(row: HistoryRow) -> list[Finding]:
    """Values the registry's columns cannot hold (a 300-character name, an amount past 2³¹)."""
    values: list[tuple[type[Donor] | type[Donation], dict[str, object]]] = [
        (Donor, {"full_name": row.full_name}),
        (
            Donation,
            {
                "bag_number": row.bag_number,
                "deferral_reason": row.deferral_reason,
                "benefit_amount": row.benefit_amount,
            },
        ),
    ]
    return [
        Finding(F.INVALID_VALUE, row.line, label, problem)
        for model, fields in values
        for label, problem in value_problems(model, fields)
    ]


class _DryRun(Exception):
    pass


def import_history(
    path: Path,
    facility: Unit,
    scope: Scope | None = None,
    user=None,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> HistoryImportResult:
    """`scope` is the importing user's (None: the operator's command line, the whole country).
    `dry_run`: everything is checked and counted, then rolled back. `progress(done, total)` is told
    after each chunk of rows (the background job's progress bar)."""
    rows = read_history(path)
    result = HistoryImportResult(rows=len(rows))
    # Addresses are read in the facility's province as it is today: an old commune's name lands in
    # the commune that took it over.
    resolver = (
        UnitResolver(address_root(facility), clock.today(), territorial=True) if any(r.address for r in rows) else None
    )
    created: dict = {}  # the people this import created, by CCCD, phone or name with birth date → id
    try:
        with transaction.atomic():
            # Two imports for one facility at once take turns: "already imported" is a lookup of the source
            # keys, and the keys' unique constraint holds the date (donations are partitioned by year).
            Unit.objects.select_for_update().filter(pk=facility.pk).first()
            for start in range(0, len(rows), CHUNK):
                _import_chunk(rows[start : start + CHUNK], facility, result, scope, user, created, resolver)
                if progress is not None:
                    progress(min(start + CHUNK, len(rows)), len(rows))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _visit(row: HistoryRow, facility: Unit) -> Visit:
    return Visit(
        date=row.date,
        outcome=row.outcome,
        component=row.component,
        volume_ml=row.volume_ml,
        bag_number=row.bag_number,
        facility=facility,
        deferral_reason=row.deferral_reason,
        deferral_until=row.deferral_until,
        benefit_kind=row.benefit_kind,
        benefit_amount=row.benefit_amount,
    )


def _import_chunk(
    rows: list[HistoryRow],
    facility: Unit,
    result: HistoryImportResult,
    scope: Scope | None,
    user,
    created: dict,
    resolver: UnitResolver | None = None,
) -> None:
    keys = {source_key(facility, row): row for row in rows}
    done = set(Donation.objects.filter(source_key__in=list(keys)).values_list("source_key", flat=True))
    done |= set(HeldDonation.objects.filter(source_key__in=list(keys)).values_list("source_key", flat=True))
    result.already_imported += len(done)
    todo = [(key, row) for key, row in keys.items() if key not in done]
    if not todo:
        return
    donor_ids = _donor_ids([row for _, row in todo], result, scope, facility, created, resolver)
    for (key, row), donor in zip(todo, donor_ids, strict=True):
        if not isinstance(donor, int):  # the person's record is outside the scope: hold the donation
            assert scope is not None  # without a scope (the whole country) no record is outside it
            transfer = request_transfer(donor, scope, user, LinkSource.IMPORT, typed_name=row.full_name)
            hold_donation(transfer, _visit(row, facility), source_key=key)
            result.held += 1
            result.ask.add(transfer.deciding_unit.full_name)
    linked = [(key, row, donor) for (key, row), donor in zip(todo, donor_ids, strict=True) if isinstance(donor, int)]
    record_imported([(donor_id, _visit(row, facility), key) for key, row, donor_id in linked])
    for consent in (True, False):  # the file's answer, when it gives one, is the person's latest word
        ids = {donor_id for _, row, donor_id in linked if row.emergency_consent is consent}
        if ids:
            Donor.objects.filter(pk__in=ids).update(consent_emergency=consent)
    _reconcile_groups([(donor_id, row) for _, row, donor_id in linked if row.abo])
    result.donations_created += len(linked)


def _reconcile_groups(found: list[tuple[int, HistoryRow]]) -> None:
    """A facility's result on a row is a facility-confirmed group: it replaces a declared one, and a
    disagreement is flagged on the record (donors/lib/blood_group.py). One query to read; a save (with
    its history row) only for the records whose group, source or flag change, which are few."""
    if not found:
        return
    donors = Donor.objects.only(
        "abo", "rh", "blood_group_source", "blood_group_date", "blood_group_conflict", "full_name"
    ).in_bulk({donor_id for donor_id, _ in found})
    for donor_id, row in sorted(found, key=lambda item: item[1].date):
        donor = donors[donor_id]
        current = GroupRecord(donor.abo, donor.rh, donor.blood_group_source, donor.blood_group_date)
        decision = reconcile(current, GroupRecord(row.abo, row.rh, BloodGroupSource.FACILITY, row.date))
        record = decision.record
        conflict = decision.conflict or donor.blood_group_conflict
        if (record.abo, record.rh, record.source, conflict) == (
            current.abo, current.rh, current.source, donor.blood_group_conflict
        ):  # fmt: skip
            continue  # the same group from the same source again: no new history row for a later date
        donor.abo, donor.rh, donor.blood_group_source, donor.blood_group_date = (
            record.abo, record.rh, record.source, record.on
        )  # fmt: skip
        donor.blood_group_conflict = conflict[:255]
        donor.save(update_fields=["abo", "rh", "blood_group_source", "blood_group_date", "blood_group_conflict"])


@dataclass(frozen=True)
class _DonorToCreate:
    """A person not in the registry yet, remembered so that their other rows in the chunk find them."""

    index: int
    cccd: str | None
    phone: str
    name_folded: str
    date_of_birth: object


def _donor_ids(
    rows: list[HistoryRow],
    result: HistoryImportResult,
    scope: Scope | None,
    facility: Unit,
    created_before: dict,
    resolver: UnitResolver | None = None,
) -> list:
    """The donor id of each row, or the out-of-scope Donor its CCCD belongs to (the row then waits on a
    transfer): found with a few bulk queries, or created, all new people of the chunk in one insert.
    A person's later rows in the same file find the record created for their first row."""
    names = [Donor.name_columns(row.full_name) for row in rows]
    lookup = RegistryLookup.load(
        scope,
        cccds={row.cccd for row in rows if row.cccd},
        phones={row.phone for row in rows if row.phone},
        pairs={(name["name_folded"], row.date_of_birth) for row, name in zip(rows, names)},
    )
    lookup.created = created_before
    found: list[Donor | _DonorToCreate | int] = []
    new: list[dict] = []
    proposals: list[tuple[_DonorToCreate, list]] = []
    for row, name in zip(rows, names):
        keys = (row.cccd, row.phone, name["name_folded"], row.date_of_birth)
        donor = lookup.created_match(*keys)
        if donor is None:
            match = lookup.match(*keys)
            donor = match.donor or match.other
        if donor is None:
            donor = _DonorToCreate(len(new), row.cccd, row.phone, name["name_folded"], row.date_of_birth)
            lookup.remember(donor, *keys)
            if match.candidates:
                proposals.append((donor, match.candidates))
            place = resolver.resolve_address(row.address) if resolver is not None and row.address else None
            if place is not None and place.unit_id is not None:
                result.placed += 1
                result.placed_from_former += place.former is not None
            new.append(
                name
                | {
                    "date_of_birth": row.date_of_birth,
                    "sex": row.sex,
                    "cccd": row.cccd,
                    "phone": row.phone,
                    "abo": row.abo,
                    "rh": row.rh,
                    "blood_group_source": "facility" if row.abo else "",
                    "blood_group_date": row.date if row.abo else None,
                    "consent_emergency": bool(row.emergency_consent),
                    "address": row.address[:255],
                    "commune_id": place.unit_id if place is not None else None,
                }
            )
        found.append(donor)
    created = insert_with_history(Donor, new)
    result.donors_created += len(created)
    for key, donor in created_before.items():
        if isinstance(donor, _DonorToCreate):
            created_before[key] = created[donor.index]
    reviewer = scope.unit if scope is not None else facility
    for donor, candidates in proposals:
        result.proposed += bool(propose_duplicates(created[donor.index], candidates, reviewer, LinkSource.IMPORT))
    return [
        created[donor.index]
        if isinstance(donor, _DonorToCreate)
        else donor
        if isinstance(donor, int)
        else donor.pk
        if donor.pk in lookup.in_scope
        else donor
        for donor in found
    ]
