"""Workflows over the unit tree: successor links, boundaries, roll-ups."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hienmau.core.clock import now, today
from hienmau.orgs.lib import boundaries
from hienmau.orgs.models import LinkStatus, SuccessorLink, Unit
from hienmau.orgs.scoping import Scope, covering_unit, scope_queryset


@dataclass(frozen=True)
class UnitGraph:
    nodes: dict[int, boundaries.Node]
    successors: dict[int, list[tuple[int, Decimal]]]

    @classmethod
    def load(cls) -> UnitGraph:
        nodes = {
            pk: boundaries.Node(pk, parent_id, kind, valid_from, valid_until)
            for pk, parent_id, kind, valid_from, valid_until in Unit.objects.values_list(
                "pk", "parent_id", "kind", "valid_from", "valid_until"
            )
        }
        successors: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        for pred, succ, share in SuccessorLink.objects.approved().values_list(
            "predecessor_id", "successor_id", "share"
        ):
            successors[pred].append((succ, share))
        return cls(nodes, dict(successors))


def link_successor(
    predecessor: Unit,
    successor: Unit,
    *,
    share: Decimal = Decimal("1"),
    effective_date: datetime.date | None = None,
    legal_basis: str = "",
    scope: Scope | None = None,
    user=None,
) -> SuccessorLink:
    """Record that `successor` took over (part of) `predecessor`; refuses links that close a cycle.

    `scope` is the officer's who asks (None: the official unit list or the demo loader). A link with
    both ends in that scope is approved at once; any other becomes a proposal for the lowest level that
    covers both, and hands nothing over until that level approves it."""
    direct = scope is None or (scope.contains(predecessor) and scope.contains(successor))
    with transaction.atomic():
        link = SuccessorLink.objects.select_for_update().filter(predecessor=predecessor, successor=successor).first()
        if link is not None and link.status == LinkStatus.APPROVED and not direct:
            raise ValidationError(_("Liên kết này đã được duyệt; chỉ cấp có phạm vi gồm cả hai đơn vị mới sửa được."))
        link = link or SuccessorLink(predecessor=predecessor, successor=successor)
        link.share = share
        link.effective_date = effective_date or predecessor.valid_until
        link.legal_basis = legal_basis
        link.proposed_by = user
        link.decision_note = ""
        if direct:
            link.status, link.deciding_unit = LinkStatus.APPROVED, None
            link.decided_by, link.decided_at = user, now() if user else None
        else:
            link.status, link.deciding_unit = LinkStatus.PENDING, covering_unit(predecessor, successor)
            link.decided_by = link.decided_at = None
        link.full_clean(validate_unique=False)
        link.save()
        return link


def may_decide(scope: Scope | None, link: SuccessorLink) -> bool:
    """Officers of the deciding unit (or of a level above it) decide a pending proposal."""
    return bool(
        scope
        and scope.can_manage_units
        and link.status == LinkStatus.PENDING
        and link.deciding_unit is not None
        and scope.contains(link.deciding_unit)
    )


def decide_successor_link(link: SuccessorLink, *, approve: bool, scope: Scope, user, note: str = "") -> SuccessorLink:
    """Approve or refuse a proposal; the row is locked so two officers cannot decide it twice."""
    with transaction.atomic():
        locked = SuccessorLink.objects.select_for_update(of=("self",)).select_related("deciding_unit").get(pk=link.pk)
        if locked.status != LinkStatus.PENDING:
            raise ValidationError(_("Đề xuất này đã được xử lý trước đó."))
        if not may_decide(scope, locked):
            raise PermissionDenied(_("Chỉ cấp có phạm vi gồm cả hai đơn vị mới duyệt được đề xuất này."))
        if approve:
            cycle = SuccessorLink.objects.cycle_if_linked(locked.predecessor_id, locked.successor_id)
            if cycle:
                raise ValidationError(
                    _("Liên kết này tạo thành vòng lặp kế thừa: %(cycle)s.") % {"cycle": " → ".join(cycle)}
                )
        locked.status = LinkStatus.APPROVED if approve else LinkStatus.REFUSED
        locked.decided_by, locked.decided_at, locked.decision_note = user, now(), note[:255]
        locked.save()
        return locked


def proposals_to_decide(scope: Scope):
    """Pending proposals this scope may decide, oldest first."""
    if not scope.can_manage_units:
        return SuccessorLink.objects.none()
    return (
        scope_queryset(SuccessorLink.objects.pending(), scope, unit_field="deciding_unit")
        .select_related("predecessor", "successor", "deciding_unit", "proposed_by")
        .order_by("pk")
    )


def current_boundary_units(unit: Unit, on: datetime.date | None = None) -> list[tuple[Unit, Fraction]]:
    """The units valid on `on` (default today) that stand for `unit`, with the share each takes."""
    graph = UnitGraph.load()
    weights = boundaries.resolve(unit.pk, graph.nodes, graph.successors, on or today())
    units = Unit.objects.in_bulk(list(weights))
    return sorted(((units[pk], w) for pk, w in weights.items()), key=lambda item: (-item[1], item[0].name))


@dataclass(frozen=True)
class RollupRow:
    unit: Unit
    amount: Fraction


def rollup_by_level(
    amounts_by_unit: dict[int, int | Decimal],
    *,
    level: str,
    current_boundaries: bool,
    on: datetime.date | None = None,
) -> tuple[list[RollupRow], Fraction]:
    """Totals per unit of `level`, either as recorded or moved into the boundaries valid on `on`."""
    graph = UnitGraph.load()
    day = (on or today()) if current_boundaries else None
    try:
        totals, unplaced = boundaries.rollup(amounts_by_unit, graph.nodes, graph.successors, level=level, on=day)
    except boundaries.SuccessorCycleError as exc:
        raise ValidationError(_("Liên kết kế thừa tạo vòng lặp qua các đơn vị %(ids)s.") % {"ids": exc.cycle}) from exc
    units = Unit.objects.in_bulk(list(totals))
    rows = [RollupRow(units[pk], amount) for pk, amount in totals.items()]
    rows.sort(key=lambda row: (row.unit.code or "~", row.unit.name))
    return rows, unplaced
