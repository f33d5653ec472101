"""Workflows over the unit tree: successor links, boundaries, roll-ups."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hienmau.core.clock import today
from hienmau.orgs.lib import boundaries
from hienmau.orgs.models import SuccessorLink, Unit


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
        for pred, succ, share in SuccessorLink.objects.values_list("predecessor_id", "successor_id", "share"):
            successors[pred].append((succ, share))
        return cls(nodes, dict(successors))


def successor_cycle(predecessor_id: int, successor_id: int) -> list[str] | None:
    """Names along the cycle that linking predecessor → successor would create, or None."""
    graph: dict[int, list[int]] = defaultdict(list)
    for pred, succ in SuccessorLink.objects.values_list("predecessor_id", "successor_id"):
        graph[pred].append(succ)
    cycle = boundaries.cycle_if_linked(graph, predecessor_id, successor_id)
    if cycle is None:
        return None
    names = {unit.pk: unit.full_name for unit in Unit.objects.filter(pk__in=cycle)}
    return [names.get(pk, str(pk)) for pk in cycle]


def link_successor(
    predecessor: Unit,
    successor: Unit,
    *,
    share: Decimal = Decimal("1"),
    effective_date: datetime.date | None = None,
    legal_basis: str = "",
) -> SuccessorLink:
    """Record that `successor` took over (part of) `predecessor`; refuses links that close a cycle."""
    with transaction.atomic():
        link = SuccessorLink.objects.filter(predecessor=predecessor, successor=successor).first()
        link = link or SuccessorLink(predecessor=predecessor, successor=successor)
        link.share = share
        link.effective_date = effective_date or predecessor.valid_until
        link.legal_basis = legal_basis
        link.full_clean(validate_unique=False)
        link.save()
        return link


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
