"""The one place that decides which units, and so which records, a user may see and change.

A user acts as one membership at a time (the "active unit", chosen with the unit switcher). They see
that unit's subtree, plus the subtrees of every unit that ceased and handed over to a unit in it, so an
officer of today's An Giang also reads what was recorded under the former Kiên Giang province.
Every unit-owned queryset is filtered with `scope_queryset`; a record outside it is a 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from hienmau.orgs.models import (
    EDITING_ROLES,
    UNIT_MANAGING_ROLES,
    Membership,
    Role,
    SuccessorLink,
    Unit,
    UnitCategory,
    UnitKind,
)


@dataclass
class Scope:
    """What one user, acting as one membership, may reach."""

    unit: Unit
    role: str
    everything: bool = False
    root_paths: tuple[str, ...] = field(default=())

    @property
    def can_edit(self) -> bool:
        return self.role in EDITING_ROLES

    @property
    def can_manage_units(self) -> bool:
        return self.role in UNIT_MANAGING_ROLES

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    def unit_filter(self, prefix: str = "") -> Q:
        if self.everything:
            return Q()
        lookup = f"{prefix}path__startswith"
        query = Q(pk__in=[])
        for path in self.root_paths:
            query |= Q(**{lookup: path})
        return query

    def contains(self, unit: Unit) -> bool:
        return self.everything or any(unit.path.startswith(path) for path in self.root_paths)


def build_scope(membership: Membership) -> Scope:
    unit = membership.unit
    if membership.role == Role.ADMIN and unit.kind == UnitKind.NATIONAL:
        return Scope(unit=unit, role=membership.role, everything=True)
    return Scope(unit=unit, role=membership.role, root_paths=_root_paths_with_predecessors(unit))


def unit_scope(unit: Unit) -> Scope:
    """What a unit itself reaches (read-only), for work done on its behalf without a signed-in user: the
    public self-registration page of a drive matches people inside its organiser's scope."""
    if unit.kind == UnitKind.NATIONAL:
        return Scope(unit=unit, role=Role.LEADER, everything=True)
    return Scope(unit=unit, role=Role.LEADER, root_paths=_root_paths_with_predecessors(unit))


def superuser_scope() -> Scope:
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    return Scope(unit=root, role=Role.ADMIN, everything=True)


def _root_paths_with_predecessors(unit: Unit, links: list[tuple[str, str]] | None = None) -> tuple[str, ...]:
    """The unit's path plus the paths of every predecessor (transitively) of any unit in its subtree.

    Only approved links count: a pending or refused proposal hands nobody anything."""
    paths = {unit.path}
    if links is None:
        links = _approved_link_paths()
    predecessors_of: dict[str, list[str]] = defaultdict(list)
    for successor_path, predecessor_path in links:
        predecessors_of[successor_path].append(predecessor_path)
    frontier = [unit.path]
    while frontier:
        root = frontier.pop()
        for successor_path, predecessor_paths in predecessors_of.items():
            if not successor_path.startswith(root):
                continue
            for path in predecessor_paths:
                if not any(path.startswith(known) for known in paths):
                    paths.add(path)
                    frontier.append(path)
    # A root inside another root adds nothing to the filter.
    minimal = [p for p in paths if not any(p != other and p.startswith(other) for other in paths)]
    return tuple(sorted(minimal))


def _approved_link_paths() -> list[tuple[str, str]]:
    return list(SuccessorLink.objects.approved().values_list("successor__path", "predecessor__path"))


def covering_unit(first: Unit, second: Unit) -> Unit:
    """The lowest unit whose scope (its subtree and its approved predecessors) holds both units: the
    level that decides a successor link between them."""
    links = _approved_link_paths()
    candidates = {unit.pk: unit for unit in (*first.ancestors(), first, *second.ancestors(), second)}
    for unit in sorted(candidates.values(), key=lambda u: (-u.depth, u.pk)):
        roots = _root_paths_with_predecessors(unit, links)
        if all(any(u.path.startswith(root) for root in roots) for u in (first, second)):
            return unit
    raise ValueError("units without a common root")  # every unit descends from the nation


def scope_queryset(queryset: QuerySet, scope: Scope, unit_field: str = "unit") -> QuerySet:
    """Filter any queryset of unit-owned records (or of units, with unit_field="") to the scope."""
    prefix = f"{unit_field}__" if unit_field else ""
    return queryset.filter(scope.unit_filter(prefix))


def scoped_units(scope: Scope) -> QuerySet[Unit]:
    return scope_queryset(Unit.objects.all(), scope, unit_field="")


def successor_candidates(scope: Scope, unit: Unit) -> QuerySet[Unit]:
    """Units an officer may name as `unit`'s successor: any unit of their scope (recorded at once), and
    the current units one level up (the unit above their own and its direct children), which become a
    proposal for that level to decide. Nothing farther away is offered."""
    kinds = [unit.kind, UnitKind.PROVINCE, UnitKind.COMMUNE]
    offered = scoped_units(scope)
    parent = scope.unit.parent
    if parent is not None and not scope.everything:
        # A ceased level above stands for the units that took it over (Kiên Giang → An Giang).
        above = [
            parent.pk,
            *SuccessorLink.objects.approved().filter(predecessor=parent).values_list("successor", flat=True),
        ]
        offered = offered | Unit.objects.current().filter(Q(pk__in=above) | Q(parent__in=above))
    return offered.exclude(pk=unit.pk).filter(kind__in=kinds)


def facilities_serving(scope: Scope) -> QuerySet[Unit]:
    """Blood-collecting facilities a drive of this scope may name (their staff then see the registrants and
    may close the drive): hospitals and units with facility staff inside the scope, and those attached
    directly to the province or the nation above it (a provincial hospital, the national institute)."""
    facilities = Unit.objects.filter(
        Q(category=UnitCategory.HOSPITAL) | Q(pk__in=Membership.objects.filter(role=Role.FACILITY_STAFF).values("unit"))
    )
    if scope.everything:
        return facilities
    above = Unit.objects.filter(
        pk__in=[*scope.unit.ancestor_ids, scope.unit.pk], kind__in=[UnitKind.PROVINCE, UnitKind.NATIONAL]
    )
    return facilities.filter(scope.unit_filter() | Q(parent__in=above))


def get_unit_in_scope(scope: Scope, pk: int) -> Unit:
    """The unit if the scope reaches it; 404 otherwise, so an outsider learns nothing about it."""
    try:
        return scoped_units(scope).get(pk=pk)
    except Unit.DoesNotExist as exc:
        raise Http404 from exc


def require_edit(scope: Scope) -> None:
    if not scope.can_edit:
        raise PermissionDenied


def require_unit_management(scope: Scope) -> None:
    if not scope.can_manage_units:
        raise PermissionDenied
