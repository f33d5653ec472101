"""Importing an appendix into a plan: analyse, match units, then save in one transaction.

`analyse_file` is pure reading plus unit matching (used by --dry-run); `save_plan` writes. Importing the
same file twice changes nothing: the plan is found by issuing unit, number and date (without a number: by
content, then title and date), and a content hash tells whether anything differs. A corrected file
updates that plan in place and reports what changed (`PlanChanges`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import DatabaseError, IntegrityError, transaction

from hienmau.core.lib.dates import parse_date
from hienmau.core.lib.tables import TableError, read_text
from hienmau.core.lib.text import fold_words
from hienmau.orgs.models import Unit, UnitKind
from hienmau.orgs.place_resolver import UnitResolver
from hienmau.plans.lib import findings as F
from hienmau.plans.lib.appendix import Appendix, AppendixError, Paragraph
from hienmau.plans.lib.buckets import bucket_label, bucket_sort_key
from hienmau.plans.lib.document import Document, analyse_document, analyse_text
from hienmau.plans.lib.report_deadline import read_report_deadline
from hienmau.plans.lib.targets import stated_funding, stated_messages, stated_targets, stated_without_figure
from hienmau.plans.models import (
    Allocation,
    AllocationCell,
    Bucket,
    CampaignLabel,
    CountingBasis,
    ImportFinding,
    Metric,
    Plan,
    PlanKind,
    Target,
)
from hienmau.plans.readers import read_blocks


@dataclass
class Analysis:
    document: Document
    issuing_unit: Unit | None
    unit_ids: dict[int, int | None]  # row index → unit id
    delegate_ids: dict[int, int | None]

    @property
    def appendix(self) -> Appendix:
        """The document's appendix: analyse_document always reads one (or raises)."""
        assert self.document.appendix is not None
        return self.document.appendix

    def result(self) -> dict:
        return self.appendix.result()


def analyse_file(
    path: Path, issuing_unit: Unit | None = None, meanings: dict[int, dict[int, str]] | None = None
) -> Analysis:
    """`meanings`: the column meanings a person corrected in the preview (table → column → meaning)."""
    if path.suffix.lower() in (".txt", ".tsv", ""):
        document = analyse_text(_read_text(path), meanings)
    else:
        document = analyse_document(read_blocks(path), meanings)
    return _with_units(document, issuing_unit)


def analyse_pasted(text: str, issuing_unit: Unit | None = None) -> Analysis:
    return _with_units(analyse_text(text), issuing_unit)


def _read_text(path: Path) -> str:
    try:
        return read_text(path)
    except TableError as exc:
        raise AppendixError(str(exc)) from exc


def _units_available() -> bool:
    try:
        return Unit.objects.exists()
    except DatabaseError:  # an unmigrated database: matching is simply not possible here
        return False


def guess_issuing_unit(document: Document) -> Unit | None:
    """The unit named by the header's place ("Kiên Giang, ngày 05 tháng 4 năm 2022"), valid on its date."""
    if not document.place:
        return None
    place = fold_words(document.place)
    city = place.startswith(("tp ", "thanh pho "))
    for prefix in ("tp ", "thanh pho ", "tinh ", "huyen ", "xa ", "phuong "):
        if place.startswith(prefix):
            place = place[len(prefix) :]
    units = Unit.objects.exclude(kind=UnitKind.ORGANISATION).filter(name_folded=place)
    if document.date:
        units = units.valid_on(document.date)
    if city:
        units = units.filter(category__in=["thanh_pho", "thanh_pho_tw"]) or units
    # "Ân Thi" is both a district and its township: a plan that splits targets is the higher one's.
    found = list(units.order_by("depth")[:2])
    if len(found) == 2 and found[0].depth == found[1].depth:
        return None
    return found[0] if found else None


def _with_units(document: Document, issuing_unit: Unit | None) -> Analysis:
    """Match each row's unit inside the issuing unit's reach as it was on the document's date; an old
    name is taken for the unit covering it that day, with a finding that says so (orgs.place_resolver)."""
    analysis = Analysis(document, issuing_unit, {}, {})
    if not _units_available():
        return analysis
    analysis.issuing_unit = issuing_unit or guess_issuing_unit(document)
    resolver = UnitResolver(analysis.issuing_unit, document.date or _last_day(analysis.issuing_unit))
    appendix = analysis.appendix
    for index, row in enumerate(appendix.rows):
        found = resolver.resolve(row.unit)
        analysis.unit_ids[index] = found.unit_id
        if found.unit_id is None:
            appendix.findings.append(F.finding(F.UNKNOWN_UNIT, row.unit, f"{found.problem}.{found.hint}"))
        elif found.former is not None:
            appendix.findings.append(F.finding(F.FORMER_UNIT, row.unit, f"{found.note}."))
        if row.delegate_to:
            analysis.delegate_ids[index] = resolver.resolve(row.delegate_to).unit_id
    return analysis


def _last_day(unit: Unit | None) -> datetime.date | None:
    """For an undated table of a unit that has ended (the former Ân Thi district): its last day, so its
    rows name its units as they were, not today's."""
    if unit is None or unit.valid_until is None:
        return None
    return unit.valid_until - datetime.timedelta(days=1)


class PlanImportError(Exception):
    pass


class PlanAlreadyImported(PlanImportError):
    """Someone saved the same plan number at the same moment: nothing of this import was saved."""


# What a row holds besides its cells, with the label a change report uses.
ROW_FIELDS = (
    ("unit_id", "Đơn vị"),
    ("unit_name", "Tên đơn vị theo văn bản"),
    ("metric", "Chỉ tiêu tính theo"),
    ("total", "Tổng"),
    ("note", "Ghi chú"),
    ("section", "Nhóm"),
    ("delegated_to_id", "Đơn vị phụ trách thay"),
    ("prior_plan", "Kế hoạch năm trước"),
    ("prior_actual", "Thực hiện năm trước"),
    ("prior_percent", "Tỉ lệ năm trước (%)"),
)
REPORTED = {"total", "note", "section", "delegated_to_id", "unit_id", "metric", "prior_plan", "prior_actual"}


@dataclass(frozen=True)
class FieldChange:
    key: str  # a row field ("total") or a bucket ("month:5")
    label: str
    old: int | str | None
    new: int | str | None

    def as_dict(self) -> dict:
        return {"field": self.key, "old": self.old, "new": self.new}

    def text(self) -> str:
        shown = [
            ("—" if v in (None, "") else f"{v:,}".replace(",", ".") if isinstance(v, int) else v)
            for v in (self.old, self.new)
        ]
        return f"{self.label} {shown[0]} → {shown[1]}"


@dataclass
class RowChange:
    unit: str
    total: int | None = None
    buckets: dict[str, int] = field(default_factory=dict)
    fields: list[FieldChange] = field(default_factory=list)
    lower_plans: list[str] = field(default_factory=list)

    def as_dict(self, *, with_fields: bool = False) -> dict:
        if with_fields:
            return {"unit": self.unit, "fields": [f.as_dict() for f in self.fields]}
        item: dict[str, object] = {"unit": self.unit, "total": self.total, "buckets": dict(self.buckets)}
        if self.lower_plans:
            item["lower_plans"] = list(self.lower_plans)
        return item


@dataclass
class PlanChanges:
    """What an import did (or, in the preview, would do) to the plan it updates."""

    status: str  # "created", "updated" or "unchanged"
    added: list[RowChange] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    removed: list[RowChange] = field(default_factory=list)
    kept: list[RowChange] = field(default_factory=list)  # added on the grid, not in the file

    def __bool__(self) -> bool:
        return self.status != "unchanged"

    def as_dict(self) -> dict:
        return {
            "plan": self.status,
            "added": [row.as_dict() for row in self.added],
            "changed": [row.as_dict(with_fields=True) for row in self.changed],
            "removed": [row.as_dict() for row in self.removed],
            "kept": [row.as_dict() for row in self.kept],
        }

    def summary(self) -> str:
        parts = [
            f"{label} {len(rows)} dòng"
            for label, rows in (("thêm", self.added), ("sửa", self.changed), ("bỏ", self.removed))
            if rows
        ]
        text = ", ".join(parts) if parts else "không dòng nào thay đổi"
        if self.kept:
            text += f"; giữ nguyên {len(self.kept)} dòng thêm trên lưới (không có trong tệp)"
        return text + "."

    def details(self, limit: int = 12) -> list[str]:
        """One Vietnamese line per changed row: "xã Vân Du: Tổng 54 → 60; Đợt I 25 → 31"."""
        lines = [f"{row.unit}: {'; '.join(f.text() for f in row.fields)}" for row in self.changed]
        lines += [f"Thêm {row.unit}: tổng {_shown(row.total)}" for row in self.added if self.status != "created"]
        for row in self.removed:
            lower = (
                f" (kế hoạch cấp dưới {', '.join(row.lower_plans)} không còn gắn với dòng này)"
                if row.lower_plans
                else ""
            )
            lines.append(f"Bỏ {row.unit}: tổng {_shown(row.total)}{lower}")
        if len(lines) > limit:
            lines = [*lines[:limit], f"… và {len(lines) - limit} thay đổi khác"]
        return lines


def _shown(value) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


@dataclass
class _Planned:
    """One row of the file as it will be stored."""

    values: dict
    cells: dict[str, int]


def _planned_rows(analysis: Analysis) -> list[_Planned]:
    appendix = analysis.appendix
    metric = Metric.REGISTRATIONS if appendix.metric == "registrations" else Metric.BLOOD_UNITS
    planned = []
    for index, row in enumerate(appendix.rows):
        prior = row.prior or {}
        values = {
            "unit_id": analysis.unit_ids.get(index),
            "unit_name": row.unit[:255],
            "metric": metric,
            "total": row.total,
            "note": (row.note or "")[:500],
            "section": (row.section or "")[:255],
            "position": index + 1,
            "delegated_to_id": analysis.delegate_ids.get(index),
            "delegated_to_name": (row.delegate_to or "")[:255],
            "prior_plan": prior.get("plan"),
            "prior_actual": prior.get("actual"),
            "prior_percent": prior.get("percent"),
        }
        planned.append(_Planned(values, dict(row.buckets)))
    return planned


def _name_key(name: str) -> str:
    return fold_words(name)


def _match(existing: list[Allocation], planned: list[_Planned]) -> dict[int, Allocation]:
    """Planned row index → the stored allocation it updates: the same unit first, then the same name as
    written; rows from the earlier file before rows added on the grid, in their order."""
    pool = sorted(existing, key=lambda a: (not a.from_import, a.position, a.pk))
    matched: dict[int, Allocation] = {}
    taken: set[int] = set()
    for same in (
        lambda a, p: p.values["unit_id"] is not None and a.unit_id == p.values["unit_id"],
        lambda a, p: _name_key(a.unit_name) == _name_key(p.values["unit_name"]),
    ):
        for index, row in enumerate(planned):
            if index in matched:
                continue
            found = next((a for a in pool if a.pk not in taken and same(a, row)), None)
            if found is not None:
                matched[index] = found
                taken.add(found.pk)
    return matched


def _unit_label(values: dict, names: dict[int, str]) -> str:
    unit_id = values.get("unit_id")
    return (names.get(unit_id) if unit_id is not None else None) or values["unit_name"]


def _diff(plan: Plan | None, planned: list[_Planned]) -> tuple[PlanChanges, dict[int, Allocation], list[Allocation]]:
    """The change report, the matches and the stored rows the file no longer has (to remove)."""
    if plan is None:
        changes = PlanChanges("created")
        changes.added = [RowChange(row.values["unit_name"], row.values["total"], row.cells) for row in planned]
        return changes, {}, []
    existing = list(plan.allocations.prefetch_related("cells__bucket", "lower_plans"))
    matched = _match(existing, planned)
    unit_ids = {v for row in planned for v in (row.values["unit_id"], row.values["delegated_to_id"])}
    unit_ids |= {v for a in existing for v in (a.unit_id, a.delegated_to_id)}
    names = {pk: unit.full_name for pk, unit in Unit.objects.in_bulk([pk for pk in unit_ids if pk]).items()}
    changes = PlanChanges("updated")
    for index, row in enumerate(planned):
        allocation = matched.get(index)
        if allocation is None:
            changes.added.append(RowChange(_unit_label(row.values, names), row.values["total"], row.cells))
            continue
        fields = []
        for attr, label in ROW_FIELDS:
            old, new = getattr(allocation, attr), row.values[attr]
            if attr in REPORTED and old != new and (old, new) not in (("", None), (None, "")):
                if attr in ("unit_id", "delegated_to_id"):
                    old, new = names.get(old), names.get(new)
                fields.append(FieldChange(attr, label, old, new))
        stored = {cell.bucket.key: cell.value for cell in allocation.cells.all()}
        for key in sorted(set(stored) | set(row.cells), key=bucket_sort_key):
            if stored.get(key) != row.cells.get(key):
                fields.append(FieldChange(key, bucket_label(key), stored.get(key), row.cells.get(key)))
        if fields:
            changes.changed.append(RowChange(_unit_label(row.values, names), row.values["total"], row.cells, fields))
    kept_ids = {a.pk for a in matched.values()}
    removed = []
    for allocation in existing:
        if allocation.pk in kept_ids:
            continue
        cells = {cell.bucket.key: cell.value for cell in allocation.cells.all()}
        report = RowChange(names.get(allocation.unit_id) or allocation.unit_name, allocation.total, cells)
        if allocation.from_import:
            report.lower_plans = [p.reference or p.title[:60] for p in allocation.lower_plans.all()]
            changes.removed.append(report)
            removed.append(allocation)
        else:
            changes.kept.append(report)
    return changes, matched, removed


def _digest(analysis: Analysis) -> str:
    document, appendix = analysis.document, analysis.appendix
    payload = json.dumps(
        {
            "result": appendix.result(),
            "number": document.number.label if document.number else "",
            "date": document.date.isoformat() if document.date else "",
            "units": analysis.unit_ids,
            "buckets": [(b.key, b.date) for b in appendix.buckets],
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def preview_changes(analysis: Analysis) -> PlanChanges | None:
    """What saving would change, for the preview page; None when the issuing unit is not known yet."""
    if analysis.issuing_unit is None:
        return None
    digest = _digest(analysis)
    plan = _find_plan(analysis, digest)
    if plan is not None and plan.source_hash == digest:
        return PlanChanges("unchanged")
    return _diff(plan, _planned_rows(analysis))[0]


def save_plan(
    analysis: Analysis, *, source_name: str = "", user=None, progress: Callable[[int, int], None] | None = None
) -> tuple[Plan, PlanChanges]:
    """Create the plan, or update the one this file corrects in place: its rows keep their ids (so lower
    plans' received allocations and drives' buckets stay linked), cells are updated, added or removed,
    rows of the earlier file that the new one lacks are removed, rows added on the grid are kept.
    Returns (plan, changes); `changes` is false when the plan already had exactly this content.
    `progress(done, total)` is told after each row (the background job's progress bar)."""
    document, appendix = analysis.document, analysis.appendix
    if analysis.issuing_unit is None:
        raise PlanImportError(
            "Không xác định được đơn vị ban hành từ văn bản; chọn đơn vị ban hành (--unit MÃ hoặc trên giao diện)."
        )
    digest = _digest(analysis)
    planned = _planned_rows(analysis)
    try:
        with transaction.atomic():
            # One import per issuing unit at a time: two confirms of the same file find one plan.
            Unit.objects.select_for_update().filter(pk=analysis.issuing_unit.pk).exists()
            plan = _find_plan(analysis, digest)
            if plan is not None and plan.source_hash == digest:
                return plan, PlanChanges("unchanged")
            if plan is not None and not plan.is_open:
                raise PlanImportError(
                    f"Kế hoạch {plan.reference or plan.title} đã ban hành: tệp mới không cập nhật được kế hoạch này. "
                    "Mở kế hoạch và bấm “Điều chỉnh kế hoạch” trước, rồi nhập lại tệp."
                )
            changes, matched, removed = _diff(plan, planned)
            plan = plan or Plan(issuing_unit=analysis.issuing_unit)
            _save_plan_fields(plan, document, source_name, digest)
            buckets = _save_buckets(plan, appendix, document)
            for allocation in removed:
                allocation.delete()
            for index, row in enumerate(planned):
                _save_row(plan, matched.get(index), row, buckets)
                if progress is not None:
                    progress(index + 1, len(planned))
            hand_added = plan.allocations.filter(from_import=False).exclude(pk__in=[a.pk for a in matched.values()])
            for offset, allocation in enumerate(hand_added.order_by("position", "pk"), start=len(planned) + 1):
                if allocation.position != offset:
                    allocation.position = offset
                    allocation.save(update_fields=["position"])
            _drop_unused_buckets(
                plan, {bucket.key for bucket in appendix.buckets} | {k for r in planned for k in r.cells}
            )
            metric = planned[0].values["metric"] if planned else Metric.BLOOD_UNITS
            plan.import_findings.all().delete()
            _save_targets(plan, document, metric, appendix.stated_total)
            _label_campaigns(plan)
            ImportFinding.objects.bulk_create(
                ImportFinding(plan=plan, code=f.code, unit_name=(f.unit or "")[:255], message=f.message)
                for f in appendix.findings
            )
    except IntegrityError as exc:
        label = document.number.label if document.number else _title(document)
        raise PlanAlreadyImported(
            f"Kế hoạch {label} đã được nhập (có thể do người khác vừa nhập cùng lúc); không lưu gì thêm. "
            "Mở danh sách kế hoạch để xem."
        ) from exc
    return plan, changes


def _save_plan_fields(plan: Plan, document: Document, source_name: str, digest: str) -> None:
    plan.number = document.number.number if document.number else ""
    plan.suffix = document.number.suffix if document.number else ""
    plan.date = document.date
    plan.title = _title(document)[:500]
    plan.kind = _kind(document)
    plan.implements_text = next(
        (
            f"{kind} số {ref.label}" + (f" ngày {ref.date:%d/%m/%Y}" if ref.date else "")
            for kind, ref in document.implements
        ),
        "",
    )[:500]
    deadline = read_report_deadline(document.text, document.date.year if document.date else None)
    if deadline is not None:
        plan.report_deadline, plan.report_deadline_source = deadline.date, deadline.sentence
    plan.source_name = source_name[:255]
    plan.source_hash = digest
    plan.save()


def _save_buckets(plan: Plan, appendix, document: Document) -> dict[str, Bucket]:
    """The file's columns, existing ones kept (drives point at them) and re-dated when the file says so."""
    buckets = {bucket.key: bucket for bucket in plan.buckets.all()}
    wanted = {bucket.key: _bucket_date(bucket.date, document) for bucket in appendix.buckets}
    for row in appendix.rows:
        for key in row.buckets:
            wanted.setdefault(key, None)
    for key, date in wanted.items():
        bucket = buckets.get(key)
        if bucket is None:
            buckets[key] = Bucket.objects.create(plan=plan, key=key, date=date)
        elif date is not None and bucket.date != date:
            bucket.date = date
            bucket.save(update_fields=["date"])
    return buckets


def _save_row(plan: Plan, allocation: Allocation | None, row: _Planned, buckets: dict[str, Bucket]) -> None:
    if allocation is None:
        allocation = Allocation.objects.create(plan=plan, from_import=True, **row.values)
        stored = {}
    else:
        dirty = [attr for attr, value in row.values.items() if getattr(allocation, attr) != value]
        if dirty or not allocation.from_import:
            for attr in dirty:
                setattr(allocation, attr, row.values[attr])
            allocation.from_import = True
            allocation.save()
        stored = {cell.bucket.key: cell for cell in allocation.cells.all()}
    for key, cell in stored.items():
        if key not in row.cells:
            cell.delete()
        elif cell.value != row.cells[key]:
            cell.value = row.cells[key]
            cell.save()
    for key, value in row.cells.items():
        if key not in stored:
            AllocationCell.objects.create(allocation=allocation, bucket=buckets[key], value=value)


def _drop_unused_buckets(plan: Plan, file_keys: set[str]) -> None:
    """Columns the corrected file dropped go, unless a kept row still fills them or a drive names them."""
    for bucket in plan.buckets.exclude(key__in=file_keys):
        if not bucket.cells.exists() and not bucket.drives.exists():
            bucket.delete()


def _save_targets(plan: Plan, document: Document, metric: str, stated_total: int | None) -> None:
    """Targets the text states; the appendix's grand total stands in when the text states none."""
    stated = stated_targets(document.text)
    if stated_total is not None and metric not in stated:
        stated[metric] = Decimal(stated_total)
        notes = {metric: "Theo dòng tổng của phụ lục"}
    else:
        notes = {}
    for name, value in stated.items():
        Target.objects.update_or_create(
            plan=plan,
            metric=name,
            defaults={
                "value": value,
                "note": notes.get(name, "Theo nội dung văn bản"),
                "counting_basis": CountingBasis.DONATIONS if name == Metric.BLOOD_UNITS else "",
            },
        )
    for name in stated_without_figure(document.text):
        # Never replaces a figure someone typed on the targets page.
        Target.objects.get_or_create(plan=plan, metric=name, defaults={"value": None, "note": "Theo nội dung văn bản"})
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    changed = []
    for name, lines in (("messages", stated_messages(paragraphs)), ("funding_sources", stated_funding(paragraphs))):
        if lines and not getattr(plan, name):
            setattr(plan, name, "\n".join(lines))
            changed.append(name)
    if changed:
        plan.save(update_fields=changed)


def _label_campaigns(plan: Plan) -> None:
    title = fold_words(plan.title)
    for label in CampaignLabel.objects.all():
        if fold_words(label.name) in title:
            plan.campaign_labels.add(label)


def _find_plan(analysis: Analysis, digest: str) -> Plan | None:
    """The plan this file is (a version of): by issuing unit, number and date; without a number, the plan
    with the same content, else the one with the same title and date."""
    document = analysis.document
    plans = Plan.objects.filter(issuing_unit=analysis.issuing_unit)
    if document.number:
        return plans.filter(number=document.number.number, suffix=document.number.suffix, date=document.date).first()
    plans = plans.filter(number="")
    return (
        plans.filter(source_hash=digest).first()
        or plans.filter(title=_title(document)[:500], date=document.date).order_by("pk").first()
    )


def _title(document: Document) -> str:
    paragraphs = [b.text.strip("#* ") for b in document.blocks if isinstance(b, Paragraph)]
    for index, text in enumerate(paragraphs[:30]):
        if fold_words(text) == "ke hoach" and index + 1 < len(paragraphs):
            return paragraphs[index + 1].strip("#* ")
    return next((p for p in paragraphs if len(p) > 20), "Kế hoạch")


def _kind(document: Document) -> str:
    title = fold_words(_title(document))
    if "chien dich" in title:
        return PlanKind.CAMPAIGN
    if "nam" in title.split() and not any(w in title for w in ("chuong trinh", "ngay hoi")):
        return PlanKind.ANNUAL
    return PlanKind.DRIVE if ("chuong trinh" in title or "ngay hoi" in title) else PlanKind.ANNUAL


def _bucket_date(text: str | None, document: Document) -> datetime.date | None:
    if not text:
        return None
    try:
        year = document.date.year if document.date else None
        return parse_date(text, default_year=year, reference_year=year)
    except ValueError:
        return None
