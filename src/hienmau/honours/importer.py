"""Importing an old honours list so that a province's history is not lost: all rows checked first, then
written in one transaction, idempotently.

A list's row records an honour, not a person: no donor record is ever created or changed from it. A row
is attached to a donor only inside the importer's scope (donors/registry.py's one lookup):
- the same CCCD on a record the scope reaches: attached;
- the same CCCD on a record outside the scope: nothing is shown; a transfer request goes to the level
  covering both, and the honour waits for it (attached once approved);
- no CCCD (or one nobody has): attached by folded name and birth date only when exactly one donor of the
  scope has both; otherwise (none, several, or only a birth year) it waits for an officer to choose.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from hienmau.core import clock
from hienmau.core.lib import findings as F
from hienmau.core.lib.findings import Finding
from hienmau.core.lib.tables import TableError, read_rows, read_text, read_text_rows
from hienmau.core.limits import value_problems
from hienmau.donors.models import LinkSource
from hienmau.donors.registry import RegistryLookup, request_transfer
from hienmau.honours.lib.past_list import Line, ParsedList, PastRow, parse_list
from hienmau.honours.lib.tiers import rules
from hienmau.honours.models import Honour, HonourStatus, MatchStatus, PastImport, Subject
from hienmau.honours.services import tier_award, tiers_for
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope
from hienmau.plans.lib.appendix import AppendixError, Paragraph
from hienmau.plans.readers import read_blocks

SHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv")
DOCUMENTS = (".docx", ".doc", ".odt", ".pdf")


class PastImportError(Exception):
    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(str(f) for f in findings[:50]))


@dataclass
class RowOutcome:
    row: PastRow
    status: str  # "linked" | "review" | "transfer" | "already_imported"
    donor_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "line": self.row.line,
            "name": self.row.full_name,
            "date_of_birth": self.row.date_of_birth.isoformat() if self.row.date_of_birth else None,
            "birth_year": self.row.birth_year,
            "count": self.row.count,
            "tier": self.row.tier,
            "year": self.row.year,
            "status": self.status,
            "donor_id": self.donor_id,
        }


@dataclass
class PastImportResult:
    outcomes: list[RowOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # warnings: the rows were read as written
    ask: set[str] = field(default_factory=set)  # the units deciding transfer requests
    record: PastImport | None = None

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def summary(self) -> str:
        text = (
            f"{len(self.outcomes)} người trong danh sách: {self.count('linked')} đã gắn với người hiến máu, "
            f"{self.count('review')} cần chọn người hiến máu (mục Tôn vinh › Cần xem xét), "
            f"{self.count('already_imported')} đã nhập trước đó."
        )
        if self.count("transfer"):
            text += (
                f" {self.count('transfer')} người có số CCCD đã được đăng ký ở nơi khác: đã gửi yêu cầu chuyển hồ sơ "
                f"(hãy liên hệ {', '.join(sorted(self.ask))})."
            )
        return text


def read_lines(path: Path) -> list[Line]:
    """The file as numbered lines of cells: a sheet's rows, text copied out of Word (tab-separated), or a
    document's paragraphs (one cell each) and table rows (numbered within their table)."""
    suffix = path.suffix.lower()
    try:
        if suffix in SHEETS:
            return [(index, row) for index, row in enumerate(read_rows(path), start=1)]
        if suffix in DOCUMENTS:
            lines: list[Line] = []
            for block in read_blocks(path):
                if isinstance(block, Paragraph):
                    lines.append((0, [block.text]))
                else:
                    lines += [(index, row) for index, row in enumerate(block.rows, start=1)]
            return lines
        if suffix in (".txt", ""):
            text = read_text(path)
            if "\t" in text:
                return [(index, line.split("\t")) for index, line in enumerate(text.splitlines(), start=1)]
            return [(index, row) for index, row in enumerate(read_text_rows(text), start=1)]
    except (TableError, AppendixError) as exc:
        raise PastImportError([Finding(F.FILE, None, "tệp", str(exc))]) from exc
    raise PastImportError(
        [
            Finding(
                F.FILE,
                None,
                "tệp",
                f"Không đọc được tệp {path.name}: chỉ nhận .xlsx, .xls, .ods, .csv, .txt, .docx, .doc, .odt "
                "hoặc PDF có lớp chữ.",
            )
        ]
    )


def read_list(path: Path, unit: Unit) -> ParsedList:
    parsed = parse_list(read_lines(path), tiers_for(unit), rules().individual, clock.today())
    for row in parsed.rows:
        for label, problem in value_problems(
            Honour, {"name": row.full_name, "place": row.place, "note": row.note, "award": row.award}
        ):
            parsed.findings.append(Finding(F.INVALID_VALUE, row.line, label, problem))
    parsed.findings.sort(key=lambda f: f.line or 0)
    return parsed


def source_key(unit: Unit, row: PastRow) -> str:
    born = row.date_of_birth.isoformat() if row.date_of_birth else str(row.birth_year or "")
    person = f"{row.name_folded}|{born}|{row.tier}|{row.year}"
    return f"past:{unit.pk}:{hashlib.sha256(person.encode()).hexdigest()[:40]}"


class _DryRun(Exception):
    pass


def import_past(
    path: Path, unit: Unit, scope: Scope | None = None, user=None, *, dry_run: bool = False
) -> PastImportResult:
    """Read, check and store an old list for `unit`. `scope` is the importing user's (None: the operator's
    command line, the whole country). Blocking findings raise PastImportError and store nothing."""
    parsed = read_list(path, unit)
    if parsed.blocking:
        raise PastImportError(parsed.findings)
    result = PastImportResult(findings=parsed.findings)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        with transaction.atomic():
            _store(parsed.rows, unit, scope, user, result, path.name, digest)
            if dry_run:
                raise _DryRun
    except _DryRun:
        result.record = None
    return result


def _store(
    rows: list[PastRow], unit: Unit, scope: Scope | None, user, result: PastImportResult, name: str, digest: str
) -> None:
    keys = {source_key(unit, row): row for row in rows}
    done = set(Honour.objects.filter(source_key__in=list(keys)).values_list("source_key", flat=True))
    todo = [(key, row) for key, row in keys.items() if key not in done]
    result.outcomes += [RowOutcome(row, "already_imported") for key, row in keys.items() if key in done]
    if not todo:
        return
    record = PastImport.objects.create(
        unit=unit, file_name=name[:255], content_hash=digest, imported_by=user if getattr(user, "pk", None) else None
    )
    record.rows = len(rows)
    record.save(update_fields=["rows"])
    result.record = record
    lookup = RegistryLookup.load(
        scope,
        cccds={row.cccd for _, row in todo if row.cccd},
        phones=set(),
        pairs={(row.name_folded, row.date_of_birth) for _, row in todo if row.date_of_birth},
    )
    tiers = tiers_for(unit)
    honours = []
    for key, row in todo:
        status, donor_id, transfer = MatchStatus.REVIEW, None, None
        match = lookup.match(row.cccd, "", row.name_folded, row.date_of_birth) if row.cccd else None
        if match is not None and match.donor is not None:
            status, donor_id = MatchStatus.LINKED, match.donor.pk
        elif match is not None and match.other is not None:
            assert scope is not None  # the whole country has nothing outside it
            transfer = request_transfer(match.other, scope, user, LinkSource.IMPORT, typed_name=row.full_name)
            result.ask.add(transfer.deciding_unit.full_name)
            status = MatchStatus.TRANSFER
        elif row.date_of_birth is not None:
            same = [
                d
                for d in lookup.by_name.get((row.name_folded, row.date_of_birth), [])
                if d.pk in lookup.in_scope and not (row.cccd and d.cccd and d.cccd != row.cccd)
            ]
            if len(same) == 1:
                status, donor_id = MatchStatus.LINKED, same[0].pk
        award = tier_award(tiers, row.tier)
        honours.append(
            Honour(
                subject=Subject.INDIVIDUAL,
                owner=unit,
                past_import=record,
                donor_id=donor_id,
                tier=row.tier,
                count=row.count,
                year=row.year,
                level=award.level if award else "local",
                award=row.award or (award.award if award else ""),
                status=HonourStatus.APPROVED,
                match=status,
                name=row.full_name,
                date_of_birth=row.date_of_birth,
                birth_year=row.birth_year,
                place=row.place,
                note=row.note,
                line=row.line,
                transfer=transfer,
                source_key=key,
            )
        )
        result.outcomes.append(RowOutcome(row, str(status), donor_id))
    Honour.objects.bulk_create(honours)
    result.outcomes.sort(key=lambda o: o.row.line)
