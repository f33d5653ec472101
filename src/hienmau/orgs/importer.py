"""`hienmau units import FILE`: load an official unit list, all or nothing, idempotently.

Each row is matched to a stored unit by code (and name and end date, since codes were reused across
the 2025 reform), or, for units without a code, by name under the same parent. Parent and successor
codes may point at rows of the same file or at stored units; "91@2022-01-01" names the unit that held
code 91 on that day. Any problem in any row stops the import before anything is written.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from hienmau.core.lib import findings as F
from hienmau.core.lib.findings import Finding
from hienmau.core.lib.tables import TableError, read_rows
from hienmau.core.lib.text import fold
from hienmau.core.limits import value_problems
from hienmau.orgs.lib.boundaries import cycle_if_linked
from hienmau.orgs.lib.unit_rows import Reference, UnitRow, parse_rows
from hienmau.orgs.models import LinkStatus, SuccessorLink, Unit, UnitKind, parent_kind_problem


class UnitImportError(Exception):
    def __init__(self, errors: list[Finding]):
        self.errors = sorted(errors, key=lambda e: (e.line or 0, e.column))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_created: int = 0
    links_updated: int = 0

    def summary(self) -> str:
        return (
            f"Đã thêm {self.created}, cập nhật {self.updated}, giữ nguyên {self.unchanged} đơn vị; "
            f"thêm {self.links_created}, cập nhật {self.links_updated} liên kết kế thừa."
        )


@dataclass
class _Stored:
    pk: int
    code: str
    name_folded: str
    kind: str
    parent_id: int | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until > day
        )


@dataclass
class _Plan:
    """What the import will do, worked out before anything is written."""

    rows: list[UnitRow]
    matched: dict[int, int] = field(default_factory=dict)  # row line → stored pk
    parent_of: dict[int, UnitRow | int | None] = field(default_factory=dict)  # row line → row or stored pk
    successors_of: dict[int, list[tuple[UnitRow | int, Decimal]]] = field(default_factory=dict)


def import_units_file(path: Path) -> ImportResult:
    try:
        table = read_rows(path)
    except TableError as exc:
        raise UnitImportError([Finding(F.FILE, 1, "tệp", str(exc))]) from exc
    rows, errors = parse_rows(table)
    errors += [
        Finding(F.INVALID_VALUE, row.line, label, problem)
        for row in rows
        for label, problem in value_problems(
            Unit,
            {
                "code": row.code,
                "name": row.name,
                "note": row.note,
                "population": row.population,
                "staff_count": row.staff_count,
            },
        )
    ]
    if errors:
        raise UnitImportError(errors)
    return import_units(rows)


def import_units(rows: list[UnitRow]) -> ImportResult:
    with transaction.atomic():
        stored = {
            values[0]: _Stored(*values)
            for values in Unit.objects.select_for_update().values_list(
                "pk", "code", "name_folded", "kind", "parent_id", "valid_from", "valid_until"
            )
        }
        plan, errors = _plan(rows, stored)
        if errors:
            raise UnitImportError(errors)
        return _write(plan, stored)


def _plan(rows: list[UnitRow], stored: dict[int, _Stored]) -> tuple[_Plan, list[Finding]]:
    plan = _Plan(rows)
    errors: list[Finding] = []
    errors += _duplicates(rows)
    claimed: set[int] = set()
    # Most specific match first, so a reused code goes to the unit whose name it carries.
    for matcher in (_match_code_name_end, _match_code_name, _match_code_end):
        for row in rows:
            if row.code and row.line not in plan.matched:
                pk = matcher(row, stored, claimed, fold(row.name))
                if pk is not None:
                    plan.matched[row.line] = pk
                    claimed.add(pk)

    by_line = {row.line: row for row in rows}
    for row in rows:
        if row.parent is None:
            plan.parent_of[row.line] = None
            continue
        target, problem = _resolve(row.parent, rows, stored, claimed, plan)
        if problem:
            errors.append(Finding(F.REFERENCE, row.line, "Mã cấp trên", problem))
        plan.parent_of[row.line] = target

    # Rows without a code: an uncoded unit of that name under the same parent, else one that has since
    # been given its official code (by `units import --reference`) — never a second copy.
    codes_in_file = {row.code for row in rows if row.code}
    for coded in (False, True):
        for row in rows:
            if not row.code and row.line not in plan.matched:
                parent = plan.parent_of.get(row.line)
                parent_pk = parent if isinstance(parent, int) else plan.matched.get(getattr(parent, "line", -1))
                for unit in stored.values():
                    if (
                        unit.pk not in claimed
                        and bool(unit.code) == coded
                        and unit.code not in codes_in_file
                        and unit.parent_id == parent_pk
                        and parent_pk is not None
                        and unit.name_folded == fold(row.name)
                        and (not coded or (unit.kind == row.kind and unit.valid_until == row.valid_until))
                    ):
                        plan.matched[row.line] = unit.pk
                        claimed.add(unit.pk)
                        break

    for row in rows:
        errors += _check_hierarchy(row, plan, stored, by_line)
    errors += _parent_cycles(plan, stored)

    links: dict[int, set[int]] = defaultdict(set)
    for pred, succ in SuccessorLink.objects.approved().values_list("predecessor_id", "successor_id"):
        links[pred].add(succ)
    for row in rows:
        resolved = []
        for reference in row.successors:
            target, problem = _resolve(reference, rows, stored, claimed, plan)
            if problem:
                errors.append(Finding(F.REFERENCE, row.line, "Đơn vị kế thừa", problem))
                continue
            assert target is not None  # _resolve gives a unit whenever it reports no problem
            share = reference.share if reference.share is not None else Decimal("1")
            resolved.append((target, share))
            source_key, target_key = _key(row, plan), _key(target, plan)
            cycle = cycle_if_linked(links, source_key, target_key)
            if cycle:
                errors.append(
                    Finding(F.REFERENCE, row.line, "Đơn vị kế thừa", f"liên kết tới {reference} tạo vòng lặp kế thừa")
                )
            else:
                links[source_key].add(target_key)
        plan.successors_of[row.line] = resolved
    return plan, errors


def _key(target: UnitRow | int, plan: _Plan) -> int:
    """One integer per unit for graph checks: stored pk, or a negative line number for a new row."""
    if isinstance(target, int):
        return target
    return plan.matched.get(target.line, -target.line)


def _match_code_name_end(row, stored, claimed, name):
    return _first(
        stored, claimed, lambda u: u.code == row.code and u.name_folded == name and u.valid_until == row.valid_until
    )


def _match_code_name(row, stored, claimed, name):
    return _first(stored, claimed, lambda u: u.code == row.code and u.name_folded == name)


def _match_code_end(row, stored, claimed, name):
    return _first(stored, claimed, lambda u: u.code == row.code and u.valid_until == row.valid_until)


def _first(stored: dict[int, _Stored], claimed: set[int], predicate) -> int | None:
    for unit in stored.values():
        if unit.pk not in claimed and predicate(unit):
            return unit.pk
    return None


def _duplicates(rows: list[UnitRow]) -> list[Finding]:
    seen: dict[tuple, int] = {}
    errors = []
    for row in rows:
        key = ("code", row.code, row.valid_until) if row.code else ("name", fold(row.name), str(row.parent))
        if key in seen:
            what = f"mã {row.code}" if row.code else f"tên “{row.name}” dưới cùng cấp trên"
            errors.append(
                Finding(F.DUPLICATE, row.line, "Mã" if row.code else "Tên", f"trùng {what} với dòng {seen[key]}")
            )
        else:
            seen[key] = row.line
    return errors


def _resolve(reference: Reference, rows, stored, claimed, plan) -> tuple[UnitRow | int | None, str | None]:
    """The row or stored unit a code reference points at, or a message saying why it cannot be found."""
    candidates: list[UnitRow | int] = [row for row in rows if row.code == reference.code]
    candidates += [u.pk for u in stored.values() if u.code == reference.code and u.pk not in claimed]

    def validity(candidate):
        if isinstance(candidate, int):
            unit = stored[candidate]
            return unit.valid_from, unit.valid_until
        return candidate.valid_from, candidate.valid_until

    if not candidates:
        return None, f"không có đơn vị nào mang mã {reference.code} (trong tệp hoặc trong hệ thống)"
    if reference.on is not None:
        day = reference.on
        matching = [
            c
            for c in candidates
            if (validity(c)[0] or datetime.date.min) <= day < (validity(c)[1] or datetime.date.max)
        ]
        if len(matching) != 1:
            return None, f"không xác định được một đơn vị mang mã {reference.code} vào ngày {day:%d/%m/%Y}"
        return matching[0], None
    current = [c for c in candidates if validity(c)[1] is None]
    if len(current) == 1:
        return current[0], None
    if len(candidates) == 1:
        return candidates[0], None
    return None, (
        f"mã {reference.code} thuộc nhiều đơn vị qua các thời kỳ; ghi rõ ngày, ví dụ {reference.code}@2022-01-01"
    )


def _kind_of(target, stored) -> str:
    return stored[target].kind if isinstance(target, int) else target.kind


def _check_hierarchy(row: UnitRow, plan: _Plan, stored, by_line) -> list[Finding]:
    parent = plan.parent_of.get(row.line)
    if row.parent is not None and parent is None:
        return []  # already reported as an unknown parent
    parent_kind = _kind_of(parent, stored) if parent is not None else None
    if row.city_needs_parent and parent_kind in (None, UnitKind.NATIONAL):
        row.kind, row.category = UnitKind.PROVINCE, "thanh_pho_tw"
    problem = parent_kind_problem(row.kind, parent_kind)
    return [Finding(F.REFERENCE, row.line, "Mã cấp trên", problem.rstrip(".").lower())] if problem else []


def _parent_cycles(plan: _Plan, stored: dict[int, _Stored]) -> list[Finding]:
    parent_key: dict[int, int | None] = {pk: unit.parent_id for pk, unit in stored.items()}
    for row in plan.rows:
        parent = plan.parent_of.get(row.line)
        parent_key[_key(row, plan)] = None if parent is None else _key(parent, plan)
    errors = []
    for row in plan.rows:
        start = _key(row, plan)
        current, steps = parent_key.get(start), 0
        while current is not None and steps <= len(parent_key):
            if current == start:
                errors.append(Finding(F.REFERENCE, row.line, "Mã cấp trên", "quan hệ cấp trên tạo thành vòng lặp"))
                break
            current, steps = parent_key.get(current), steps + 1
    return errors


def _write(plan: _Plan, stored: dict[int, _Stored]) -> ImportResult:
    result = ImportResult()
    saved: dict[int, Unit] = {}  # row line → saved unit
    pending = list(plan.rows)
    while pending:
        progressed = False
        for row in list(pending):
            parent = plan.parent_of.get(row.line)
            if parent is not None and not isinstance(parent, int) and parent.line not in saved:
                continue
            parent_pk = parent if isinstance(parent, int) or parent is None else saved[parent.line].pk
            saved[row.line] = _save_row(row, parent_pk, plan.matched.get(row.line), result)
            pending.remove(row)
            progressed = True
        if not progressed:  # guarded by _parent_cycles; kept so a bug cannot loop forever
            raise UnitImportError(
                [Finding(F.REFERENCE, pending[0].line, "Mã cấp trên", "quan hệ cấp trên tạo thành vòng lặp")]
            )
    for row in plan.rows:
        for target, share in plan.successors_of.get(row.line, []):
            successor_pk = target if isinstance(target, int) else saved[target.line].pk
            _save_link(saved[row.line], successor_pk, share, result)
    return result


def _save_row(row: UnitRow, parent_pk: int | None, matched_pk: int | None, result: ImportResult) -> Unit:
    values = {
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "category": row.category,
        "parent_id": parent_pk,
        "valid_from": row.valid_from,
        "valid_until": row.valid_until,
    }
    optional = {"population": row.population, "staff_count": row.staff_count, "note": row.note}
    # Blank optional cells keep what is stored, so a bare official list does not wipe populations.
    values.update({key: value for key, value in optional.items() if value not in (None, "")})
    if matched_pk is None:
        unit = Unit(**values)
        unit.save()
        result.created += 1
        return unit
    unit = Unit.objects.get(pk=matched_pk)
    if not row.code:
        values["code"] = unit.code  # a file without codes keeps the official code stored
    changed = [key for key, value in values.items() if getattr(unit, key) != value]
    if not changed:
        result.unchanged += 1
        return unit
    for key in changed:
        setattr(unit, key, values[key])
    unit.save()
    result.updated += 1
    return unit


def _save_link(predecessor: Unit, successor_pk: int, share: Decimal, result: ImportResult) -> None:
    link = SuccessorLink.objects.filter(predecessor=predecessor, successor_id=successor_pk).first()
    if link is None:
        SuccessorLink.objects.create(
            predecessor=predecessor, successor_id=successor_pk, share=share, effective_date=predecessor.valid_until
        )
        result.links_created += 1
    elif link.share != share or link.status != LinkStatus.APPROVED:
        # The official unit list settles a pending or refused proposal for the same pair.
        link.share, link.status = share, LinkStatus.APPROVED
        link.save()
        result.links_updated += 1
