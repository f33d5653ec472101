"""The supply outlook of a unit: its monthly results, plans, bookings and its facilities' need, read as
they stood on the as-of day, handed to the pure model (reports/lib/outlook.py); and what could close a
gap (units behind on the year's allocation, reserve and rare-group donors who may give, drives with free
places). Every unit, drive and donor is reached through orgs.scoping: the unit's reach for its figures,
the unit's scope for the donors it may count.

Only data dated on or before the as-of day is used: results by their day, plans by their date,
registrations by when they were made, so an outlook as of a past day is an honest backtest."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from hienmau.core.clock import today
from hienmau.core.lib.numbers import format_int
from hienmau.demand.models import Need
from hienmau.donors.models import Donor
from hienmau.donors.services import eligibility_for
from hienmau.drives.models import Drive, DriveStatus, Registration, RegistrationKind, RegistrationStatus
from hienmau.notify import services as notify
from hienmau.orgs.models import Membership, Role, Unit, UnitKind
from hienmau.orgs.scoping import reach_paths, unit_scope, visible_donors, visible_drives
from hienmau.reports import services
from hienmau.reports.lib import outlook as model
from hienmau.reports.lib.outlook import Month
from hienmau.results.models import ResultEntry, UnitDayResult

DEFAULT_SHOW_UP = 0.8  # no past drive with registrations yet: eight in ten registrants give
SHOW_UP_YEARS = 2  # past drives counted for the show-up rate
DONOR_CANDIDATES_CAP = 5000  # reserve and rare-group donors judged per outlook


class OutlookError(ValueError):
    """The outlook cannot be made (unknown unit, bad month); the message is Vietnamese."""


def _paths_q(paths, field_name: str) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field_name}__startswith": path})
    return query


def unit_for(code: str, as_of: datetime.date) -> Unit:
    """The unit carrying the code on the as-of day (the former Kiên Giang in 2024, today's An Giang now)."""
    units = list(Unit.objects.filter(code=code).valid_on(as_of)[:2])
    if len(units) == 1:
        return units[0]
    try:
        return services.unit_for_year(code, as_of.year)
    except services.ReportError as exc:
        raise OutlookError(f"Không có đơn vị mang mã “{code}” vào ngày {as_of:%d/%m/%Y}.") from exc


def parse_month_option(text: str) -> Month:
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        raise OutlookError(f"Tháng “{text}” không hợp lệ (cần dạng YYYY-MM, ví dụ 2026-01).") from None


# --- inputs, as they stood on the as-of day -----------------------------------------------------------


def monthly_history(paths, as_of: datetime.date) -> dict[Month, int]:
    """Blood units collected per month under the paths, up to the as-of day; the months from the first
    with results to the last complete one are all present (zero where nothing was collected)."""
    totals: dict[Month, int] = defaultdict(int)
    rows = (
        UnitDayResult.objects.filter(day__lte=as_of)
        .filter(_paths_q(paths, "unit__path"))
        .values("day")
        .annotate(total=Sum("collected"))
        .order_by()
    )
    for row in rows:
        totals[model.month_of(row["day"])] += row["total"] or 0
    if not totals:
        return {}
    first, end = min(totals), model.month_of(as_of)
    history = {}
    month = first
    while month <= end:
        history[month] = totals.get(month, 0)
        month = model.add_months(month, 1)
    return history


def planned_by_month(unit: Unit, months: list[Month], as_of: datetime.date) -> dict[Month, int]:
    """What plans dated on or before the as-of day allocate to the unit, month by month."""
    planned: dict[Month, int] = {}
    for year in sorted({m.year for m in months}):
        _target, by_month = services.unit_targets(unit, year, as_of=as_of)
        for m in months:
            if m.year == year:
                planned[m] = by_month.get(m.month, 0)
    return planned


def _drives_under(paths):
    return Drive.objects.filter(_paths_q(paths, "organiser__path"))


def booked_by_month(paths, months: list[Month], as_of: datetime.date) -> dict[Month, int]:
    """Direct registrations made by the end of the as-of day for drives after it, per month of the drive."""
    if not months:
        return {}
    end_of_day = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))
    last = model.add_months(months[-1], 1) - datetime.timedelta(days=1)
    rows = (
        Registration.objects.filter(
            drive__in=_drives_under(paths).filter(date__gt=as_of, date__lte=last),
            kind=RegistrationKind.DIRECT,
            created_at__lt=end_of_day,
        )
        .values("drive__date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    booked: dict[Month, int] = defaultdict(int)
    for row in rows:
        booked[model.month_of(row["drive__date"])] += row["n"]
    return {m: booked.get(m, 0) for m in months}


def show_up(paths, as_of: datetime.date) -> tuple[float, int]:
    """(rate, drives): blood units a drive recorded ÷ its direct registrations, over the unit's drives of
    the last SHOW_UP_YEARS years up to the as-of day; the default rate when there is none."""
    since = as_of - datetime.timedelta(days=365 * SHOW_UP_YEARS)
    drives = (
        _drives_under(paths)
        .filter(date__gte=since, date__lte=as_of)
        .annotate(
            n=Count("registrations", filter=Q(registrations__kind=RegistrationKind.DIRECT)),
        )
        .filter(n__gt=0)
        .values_list("pk", "n")
    )
    registered = dict(drives)
    if not registered:
        return DEFAULT_SHOW_UP, 0
    collected = dict(
        ResultEntry.objects.filter(drive_id__in=list(registered))
        .values("drive_id")
        .annotate(total=Sum("collected"))
        .values_list("drive_id", "total")
    )
    pairs = [(n, min(collected.get(pk) or 0, n)) for pk, n in registered.items()]
    rate = model.show_up_rate(pairs)
    return (rate if rate is not None else DEFAULT_SHOW_UP), len(pairs)


def demand_by_month(paths, months: list[Month]) -> dict[Month, int]:
    """The need of the facilities inside the unit's reach, per month: a facility's figure for every
    group when it gave one, else the sum of its figures per group."""
    if not months:
        return {}
    whole: dict[tuple[int, Month], int] = {}
    groups: dict[tuple[int, Month], int] = defaultdict(int)
    for need in Need.objects.under(paths).filter(month__gte=months[0], month__lte=months[-1]):
        key = (need.facility_id, need.month)
        if need.blood_group:
            groups[key] += need.units
        else:
            whole[key] = need.units
    totals: dict[Month, int] = defaultdict(int)
    for key in set(whole) | set(groups):
        totals[key[1]] += whole[key] if key in whole else groups[key]
    return {m: totals.get(m, 0) for m in months}


# --- what could close a gap ---------------------------------------------------------------------------


@dataclass
class Actions:
    behind: list[dict] = field(default_factory=list)  # units behind on this year's allocation
    donors: dict[Month, dict[str, int]] = field(default_factory=dict)  # month → reserve / rare counts
    drives: list[dict] = field(default_factory=list)  # drives with free places

    def as_json(self) -> dict:
        return {
            "units_behind": self.behind,
            "donors": [{"month": m.strftime("%Y-%m"), **counts} for m, counts in sorted(self.donors.items())],
            "drives_with_free_places": self.drives,
        }


def units_behind(unit: Unit, as_of: datetime.date, limit: int = 8) -> list[dict]:
    """Units one level down furthest behind the share of this year's allocation due by the as-of day."""
    year = as_of.year
    data = services.unit_year(unit, year, "unit")
    due = services.share_of_year_due(year)
    rows = []
    for index, row in enumerate(data.rows):
        if not row["target"]:
            continue
        expected = model.whole(row["target"] * due)
        if row["result"] < expected:
            rows.append(
                {
                    "unit": row["unit"],
                    "code": row.get("code") or "",
                    "unit_id": data.unit_ids[index] if data.unit_ids else None,
                    "target": row["target"],
                    "result": row["result"],
                    "due": expected,
                    "shortfall": expected - row["result"],
                }
            )
    rows.sort(key=lambda r: -r["shortfall"])
    return rows[:limit]


def donors_who_may_give(unit: Unit, months: list[Month]) -> dict[Month, dict[str, int]]:
    """Per month: donors of the unit's scope who consented to be called (reserve) and those of a rare
    group (Rh−) who may give whole blood by the middle of the month, by the one eligibility rule. Counts
    only: names stay on the donor pages, behind their own access rules."""
    if not months:
        return {}
    donors = (
        visible_donors(Donor.objects.all(), unit_scope(unit))
        .filter(Q(consent_emergency=True) | Q(rh="-"), merged_into__isnull=True, erased_at__isnull=True)
        .filter(date_of_birth__isnull=False)
        .annotate(last_donation=Max("donations__date"))
        .order_by("pk")[:DONOR_CANDIDATES_CAP]
    )
    counts: dict[Month, dict[str, int]] = {m: {"reserve": 0, "rare": 0} for m in months}
    for donor in donors:
        for month in months:
            day = month.replace(day=15)
            verdict = eligibility_for(donor, day)
            if verdict is None or not verdict.eligible:
                continue
            if donor.consent_emergency:
                counts[month]["reserve"] += 1
            if donor.rh == "-":
                counts[month]["rare"] += 1
    return counts


def drives_with_room(unit: Unit, as_of: datetime.date, last: Month, limit: int = 8) -> list[dict]:
    """Planned drives of the unit's scope from the as-of day to the end of month `last` (the last month
    flagged) with places left (slots' quotas, else the expected registrations, less the registrations made)."""
    end = model.add_months(last, 1) - datetime.timedelta(days=1)
    drives = (
        visible_drives(Drive.objects.all(), unit_scope(unit))
        .filter(date__gt=as_of, date__lte=end, status=DriveStatus.PLANNED)
        .annotate(quota=Sum("slots__quota"))
        .order_by("date")
    )
    rows: list[dict] = []
    for drive in drives[:200]:
        booked = drive.registrations.exclude(status=RegistrationStatus.NO_SHOW).count()
        room = (drive.quota or drive.expected_registrations) - booked
        if room > 0:
            rows.append(
                {
                    "drive_id": drive.pk,
                    "title": drive.title,
                    "date": drive.date.isoformat(),
                    "booked": booked,
                    "free": room,
                }
            )
    rows.sort(key=lambda r: -int(r["free"]))
    return rows[:limit]


# --- the outlook --------------------------------------------------------------------------------------


@dataclass
class Outlook:
    unit: Unit
    as_of: datetime.date
    months: list[model.MonthOutlook]
    backtest: model.Backtest | None
    history: dict[Month, int]
    spread: tuple[float, float, int]
    show_up: float
    show_up_drives: int
    threshold: float
    actions: Actions | None = None

    @property
    def flagged(self) -> list[model.MonthOutlook]:
        return [m for m in self.months if m.flag]

    def as_json(self) -> dict:
        data = {
            "unit": self.unit.code or self.unit.full_name,
            "as_of": self.as_of.isoformat(),
            "months": [m.as_json() for m in self.months],
            "backtest": self.backtest.as_json() if self.backtest else None,
            "unit_name": self.unit.full_name,
            "threshold": self.threshold,
            "show_up_rate": round(self.show_up, 3),
        }
        if self.actions is not None:
            data["actions"] = self.actions.as_json()
        return data


def check_months(count: int) -> None:
    if not 1 <= count <= 24:
        raise OutlookError("Số tháng phải từ 1 đến 24.")


def outlook(
    unit: Unit,
    first: Month,
    count: int,
    *,
    as_of: datetime.date | None = None,
    threshold: float = model.DEFAULT_THRESHOLD,
    with_actions: bool = False,
) -> Outlook:
    check_months(count)
    if not 0 <= threshold < 100:
        raise OutlookError("Ngưỡng cảnh báo phải từ 0 đến dưới 100 (%).")
    as_of = as_of or today()
    paths = reach_paths(unit)
    months = [model.add_months(first, offset) for offset in range(count)]
    history = monthly_history(paths, as_of)
    spread = model.spread(history, as_of)
    rate, drives = show_up(paths, as_of)
    planned = planned_by_month(unit, months, as_of)
    booked = booked_by_month(paths, months, as_of)
    demand = demand_by_month(paths, months)
    rows = [
        model.month_outlook(
            model.forecast(history, as_of, month),
            spread[:2],
            planned=planned.get(month, 0),
            booked=booked.get(month, 0),
            show_up=rate,
            demand=demand.get(month, 0),
            threshold=threshold,
        )
        for month in months
    ]
    result = Outlook(unit, as_of, rows, model.backtest(history, as_of), history, spread, rate, drives, threshold)
    if with_actions:
        flagged = [m.month for m in rows if m.flag]
        result.actions = Actions(
            behind=units_behind(unit, as_of),
            donors=donors_who_may_give(unit, flagged),
            drives=drives_with_room(unit, as_of, flagged[-1]) if flagged else [],
        )
    return result


# --- the office's warning ------------------------------------------------------------------------------


def alert_red_months(result: Outlook) -> int:
    """Tell the unit's standing office (its officers with an e-mail address) of each month the outlook
    flags, once per month and person (the outbox keeps one message per purpose); returns messages queued."""
    if not result.flagged:
        return 0
    officers = list(
        Membership.objects.filter(unit=result.unit, role=Role.OFFICER)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    queued = 0
    for month in result.flagged:
        body = (
            f"Cảnh báo nguồn máu tháng {month.month:%m/%Y} — {result.unit.full_name}: dự kiến tiếp nhận "
            f"{format_int(month.expected)} đơn vị máu ({format_int(month.low)}–{format_int(month.high)}), nhu cầu của "
            f"các cơ sở tiếp nhận {format_int(month.demand)}, thiếu {format_int(-month.gap)}. Xem trang Triển vọng "
            "nguồn máu để biết các đơn vị, người hiến dự bị và đợt hiến máu có thể bù phần thiếu."
        )
        for membership in officers:
            purpose = f"outlook:{result.unit.pk}:{month.month:%Y-%m}:{membership.user_id}"
            _message, created = notify.send("email", membership.user.email, body, purpose)
            queued += int(created)
    return queued


def alert_provinces(as_of: datetime.date, months: int = 6) -> tuple[int, int]:
    """The daily run of the warning: for every province in force with its facilities' need entered, the
    outlook of the months after this one, and its standing office told of each month that turns red (once
    per month and person). Returns (provinces with a red month, messages queued)."""
    check_months(months)
    start = model.add_months(model.month_of(as_of), 1)
    last = model.add_months(start, months - 1)
    red = queued = 0
    for province in Unit.objects.filter(kind=UnitKind.PROVINCE).valid_on(as_of).order_by("code", "pk"):
        if not Need.objects.under(reach_paths(province)).filter(month__gte=start, month__lte=last).exists():
            continue
        result = outlook(province, start, months, as_of=as_of)
        red += int(bool(result.flagged))
        queued += alert_red_months(result)
    return red, queued
