"""The appendix as plain data: header lines, number columns, rows with their values and subtotals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from hienmau.core.lib.documents import MARGIN_LEFT, MARGIN_RIGHT, issuing_body, place_date_line
from hienmau.core.lib.numbers import format_int
from hienmau.orgs.models import UnitKind
from hienmau.plans.models import Metric, Plan

# Page in millimetres: A4 landscape for tables.
PAGE_W, PAGE_H = 297, 210
USABLE_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
# The body that issues a document is named by the abbreviation after the document type in its number
# ("KH-UBND": Ủy ban nhân dân). Only unambiguous ones; otherwise the unit's own name stands alone.
# Each is given as the lines it is set on in the header block, above the unit's name.
SECTION_NUMBER = re.compile(r"^\s*([IVXLC]+)\s*[.)]\s*(.+)$")


@dataclass(frozen=True)
class NumberColumn:
    key: str  # "prior_plan", "prior_actual", "prior_percent", "total", or "bucket:<id>"
    label: str
    group: str = ""  # a header cell spanning the consecutive columns of the same group
    width: float = 20  # mm


@dataclass
class Row:
    kind: str  # "section", "allocation", "subtotal", "total"
    stt: str
    name: str
    values: list[int | None] = field(default_factory=list)  # one per number column
    note: str = ""

    @property
    def note_only(self) -> bool:
        """A row with no figure at all, only a note ("(Liên đoàn lao động huyện phụ trách)")."""
        return self.kind == "allocation" and bool(self.note) and all(v is None for v in self.values)


@dataclass
class HeaderCell:
    row: int  # 0 or 1 within the header
    col: int  # 0-based over all columns
    rowspan: int
    colspan: int
    text: str


@dataclass
class Appendix:
    body_lines: list[str]  # upper case, e.g. ["ỦY BAN NHÂN DÂN", "HUYỆN ÂN THI"]
    number_line: str  # "Số: 14/KH-UBND"
    place_date: str  # "Ân Thi, ngày 17 tháng 01 năm 2024"
    title: str
    attached: str  # "(Kèm theo Kế hoạch số 14/KH-UBND ngày 17/01/2024 của Ủy ban nhân dân huyện Ân Thi)"
    measure: str  # "Đơn vị tính: đơn vị máu"
    numbers: list[NumberColumn]
    rows: list[Row]
    name_width: float
    note_width: float
    stt_width: float = 12
    font_pt: int = 12

    @property
    def widths(self) -> list[float]:
        return [self.stt_width, self.name_width, *(c.width for c in self.numbers), self.note_width]

    @property
    def column_count(self) -> int:
        return len(self.numbers) + 3

    @property
    def header_rows(self) -> int:
        return 2 if any(c.group for c in self.numbers) else 1

    def header_cells(self) -> list[HeaderCell]:
        depth = self.header_rows
        cells = [HeaderCell(0, 0, depth, 1, "STT"), HeaderCell(0, 1, depth, 1, "Đơn vị")]
        index = 0
        while index < len(self.numbers):
            column, col = self.numbers[index], index + 2
            if not column.group:
                cells.append(HeaderCell(0, col, depth, 1, column.label))
                index += 1
                continue
            span = 1
            while index + span < len(self.numbers) and self.numbers[index + span].group == column.group:
                span += 1
            cells.append(HeaderCell(0, col, 1, span, column.group))
            cells.extend(HeaderCell(1, col + k, 1, 1, self.numbers[index + k].label) for k in range(span))
            index += span
        cells.append(HeaderCell(0, self.column_count - 1, depth, 1, "Ghi chú"))
        return cells


def build_appendix(plan: Plan) -> Appendix:
    allocations = list(plan.allocations.select_related("unit").prefetch_related("cells"))
    numbers = _number_columns(plan, allocations)
    name_width, note_width = _text_widths(numbers)
    return Appendix(
        body_lines=[line.upper() for line in _issuing_body(plan)],
        number_line=f"Số: {plan.reference}" if plan.reference else "Số:",
        place_date=_place_date(plan),
        title="Bảng phân bổ chỉ tiêu " + _lower_first(plan.title.strip()),
        attached=_attached_line(plan),
        measure=_measure(allocations),
        numbers=numbers,
        rows=_rows(allocations, numbers),
        name_width=name_width,
        note_width=note_width,
        font_pt=12 if len(numbers) <= 8 else 11,
    )


def _issuing_body(plan: Plan) -> list[str]:
    unit = plan.issuing_unit
    return issuing_body(plan.suffix, unit.full_name, organisation=unit.kind == UnitKind.ORGANISATION)


def _issuer_phrase(plan: Plan) -> str:
    return " ".join(_issuing_body(plan))


def _place_date(plan: Plan) -> str:
    if plan.date:
        return place_date_line(plan.issuing_unit.document_place, plan.date)
    if plan.previous_plan_id and plan.period_start:  # a draft: dated when it is signed
        place = plan.issuing_unit.document_place
        dotted = f"ngày … tháng … năm {plan.period_start.year}"
        return f"{place}, {dotted}" if place else dotted[0].upper() + dotted[1:]
    return ""


def _attached_line(plan: Plan) -> str:
    parts = ["Kèm theo Kế hoạch"]
    if plan.reference:
        parts.append(f"số {plan.reference}")
    if plan.date:
        parts.append(f"ngày {plan.date:%d/%m/%Y}")
    parts.append(f"của {_issuer_phrase(plan)}")
    return "(" + " ".join(parts) + ")"


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _measure(allocations) -> str:
    metrics = {a.metric for a in allocations}
    if len(metrics) != 1:
        return ""
    metric = Metric(metrics.pop())
    if metric == Metric.BLOOD_UNITS:
        unit = "đơn vị máu"
    elif metric.is_percent:
        unit = "%"
    elif metric == Metric.MEDIA_ITEMS:
        unit = "tin, bài"
    else:
        unit = "người"
    return f"Đơn vị tính: {unit}"


NAME_MIN, NOTE_MIN = 55.0, 28.0  # mm: what Đơn vị and Ghi chú keep however many number columns there are


def _number_columns(plan: Plan, allocations) -> list[NumberColumn]:
    columns = []
    if any(a.prior_plan is not None or a.prior_actual is not None or a.prior_percent is not None for a in allocations):
        group = _prior_group(plan)
        columns += [
            NumberColumn("prior_plan", "Kế hoạch", group, 22),
            NumberColumn("prior_actual", "Thực hiện", group, 22),
            NumberColumn("prior_percent", "Tỷ lệ %", group, 19),
        ]
    year = next((d.year for d in (plan.period_start, plan.date) if d is not None), None)
    drafted = columns and year and plan.previous_plan_id  # a draft's annex: this year's plan beside last year's
    columns.append(NumberColumn("total", f"Kế hoạch năm {year}" if drafted else "Tổng", "", 22 if drafted else 18))
    buckets = plan.ordered_buckets()
    kinds = frozenset(b.key.partition(":")[0] for b in buckets)
    group = {frozenset({"round"}): "Chia theo đợt", frozenset({"month"}): "Chia theo tháng"}.get(
        kinds, "Chia theo tháng, đợt"
    )
    # A dated round needs room for "(15/03/2024)"; squeeze every bucket alike when there are many.
    wanted = [27.0 if b.date else 18.0 for b in buckets]
    budget = USABLE_W - 12 - NAME_MIN - NOTE_MIN - sum(c.width for c in columns)
    scale = min(1.0, budget / sum(wanted)) if wanted else 1.0
    columns += [
        NumberColumn(f"bucket:{b.pk}", b.label, group, round(max(11.0, w * scale), 1)) for b, w in zip(buckets, wanted)
    ]
    return columns


def _prior_group(plan: Plan) -> str:
    """'Năm 2022' over last year's columns: the year of the plan it was drafted from, else the year before."""
    previous = plan.previous_plan
    if previous is not None:
        for day in (previous.period_start, previous.period_end, previous.date):
            if day is not None:
                return f"Năm {day.year}"
    if plan.date:
        return f"Năm {plan.date.year - 1}"
    if plan.period_start:
        return f"Năm {plan.period_start.year - 1}"
    return "Năm trước"


def _text_widths(numbers: list[NumberColumn]) -> tuple[float, float]:
    """Đơn vị takes 60 % of what the number columns leave (at least NAME_MIN), Ghi chú the rest."""
    left = USABLE_W - 12 - sum(c.width for c in numbers)
    name = max(min(NAME_MIN, left - NOTE_MIN), round(left * 0.6, 1))
    return name, round(left - name, 1)


def _allocation_values(allocation, numbers: list[NumberColumn]) -> list[int | None]:
    cells = {f"bucket:{cell.bucket_id}": cell.value for cell in allocation.cells.all()}
    own = {
        "prior_plan": allocation.prior_plan,
        "prior_actual": allocation.prior_actual,
        "prior_percent": allocation.prior_percent,
        "total": allocation.total,
    }
    return [own[c.key] if c.key in own else cells.get(c.key) for c in numbers]


def _sum_values(rows: list[Row], numbers: list[NumberColumn]) -> list[int | None]:
    sums: list[int | None] = []
    for index in range(len(numbers)):
        present = [v for r in rows if (v := r.values[index]) is not None]
        sums.append(sum(present) if present else None)
    keys = [c.key for c in numbers]
    if "prior_percent" in keys:
        planned, actual = sums[keys.index("prior_plan")], sums[keys.index("prior_actual")]
        sums[keys.index("prior_percent")] = (
            int((Decimal(actual) * 100 / planned).quantize(Decimal(1), ROUND_HALF_UP))
            if planned and actual is not None
            else None
        )
    return sums


def _split_section(section: str) -> tuple[str, str]:
    match = SECTION_NUMBER.match(section)
    return (match.group(1), match.group(2).strip()) if match else ("", section.strip())


def _rows(allocations, numbers: list[NumberColumn]) -> list[Row]:
    groups: list[tuple[str, list]] = []
    for allocation in allocations:
        section = allocation.section.strip()
        if not groups or groups[-1][0] != section:
            groups.append((section, []))
        groups[-1][1].append(allocation)
    rows: list[Row] = []
    every: list[Row] = []
    for section, members in groups:
        numeral, heading = _split_section(section)
        if section:
            rows.append(Row("section", numeral, heading))
        group_rows = [
            Row("allocation", str(index), a.unit_name, _allocation_values(a, numbers), a.note.strip())
            for index, a in enumerate(members, start=1 if section or not every else len(every) + 1)
        ]
        rows += group_rows
        every += group_rows
        if section:
            rows.append(Row("subtotal", "", f"Cộng {numeral}".strip(), _sum_values(group_rows, numbers)))
    rows.append(Row("total", "", "Tổng cộng", _sum_values(every, numbers)))
    return rows


def value_text(value: int | None) -> str:
    return "" if value is None else format_int(value)


def bucket_header(label: str) -> str:
    """'Đợt I (15/03/2024)' on two lines: the name, then the date."""
    return label.replace(" (", "\n(", 1)
