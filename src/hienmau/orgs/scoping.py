"""The one place that decides which units, and so which records, a user may see and change.

A user acts as one membership at a time (the "active unit", chosen with the unit switcher). They see
that unit's subtree, plus the subtrees of every unit that ceased and handed over to a unit in it, so an
officer of today's An Giang also reads what was recorded under the former Kiên Giang province.
Every unit-owned queryset is filtered with `scope_queryset`; a record outside it is a 404.

Every access rule lives here: which plans, drives and donors a scope sees or edits (the querysets'
`visible_to`/`editable_by` call these functions), the 404/403 checks views call, and `scope_required`.
The rules name other apps' fields by lookup, never import their models: orgs stays below them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce, wraps
from operator import or_
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hienmau.orgs.models import (
    EDITING_ROLES,
    UNIT_MANAGING_ROLES,
    Membership,
    Role,
    SuccessorLink,
    Unit,
    UnitCategory,
    UnitKind,
    UnitQuerySet,
)

QS = TypeVar("QS", bound=QuerySet)
M = TypeVar("M", bound=Model)


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


def superuser_scope() -> Scope | None:
    """Everything, from the root unit; None before any unit is loaded (the admin still works)."""
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    return None if root is None else Scope(unit=root, role=Role.ADMIN, everything=True)


def _root_paths_with_predecessors(unit: Unit) -> tuple[str, ...]:
    """The unit's path plus the paths of every predecessor (transitively) of any unit in its subtree.

    Only approved links count: a pending or refused proposal hands nobody anything. Each round asks the
    database only for the links into the subtrees reached so far (an indexed path prefix), so a province's
    scope with the national reference lists loaded (over 10,000 links) reads a few hundred of them in two
    or three queries instead of all of them."""
    paths = {unit.path}
    frontier = {unit.path}
    while frontier:
        found = SuccessorLink.objects.approved().filter(
            reduce(or_, (Q(successor__path__startswith=root) for root in frontier))
        )
        frontier = set()
        for predecessor in found.values_list("predecessor__path", flat=True):
            if not _under_any(predecessor, paths):
                paths.add(predecessor)
                frontier.add(predecessor)
        # A root inside another root adds nothing, to the query or to the filter.
        frontier = {path for path in frontier if not _under_any(path, frontier, strictly=True)}
    return tuple(sorted(path for path in paths if not _under_any(path, paths, strictly=True)))


def _under_any(path: str, roots: set[str], strictly: bool = False) -> bool:
    """Whether the path lies in the subtree of one of the roots (strictly: below it, not the root itself)."""
    prefix = "/"
    parts = path.strip("/").split("/")
    for part in parts[:-1] if strictly else parts:
        prefix += f"{part}/"
        if prefix in roots:
            return True
    return False


def reach_paths(unit: Unit) -> tuple[str, ...]:
    """Where a unit's figures were recorded: its subtree and those of every unit that handed over to a
    unit in it (today's An Giang reaches the former Kiên Giang). Reports sum over these paths."""
    return _root_paths_with_predecessors(unit)


def covering_unit(first: Unit, second: Unit) -> Unit:
    """The lowest unit whose scope (its subtree and its approved predecessors) holds both units: the
    level that decides a successor link between them."""
    candidates = {unit.pk: unit for unit in (*first.ancestors(), first, *second.ancestors(), second)}
    for unit in sorted(candidates.values(), key=lambda u: (-u.depth, u.pk)):
        roots = _root_paths_with_predecessors(unit)
        if all(any(u.path.startswith(root) for root in roots) for u in (first, second)):
            return unit
    raise ValueError("units without a common root")  # every unit descends from the nation


def scope_queryset(queryset: QuerySet, scope: Scope, unit_field: str = "unit") -> QuerySet:
    """Filter any queryset of unit-owned records (or of units, with unit_field="") to the scope."""
    prefix = f"{unit_field}__" if unit_field else ""
    return queryset.filter(scope.unit_filter(prefix))


def scoped_units(scope: Scope) -> UnitQuerySet:
    return Unit.objects.filter(scope.unit_filter())


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


def require_edit(scope: Scope, message: str | None = None) -> None:
    """403 for a read-only role (leader, focal point) where a change is asked for."""
    if not scope.can_edit:
        raise PermissionDenied(message)


def require_unit_management(scope: Scope) -> None:
    if not scope.can_manage_units:
        raise PermissionDenied


def scope_required(view):
    """Login, then a role somewhere: a user with no membership sees a 403, never data."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.scope:
            raise PermissionDenied(_("Tài khoản chưa được phân quyền ở đơn vị nào."))
        return view(request, *args, **kwargs)

    return wrapped


def get_visible_or_404(visible: QuerySet[M], pk: int) -> M:
    """The record of a scope-filtered queryset, or a 404 that tells an outsider nothing."""
    record = visible.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def require_editable(editable: QuerySet, pk: int, message: str) -> None:
    """403 with the reason when the scope sees the record but may not change it."""
    if not editable.filter(pk=pk).exists():
        raise PermissionDenied(message)


def _related_in_scope(queryset: QuerySet, relation: str, scope: Scope, unit_lookup: str) -> Q:
    """Records with a related row (by the reverse `relation`) whose unit is in the scope: a subquery, not a
    join, so no record is listed twice."""
    rel = queryset.model._meta.get_field(relation)
    related = rel.related_model._default_manager.filter(scope.unit_filter(unit_lookup))
    return Q(pk__in=related.values(rel.field.attname))


# --- plans -------------------------------------------------------------------------------------------


def visible_plans(plans: QS, scope: Scope) -> QS:
    """Plans issued inside the scope, and plans that allocate a target to a unit inside it."""
    if scope.everything:
        return plans
    return plans.filter(scope.unit_filter("issuing_unit__") | _related_in_scope(plans, "allocations", scope, "unit__"))


def sees_plan_whole(scope: Scope, plan) -> bool:
    """The issuing side sees every allocation of a plan and its totals; a unit it allocates to, its own rows."""
    return scope.everything or scope.contains(plan.issuing_unit)


def sees_allocation(scope: Scope, plan, allocation) -> bool:
    """One allocation row of a visible plan: the issuing side's, or the allocated unit's own."""
    return sees_plan_whole(scope, plan) or (allocation.unit_id is not None and scope.contains(allocation.unit))


def visible_allocations(allocations: QS, scope: Scope) -> QS:
    """Allocation rows the scope sees (`sees_allocation` as a query)."""
    if scope.everything:
        return allocations
    return allocations.filter(scope.unit_filter("plan__issuing_unit__") | scope.unit_filter("unit__"))


def may_make_plans(scope: Scope) -> bool:
    """Editors of a steering committee's side; a collecting facility's staff act on drives, not plans."""
    return scope.can_edit and scope.role != Role.FACILITY_STAFF


def editable_plans(plans: QS, scope: Scope) -> QS:
    """Editors of the issuing unit's side (not facility staff)."""
    if not may_make_plans(scope):
        return plans.none()
    return plans if scope.everything else plans.filter(scope.unit_filter("issuing_unit__"))


# --- drives ------------------------------------------------------------------------------------------


def visible_drives(drives: QS, scope: Scope) -> QS:
    """Drives organised in the scope, collected by a facility in it, or where a unit of it has a slot."""
    if scope.everything:
        return drives
    return drives.filter(
        scope.unit_filter("organiser__")
        | scope.unit_filter("facility__")
        | _related_in_scope(drives, "slots", scope, "unit__")
    )


def drives_seen_whole(drives: QS, scope: Scope) -> QS:
    """Drives whose every unit's quota, list and result the scope sees: organised in it, or collected by a
    facility in it. A unit that only takes part sees its own part (drives.services.DrivePart)."""
    if scope.everything:
        return drives
    return drives.filter(scope.unit_filter("organiser__") | scope.unit_filter("facility__"))


def visible_registrations(registrations: QS, scope: Scope) -> QS:
    """Registrations of drives the scope sees whole, and those of its own units elsewhere (the part of a
    drive a taking-part unit sees: drives.services.DrivePart)."""
    if scope.everything:
        return registrations
    drives = registrations.model._meta.get_field("drive").related_model._default_manager.all()
    return registrations.filter(
        Q(drive__in=drives_seen_whole(drives, scope).values("pk"))
        | Q(drive__in=visible_drives(drives, scope).values("pk")) & scope.unit_filter("unit__")
    )


def editable_drives(drives: QS, scope: Scope) -> QS:
    """Editors of the organising side."""
    if not scope.can_edit:
        return drives.none()
    return drives if scope.everything else drives.filter(scope.unit_filter("organiser__"))


def may_record_outcomes(scope: Scope, drive) -> bool:
    """Editors of the organising side, and staff of the collecting facility (or of a unit above it)."""
    if editable_drives(type(drive)._default_manager.filter(pk=drive.pk), scope).exists():
        return True
    return scope.role == Role.FACILITY_STAFF and drive.facility_id is not None and scope.contains(drive.facility)


# --- unit reports ------------------------------------------------------------------------------------


def visible_unit_reports(reports: QS, scope: Scope) -> QS:
    """A unit's reports on plans: seen by the reporting unit's side and by the issuing office's side."""
    if scope.everything:
        return reports
    return reports.filter(scope.unit_filter("unit__") | scope.unit_filter("plan__issuing_unit__"))


def may_write_unit_report(scope: Scope, unit: Unit) -> bool:
    """Editors of the reporting unit's side (the office above may also enter a report it received on paper)."""
    return scope.can_edit and scope.contains(unit)


def may_decide_unit_reports(scope: Scope, issuing_unit: Unit) -> bool:
    """Editors of the issuing unit's side approve, return and reopen reports, and close the period."""
    return scope.can_edit and scope.contains(issuing_unit)


# --- donors ------------------------------------------------------------------------------------------


def visible_donors(donors: QS, scope: Scope) -> QS:
    """Donors who live, work or study in the scope, gave blood at a facility in it, or were registered for
    a drive it organised or by one of its units (a walk-in or list line for someone new has no commune
    yet). Registrations only ever hold in-scope or new records: donors/registry.py never links others."""
    if scope.everything:
        return donors
    return donors.filter(
        scope.unit_filter("commune__")
        | scope.unit_filter("workplace__")
        | _related_in_scope(donors, "donations", scope, "facility__")
        | _related_in_scope(donors, "registrations", scope, "drive__organiser__")
        | _related_in_scope(donors, "registrations", scope, "unit__")
    )


# --- standby (emergency requests and clubs) -----------------------------------------------------


def visible_emergency_requests(requests: QS, scope: Scope) -> QS:
    """Requests raised by a facility in the scope, or coordinated by an office in it."""
    if scope.everything:
        return requests
    return requests.filter(scope.unit_filter("facility__") | scope.unit_filter("office__"))


def editable_emergency_requests(requests: QS, scope: Scope) -> QS:
    """Editors (officers, facility staff) of the requesting facility's or the coordinating office's side."""
    if not scope.can_edit:
        return requests.none()
    return visible_emergency_requests(requests, scope)


def visible_clubs(clubs: QS, scope: Scope | None, user) -> QS:
    """Clubs attached to a unit in the scope, and the clubs the user chairs (a chair may hold no role)."""
    chaired = Q(chair=user) if user is not None and user.is_authenticated else Q(pk__in=[])
    if scope is None:
        return clubs.filter(chaired)
    if scope.everything:
        return clubs
    return clubs.filter(scope.unit_filter("unit__") | chaired)


def editable_clubs(clubs: QS, scope: Scope | None, user) -> QS:
    """The chair keeps their roster; editors of the scope keep the clubs attached inside it."""
    chaired = Q(chair=user) if user is not None and user.is_authenticated else Q(pk__in=[])
    if scope is None or not scope.can_edit:
        return clubs.filter(chaired)
    return clubs if scope.everything else clubs.filter(scope.unit_filter("unit__") | chaired)


# --- humanitarian addresses ---------------------------------------------------------------------


def visible_beneficiaries(beneficiaries: QS, scope: Scope) -> QS:
    """Humanitarian addresses (households, people) of a commune in the scope: the people's own place, as
    for donors; a sponsor elsewhere never widens who sees them."""
    return beneficiaries if scope.everything else beneficiaries.filter(scope.unit_filter("unit__"))


def editable_beneficiaries(beneficiaries: QS, scope: Scope) -> QS:
    """Editors (officers, focal points are read-only) of the commune's side; not a facility's staff."""
    if not scope.can_edit or scope.role == Role.FACILITY_STAFF:
        return beneficiaries.none()
    return visible_beneficiaries(beneficiaries, scope)


def visible_sponsors(sponsors: QS, scope: Scope) -> QS:
    """Sponsors kept by a unit in the scope, and those that pledged to an address the scope sees."""
    if scope.everything:
        return sponsors
    return sponsors.filter(
        scope.unit_filter("unit__") | _related_in_scope(sponsors, "pledges", scope, "beneficiary__unit__")
    )


# --- outreach (activities, volunteers, budgets) ----------------------------------------------------


def visible_outreach(activities: QS, scope: Scope) -> QS:
    """Activities of a unit in the scope, and the activities done under plans issued in it."""
    if scope.everything:
        return activities
    return activities.filter(scope.unit_filter("unit__") | scope.unit_filter("plan__issuing_unit__"))


def visible_volunteers(volunteers: QS, scope: Scope) -> QS:
    """Rosters of the units in the scope (never another unit's people, whatever plan they served)."""
    return volunteers.filter(scope.unit_filter("unit__"))


def editable_outreach(records: QS, scope: Scope) -> QS:
    """Editors of the unit that did the work (an office above may enter it for them)."""
    if not scope.can_edit or scope.role == Role.FACILITY_STAFF:
        return records.none()
    return records if scope.everything else records.filter(scope.unit_filter("unit__"))


def may_record_outreach(scope: Scope, unit: Unit) -> bool:
    return scope.can_edit and scope.role != Role.FACILITY_STAFF and scope.contains(unit)


def visible_budgets(plans: QS, scope: Scope) -> QS:
    """A plan's budget (estimate, spending, sponsors) is the issuing side's: units given a target by the
    plan see its targets, not its money."""
    return plans if scope.everything else plans.filter(scope.unit_filter("issuing_unit__"))


def editable_budgets(plans: QS, scope: Scope) -> QS:
    return editable_plans(plans, scope)


# --- personal data in full, and the second factor it calls for ----------------------------------------


def role_reveals_personal_data(role: str) -> bool:
    """A masked CCCD or phone number is revealed (with a logged reason) by any role: the reveal views of
    donors and humanitarian addresses ask for a scope and nothing more (`may_reveal_personal_data`), the
    read-only leader included."""
    return role in Role.values


def role_exports_personal_data(role: str) -> bool:
    """A person's whole record is exported (logged) by the editing roles (`may_export_personal_data`)."""
    return role in EDITING_ROLES


def may_reveal_personal_data(scope: Scope | None) -> bool:
    return scope is not None and role_reveals_personal_data(scope.role)


def may_export_personal_data(scope: Scope | None) -> bool:
    return scope is not None and role_exports_personal_data(scope.role)


def requires_second_factor(user) -> bool:
    """Whether the account can see personal data in full, so it must enrol a second factor when
    HIENMAU_SECOND_FACTOR_REQUIRED: a role (in any unit) that reveals or exports, by the two rules above; a
    superuser (who acts as the whole country's administrator: `superuser_scope`); a club's chair, who
    exports the roster's phone numbers in full (`editable_clubs`)."""
    if not user.is_authenticated:
        return False
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if second_factor_required_for(roles, superuser=user.is_superuser):
        return True
    chairs = get_user_model()._default_manager.filter(pk=user.pk, chaired_clubs__isnull=False).exists()
    return second_factor_required_for(roles, superuser=user.is_superuser, chairs_club=chairs)


def second_factor_required_for(roles: Iterable[str], superuser: bool = False, chairs_club: bool = False) -> bool:
    """`requires_second_factor` on the facts it reads: the roles held, superuser, chair of a club."""
    held = set(roles) | ({Role.ADMIN} if superuser else set())
    return chairs_club or any(role_reveals_personal_data(r) or role_exports_personal_data(r) for r in held)


def may_reset_second_factor(scope: Scope | None, actor, target) -> bool:
    """Recovery of a lost device: a superuser resets anyone's; an administrator (role admin) the accounts
    whose every role is in a unit of their scope, never a superuser's: an account that also holds a role
    above or beside the administrator's units is reset by an administrator over all of them (a reset lets
    the password alone enrol a new device). Nobody resets their own (another administrator does, or
    `hienmau second_factor_reset`)."""
    if actor.pk == target.pk or not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    if scope is None or scope.role != Role.ADMIN or target.is_superuser:
        return False
    memberships = Membership.objects.filter(user=target)
    return memberships.exists() and not memberships.exclude(scope.unit_filter("unit__")).exists()
