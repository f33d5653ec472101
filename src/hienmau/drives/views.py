"""Staff pages for drives (calendar, drive page, slots, roster, registrant lists, aggregate results)
and the public self-registration page. Check-in lives in checkin_views."""

from __future__ import annotations

import calendar
import datetime
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hienmau.core.clock import today
from hienmau.core.forms import errors_in_one_line
from hienmau.core.ratelimit import rate_limited
from hienmau.core.uploads import forget, stash, stashed
from hienmau.drives import services
from hienmau.drives.forms import (
    AggregateForm,
    DriveForm,
    DriveSearchForm,
    MonthForm,
    PublicRegistrationForm,
    RegistrantListForm,
    RosterForm,
    SlotsForm,
    TypedPeopleFormSet,
    typed_list_text,
)
from hienmau.drives.lib import clashes
from hienmau.drives.lib.registrant_list import ListFormatError, check_lines, read_list
from hienmau.drives.models import Drive, DrivePhase, DriveStatus, RegistrationSource, RosterEntry, TimeSlot
from hienmau.orgs.models import Unit, UnitKind
from hienmau.orgs.scoping import (
    facilities_serving,
    get_visible_or_404,
    may_record_outcomes,
    require_edit,
    require_editable,
    scope_required,
    scoped_units,
)
from hienmau.plans.models import Plan

LIST_SESSION_KEY = "hienmau.registrant_lists"


def _visible(request, pk) -> Drive:
    drives = Drive.objects.visible_to(request.scope).select_related("organiser", "facility", "plan", "bucket")
    return get_visible_or_404(drives, pk)


def _editable(request, pk) -> Drive:
    drive = _visible(request, pk)
    require_editable(
        Drive.objects.editable_by(request.scope), pk, _("Chỉ đơn vị tổ chức mới sửa được đợt hiến máu này.")
    )
    return drive


@scope_required
def drive_calendar(request):
    """Drives by month (?month=2021-07), by week (?view=week&week=2021-07-05) or as the month's list."""
    day = today()
    asked = MonthForm(request.GET)
    valid = asked.is_valid()
    year = (asked.cleaned_data["year"] if valid else None) or day.year
    month = (asked.cleaned_data["month"] if valid else None) or day.month
    view = (asked.cleaned_data.get("view") if valid else None) or "month"
    if not valid:
        messages.error(request, MonthForm.PROBLEM)
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    week_start = None
    if view == "week":
        anchor = (asked.cleaned_data.get("week") if valid else None) or (
            day if (year, month) == (day.year, day.month) else first
        )
        week_start = anchor - datetime.timedelta(days=anchor.weekday())
        first, last = week_start, week_start + datetime.timedelta(days=6)
    drives = services.calendar_drives(request.scope, first, last)
    by_day: dict[datetime.date, list[Drive]] = {}
    for drive in drives:
        by_day.setdefault(drive.date, []).append(drive)
    if week_start is not None:
        weeks = [[week_start + datetime.timedelta(days=i) for i in range(7)]]
        previous, following = week_start - datetime.timedelta(days=7), week_start + datetime.timedelta(days=7)
    else:
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        previous, following = (first - datetime.timedelta(days=1)).replace(day=1), last + datetime.timedelta(days=1)
    return render(
        request,
        "drives/drive_calendar.html",
        {
            "weeks": [[(d, by_day.get(d, []), week_start is not None or d.month == month) for d in w] for w in weeks],
            "drives": drives,
            "month": datetime.date(year, month, 1),
            "first": first,
            "last": last,
            "view": view,
            "previous": previous,
            "following": following,
            "years": list(range(day.year + 1, day.year - 8, -1)),
            "month_numbers": list(range(1, 13)),
            "total_units": sum(d.target_units or 0 for d in drives),
            "can_create": request.scope.can_edit,
        },
        status=200 if valid else 400,
    )


DRIVE_SORTS = {"-date": ("-date", "-start_time"), "date": ("date", "start_time"), "title": ("title",)}
DRIVE_SORTS["organiser"] = ("organiser__name", "-date")


@scope_required
def drive_list(request):
    """Every drive the scope sees, searched (name, place, unit), filtered (period, tình trạng, facility,
    plan, unit) and sorted, fifty a page."""
    scope = request.scope
    units = scoped_units(scope).exclude(kind=UnitKind.NATIONAL).order_by("depth", "name")
    form = DriveSearchForm(
        request.GET or None,
        units=units,
        facilities=Unit.objects.filter(pk__in=Drive.objects.visible_to(scope).values("facility")).order_by("name"),
        plans=Plan.objects.visible_to(scope),
        phases=DrivePhase.choices,
    )
    drives = Drive.objects.visible_to(scope).with_results_flag().select_related("organiser", "facility", "plan")
    sort = "-date"
    if form.is_bound and not form.is_valid():
        messages.error(request, errors_in_one_line(form, "; "))
    elif form.is_bound:
        data = form.cleaned_data
        if data["q"]:
            drives = drives.filter(services.drive_text_filter(data["q"]))
        if data["unit"]:
            unit = data["unit"]
            drives = drives.filter(
                Q(organiser__path__startswith=unit.path) | Q(pk__in=TimeSlot.objects.filter(unit=unit).values("drive"))
            )
        if data["start"]:
            drives = drives.filter(date__gte=data["start"])
        if data["end"]:
            drives = drives.filter(date__lte=data["end"])
        if data["facility"]:
            drives = drives.filter(facility=data["facility"])
        if data["plan"]:
            drives = drives.filter(plan=data["plan"])
        if data["phase"]:
            drives = drives.in_phase(data["phase"], today())
        sort = data["sort"] or sort
    page = Paginator(drives.order_by(*DRIVE_SORTS[sort], "pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "drives/drive_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_create": scope.can_edit, "today": today()},
    )


def _drive_form(request, instance=None):
    return DriveForm(
        request.POST or None,
        instance=instance,
        units=scoped_units(request.scope),
        plans=Plan.objects.visible_to(request.scope),
        facilities=facilities_serving(request.scope),
    )


def _clashes(request, form: DriveForm, exclude_pk: int | None = None) -> services.Clashes | None:
    """A valid form whose drive clashes with others (same site or facility, same day, overlapping hours):
    the form comes back with a warning until the person confirms with "Vẫn lưu" (a warning, not a refusal:
    two drives may share a large site on purpose)."""
    if request.method != "POST" or request.POST.get("confirm_clash") or not form.is_valid():
        return None
    data = form.cleaned_data
    facility = data.get("facility")
    booking = clashes.Booking(
        data["date"], data["start_time"], data.get("end_time"), data["site_name"], facility.pk if facility else None
    )
    return services.clashing_drives(request.scope, booking, exclude_pk) or None


@scope_required
def drive_create(request):
    require_edit(request.scope)
    form = _drive_form(request)
    found = _clashes(request, form)
    if request.method == "POST" and form.is_valid() and not found:
        drive = form.save()
        messages.success(request, _("Đã tạo đợt hiến máu."))
        return redirect("drives:drive_detail", pk=drive.pk)
    return render(request, "drives/drive_form.html", {"form": form, "drive": None, "clashes": found})


@scope_required
def drive_edit(request, pk):
    drive = _editable(request, pk)
    form = _drive_form(request, instance=drive)
    found = _clashes(request, form, drive.pk)
    if request.method == "POST" and form.is_valid() and not found:
        form.save()
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect("drives:drive_detail", pk=drive.pk)
    return render(request, "drives/drive_form.html", {"form": form, "drive": drive, "clashes": found})


@scope_required
def drive_detail(request, pk):
    drive = _visible(request, pk)
    can_edit = Drive.objects.editable_by(request.scope).filter(pk=pk).exists()
    units = scoped_units(request.scope)
    part = services.DrivePart.seen_by(drive, request.scope)  # a participating unit sees its own part only
    quotas = services.quotas(drive, part)
    rows, total = services.results(drive, part)
    return render(
        request,
        "drives/drive_detail.html",
        {
            "drive": drive,
            "can_edit": can_edit,
            # Buttons only for what the user may do: a read-only role would get a 403 behind them.
            "can_send_list": request.scope.can_edit,
            "can_check_in": may_record_outcomes(request.scope, drive),
            "whole": part.whole,
            "quotas": quotas,
            "own_quota": sum(q.quota for q in quotas),
            "slots": part.slots().select_related("unit").annotate(taken=Count("registrations")),
            "roster": drive.roster.select_related("unit"),
            "lists": part.lists().select_related("unit", "submitted_by").order_by("-submitted_at"),
            "results": rows,
            "total": total,
            "collected": services.collected(drive, part),
            # Three forms on one page: distinct id prefixes keep their labels pointing at their own fields.
            "slots_form": SlotsForm(units=units.exclude(pk=drive.organiser_id), auto_id="slots_%s"),
            "roster_form": RosterForm(units=units, auto_id="roster_%s"),
            "aggregate_form": AggregateForm(units=units, auto_id="aggregate_%s"),
            "public_url": request.build_absolute_uri(f"/r/{drive.public_token}/") if drive.public_registration else "",
            "list_units": _list_units(request, drive),
        },
    )


def _list_units(request, drive):
    """Units that may send a list: the drive's participating units within the user's scope."""
    return scoped_units(request.scope).filter(drive_slots__drive=drive).distinct()


def _refused(request, pk: int, form):
    """An inline form of the drive page was refused: the page again, with why, as a 422 (nothing saved)."""
    messages.error(request, errors_in_one_line(form))
    response = drive_detail(request, pk)
    response.status_code = 422
    return response


@scope_required
@require_POST
def slots_create(request, pk):
    drive = _editable(request, pk)
    form = SlotsForm(request.POST, units=scoped_units(request.scope))
    if form.is_valid():
        data = form.cleaned_data
        created = [
            TimeSlot(
                drive=drive, unit=unit, start_time=data["start_time"], end_time=data["end_time"], quota=data["quota"]
            )
            for unit in data["units"]
            if not drive.slots.filter(unit=unit).exists()
        ]
        if data["public"]:
            created.append(
                TimeSlot(
                    drive=drive,
                    unit=None,
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                    quota=data["quota"],
                )
            )
        for slot in created:
            slot.save()
        messages.success(request, _("Đã thêm %(n)s khung giờ.") % {"n": len(created)})
    else:
        return _refused(request, drive.pk, form)
    return redirect("drives:drive_detail", pk=drive.pk)


@scope_required
@require_POST
def roster_add(request, pk):
    drive = _editable(request, pk)
    form = RosterForm(request.POST, units=scoped_units(request.scope))
    if form.is_valid():
        entry = form.save(commit=False)
        entry.drive = drive
        entry.save()
        messages.success(request, _("Đã thêm vào phân công."))
    else:
        return _refused(request, drive.pk, form)
    return redirect("drives:drive_detail", pk=drive.pk)


@scope_required
@require_POST
def roster_delete(request, pk, entry_pk):
    drive = _editable(request, pk)
    get_object_or_404(RosterEntry, pk=entry_pk, drive=drive).delete()
    return redirect("drives:drive_detail", pk=drive.pk)


@scope_required
@require_POST
def aggregate_set(request, pk):
    drive = _editable(request, pk)
    form = AggregateForm(request.POST, units=scoped_units(request.scope))
    if form.is_valid():
        data = form.cleaned_data
        services.set_aggregate(drive, data["unit"], data["donated"], data["deferred"], data["volume_ml"])
        messages.success(request, _("Đã ghi kết quả tổng hợp của %(u)s.") % {"u": data["unit"].full_name})
    else:
        return _refused(request, drive.pk, form)
    return redirect("drives:drive_detail", pk=drive.pk)


# --- registrant lists ----------------------------------------------------------------------------


def _check(path: Path, drive: Drive):
    # The gap since the last donation comes from the list's own column; the registry is matched when the
    # preview shows which record each line joins (_registry_matches).
    return check_lines(read_list(path), drive.date)


@scope_required
def list_submit(request, pk):
    """A unit sends its list: upload or paste, then see every line's verdict, then confirm the valid ones."""
    drive = _visible(request, pk)
    require_edit(request.scope)
    units = _list_units(request, drive)
    if request.method == "POST" and request.POST.get("token"):
        if request.POST.get("cancel"):  # the kept file goes as soon as the user gives up on it
            forget(request, LIST_SESSION_KEY, request.POST["token"])
            return redirect("drives:list_submit", pk=drive.pk)
        return _list_confirm(request, drive, units)
    typed = TypedPeopleFormSet(request.POST or None, prefix="typed")
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and typed.is_valid() and not data.get("text", "").strip() and not request.FILES:
        data["text"] = typed_list_text(typed)
    form = RegistrantListForm(data, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        token, path, name = stash(
            request,
            LIST_SESSION_KEY,
            upload=form.cleaned_data.get("file"),
            text=form.cleaned_data.get("text", ""),
            pasted_name=_("danh sách dán"),
        )
        try:
            result = _check(path, drive)
        except (ListFormatError, ValueError) as exc:
            forget(request, LIST_SESSION_KEY, token)
            form.add_error(None, str(exc))
        else:
            lines = result.lines
            return render(
                request,
                "drives/list_preview.html",
                {
                    "drive": drive,
                    "unit": form.cleaned_data["unit"],
                    "lines": lines,
                    "token": token,
                    "source_name": name,
                    "matches": _registry_matches(lines, request.scope),
                    "recruiters": _recruiters(lines, request.scope),
                    "with_recruiter": any(line.recruiter or line.recruiter_cccd for line in lines),
                    "places": _placements(lines, drive),
                    "with_address": any(line.address for line in lines),
                    "valid": [line for line in lines if line.verdict == "ok"],
                    "late": services._is_late(drive),
                },
            )
    return render(request, "drives/list_form.html", {"form": form, "drive": drive, "typed": typed})


def _registry_matches(lines, scope) -> dict:
    """For each valid line, what confirming does with it (linked to an in-scope record, a transfer request,
    a new record to review, a new record), so a person can untick a wrong one. Records outside the scope
    are never named."""
    valid = [line for line in lines if line.verdict == "ok"]
    people = {
        line.line: services.Person(
            full_name=line.name, date_of_birth=line.date_of_birth, cccd=line.cccd, phone=line.phone or ""
        )
        for line in valid
    }
    lookup = services._lookup(scope, list(people.values()))
    return {number: lookup.match(*person.keys()) for number, person in people.items()}


def _recruiters(lines, scope) -> dict:
    """Line → the scope's record of the recruiter its CCCD names, or None (shown as not linked)."""
    found = services.recruiters_in_scope(scope, (line.recruiter_cccd for line in lines))
    return {line.line: found.get(line.recruiter_cccd) for line in lines if line.recruiter_cccd}


def _placements(lines, drive: Drive) -> dict:
    """Line → (today's commune or None, note): where confirming puts each new person's written address."""
    people = {line.line: services.Person(full_name=line.name, address=line.address) for line in lines if line.address}
    services.place_addresses(people.values(), drive.organiser)
    return {number: (person.commune, person.place_note) for number, person in people.items()}


def _list_confirm(request, drive: Drive, units):
    path, source_name = stashed(request, LIST_SESSION_KEY, request.POST["token"])
    unit = get_object_or_404(units, pk=request.POST.get("unit") or 0)
    try:
        result = _check(path, drive)
    except (ListFormatError, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("drives:list_submit", pk=drive.pk)
    chosen = {int(n) for n in request.POST.getlist("line") if n.isdecimal()}
    people = [
        (
            line.line,
            services.Person(
                full_name=line.name,
                date_of_birth=line.date_of_birth,
                sex=line.sex or "",
                cccd=line.cccd,
                phone=line.phone or "",
                abo=line.abo or "",
                rh=line.rh or "",
                address=line.address,
                recruiter_cccd=line.recruiter_cccd,
            ),
            line.kind or "direct",
        )
        for line in result.lines
        if line.verdict == "ok" and line.line in chosen
    ]
    services.place_addresses([person for _line, person, _kind in people], drive.organiser)
    if not people:
        messages.error(request, _("Không có dòng hợp lệ nào được chọn; không lưu gì."))
        return redirect("drives:list_submit", pk=drive.pk)
    try:
        outcome = services.submit_list(drive, unit, people, request.user, source_name=source_name, scope=request.scope)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("drives:list_submit", pk=drive.pk)
    forget(request, LIST_SESSION_KEY, request.POST["token"])
    note = _(" (nộp muộn)") if outcome.registrant_list.late else ""
    messages.success(
        request, _("Đã nhận %(n)s người của %(u)s%(late)s.") % {"n": outcome.created, "u": unit.full_name, "late": note}
    )
    if outcome.transfers:
        messages.info(
            request,
            _(
                "Các dòng %(lines)s có số CCCD đã được đăng ký ở nơi khác: đã gửi yêu cầu chuyển hồ sơ; "
                "các dòng này chờ quyết định (xem mục Cần xem xét; hãy liên hệ %(units)s)."
            )
            % {"lines": ", ".join(map(str, outcome.transfers)), "units": ", ".join(sorted(outcome.ask))},
        )
    if outcome.recruiters_unmatched:
        messages.warning(
            request,
            _(
                "Các dòng %(lines)s ghi người vận động có số CCCD không có trong sổ người hiến máu của đơn vị: "
                "chưa ghi nhận người vận động cho các dòng này (người vận động chỉ được gắn theo số CCCD)."
            )
            % {"lines": ", ".join(map(str, outcome.recruiters_unmatched))},
        )
    if outcome.skipped:
        messages.info(
            request,
            _("Các dòng %(lines)s đã đăng ký đợt này từ trước, không thêm lại.")
            % {"lines": ", ".join(map(str, outcome.skipped))},
        )
    return redirect("drives:drive_detail", pk=drive.pk)


# --- public self-registration --------------------------------------------------------------------


@rate_limited("HIENMAU_RATE_SELF_REGISTRATION", methods=("POST",))
def public_register(request, token):
    drive = get_object_or_404(Drive, public_token=token, public_registration=True)
    slots = list(drive.slots.filter(unit__isnull=True).annotate(taken=Count("registrations")))
    options = [
        (
            slot,
            f"{slot.start_time:%H:%M}–{slot.end_time:%H:%M} ("
            + _("còn %(n)s chỗ") % {"n": max(slot.quota - slot.taken, 0)}
            + ")",
        )
        for slot in slots
        if slot.taken < slot.quota
    ]
    form = PublicRegistrationForm(request.POST or None, slots=options, drive=drive)
    registration = None
    closed = drive.status == DriveStatus.CLOSED or drive.date < today()
    if request.method == "POST" and form.is_valid() and not closed:
        data = form.cleaned_data
        slot = next(s for s, _label in options if str(s.pk) == data["slot"])
        person = services.Person(
            full_name=" ".join(data["full_name"].split()),
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            phone=data["phone"],
            consent=data["consent"],
            address=" ".join(data["address"].split()),
        )
        services.place_addresses([person], drive.organiser)
        try:
            registration = services.take_slot(drive, slot, person, kind=data["kind"], source=RegistrationSource.SELF)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
    response = render(
        request,
        "drives/public_register.html",
        {
            "drive": drive,
            "form": form,
            "registration": registration,
            "full": not options,
            "past": closed,
            "qr": _qr_svg(registration.qr_token) if registration else "",
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _qr_svg(text: str) -> str:
    import segno

    return segno.make(text, error="m").svg_inline(scale=5, dark="#1f2430")
