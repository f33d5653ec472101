"""Next year's plan drafted from an issued plan: its allocations (T), what each achieved (R), the unit
tree valid on 1 January of the new year, and a method (plans/lib/drafting.py does the arithmetic).

What a plan achieved is counted by the results and reports apps, which sit above plans; the reports app
hands its counting function in once at start-up (`set_results_source`, in its AppConfig.ready()), so
this module never imports it.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from hienmau.core.lib.findings import Finding
from hienmau.core.lib.numbers import format_int
from hienmau.orgs.lib import boundaries
from hienmau.orgs.models import Unit, UnitKind
from hienmau.orgs.services import UnitGraph
from hienmau.plans import services
from hienmau.plans.lib import drafting as rules
from hienmau.plans.lib.buckets import bucket_label, bucket_sort_key
from hienmau.plans.lib.findings import finding
from hienmau.plans.models import (
    Allocation,
    AllocationCell,
    Bucket,
    ImportFinding,
    Metric,
    Plan,
    PlanStatus,
    Target,
)

SOURCE_NOT_ISSUED = "source_not_issued"
SPLIT_ACROSS_SUCCESSORS = "split_across_successors"
MERGED_INTO_SUCCESSOR = "merged_into_successor"
REPLACED_BY_SUCCESSOR = "replaced_by_successor"
ISSUER_REPLACED = "issuer_replaced"
UNIT_UNKNOWN = "unit_unknown"
NO_SUCCESSOR_LINK = "no_successor_link"
DRAFT_REVIEW = "draft_review"

ResultsSource = Callable[[Plan], Mapping[int, int]]
_results_source: list[ResultsSource] = []


def set_results_source(source: ResultsSource) -> None:
    """Called once by the app that counts results: allocation id → blood units counted for it."""
    _results_source[:] = [source]


def results_by_allocation(plan: Plan) -> Mapping[int, int]:
    if not _results_source:
        raise ImproperlyConfigured("No results source: the reports app registers it when it is installed.")
    return _results_source[0](plan)


class DraftError(ValueError):
    """The draft cannot be made; the message is Vietnamese."""


@dataclass
class DraftRow:
    unit: Unit | None
    name: str
    section: str
    last_target: int = 0
    last_result: int = 0
    actual: Fraction = Fraction(0)
    target_share: Fraction = Fraction(0)
    pattern: dict[str, Fraction] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    changed: bool = False  # the row stands for other unit(s) than the source plan's
    proposed: int = 0
    parts: dict[str, int] | None = None

    @property
    def last_percent(self) -> float | None:
        return rules.percent(self.last_result, self.last_target)

    @property
    def code(self) -> str | None:
        return (self.unit.code or None) if self.unit is not None else None

    @property
    def kind(self) -> str | None:
        return self.unit.kind if self.unit is not None else None

    def ordered_parts(self, keys: list[str]) -> list[int | None]:
        return [None if self.parts is None else self.parts.get(key, 0) for key in keys]


@dataclass
class Draft:
    source: Plan
    year: int
    total: int
    method: str
    step: int
    blend: dict[str, Fraction] | None
    issuer: Unit
    rows: list[DraftRow]
    bucket_keys: list[str]
    bucket_dates: dict[str, datetime.date | None]
    findings: list[Finding]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "last_target": sum(r.last_target for r in self.rows),
            "last_result": sum(r.last_result for r in self.rows),
            "proposed": sum(r.proposed for r in self.rows),
        }

    @property
    def bucket_totals(self) -> list[int]:
        return [sum(r.parts.get(key, 0) for r in self.rows if r.parts) for key in self.bucket_keys]

    @property
    def last_percent(self) -> float | None:
        totals = self.totals
        return rules.percent(totals["last_result"], totals["last_target"])

    def bucket_label(self, key: str) -> str:
        day = self.bucket_dates.get(key)
        return f"{bucket_label(key)} ({day:%d/%m/%Y})" if day else bucket_label(key)

    def as_json(self, plan: Plan | None = None) -> dict:
        labels = {key: bucket_label(key) for key in self.bucket_keys}
        return {
            "plan": {
                "number": (plan.reference or None) if plan is not None else None,
                "year": self.year,
                "total": self.total,
                "status": plan.status if plan is not None else PlanStatus.DRAFT.value,
            },
            "rows": [
                {
                    "unit": row.name,
                    "code": row.code,
                    "kind": row.kind,
                    "last_target": row.last_target,
                    "last_result": row.last_result,
                    "last_percent": row.last_percent,
                    "proposed": row.proposed,
                    "parts": None if row.parts is None else {labels[k]: row.parts.get(k, 0) for k in self.bucket_keys},
                }
                for row in self.rows
            ],
            "totals": self.totals,
            "findings": [{"code": f.code, "unit": f.unit, "message": f.message} for f in self.findings],
        }


# --- the source plan -----------------------------------------------------------------------------


def source_year(plan: Plan) -> int | None:
    for day in (plan.period_start, plan.period_end, plan.date):
        if day is not None:
            return day.year
    return None


def move_years(text: str, old: int | None, new: int) -> str:
    """Every standalone mention of the source year (also inside dates, 01/5/2022) moved to the new one."""
    if old is None or old == new:
        return text
    return re.sub(rf"(?<!\d){old}(?!\d)", str(new), text)


def move_date(day: datetime.date | None, years: int) -> datetime.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


# --- units across the reform ---------------------------------------------------------------------


class _Successors:
    """The units valid on a day that stand for a unit of the source plan."""

    def __init__(self, day: datetime.date):
        self.day = day
        self.graph = UnitGraph.load()
        self.children: dict[int, list[int]] = {}
        for node in self.graph.nodes.values():
            if node.parent_id is not None:
                self.children.setdefault(node.parent_id, []).append(node.id)

    def resolve(self, unit_id: int) -> tuple[dict[int, Fraction], bool]:
        """The units standing for `unit_id` on the day with their shares, and whether they were guessed
        from the area around it (a unit that ceased with no successor link of its own)."""
        nodes, links = self.graph.nodes, self.graph.successors
        node = nodes[unit_id]
        if node.valid_on(self.day) or links.get(unit_id):
            return boundaries.resolve(unit_id, nodes, links, self.day), False
        area = self._area(unit_id)  # a district abolished on 1/7/2025: the successors of its communes
        if area:
            return area, False
        parent = node.parent_id
        if parent is not None and not nodes[parent].valid_on(self.day):
            area = self._area(parent)  # a commune no list links: somewhere in its former district
            if area:
                return area, True
        return boundaries.resolve(unit_id, nodes, links, self.day), True

    def _area(self, unit_id: int) -> dict[int, Fraction]:
        """Where the area of a unit that ceased went: the successors of the units it held on its last day."""
        nodes, links = self.graph.nodes, self.graph.successors
        node = nodes[unit_id]
        last_day = node.valid_until - datetime.timedelta(days=1) if node.valid_until else self.day
        weights: dict[int, Fraction] = {}
        for child in self.children.get(unit_id, []):
            child_node = nodes[child]
            if child_node.kind == UnitKind.ORGANISATION or not child_node.valid_on(last_day) or not links.get(child):
                continue
            for target, weight in boundaries.resolve(child, nodes, links, self.day).items():
                if nodes[target].kind == child_node.kind:
                    weights[target] = weights.get(target, Fraction(0)) + weight
        whole = sum(weights.values())
        return {target: weight / whole for target, weight in weights.items()} if whole else {}


def _issuer(plan: Plan, successors: _Successors, found: list[Finding]) -> Unit:
    issuer = plan.issuing_unit
    if successors.graph.nodes[issuer.pk].valid_on(successors.day):
        return issuer
    weights = boundaries.resolve(issuer.pk, successors.graph.nodes, successors.graph.successors, successors.day)
    best = min(weights, key=lambda pk: (-weights[pk], pk))
    unit = Unit.objects.get(pk=best)
    found.append(
        finding(
            ISSUER_REPLACED,
            issuer.full_name,
            f"{issuer.full_name} không còn vào ngày {successors.day:%d/%m/%Y}: dự thảo do {unit.full_name} ban hành; "
            "kiểm tra lại đơn vị ban hành.",
        )
    )
    return unit


# --- the draft -----------------------------------------------------------------------------------


def build_draft(
    source: Plan,
    *,
    year: int,
    total: int,
    method: str = "actual",
    weights: str | None = None,
    step: int = rules.DEFAULT_STEP,
) -> Draft:
    """The proposal for `year`: one row per unit valid on 1 January of that year."""
    if total < 1:
        raise DraftError("Tổng chỉ tiêu mới phải là số nguyên từ 1 trở lên.")
    if step < 1:
        raise DraftError("Bước làm tròn phải là số nguyên từ 1 trở lên.")
    if method not in rules.METHODS:
        raise DraftError(f"Phương pháp “{method}” không có; chọn một trong: {', '.join(rules.METHODS)}.")
    if not 1900 < year < 2200:
        raise DraftError(f"Năm {year} không hợp lệ.")
    old_year = source_year(source)
    if old_year is not None and year <= old_year:
        raise DraftError(f"Năm của dự thảo ({year}) phải sau năm của kế hoạch gốc ({old_year}).")
    if method == "blend" and not (weights or "").strip():
        raise DraftError("Cách trộn (--method blend) cần --weights, ví dụ actual=0.5,population=0.5.")
    try:
        blend = rules.parse_blend(weights or "") if method == "blend" else None
    except rules.DraftingError as exc:
        raise DraftError(str(exc)) from exc
    found: list[Finding] = []
    if source.status == PlanStatus.DRAFT:
        found.append(
            finding(
                SOURCE_NOT_ISSUED,
                None,
                f"Kế hoạch {source.reference or source.title} còn là dự thảo, chưa ban hành: "
                "số liệu làm căn cứ có thể còn thay đổi.",
            )
        )
    allocations = list(
        source.allocations.filter(metric=Metric.BLOOD_UNITS)
        .select_related("unit")
        .prefetch_related("cells__bucket")
        .order_by("position", "pk")
    )
    if not allocations:
        raise DraftError(
            f"Kế hoạch {source.reference or source.title} không có dòng phân bổ đơn vị máu nào để làm căn cứ."
        )
    results = results_by_allocation(source)
    day = datetime.date(year, 1, 1)
    successors = _Successors(day)
    issuer = _issuer(source, successors, found)
    uses_actual = method == "actual" or (method == "blend" and bool(blend and blend.get("actual")))
    rows = _rows(allocations, results, successors, found, uses_actual)
    _propose(rows, total, method, step, blend, found)
    bucket_keys = sorted({b.key for b in source.buckets.all()}, key=bucket_sort_key)
    shift = year - old_year if old_year is not None else 0
    bucket_dates = {b.key: move_date(b.date, shift) for b in source.buckets.all()}
    if bucket_keys:
        overall = {key: Fraction(0) for key in bucket_keys}
        for row in rows:
            for key, value in row.pattern.items():
                overall[key] += value
        for row in rows:
            row.parts = rules.split_parts(row.proposed, row.pattern, overall)
    return Draft(source, year, total, method, step, blend, issuer, rows, bucket_keys, bucket_dates, found)


def _rows(allocations, results, successors: _Successors, found: list[Finding], uses_actual: bool):
    rows: list[DraftRow] = []
    by_unit: dict[object, DraftRow] = {}
    units: dict[int, Unit] = {}
    plans: list[tuple[Allocation, dict[int, Fraction], bool]] = []
    for allocation in allocations:
        shares, guessed = successors.resolve(allocation.unit_id) if allocation.unit_id is not None else ({}, False)
        plans.append((allocation, shares, guessed))
    wanted = {pk for _a, shares, _g in plans for pk in shares}
    units.update(Unit.objects.in_bulk(list(wanted)))
    for allocation, shares, guessed in plans:
        target, result = max(allocation.total or 0, 0), max(results.get(allocation.pk, 0), 0)
        name = allocation.unit_name or (allocation.unit.full_name if allocation.unit else "")
        cells = {cell.bucket.key: cell.value for cell in allocation.cells.all()}
        if uses_actual and result == 0 and target > 0:
            found.append(
                finding(
                    rules.NO_RESULT_KEPT_TARGET,
                    name,
                    f"{name}: chưa có kết quả nào được tính cho kế hoạch gốc; giữ tỉ trọng theo chỉ tiêu năm trước "
                    f"({format_int(target)}).",
                )
            )
        if allocation.unit_id is None:
            found.append(
                finding(
                    UNIT_UNKNOWN,
                    name,
                    f"“{name}” chưa được gắn với đơn vị nào trong danh mục: giữ nguyên một dòng, cần kiểm tra.",
                )
            )
            row = DraftRow(None, name, allocation.section)
            rows.append(row)
            _add(row, target, result, Fraction(1), cells, name)
            row.last_target, row.last_result = target, result
            continue
        if guessed:
            names = ", ".join(units[pk].full_name for pk in _ordered(shares, units))
            found.append(
                finding(
                    NO_SUCCESSOR_LINK,
                    name,
                    f"{name} không còn vào ngày {day_text(successors.day)} và danh mục chưa ghi đơn vị kế thừa: "
                    f"tạm chia cho các đơn vị nhận địa bàn quanh nó ({names}). Bổ sung liên kết kế thừa rồi lập lại dự thảo.",
                )
            )
        if len(shares) > 1:
            populations = {pk: units[pk].population for pk in shares}
            split, by_people = rules.successor_shares(shares, populations)
            shares = split
            names = ", ".join(units[pk].full_name for pk in _ordered(shares, units))
            how = "theo dân số" if by_people else "chia đều (chưa đủ số dân)"
            if not guessed:
                found.append(
                    finding(
                        SPLIT_ACROSS_SUCCESSORS,
                        name,
                        f"{name} không còn vào ngày {day_text(successors.day)}; địa bàn chia cho {len(shares)} "
                        f"đơn vị, {how}: {names}.",
                    )
                )
        elif allocation.unit_id not in shares and not guessed:
            successor = units[next(iter(shares))]
            found.append(
                finding(
                    REPLACED_BY_SUCCESSOR,
                    name,
                    f"{name} không còn vào ngày {day_text(successors.day)}: thay bằng {successor.full_name}.",
                )
            )
        ordered = _ordered(shares, units)
        target_parts = rules.largest_remainder(target, [shares[pk] for pk in ordered])
        result_parts = rules.largest_remainder(result, [shares[pk] for pk in ordered])
        for pk, share, t_part, r_part in zip(ordered, [shares[pk] for pk in ordered], target_parts, result_parts):
            existing = by_unit.get(pk)
            if existing is None:
                unit = units[pk]
                row = DraftRow(unit, unit.full_name, allocation.section)
                by_unit[pk] = row
                rows.append(row)
            else:
                row = existing
                row.changed = True  # several source rows merge into it
            if pk != allocation.unit_id:
                row.changed = True
            _add(row, target, result, share, cells, name)
            row.last_target += t_part
            row.last_result += r_part
    for row in rows:
        if row.unit is not None and len(row.sources) > 1:
            found.append(
                finding(
                    MERGED_INTO_SUCCESSOR,
                    row.name,
                    f"{row.name} gộp số liệu năm trước của: {', '.join(row.sources)}.",
                )
            )
    return rows


def _add(row: DraftRow, target: int, result: int, share: Fraction, cells: dict[str, int], name: str) -> None:
    row.actual += rules.actual_weight(target, result) * share
    row.target_share += target * share
    for key, value in cells.items():
        row.pattern[key] = row.pattern.get(key, Fraction(0)) + max(value, 0) * share
    if name not in row.sources:
        row.sources.append(name)


def _ordered(shares: Mapping[int, Fraction], units: Mapping[int, Unit]) -> list[int]:
    return sorted(shares, key=lambda pk: (units[pk].name_folded, pk))


def day_text(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _propose(rows: list[DraftRow], total: int, method: str, step: int, blend, found: list[Finding]) -> None:
    weight_rows = [
        rules.WeightRow(
            target=row.target_share,
            actual=row.actual,
            organisation=row.unit is None or row.unit.kind == UnitKind.ORGANISATION,
            population=row.unit.population if row.unit is not None else None,
        )
        for row in rows
    ]
    try:
        proposed, notes = rules.propose(total, weight_rows, method, step, blend)
    except rules.DraftingError as exc:
        raise DraftError(str(exc)) from exc
    for row, value in zip(rows, proposed):
        row.proposed = value
    for i in notes.get(rules.NO_POPULATION_KEPT_SHARE, []):
        found.append(
            finding(
                rules.NO_POPULATION_KEPT_SHARE,
                rows[i].name,
                f"{rows[i].name}: chưa có số dân trong danh mục đơn vị; giữ tỉ trọng theo chỉ tiêu năm trước.",
            )
        )
    if rules.NO_WEIGHTS_EVEN_SPLIT in notes:
        found.append(
            finding(
                rules.NO_WEIGHTS_EVEN_SPLIT,
                None,
                "Không đơn vị nào có trọng số theo phương pháp đã chọn: chỉ tiêu được chia đều.",
            )
        )


# --- saving --------------------------------------------------------------------------------------


def save_draft(draft: Draft, rows: list[tuple[DraftRow, int, dict[str, int] | None]] | None = None) -> Plan:
    """Store the draft as a plan in draft status, linked to its source. `rows` are the officer's edits
    (row, proposed total, parts); without them the proposal is stored as it is."""
    source = draft.source
    old_year = source_year(source)
    shift = draft.year - old_year if old_year is not None else 0
    period = services.plan_period(source)
    edited = rows if rows is not None else [(row, row.proposed, row.parts) for row in draft.rows]
    with transaction.atomic():
        plan = Plan.objects.create(
            issuing_unit=draft.issuer,
            suffix=source.suffix,
            title=move_years(source.title, old_year, draft.year),
            kind=source.kind,
            period_start=move_date(period[0], shift) if period else None,
            period_end=move_date(period[1], shift) if period else None,
            implements_text=source.implements_text,
            messages=move_years(source.messages, old_year, draft.year),
            funding_sources=source.funding_sources,
            status=PlanStatus.DRAFT,
            previous_plan=source,
        )
        plan.campaign_labels.set(source.campaign_labels.all())
        total = sum(value for _row, value, _parts in edited)
        for target in source.targets.all():
            value = total if target.metric == Metric.BLOOD_UNITS else target.value
            Target.objects.create(
                plan=plan,
                metric=target.metric,
                value=value,
                counting_basis=target.counting_basis,
                note=target.note,
            )
        if not source.targets.filter(metric=Metric.BLOOD_UNITS).exists():
            Target.objects.create(plan=plan, metric=Metric.BLOOD_UNITS, value=total)
        buckets = {
            key: Bucket.objects.create(plan=plan, key=key, date=draft.bucket_dates.get(key))
            for key in draft.bucket_keys
        }
        for position, (row, value, parts) in enumerate(edited, start=1):
            percent = row.last_percent
            allocation = Allocation.objects.create(
                plan=plan,
                unit=row.unit,
                unit_name=row.name,
                metric=Metric.BLOOD_UNITS,
                total=value,
                section=row.section,
                position=position,
                prior_plan=row.last_target,
                prior_actual=row.last_result,
                prior_percent=None if percent is None else math.floor(percent + 0.5),
            )
            AllocationCell.objects.bulk_create(
                [
                    AllocationCell(allocation=allocation, bucket=buckets[key], value=n)
                    for key, n in (parts or {}).items()
                    if key in buckets and n
                ]
            )
        ImportFinding.objects.bulk_create(
            [ImportFinding(plan=plan, code=f.code, unit_name=f.unit or "", message=f.message) for f in draft.findings]
            + [
                ImportFinding(
                    plan=plan,
                    code=DRAFT_REVIEW,
                    message=f"Dự thảo lập từ kế hoạch {source.reference or source.title} cho năm {draft.year}: "
                    "trích yếu, thời gian và các chỉ tiêu khác được chuyển sang năm mới, cần rà soát trước khi ban hành.",
                )
            ]
        )
    return plan


def edited_rows(
    draft: Draft, values: Mapping[int, int | None], parts: Mapping[tuple[int, str], int | None]
) -> list[tuple[DraftRow, int, dict[str, int] | None]]:
    """The officer's figures over the proposal: `values[i]` is row i's total, `parts[i, key]` its month or
    round. Every row needs a total of 0 or more, and its parts must add up to it; the first row that does
    not is refused by name."""
    out: list[tuple[DraftRow, int, dict[str, int] | None]] = []
    for index, row in enumerate(draft.rows):
        value = values.get(index, row.proposed)
        if value is None or value < 0 or value > services.MAX_CELL_VALUE:
            raise DraftError(
                f"{row.name}: chỉ tiêu mới phải là số nguyên từ 0 đến {format_int(services.MAX_CELL_VALUE)}."
            )
        row_parts: dict[str, int] | None = None
        if draft.bucket_keys:
            row_parts = {}
            for key in draft.bucket_keys:
                part = parts.get((index, key), (row.parts or {}).get(key, 0))
                if part is None or part < 0:
                    raise DraftError(f"{row.name} — {draft.bucket_label(key)}: phải là số nguyên từ 0 trở lên.")
                row_parts[key] = part
            if sum(row_parts.values()) != value:
                raise DraftError(
                    f"{row.name}: các tháng/đợt cộng lại {format_int(sum(row_parts.values()))}, "
                    f"khác chỉ tiêu của đơn vị ({format_int(value)})."
                )
        out.append((row, value, row_parts))
    return out
