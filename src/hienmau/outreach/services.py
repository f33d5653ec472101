"""Outreach workflows: activities recorded under a plan, progress against the plan's targets, volunteer
rosters and hours. Access rules are in orgs/scoping.py; views call these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.utils.translation import gettext as _

from hienmau.donors.models import Donor, is_number_query
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope, scoped_units
from hienmau.outreach.lib import progress
from hienmau.outreach.lib.progress import KindTotal, Progress
from hienmau.outreach.models import Activity, ActivityKind, Service, Volunteer, VolunteerStatus
from hienmau.plans.models import Metric, Plan

MAX_FILE_BYTES = 20 * 1024 * 1024


class OutreachError(ValueError):
    """A refusal with a message for the user (Vietnamese)."""


def check_file(upload) -> None:
    if upload and upload.size > MAX_FILE_BYTES:
        raise ValidationError(_("Tệp quá lớn (tối đa %(max)s MB).") % {"max": MAX_FILE_BYTES // 1024 // 1024})


def units_for_recording(scope: Scope, plan: Plan | None = None) -> list[Unit]:
    """Units an officer records work for: their own, the current units right below it, and the plan's
    allocated units inside the scope."""
    units = scoped_units(scope)
    chosen = units.filter(pk=scope.unit.pk) | units.filter(parent=scope.unit)
    if plan is not None:  # a past plan's units, former ones included (Kiên Giang's districts in 2022)
        chosen = chosen | units.filter(pk=plan.issuing_unit_id) | units.filter(allocations__plan=plan)
    return list(chosen.distinct().order_by("path"))


# --- progress on a plan --------------------------------------------------------------------------


@dataclass
class PlanOutreach:
    plan: Plan
    progress: list[Progress]
    by_kind: list[KindTotal]
    volunteer_hours: Decimal


def plan_outreach(plan: Plan) -> PlanOutreach:
    """The plan's volunteer and media targets (as its text or its targets page set them) against what was
    recorded: the whole plan's figures, every unit's work counted (figures, not people)."""
    targets = {t.metric: t.value for t in plan.targets.all() if t.metric in progress.COUNTED_METRICS}
    rows = list(Activity.objects.filter(plan=plan).values_list("kind", "quantity", "reach"))
    services = list(Service.objects.filter(plan=plan).values_list("volunteer__donor_id", "hours"))
    done = {
        Metric.VOLUNTEERS.value: progress.distinct_people(services),
        Metric.MEDIA_ITEMS.value: progress.media_items((kind, quantity) for kind, quantity, _reach in rows),
    }
    return PlanOutreach(
        plan=plan,
        progress=progress.target_progress(targets, done),
        by_kind=progress.totals_by_kind(rows, ActivityKind.values),
        volunteer_hours=sum((hours for _person, hours in services), Decimal(0)),
    )


# --- volunteers ----------------------------------------------------------------------------------


def add_volunteer(unit: Unit, donor: Donor, joined_on: datetime.date, skills: str = "") -> Volunteer:
    try:
        with transaction.atomic():
            return Volunteer.objects.create(unit=unit, donor=donor, joined_on=joined_on, skills=skills)
    except IntegrityError as exc:
        raise OutreachError(_("Người này đã có trong danh sách tình nguyện viên của đơn vị.")) from exc


def record_service(
    volunteer: Volunteer,
    *,
    date: datetime.date,
    hours: Decimal,
    plan: Plan | None = None,
    drive=None,
    activity: Activity | None = None,
    task: str = "",
) -> Service:
    """Hours given; the plan follows the drive's or the activity's when not named."""
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise OutreachError(_("Tình nguyện viên đã thôi tham gia: không ghi thêm giờ."))
    if hours <= 0 or hours > 24:
        raise OutreachError(_("Số giờ trong một ngày phải lớn hơn 0 và không quá 24."))
    plan = plan or (drive.plan if drive is not None else None) or (activity.plan if activity is not None else None)
    return Service.objects.create(
        volunteer=volunteer, plan=plan, drive=drive, activity=activity, date=date, hours=hours, task=task
    )


def find_person(scope: Scope, number: str) -> Donor:
    """The one registry person of the scope with this CCCD or phone. Only by number, never by name, and
    never outside the scope (as club rosters find people): nobody is created or asked for."""
    if not is_number_query(number):
        raise OutreachError(_("Nhập đủ 12 số CCCD hoặc số điện thoại di động."))
    found = list(Donor.objects.active().visible_to(scope).search(number)[:2])
    if not found:
        raise OutreachError(
            _("Không tìm thấy người có số “%(n)s” trong sổ người hiến máu của đơn vị; thêm hồ sơ trước.")
            % {"n": number}
        )
    if len(found) > 1:
        raise OutreachError(_("Số này khớp nhiều hồ sơ; hãy nhập số CCCD."))
    return found[0]


@dataclass
class RosterLine:
    volunteer: Volunteer
    hours: Decimal
    drives: int
    last: datetime.date | None


def roster(volunteers) -> list[RosterLine]:
    """Each volunteer with their hours, how many drives they served and when last, in two queries."""
    rows = list(
        volunteers.select_related("donor", "unit").annotate(
            total_hours=Sum("services__hours"),
            drive_count=Count("services__drive", distinct=True),
            last_day=Max("services__date"),
        )
    )
    rows.sort(key=lambda v: (v.unit.path, v.donor.given_name_folded, v.donor.name_folded))
    return [RosterLine(v, v.total_hours or Decimal(0), v.drive_count, v.last_day) for v in rows]
