"""The humanitarian-address workflows: recording an address, pairing it with a sponsor (a pledge),
recording what arrived (a delivery), attaching a document; the figures plans count (addresses set up and
sponsors found per unit × day) and the coverage per commune with the priority areas flagged."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from hienmau.core.clock import today
from hienmau.humanitarian.lib.coverage import Coverage, is_priority, promised_value
from hienmau.humanitarian.models import (
    Beneficiary,
    BeneficiaryDocument,
    BeneficiaryStatus,
    Delivery,
    Need,
    Pledge,
    PriorityArea,
    Sponsor,
)
from hienmau.orgs.models import SuccessorLink, Unit, UnitKind
from hienmau.plans.models import Metric, Plan
from hienmau.reports import services as report_services
from hienmau.reports.lib.achievement import Figure
from hienmau.results.lib.rules import Counts

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".odt")


# --- writes ----------------------------------------------------------------------------------------


def save_beneficiary(beneficiary: Beneficiary, user) -> Beneficiary:
    """Create or update an address; setting it up ("established") dates it today unless a day is given."""
    if beneficiary.status == BeneficiaryStatus.ESTABLISHED and beneficiary.established_on is None:
        beneficiary.established_on = today()
    if beneficiary.established_on and beneficiary.established_on > today():
        raise ValidationError({"established_on": _("Ngày xác lập không được sau hôm nay.")})
    if beneficiary.pk is None:
        beneficiary.created_by = user
    beneficiary._history_user = user  # type: ignore[attr-defined]  # simple_history's, read on save
    beneficiary.save()
    return beneficiary


def add_pledge(beneficiary: Beneficiary, sponsor: Sponsor, user, **values) -> Pledge:
    """Pair an address with a sponsor. An address paired while still being surveyed is set up that day."""
    with transaction.atomic():
        beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        if beneficiary.status == BeneficiaryStatus.CLOSED:
            raise ValidationError(_("Địa chỉ nhân đạo này đã kết thúc hỗ trợ."))
        pledge = Pledge(beneficiary=beneficiary, sponsor=sponsor, created_by=user, **values)
        pledge.full_clean()
        pledge.save()
        if beneficiary.status == BeneficiaryStatus.SURVEYED:
            beneficiary.status = BeneficiaryStatus.ESTABLISHED
            beneficiary.established_on = min(pledge.start, today())
            save_beneficiary(beneficiary, user)
    return pledge


def record_delivery(
    pledge: Pledge, user, *, date: datetime.date, value: int, quantity: int, note: str = ""
) -> Delivery:
    if date > today():
        raise ValidationError({"date": _("Ngày trao không được sau hôm nay.")})
    if date < pledge.start:
        raise ValidationError(
            {"date": _("Ngày trao trước ngày bắt đầu cam kết (%(d)s).") % {"d": f"{pledge.start:%d/%m/%Y}"}}
        )
    if pledge.end and date > pledge.end:
        raise ValidationError(
            {"date": _("Ngày trao sau ngày kết thúc cam kết (%(d)s).") % {"d": f"{pledge.end:%d/%m/%Y}"}}
        )
    delivery = Delivery(pledge=pledge, date=date, value=value, quantity=quantity, note=note, recorded_by=user)
    delivery.full_clean()
    delivery.save()
    return delivery


def attach_document(beneficiary: Beneficiary, upload, user) -> BeneficiaryDocument:
    name = upload.name or ""
    if not name.lower().endswith(DOCUMENT_SUFFIXES):
        raise ValidationError(_("Chỉ nhận tệp PDF, ảnh (JPG, PNG), Word hoặc Excel."))
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_DOCUMENT_BYTES // 1024 // 1024})
    return BeneficiaryDocument.objects.create(beneficiary=beneficiary, file=upload, name=name[:255], uploaded_by=user)


# --- what a beneficiary's page shows ----------------------------------------------------------------


@dataclass
class PledgeLine:
    pledge: Pledge
    promised: int | None  # None: a recurring pledge without an end
    delivered: int
    quantity: int
    deliveries: list[Delivery]


def pledge_lines(beneficiary: Beneficiary) -> list[PledgeLine]:
    pledges = beneficiary.pledges.select_related("sponsor").prefetch_related("deliveries")
    lines = []
    for pledge in pledges:
        deliveries = list(pledge.deliveries.all())
        lines.append(
            PledgeLine(
                pledge,
                promised_value(pledge.amount, pledge.frequency, pledge.start, pledge.end),
                sum(d.value for d in deliveries),
                sum(d.quantity for d in deliveries),
                deliveries,
            )
        )
    return lines


# --- figures for plans (counted like blood results) ------------------------------------------------


def _under(paths: list[str], lookup: str) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{lookup}__startswith": path})
    return query


def address_figures(paths: list[str], first: datetime.date, last: datetime.date) -> list[Figure]:
    """Addresses set up per unit × day under `paths` (the metric "humanitarian_addresses")."""
    rows = (
        Beneficiary.objects.filter(established_on__range=(first, last))
        .filter(_under(paths, "unit__path"))
        .values("unit__path", "established_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [Figure(r["unit__path"], r["established_on"], Counts(collected=r["n"])) for r in rows if r["established_on"]]


def sponsor_figures(paths: list[str], first: datetime.date, last: datetime.date) -> list[Figure]:
    """Sponsors found per unit × day under `paths` (the metric "sponsors")."""
    rows = (
        Sponsor.objects.filter(joined_on__range=(first, last))
        .filter(_under(paths, "unit__path"))
        .values("unit__path", "joined_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [Figure(r["unit__path"], r["joined_on"], Counts(collected=r["n"])) for r in rows]


METRIC_SOURCES = {Metric.HUMANITARIAN_ADDRESSES: address_figures, Metric.SPONSORS: sponsor_figures}


def plan_targets(plan: Plan, as_of: datetime.date | None = None) -> list[report_services.PlanAchievement]:
    """Target against achievement for each humanitarian metric the plan allocates, by the blood results'
    rules (a unit's figure is its subtree's; buckets by date; behind/ahead by the buckets ended)."""
    return [
        report_services.plan_achievement(plan, as_of, metric=metric, source=source)
        for metric, source in METRIC_SOURCES.items()
        if plan.allocations.filter(metric=metric).exists()
    ]


# --- coverage per commune --------------------------------------------------------------------------


def linked_units(units: list[Unit]) -> tuple[dict[int, set[int]], dict[int, str]]:
    """Each unit and the units linked to it by approved successor links, followed both ways (the former
    communes it took over, the commune that took it over), with every path met: one query per step of
    the walk for all the units together, then each unit's reach in memory."""
    neighbours: dict[int, set[int]] = defaultdict(set)
    paths = {unit.pk: unit.path for unit in units}
    seen = set(paths)
    frontier = set(paths)
    while frontier:
        links = SuccessorLink.objects.approved().filter(Q(successor__in=frontier) | Q(predecessor__in=frontier))
        found = set()
        for pred, pred_path, succ, succ_path in links.values_list(
            "predecessor", "predecessor__path", "successor", "successor__path"
        ):
            neighbours[pred].add(succ)
            neighbours[succ].add(pred)
            paths[pred], paths[succ] = pred_path, succ_path
            found |= {pred, succ}
        frontier = found - seen
        seen |= found
    related = {}
    for unit in units:
        reached, stack = {unit.pk}, [unit.pk]
        while stack:
            for other in neighbours[stack.pop()] - reached:
                reached.add(other)
                stack.append(other)
        related[unit.pk] = reached
    return related, paths


def priority_areas(plan: Plan | None = None) -> QuerySet[PriorityArea]:
    areas = PriorityArea.objects.select_related("unit")
    return areas.filter(Q(plan__isnull=True) | Q(plan=plan)) if plan is not None else areas


@dataclass
class CoverageLine:
    unit: Unit
    coverage: Coverage
    priority: bool
    reasons: list[str]
    today: list[str] = field(default_factory=list)  # for a former commune, the current ones that took it over

    @property
    def name(self) -> str:
        """'xã Phú Mỹ (cũ)' for a commune that no longer exists (merged on 1/7/2025)."""
        former = self.unit.valid_until is not None and self.unit.valid_until <= today()
        return f"{self.unit.full_name} ({_('cũ')})" if former else self.unit.full_name

    @property
    def parent_name(self) -> str:
        parent = self.unit.parent
        if parent is None:
            return ""
        former = parent.valid_until is not None and parent.valid_until <= today()
        return f"{parent.full_name} ({_('cũ')})" if former else parent.full_name


def coverage_by_unit(beneficiaries: QuerySet[Beneficiary], plan: Plan | None = None) -> list[CoverageLine]:
    """One line per commune holding addresses (those of the queryset, already scoped), priority first."""
    per_unit: dict[int, Coverage] = defaultdict(Coverage)
    counts = beneficiaries.values("unit").annotate(
        recorded=Count("pk"), established=Count("pk", filter=~Q(status=BeneficiaryStatus.SURVEYED))
    )
    for counted in counts.order_by():
        per_unit[counted["unit"]] += Coverage(counted["recorded"], counted["established"])
    supported = (
        beneficiaries.filter(pledges__deliveries__isnull=False).values("unit").annotate(n=Count("pk", distinct=True))
    )
    for helped in supported.order_by():
        per_unit[helped["unit"]] += Coverage(supported=helped["n"])
    pledges = Pledge.objects.filter(beneficiary__in=beneficiaries.values("pk"))
    sponsors = pledges.values("beneficiary__unit").annotate(n=Count("sponsor", distinct=True)).order_by()
    for paired in sponsors:
        per_unit[paired["beneficiary__unit"]] += Coverage(sponsors=paired["n"])
    # An open-ended recurring pledge has no total: what it delivered so far stands for it.
    for pledge in pledges.values("beneficiary__unit", "amount", "frequency", "start", "end").annotate(
        got=Sum("deliveries__value")
    ):
        value = promised_value(pledge["amount"], pledge["frequency"], pledge["start"], pledge["end"])
        per_unit[pledge["beneficiary__unit"]] += Coverage(promised=(pledge["got"] or 0) if value is None else value)
    deliveries = (
        Delivery.objects.filter(pledge__in=pledges)
        .values("pledge__beneficiary__unit")
        .annotate(
            value=Sum("value"),
            cards=Sum("quantity", filter=Q(pledge__need=Need.HEALTH_INSURANCE)),
        )
        .order_by()
    )
    for arrived in deliveries:
        unit_id = arrived["pledge__beneficiary__unit"]
        per_unit[unit_id] += Coverage(delivered=arrived["value"] or 0, cards=arrived["cards"] or 0)
    units = list(Unit.objects.filter(pk__in=per_unit).select_related("parent"))
    related, paths = linked_units(units)
    areas = list(priority_areas(plan))
    current = {
        u.pk: u.full_name
        for u in Unit.objects.current().filter(pk__in=set().union(set(), *related.values()), kind=UnitKind.COMMUNE)
    }
    lines = []
    for unit in units:
        reach = {paths[pk] for pk in related[unit.pk]}
        reasons = sorted({a.reason for a in areas if is_priority(reach, [a.unit.path])})
        former = unit.valid_until is not None and unit.valid_until <= today()
        today_names = sorted(current[pk] for pk in related[unit.pk] if pk in current and former)
        lines.append(CoverageLine(unit, per_unit[unit.pk], bool(reasons), reasons, today_names))
    lines.sort(key=lambda line: (not line.priority, line.unit.parent.name if line.unit.parent else "", line.unit.name))
    return lines


def total(lines: list[CoverageLine]) -> Coverage:
    result = Coverage()
    for line in lines:
        result += line.coverage
    return result
