"""Importing an appendix into a plan: analyse, match units, then save in one transaction.

`analyse_file` is pure reading plus unit matching (used by --dry-run); `save_plan` writes. Importing the
same file twice changes nothing: the plan is found by issuing unit, number and date, and a content hash
tells whether anything differs.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import DatabaseError, transaction

from hienmau.core.lib.text import fold_words
from hienmau.orgs.models import Unit, UnitKind
from hienmau.plans.lib import findings as F
from hienmau.plans.lib.appendix import AppendixError, Paragraph
from hienmau.plans.lib.buckets import parse_date_text
from hienmau.plans.lib.document import Document, analyse_document, analyse_text
from hienmau.plans.lib.targets import stated_funding, stated_messages, stated_targets
from hienmau.plans.lib.unit_match import Candidate, match_unit
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

    def result(self) -> dict:
        return self.document.appendix.result()


def analyse_file(path: Path, issuing_unit: Unit | None = None) -> Analysis:
    if path.suffix.lower() in (".txt", ".tsv", ""):
        document = analyse_text(_read_text(path))
    else:
        document = analyse_document(read_blocks(path))
    return _with_units(document, issuing_unit)


def analyse_pasted(text: str, issuing_unit: Unit | None = None) -> Analysis:
    return _with_units(analyse_text(text), issuing_unit)


def _read_text(path: Path) -> str:
    from hienmau.core.lib.tables import MAX_FILE_BYTES

    if path.stat().st_size > MAX_FILE_BYTES:
        raise AppendixError(f"Tệp {path.name} quá lớn (tối đa {MAX_FILE_BYTES // 1024 // 1024} MB).")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AppendixError(f"Tệp {path.name} không phải văn bản UTF-8.") from exc


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
    analysis = Analysis(document, issuing_unit, {}, {})
    if not _units_available():
        return analysis
    analysis.issuing_unit = issuing_unit or guess_issuing_unit(document)
    pool = Unit.objects.all()
    if analysis.issuing_unit is not None:
        pool = pool.descendants_of(analysis.issuing_unit, include_self=False)
    candidates = [Candidate(u.pk, u.name, u.full_name) for u in pool.only("pk", "name", "kind", "category")]
    appendix = document.appendix
    for index, row in enumerate(appendix.rows):
        match = match_unit(row.unit, candidates)
        analysis.unit_ids[index] = match.unit_id
        if match.unit_id is None:
            hint = f" Có thể là: {', '.join(match.suggestions)}." if match.suggestions else ""
            reason = "trùng tên với nhiều đơn vị" if match.ambiguous else "không khớp đơn vị nào trong hệ thống"
            appendix.findings.append(F.Finding(F.UNKNOWN_UNIT, row.unit, f"“{row.unit}” {reason}.{hint}"))
        if row.delegate_to:
            analysis.delegate_ids[index] = match_unit(row.delegate_to, candidates).unit_id
    return analysis


class PlanImportError(Exception):
    pass


def save_plan(analysis: Analysis, *, source_name: str = "", user=None) -> tuple[Plan, bool]:
    """Create or update the plan from an analysis. Returns (plan, changed)."""
    document, appendix = analysis.document, analysis.document.appendix
    if analysis.issuing_unit is None:
        raise PlanImportError(
            "Không xác định được đơn vị ban hành từ văn bản; chọn đơn vị ban hành (--unit MÃ hoặc trên giao diện)."
        )
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
    digest = hashlib.sha256(payload.encode()).hexdigest()
    with transaction.atomic():
        plan = _find_plan(analysis)
        if plan is not None and plan.source_hash == digest:
            return plan, False
        plan = plan or Plan(issuing_unit=analysis.issuing_unit)
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
        plan.source_name = source_name[:255]
        plan.source_hash = digest
        plan.save()
        plan.allocations.all().delete()
        plan.buckets.all().delete()
        plan.import_findings.all().delete()
        buckets = {}
        for bucket in appendix.buckets:
            buckets[bucket.key] = Bucket.objects.create(
                plan=plan, key=bucket.key, date=_bucket_date(bucket.date, document)
            )
        metric = Metric.REGISTRATIONS if appendix.metric == "registrations" else Metric.BLOOD_UNITS
        for index, row in enumerate(appendix.rows):
            prior = row.prior or {}
            allocation = Allocation.objects.create(
                plan=plan,
                unit_id=analysis.unit_ids.get(index),
                unit_name=row.unit[:255],
                metric=metric,
                total=row.total,
                note=(row.note or "")[:500],
                section=(row.section or "")[:255],
                position=index + 1,
                delegated_to_id=analysis.delegate_ids.get(index),
                delegated_to_name=(row.delegate_to or "")[:255],
                prior_plan=prior.get("plan"),
                prior_actual=prior.get("actual"),
                prior_percent=prior.get("percent"),
            )
            for key, value in row.buckets.items():
                if key not in buckets:
                    buckets[key] = Bucket.objects.create(plan=plan, key=key)
                AllocationCell.objects.create(allocation=allocation, bucket=buckets[key], value=value)
        _save_targets(plan, document, metric, appendix.stated_total)
        _label_campaigns(plan)
        ImportFinding.objects.bulk_create(
            ImportFinding(plan=plan, code=f.code, unit_name=(f.unit or "")[:255], message=f.message)
            for f in appendix.findings
        )
    return plan, True


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
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    changed = []
    for field, lines in (("messages", stated_messages(paragraphs)), ("funding_sources", stated_funding(paragraphs))):
        if lines and not getattr(plan, field):
            setattr(plan, field, "\n".join(lines))
            changed.append(field)
    if changed:
        plan.save(update_fields=changed)


def _label_campaigns(plan: Plan) -> None:
    title = fold_words(plan.title)
    for label in CampaignLabel.objects.all():
        if fold_words(label.name) in title:
            plan.campaign_labels.add(label)


def _find_plan(analysis: Analysis) -> Plan | None:
    document = analysis.document
    if not document.number:
        return None
    return Plan.objects.filter(
        issuing_unit=analysis.issuing_unit,
        number=document.number.number,
        suffix=document.number.suffix,
        date=document.date,
    ).first()


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
        return parse_date_text(text, document.date.year if document.date else None)
    except ValueError:
        return None
