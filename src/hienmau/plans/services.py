"""Plan workflows: editing the grid, comparing a plan with what it received and gave, finding overlaps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, Sum
from django.utils.translation import gettext as _

from hienmau.core.clock import now
from hienmau.core.lib.numbers import format_int
from hienmau.orgs.models import Unit
from hienmau.plans.lib import versions
from hienmau.plans.lib.buckets import bucket_sort_key
from hienmau.plans.models import (
    NO_FIGURE,
    Allocation,
    AllocationCell,
    Bucket,
    Metric,
    Plan,
    PlanAmendment,
    PlanAttachment,
    PlanKind,
    PlanStatus,
)

MAX_CELL_VALUE = 1_000_000
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def grid_plan(plan_id: int) -> Plan:
    """The plan with everything the grid shows, in a handful of queries."""
    return (
        Plan.objects.select_related("issuing_unit", "received_allocation__plan", "previous_plan")
        .prefetch_related(
            "buckets",
            "targets",
            "campaign_labels",
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("unit", "delegated_to").prefetch_related("cells"),
            ),
        )
        .get(pk=plan_id)
    )


@dataclass
class GridRow:
    allocation: Allocation
    values: list[int | None]
    buckets: list[Bucket]

    @property
    def cells(self) -> list[tuple[Bucket, int | None]]:
        return list(zip(self.buckets, self.values))

    @property
    def bucket_sum(self) -> int:
        return sum(v for v in self.values if v is not None)

    @property
    def mismatch(self) -> bool:
        has_values = any(v is not None for v in self.values)
        return (
            has_values
            and self.allocation.total != self.bucket_sum
            or (not has_values and bool(self.allocation.total) and bool(self.values))
        )


@dataclass
class Grid:
    buckets: list[Bucket]
    rows: list[GridRow]

    @property
    def column_totals(self) -> list[int]:
        return [sum(row.values[i] or 0 for row in self.rows) for i in range(len(self.buckets))]

    @property
    def total(self) -> int:
        return sum(row.allocation.total or 0 for row in self.rows)

    @property
    def metric_totals(self) -> list[tuple[str, int]]:
        """(label, total) per metric when the rows count several (a humanitarian plan's addresses and
        sponsors), which are not added together; empty when every row counts the same thing."""
        totals: dict[str, int] = {}
        for row in self.rows:
            label = str(row.allocation.get_metric_display())
            totals[label] = totals.get(label, 0) + (row.allocation.total or 0)
        return list(totals.items()) if len(totals) > 1 else []

    @property
    def sections(self) -> list[tuple[str, list[GridRow]]]:
        grouped: list[tuple[str, list[GridRow]]] = []
        for row in self.rows:
            if not grouped or grouped[-1][0] != row.allocation.section:
                grouped.append((row.allocation.section, []))
            grouped[-1][1].append(row)
        return grouped


def build_grid(plan: Plan, metric: str | None = None) -> Grid:
    buckets = sorted(plan.buckets.all(), key=lambda b: bucket_sort_key(b.key))
    index = {b.pk: i for i, b in enumerate(buckets)}
    rows = []
    for allocation in plan.allocations.all():
        if metric and allocation.metric != metric:
            continue
        values: list[int | None] = [None] * len(buckets)
        for cell in allocation.cells.all():
            values[index[cell.bucket_id]] = cell.value
        rows.append(GridRow(allocation, values, buckets))
    return Grid(buckets, rows)


def has_prior(plan: Plan) -> bool:
    return any(
        a.prior_plan is not None or a.prior_actual is not None or a.prior_percent is not None
        for a in plan.allocations.all()
    )


def _check_value(value: int | None) -> None:
    if value is not None and not (0 <= value <= MAX_CELL_VALUE):
        raise ValidationError(_("Giá trị phải từ 0 đến %(max)s.") % {"max": f"{MAX_CELL_VALUE:,}".replace(",", ".")})


class StaleCell(ValidationError):
    """The cell was changed by someone else since the grid showing it was loaded: nothing saved.
    `current` is the stored value, which the page shows instead of what was typed."""

    def __init__(self, message: str, current: int | None):
        super().__init__(message)
        self.current = current


class _Unchecked:
    """`shown` not given: the caller saves without comparing (the importer, commands, tests)."""


UNCHECKED = _Unchecked()


def _check_unchanged(
    shown: int | None | _Unchecked, current: int | None, value: int | None, allocation: Allocation, column: str
) -> None:
    """Optimistic locking of one cell: `shown` is the value the editor's page showed before the edit.
    If the stored value is another (someone saved since), the edit is refused naming the cell, unless
    it already holds what was typed. Called under the row's lock, so of two saves from the same stale
    page exactly one lands."""
    if isinstance(shown, _Unchecked) or current in (shown, value):
        return

    def number(figure: int | None) -> str:
        return format_int(figure) if figure is not None else _("ô trống")

    raise StaleCell(
        _(
            "Ô “%(column)s” của %(unit)s vừa được người khác sửa thành %(current)s (trang của bạn còn hiện "
            "%(shown)s), nên %(value)s không được lưu. Ô đã hiện số mới: xem lại rồi nhập lại nếu cần."
        )
        % {
            "column": column,
            "unit": allocation.unit_name,
            "current": number(current),
            "shown": number(shown),
            "value": number(value),
        },
        current,
    )


def set_cell(
    allocation: Allocation, bucket: Bucket, value: int | None, *, shown: int | None | _Unchecked = UNCHECKED
) -> None:
    """Save one cell of the grid; `shown` (what the editor's page showed) refuses a stale edit (StaleCell)."""
    if bucket.plan_id != allocation.plan_id:
        raise ValidationError(_("Cột không thuộc kế hoạch này."))
    require_open(allocation.plan)
    _check_value(value)
    with transaction.atomic():
        # Two people typing into the same new cell at once: the row lock makes the second wait and then
        # find the first one's cell (get_or_create also re-reads after a unique-constraint clash).
        Allocation.objects.select_for_update().filter(pk=allocation.pk).exists()
        current = (
            AllocationCell.objects.filter(allocation=allocation, bucket=bucket).values_list("value", flat=True).first()
        )
        _check_unchanged(shown, current, value, allocation, bucket.label)
        if value is None:
            for cell in AllocationCell.objects.filter(allocation=allocation, bucket=bucket):
                cell.delete()
            return
        cell, created = AllocationCell.objects.get_or_create(
            allocation=allocation, bucket=bucket, defaults={"value": value}
        )
        if not created and cell.value != value:
            cell.value = value
            cell.save()


def set_total(allocation: Allocation, value: int | None, *, shown: int | None | _Unchecked = UNCHECKED) -> None:
    """Save a row's total; `shown` refuses a stale edit as for a cell (StaleCell)."""
    require_open(allocation.plan)
    _check_value(value)
    with transaction.atomic():
        locked = Allocation.objects.select_for_update().get(pk=allocation.pk)
        _check_unchanged(shown, locked.total, value, allocation, _("Tổng"))
        if locked.total != value:
            locked.total = value
            locked.save()
    allocation.total = value


def add_bucket(plan: Plan, kind: str, number: int, date: datetime.date | None = None) -> Bucket:
    require_open(plan)
    if kind not in ("month", "round") or not (1 <= number <= (12 if kind == "month" else 24)):
        raise ValidationError(_("Cột không hợp lệ."))
    bucket, _created = Bucket.objects.get_or_create(plan=plan, key=f"{kind}:{number}", defaults={"date": date})
    return bucket


def attach_file(plan: Plan, upload) -> PlanAttachment:
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Tệp đính kèm quá lớn (tối đa %(max)s MB).") % {"max": MAX_ATTACHMENT_BYTES // 1024 // 1024}
        )
    return PlanAttachment.objects.create(plan=plan, file=upload, name=upload.name[:255])


def add_allocation(
    plan: Plan, unit: Unit, total: int | None = None, section: str = "", metric: str = Metric.BLOOD_UNITS
) -> Allocation:
    require_open(plan)
    _check_value(total)
    position = (plan.allocations.aggregate(last=Max("position"))["last"] or 0) + 1
    return Allocation.objects.create(
        plan=plan,
        unit=unit,
        unit_name=unit.full_name,
        total=total,
        section=section,
        position=position,
        metric=metric,
    )


class PlanLocked(ValidationError):
    """A write refused because the plan is issued; the message says so and what to do instead."""


def lock_reason(plan: Plan) -> str | None:
    """Why the plan's content may not change now, or None while it is a draft or being amended."""
    if plan.is_open:
        return None
    issued = _(" ngày %(date)s") % {"date": f"{plan.date:%d/%m/%Y}"} if plan.date else ""
    reference = plan.reference or plan.title
    return _(
        "Kế hoạch %(ref)s đã ban hành%(issued)s nên chỉ xem được. Muốn thay đổi, cán bộ của đơn vị ban hành "
        "bấm “Điều chỉnh kế hoạch” để lập văn bản điều chỉnh có số và ngày riêng."
    ) % {"ref": reference, "issued": issued}


def require_open(plan: Plan) -> None:
    reason = lock_reason(plan)
    if reason:
        raise PlanLocked(reason)


def _document_fields(number: str, date: datetime.date | None, signer: str) -> tuple[str, str, str]:
    """Number (with its suffix when written "15/KH-BCĐ"), signer: checked as a signed document needs."""
    number, signer = (number or "").strip(), (signer or "").strip()
    problems = []
    if not number:
        problems.append(_("Nhập số văn bản."))
    if date is None:
        problems.append(_("Nhập ngày ban hành."))
    if not signer:
        problems.append(_("Nhập người ký."))
    if problems:
        raise ValidationError(problems)
    suffix = ""
    if "/" in number:
        number, suffix = (part.strip() for part in number.split("/", 1))
    if not number.isdecimal() or len(number) > 20 or len(suffix) > 40 or len(signer) > 120:
        raise ValidationError(_("Số văn bản viết dạng “66” hoặc “66/KH-BCĐ”."))
    return number, suffix, signer


def issue(plan: Plan, *, number: str, date: datetime.date, signer: str, user=None) -> Plan:
    """Issue a draft under its number, date and signer; from then on the plan is read-only."""
    number, suffix, signer = _document_fields(number, date, signer)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.DRAFT:
            raise ValidationError(_("Kế hoạch đã được ban hành trước đó."))
        suffix = suffix or locked.suffix
        clash = (
            Plan.objects.filter(issuing_unit=locked.issuing_unit_id, number=number, suffix=suffix, date=date)
            .exclude(pk=locked.pk)
            .exists()
        )
        if clash:
            raise ValidationError(
                _("Đơn vị đã có kế hoạch số %(ref)s ngày %(date)s.")
                % {"ref": f"{number}/{suffix}", "date": f"{date:%d/%m/%Y}"}
            )
        locked.number, locked.suffix, locked.date, locked.signer = number, suffix, date, signer
        locked.status = PlanStatus.ISSUED
        locked.issued_at = now()
        locked.issued_by = user
        locked.save()
    return locked


def snapshot(plan: Plan) -> versions.Snapshot:
    """The plan as plain data, for comparing before and after an amendment."""
    plan = grid_plan(plan.pk)
    buckets = {b.pk: b for b in plan.buckets.all()}
    fields = {
        str(_("Trích yếu")): plan.title,
        str(_("Từ ngày")): f"{plan.period_start:%d/%m/%Y}" if plan.period_start else "",
        str(_("Đến ngày")): f"{plan.period_end:%d/%m/%Y}" if plan.period_end else "",
        str(_("Hạn báo cáo kết quả")): f"{plan.report_deadline:%d/%m/%Y}" if plan.report_deadline else "",
    }
    targets = {
        str(t.get_metric_display()): str(t.value.normalize()) if t.value is not None else str(NO_FIGURE)
        for t in plan.targets.all()
    }
    rows = {}
    for allocation in plan.allocations.all():
        ordered = sorted(allocation.cells.all(), key=lambda c: bucket_sort_key(buckets[c.bucket_id].key))
        rows[str(allocation.pk)] = {
            "unit": allocation.unit_name,
            "total": allocation.total,
            "cells": {buckets[c.bucket_id].label: c.value for c in ordered},
        }
    return {"fields": fields, "targets": targets, "rows": rows}


def open_amendment(plan: Plan, *, user=None) -> PlanAmendment:
    """Start an amendment of an issued plan: its grid opens for changes until the amendment is issued."""
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == PlanStatus.DRAFT:
            raise ValidationError(_("Kế hoạch chưa ban hành: sửa trực tiếp, không cần điều chỉnh."))
        if locked.status == PlanStatus.AMENDING:
            raise ValidationError(_("Kế hoạch đang có một văn bản điều chỉnh chưa ban hành."))
        sequence = (locked.amendments.aggregate(last=Max("sequence"))["last"] or 0) + 1
        amendment = PlanAmendment.objects.create(
            plan=locked, sequence=sequence, suffix=locked.suffix, before=snapshot(locked), opened_by=user
        )
        locked.status = PlanStatus.AMENDING
        locked.save(update_fields=["status"])
    return amendment


def open_amendment_of(plan: Plan) -> PlanAmendment | None:
    return plan.amendments.filter(issued_at__isnull=True).order_by("-sequence").first()


def issue_amendment(
    plan: Plan, *, number: str, date: datetime.date, signer: str, reason: str = "", user=None
) -> PlanAmendment:
    """Issue the open amendment under its own number, date and signer, keep what changed, lock again."""
    number, suffix, signer = _document_fields(number, date, signer)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        amendment = open_amendment_of(locked)
        if locked.status != PlanStatus.AMENDING or amendment is None:
            raise ValidationError(_("Không có văn bản điều chỉnh nào đang mở."))
        if locked.date and date < locked.date:
            raise ValidationError(_("Ngày điều chỉnh không thể trước ngày ban hành kế hoạch."))
        changes = versions.differences(amendment.before, snapshot(locked))
        if not changes:
            raise ValidationError(_("Kế hoạch chưa thay đổi gì so với khi bắt đầu điều chỉnh."))
        amendment.number, amendment.suffix = number, suffix or amendment.suffix
        amendment.date, amendment.signer, amendment.reason = date, signer, (reason or "").strip()
        amendment.changes = [change.as_dict() for change in changes]
        amendment.issued_at, amendment.issued_by = now(), user
        amendment.save()
        locked.status = PlanStatus.ISSUED
        locked.save(update_fields=["status"])
    return amendment


# --- cascade -------------------------------------------------------------------------------------


@dataclass
class Gap:
    """A place where the numbers of two levels do not meet."""

    label: str
    expected: Decimal | int | None
    actual: int
    plan: Plan | None = None

    @property
    def difference(self):
        return None if self.expected is None else self.actual - self.expected

    @property
    def margin(self) -> bool:
        """Allocating more than the target is common practice (a margin for units that fall short): it is
        shown as a margin, not as an error; only allocating less leaves part of the target uncovered."""
        return bool(self.difference and self.difference > 0)


def target_gap(plan: Plan) -> Gap | None:
    """The plan's own target against the sum of what it allocates, in the metric its rows count."""
    allocations = list(plan.allocations.all())
    if not allocations:
        return None
    metric = allocations[0].metric
    target = next((t for t in plan.targets.all() if t.metric == metric), None)
    if target is None:
        return None
    allocated = sum(a.total or 0 for a in allocations if a.metric == metric)
    return Gap(_("Tổng phân bổ so với chỉ tiêu của kế hoạch"), target.value, allocated, plan)


def received_gap(plan: Plan) -> Gap | None:
    """A lower plan's own total against the allocation it received from the higher plan."""
    received = plan.received_allocation
    if received is None:
        return None
    allocated = sum(a.total or 0 for a in plan.allocations.all() if a.metric == received.metric)
    return Gap(_("Kế hoạch này phân bổ so với chỉ tiêu được giao"), received.total, allocated, received.plan)


def lower_plan_gaps(plan: Plan) -> list[tuple[Allocation, Plan, int]]:
    """For each allocation of this plan: the lower plans that implement it and what they allocate."""
    lower = (
        Plan.objects.filter(received_allocation__plan=plan)
        .select_related("received_allocation", "issuing_unit")
        .annotate(allocated=Sum("allocations__total"))
    )
    # The filter takes only plans that received an allocation; the condition narrows it.
    return [(p.received_allocation, p, p.allocated or 0) for p in lower if p.received_allocation is not None]


# --- overlaps ("chồng chéo") ---------------------------------------------------------------------


def plan_period(plan: Plan) -> tuple[datetime.date, datetime.date] | None:
    if plan.period_start and plan.period_end:
        return plan.period_start, plan.period_end
    dates = [b.date for b in plan.buckets.all() if b.date]
    months = [int(b.key.split(":")[1]) for b in plan.buckets.all() if b.key.startswith("month:")]
    year = plan.date.year if plan.date else (dates[0].year if dates else None)
    if year is None:
        return None
    if months and plan.kind != PlanKind.ANNUAL:
        start = datetime.date(year, min(months), 1)
        last = max(months)
        end = datetime.date(year + (last == 12), last % 12 + 1, 1) - datetime.timedelta(days=1)
        return start, end
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


@dataclass
class Overlap:
    unit: Unit
    first: Allocation
    second: Allocation


def overlaps_for(plan: Plan) -> list[Overlap]:
    """Units this plan gives a target that another plan also targets for an overlapping period.

    A lower plan that implements this plan's allocation to the same unit is the cascade, not an overlap.
    """
    period = plan_period(plan)
    if period is None:
        return []
    units = {a.unit_id: a for a in plan.allocations.all() if a.unit_id is not None}
    others = (
        Allocation.objects.filter(unit_id__in=units)
        .exclude(plan=plan)
        .exclude(plan__received_allocation__plan=plan)
        .select_related("plan", "unit", "plan__issuing_unit")
        .prefetch_related("plan__buckets")
    )
    if plan.received_allocation is not None:  # the plan this one implements is the cascade, not an overlap
        others = others.exclude(plan__pk=plan.received_allocation.plan_id)
    found = []
    for other in others:
        assert other.unit is not None and other.unit_id is not None  # unit_id__in matched it
        mine_allocation = units[other.unit_id]
        if other.metric != mine_allocation.metric:
            continue
        other_period = plan_period(other.plan)
        if other_period and other_period[0] <= period[1] and period[0] <= other_period[1]:
            found.append(Overlap(other.unit, mine_allocation, other))
    return found
