"""The text of a plan drafted from last year's (plans.drafting), as plain data for the Word and PDF
exports: the header block of an unsigned draft, the title, the legal bases, the targets in prose with
last year's figures beside the blood-unit target, the period, messages and funding, each carried-over
paragraph marked (*) for review. The annex follows it on landscape pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from hienmau.core.lib.documents import place_date_line
from hienmau.core.lib.numbers import format_int
from hienmau.orgs.models import UnitKind
from hienmau.plans.models import NO_FIGURE, Metric, Plan, PlanStatus

REVIEW_MARK = " (*)"


@dataclass
class PlanText:
    body_lines: list[str]
    number_line: str
    place_date: str
    title: str
    notice: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)


def _year(plan: Plan) -> int | None:
    for day in (plan.period_start, plan.period_end, plan.date):
        if day is not None:
            return day.year
    return None


def _percent(result: int, target: int) -> str:
    return f"{result * 100 / target:.1f}".replace(".", ",") if target else "—"


def build_plan_text(plan: Plan, body_lines: list[str]) -> PlanText | None:
    """The draft's text, or None for a plan that was not drafted from another (its text is its own file)."""
    source = plan.previous_plan
    if source is None:
        return None
    year, old_year = _year(plan), _year(source)
    unit = plan.issuing_unit
    place = unit.document_place if unit.kind != UnitKind.NATIONAL else ""
    dotted = f"ngày … tháng … năm {year}" if year else "ngày … tháng … năm …"
    reference = source.reference or source.title
    sections: list[tuple[str, list[str]]] = []
    if source.implements_text:
        sections.append(("Căn cứ", [f"Căn cứ {source.implements_text.removeprefix('Căn cứ ').strip()}{REVIEW_MARK}"]))
    allocations = list(plan.allocations.filter(metric=Metric.BLOOD_UNITS))
    last_target = sum(a.prior_plan or 0 for a in allocations)
    last_result = sum(a.prior_actual or 0 for a in allocations)
    targets = []
    for target in sorted(plan.targets.all(), key=lambda t: t.metric != Metric.BLOOD_UNITS):
        if target.value is None:
            value = str(NO_FIGURE)
        else:
            value = format_int(int(target.value)) if target.value == int(target.value) else str(target.value)
        if target.metric == Metric.BLOOD_UNITS:
            targets.append(
                f"Vận động và tiếp nhận tối thiểu {format_int(plan.allocated_total())} đơn vị máu từ người hiến máu "
                f"tình nguyện (năm {old_year or 'trước'}: kế hoạch {format_int(last_target)}, thực hiện "
                f"{format_int(last_result)} đơn vị máu, đạt {_percent(last_result, last_target)} %)."
            )
        else:
            unit_word = "%" if Metric(target.metric).is_percent and target.value is not None else ""
            targets.append(f"{target.get_metric_display()}: {value}{unit_word}{REVIEW_MARK}.")
    sections.append(("I. CHỈ TIÊU", targets))
    if plan.period_start and plan.period_end:
        sections.append(
            (
                "II. THỜI GIAN THỰC HIỆN",
                [f"Từ ngày {plan.period_start:%d/%m/%Y} đến ngày {plan.period_end:%d/%m/%Y}{REVIEW_MARK}."],
            )
        )
    sections.append(
        (
            "III. PHÂN BỔ CHỈ TIÊU",
            [
                (
                    f"Chỉ tiêu của từng đơn vị, chia theo tháng hoặc đợt, theo Phụ lục kèm theo; bên cạnh là kế hoạch, "
                    f"kết quả thực hiện và tỉ lệ đạt năm {old_year or 'trước'}."
                )
            ],
        )
    )
    if plan.messages.strip():
        sections.append(
            ("IV. THÔNG ĐIỆP", [f"{line.strip()}{REVIEW_MARK}" for line in plan.messages.splitlines() if line.strip()])
        )
    if plan.funding_sources.strip():
        sections.append(
            (
                "V. KINH PHÍ",
                [f"{line.strip()}{REVIEW_MARK}" for line in plan.funding_sources.splitlines() if line.strip()],
            )
        )
    return PlanText(
        body_lines=body_lines,
        number_line="Số:" + "\u00a0" * 8 + f"/{plan.suffix}"
        if plan.suffix and not plan.number
        else f"Số: {plan.reference}",
        place_date=(
            place_date_line(place, plan.date)
            if plan.date
            else (f"{place}, {dotted}" if place else dotted[0].upper() + dotted[1:])
        ),
        title=plan.title,
        notice=""
        if plan.status != PlanStatus.DRAFT
        else (
            f"DỰ THẢO — lập từ Kế hoạch {reference} và kết quả thực hiện năm {old_year or 'trước'}; "
            "các nội dung đánh dấu (*) được chuyển từ kế hoạch năm trước, cần rà soát trước khi ban hành."
        ),
        sections=sections,
    )
