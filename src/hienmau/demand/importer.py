"""Importing facilities' monthly needs: read the sheet (lib.need_rows), match each facility among the
collecting facilities the importer may name, drop repeated rows, store the rest in one transaction.

A row naming an unknown facility, an unreadable month or number, or repeating another row is a finding
and is not stored; the others are created or updated (a corrected sheet replaces the figure of the same
facility, month and group). Importing the same file twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet

from hienmau.core.lib import findings as F
from hienmau.core.lib.findings import Finding
from hienmau.core.lib.tables import TableError, read_rows
from hienmau.demand.lib.need_rows import NeedRow, drop_duplicates, parse_rows
from hienmau.demand.models import Need
from hienmau.orgs.lib.unit_match import Candidate, UnitIndex
from hienmau.orgs.models import Unit, UnitKind
from hienmau.orgs.scoping import Scope, facilities_serving, superuser_scope
from hienmau.plans.lib.appendix import AppendixError, Paragraph, TableBlock
from hienmau.plans.readers import read_blocks

UNKNOWN_FACILITY = "unknown_unit"
SHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")


class DemandImportError(ValueError):
    """The file cannot be read as a sheet of needs at all; the findings say why, in Vietnamese."""

    def __init__(self, problems: list[Finding]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class DemandImport:
    source_name: str
    rows: list[NeedRow]
    facility_ids: dict[int, int] = field(default_factory=dict)  # line → facility id
    findings: list[Finding] = field(default_factory=list)
    stored: list[NeedRow] = field(default_factory=list)
    status: dict[int, str] = field(default_factory=dict)  # line → created / updated / unchanged
    saved: bool = False

    def count(self, status: str) -> int:
        return sum(1 for value in self.status.values() if value == status)

    def as_json(self, facilities: dict[int, Unit]) -> dict:
        return {
            "saved": self.saved,
            "rows": len(self.rows)
            + len({f.line for f in self.findings if f.line is not None} - {r.line for r in self.rows}),
            "stored": len(self.stored),
            "created": self.count("created"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "needs": [
                {
                    "line": row.line,
                    "facility": facilities[self.facility_ids[row.line]].full_name,
                    "facility_code": facilities[self.facility_ids[row.line]].code,
                    "month": row.month.strftime("%Y-%m"),
                    "group": row.group,
                    "units": row.units,
                    "status": self.status.get(row.line, ""),
                }
                for row in self.stored
            ],
            "findings": [f.as_dict() for f in sorted(self.findings, key=lambda f: (f.line or 0, f.column))],
        }


def file_rows(path: Path) -> list[list[str]]:
    """The file as rows: a sheet row by row (lines as the sheet numbers them); a document's paragraphs as
    one-cell rows and its tables as they are."""
    try:
        if path.suffix.lower() in SHEETS:
            return read_rows(path)
        rows: list[list[str]] = []
        for block in read_blocks(path):
            if isinstance(block, Paragraph):
                rows.append([block.text])
            elif isinstance(block, TableBlock):
                rows.extend(block.rows)
        return rows
    except (TableError, AppendixError) as exc:
        raise DemandImportError([Finding(F.FILE, None, "", str(exc))]) from exc


class FacilityMatcher:
    """Finds the facility a row names: its code, its name, or its name followed by its province's
    ("Bệnh viện Đa khoa tỉnh Kiên Giang" for the hospital named "Bệnh viện Đa khoa tỉnh" under Kiên Giang)."""

    def __init__(self, facilities: list[Unit]):
        self.units = {unit.pk: unit for unit in facilities}
        self.by_code: dict[str, list[int]] = {}
        for unit in facilities:
            if unit.code:
                self.by_code.setdefault(unit.code.strip().lower(), []).append(unit.pk)
        self.names = [Candidate(u.pk, u.name, u.full_name) for u in facilities]
        provinces = {
            u.pk: u
            for u in Unit.objects.filter(
                pk__in={pk for unit in facilities for pk in unit.ancestor_ids}, kind=UnitKind.PROVINCE
            )
        }
        self.with_place = []
        for unit in facilities:
            for pk in unit.ancestor_ids:
                if pk in provinces:
                    place = provinces[pk]
                    self.with_place.append(
                        Candidate(unit.pk, f"{unit.name} {place.name}", f"{unit.name} {place.full_name}")
                    )
        self._names, self._with_place = UnitIndex(self.names), UnitIndex(self.with_place)

    def find(self, written: str) -> tuple[int | None, tuple[str, ...]]:
        codes = self.by_code.get(written.strip().lower(), [])
        if len(codes) == 1:
            return codes[0], ()
        match = self._names.match(written)
        if match.unit_id is None and not match.ambiguous:
            other = self._with_place.match(written)
            if other.unit_id is not None:
                return other.unit_id, ()
        return match.unit_id, match.suggestions


def facilities_for(scope: Scope | None) -> QuerySet[Unit]:
    """The collecting facilities whose need the scope may enter: those inside it (the command line, with
    no scope, every facility)."""
    scope = scope or superuser_scope()
    if scope is None:
        return Unit.objects.none()
    return facilities_serving(scope).filter(scope.unit_filter()).order_by("path")


def analyse(path: Path, scope: Scope | None = None, source_name: str = "") -> DemandImport:
    """Read and check the file; nothing is stored."""
    rows, problems = parse_rows(file_rows(path))
    if any(p.code == F.HEADER for p in problems):
        raise DemandImportError(problems)
    facilities = list(facilities_for(scope))
    matcher = FacilityMatcher(facilities)
    result = DemandImport(source_name or path.name, rows, findings=problems)
    known: list[NeedRow] = []
    for row in rows:
        facility_id, suggestions = matcher.find(row.facility)
        if facility_id is None:
            hint = f" Có thể là: {', '.join(suggestions)}." if suggestions else ""
            result.findings.append(
                Finding(
                    UNKNOWN_FACILITY,
                    row.line,
                    "Cơ sở tiếp nhận",
                    f"không nhận ra cơ sở tiếp nhận “{row.facility}”; dòng này chưa được lưu.{hint}",
                )
            )
            continue
        result.facility_ids[row.line] = facility_id
        known.append(row)
    kept, repeats = drop_duplicates(known, lambda row: (result.facility_ids[row.line], row.month, row.group))
    result.findings += repeats
    result.stored = kept
    return result


def save(result: DemandImport, user=None, *, dry_run: bool = False) -> DemandImport:
    """Create or update the stored rows in one transaction (the facilities' rows locked, in order, so two
    imports of the same facility wait for each other); with `dry_run` everything is counted, nothing kept."""
    with transaction.atomic():
        facility_ids = sorted({result.facility_ids[row.line] for row in result.stored})
        list(Unit.objects.select_for_update().filter(pk__in=facility_ids).order_by("pk").values_list("pk", flat=True))
        existing = {
            (need.facility_id, need.month, need.blood_group): need
            for need in Need.objects.filter(facility_id__in=facility_ids, month__in={r.month for r in result.stored})
        }
        for row in result.stored:
            key = (result.facility_ids[row.line], row.month, row.group)
            need = existing.get(key)
            if need is None:
                result.status[row.line] = "created"
                if not dry_run:
                    need = Need(facility_id=key[0], month=row.month, blood_group=row.group, units=row.units)
                    need.source_name, need.updated_by = result.source_name[:255], user
                    need.save()
            elif need.units != row.units:
                result.status[row.line] = "updated"
                if not dry_run:
                    need.units, need.source_name, need.updated_by = row.units, result.source_name[:255], user
                    need.save()
            else:
                result.status[row.line] = "unchanged"
        result.saved = not dry_run
    return result


def import_file(path: Path, scope: Scope | None = None, user=None, *, dry_run: bool = False) -> DemandImport:
    return save(analyse(path, scope), user, dry_run=dry_run)


def set_need(facility: Unit, month, units: int, blood_group: str = "", user=None) -> str:
    """Enter one month's need by hand (the facility's row locked): "created", "updated" or "unchanged"."""
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=facility.pk).exists()
        need = Need.objects.filter(facility=facility, month=month.replace(day=1), blood_group=blood_group).first()
        if need is None:
            Need.objects.create(
                facility=facility, month=month, blood_group=blood_group, units=units, source_name="", updated_by=user
            )
            return "created"
        if need.units == units:
            return "unchanged"
        need.units, need.updated_by = units, user
        need.save()
        return "updated"
