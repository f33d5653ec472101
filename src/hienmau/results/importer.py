"""Importing a facility's or a unit's tally: read (lib.tally), match units, plans and drives, store.

A row that matches a drive (same unit, same date) becomes that drive's result sheet; any other row is
a tally entry for its unit and day. Rows that cannot be stored (unknown unit, impossible or future date,
duplicate) are kept with the import record, with their findings. All or nothing, and importing the same
file again changes nothing."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from hienmau.core.clock import today
from hienmau.core.lib.text import fold_words
from hienmau.drives import services as drive_services
from hienmau.drives.models import AggregateResult, Drive
from hienmau.orgs.models import Unit
from hienmau.orgs.place_resolver import UnitResolver
from hienmau.plans.lib.appendix import AppendixError, Paragraph, TableBlock
from hienmau.plans.models import Plan
from hienmau.plans.readers import read_blocks
from hienmau.results import services
from hienmau.results.lib import rules, tally
from hienmau.results.lib.tally import Finding, TallyRow
from hienmau.results.models import ResultImport, SheetDetail


class ResultImportError(ValueError):
    """The file cannot be imported at all; the message says why, in Vietnamese."""


@dataclass
class Analysis:
    source_name: str
    digest: str
    tally: tally.Tally
    plan: Plan | None
    unit: Unit | None
    unit_ids: dict[int, int | None] = field(default_factory=dict)  # line → unit id
    suggestions: dict[int, tuple[str, ...]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def row_unit_id(self, row: TallyRow) -> int | None:
        return self.unit_ids.get(row.line)

    def stored(self, row: TallyRow) -> bool:
        return row.storable and self.row_unit_id(row) is not None

    def result(self) -> dict:
        rows = []
        for row in self.tally.rows:
            rows.append(
                {
                    "line": row.line,
                    "unit": row.unit,
                    "date": row.date.isoformat() if row.date else None,
                    "registered": row.registered,
                    "collected": row.collected,
                    "volumes": row.volumes,
                    "saved": self.stored(row),
                }
            )
        return {
            "rows": rows,
            "totals": {
                "stated": self.tally.stated_total,
                "computed": self.tally.computed_total,
                "saved": sum(r.collected or 0 for r in self.tally.rows if self.stored(r)),
            },
            "findings": [f.as_dict() for f in self.findings],
            "plan": self.plan.reference if self.plan else None,
        }


def file_rows(path: Path) -> list[list[str]]:
    """The file as rows: paragraphs (title, notes) as one-cell rows, tables as they are."""
    try:
        blocks = read_blocks(path)
    except AppendixError as exc:
        raise ResultImportError(str(exc)) from exc
    rows: list[list[str]] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            rows.append([block.text])
        elif isinstance(block, TableBlock):
            rows.extend(block.rows)
    return rows


def find_plan(reference: str) -> Plan:
    number, _, suffix = reference.partition("/")
    numbered = Plan.objects.filter(number=number.strip().lstrip("0") or "0")
    plans = list(numbered)
    if suffix:
        plans = [p for p in plans if tally.suffix_key(p.suffix) == tally.suffix_key(suffix)]
    if len(plans) != 1:
        found = "không có kế hoạch nào" if not plans else f"có {len(plans)} kế hoạch trùng số"
        raise ResultImportError(f"Không xác định được kế hoạch số “{reference}”: {found}.")
    return plans[0]


def find_unit(code: str, on: datetime.date | None = None) -> Unit:
    units = list(Unit.objects.filter(code=code).valid_on(on or today())[:2]) or list(Unit.objects.filter(code=code)[:2])
    if len(units) != 1:
        raise ResultImportError(f"Không xác định được đơn vị mã “{code}”.")
    return units[0]


def _plan_from_text(reference: tally.PlanReference | None) -> Plan | None:
    if reference is None:
        return None
    plans = Plan.objects.filter(number=reference.number)
    if reference.date:
        plans = plans.filter(date=reference.date)
    matching = [p for p in plans if tally.suffix_key(p.suffix) == reference.suffix_folded] or list(plans)
    return matching[0] if len(matching) == 1 else None


def analyse(
    path: Path,
    *,
    plan: Plan | None = None,
    unit: Unit | None = None,
    source_name: str = "",
    mapping: dict[str, int] | None = None,
    units=None,
) -> Analysis:
    """Read and check the file against the units and plans known. `mapping` maps a name as written
    (folded) to a unit id chosen by a person in the web preview; `units` (a scope's units) bounds the
    names a row may match."""
    rows = file_rows(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        read = tally.read_tally(rows, today(), default_unit=unit.full_name if unit else "")
    except tally.TallyError as exc:
        raise ResultImportError(str(exc)) from exc
    plan = plan or _plan_from_text(read.plan)
    analysis = Analysis(source_name or path.name, digest, read, plan, unit, findings=list(read.findings))
    root = unit or (plan.issuing_unit if plan else None)
    # The root's subtree and those of the units that handed over to it (91 → Kiên Giang), each row's
    # name read as it was on the row's date: an old name counts for the unit covering it that day.
    resolver = UnitResolver(root, today(), units=units, include_root=True)
    mapping = mapping or {}
    for row in read.rows:
        if unit is not None and (not row.unit or row.unit == unit.full_name):
            analysis.unit_ids[row.line] = unit.pk
            continue
        chosen = mapping.get(fold_words(row.unit))
        if chosen is not None and chosen in resolver:
            analysis.unit_ids[row.line] = chosen
            continue
        found = resolver.resolve(row.unit, row.date)
        analysis.unit_ids[row.line] = found.unit_id
        if found.unit_id is None:
            analysis.suggestions[row.line] = found.suggestions
            analysis.findings.append(
                tally.Finding(
                    tally.UNKNOWN_UNIT,
                    row.unit,
                    row.line,
                    f"Dòng {row.line}: {found.problem}; dòng này chưa được lưu.{found.hint}",
                )
            )
        elif found.former is not None:
            analysis.findings.append(
                tally.Finding(tally.FORMER_UNIT, row.unit, row.line, f"Dòng {row.line}: {found.note}.")
            )
    if plan is not None:
        buckets = [(b.key, b.date) for b in plan.ordered_buckets()]
        period = rules.plan_period(plan.period_start, plan.period_end, plan.date, buckets)
        for row in read.rows:
            if row.date and analysis.stored(row) and rules.place(row.date, period, buckets).reason:
                analysis.findings.append(
                    tally.Finding(
                        tally.OUTSIDE_PERIOD,
                        row.unit,
                        row.line,
                        f"Dòng {row.line}: ngày {row.date:%d/%m/%Y} ngoài thời gian của kế hoạch {plan.reference}; "
                        "được lưu và tính cho năm, không tính cho kế hoạch.",
                    )
                )
    analysis.findings.sort(key=lambda f: (f.line or 10**9, f.code))
    return analysis


def matching_drive(unit_id: int, day: datetime.date, drives=None) -> Drive | None:
    drives = list(
        (drives if drives is not None else Drive.objects.all())
        .filter(date=day)
        .filter(Q(organiser_id=unit_id) | Q(slots__unit_id=unit_id))
        .distinct()
        .order_by("pk")[:2]
    )
    return drives[0] if len(drives) == 1 else None


def _counts(row: tally.TallyRow) -> rules.Counts:
    volumes = row.volumes or {}
    return rules.Counts(
        collected=row.collected or 0,
        v250=volumes.get("250", 0),
        v350=volumes.get("350", 0),
        v450=volumes.get("450", 0),
        registered=row.registered or 0,
        deferred=row.deferred or 0,
    )


def _store_on_drive(drive: Drive, unit_id: int, counts: rules.Counts, record: ResultImport) -> bool:
    volume_ml = 250 * counts.v250 + 350 * counts.v350 + 450 * counts.v450
    aggregate = AggregateResult.objects.filter(drive=drive, unit_id=unit_id).first()
    detail = SheetDetail.objects.filter(drive=drive, unit_id=unit_id).first()
    same_detail = detail is not None and services._counts(detail) == counts
    if (
        aggregate is not None
        and (aggregate.donated, aggregate.deferred, aggregate.volume_ml)
        == (counts.collected, counts.deferred, volume_ml)
        and same_detail
    ):
        return False
    SheetDetail.objects.update_or_create(
        drive=drive, unit_id=unit_id, defaults={**counts.as_dict(), "result_import": record}
    )
    drive_services.set_aggregate(drive, Unit(pk=unit_id), counts.collected, counts.deferred, volume_ml)
    return True


def save(
    analysis: Analysis, *, user=None, drives=None, progress: Callable[[int, int], None] | None = None
) -> tuple[ResultImport, int]:
    """Store what can be stored; returns the import record and how many rows changed something.
    `progress(done, total)` is told after each row (the background job's progress bar)."""
    with transaction.atomic():
        record = ResultImport.objects.filter(source_hash=analysis.digest, plan=analysis.plan).first()
        if record is None:
            record = ResultImport(source_hash=analysis.digest, plan=analysis.plan, unit=analysis.unit)
        result = analysis.result()
        record.source_name = analysis.source_name[:255]
        record.stated_total = result["totals"]["stated"]
        record.computed_total = result["totals"]["computed"]
        record.saved_total = result["totals"]["saved"]
        record.findings = result["findings"]
        record.pending_rows = [
            {
                **row,
                "suggestions": list(analysis.suggestions.get(row["line"], ())),
                "codes": sorted(f["code"] for f in result["findings"] if f["line"] == row["line"]),
            }
            for row in result["rows"]
            if not row["saved"]
        ]
        if record.pk is None:
            record.imported_by = user
            record.save()
        else:
            record.save(update_fields=["source_name", "stated_total", "computed_total", "saved_total"])
            ResultImport.objects.filter(pk=record.pk).update(findings=record.findings, pending_rows=record.pending_rows)
        changed = 0
        for done, row in enumerate(analysis.tally.rows, start=1):
            if progress is not None:
                progress(done, len(analysis.tally.rows))
            if not analysis.stored(row):
                continue
            unit_id = analysis.row_unit_id(row)
            if unit_id is None or row.date is None:  # stored() has checked both; this narrows them
                continue
            counts = _counts(row)
            drive = matching_drive(unit_id, row.date, drives)
            if drive is not None:
                changed += _store_on_drive(drive, unit_id, counts, record)
            else:
                changed += services.set_tally_entry(
                    unit_id, row.date, counts, result_import=record, line=row.line, note=row.note
                )
    return record, changed


def import_file(
    path: Path, *, plan: Plan | None = None, unit: Unit | None = None, dry_run: bool = False, user=None
) -> tuple[dict, int]:
    """The contract's JSON for the file, and how many rows changed (0 for a dry run)."""
    analysis = analyse(path, plan=plan, unit=unit)
    if dry_run:
        return analysis.result(), 0
    _record, changed = save(analysis, user=user)
    return analysis.result(), changed
