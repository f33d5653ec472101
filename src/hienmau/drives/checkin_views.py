"""Check-in on the day of a drive, its offline support, the result sheet and the facility's donor list.

The page is used on a phone or laptop at the site. Outcomes are never posted by a form: the page's
outbox (static/drives/checkin.js) queues each one in the browser with an id it made itself and sends it
to `checkin_outcome`, again and again until the server answers, so an outcome recorded offline is sent
once the network is back and a re-sent one is recorded once (services.record_outcome).
"""

from __future__ import annotations

import functools
import json
import re
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from hienmau.core.lib.documents import XLSX_MIME
from hienmau.core.lib.text import fold
from hienmau.core.middleware import redo_on_fault
from hienmau.donors.models import Component, Donor, name_word_condition
from hienmau.donors.recording import FutureVisit, NotEligible
from hienmau.donors.registry import transfer_notice
from hienmau.drives import result_sheets, services
from hienmau.drives.checkin_forms import VOLUMES, CheckInOutcomeForm, WalkInForm
from hienmau.drives.models import CheckInEvent, Drive, DriveStatus, RegistrationStatus
from hienmau.drives.services import DriveNotStarted
from hienmau.jobs import exports as export_jobs
from hienmau.jobs.models import JobKind
from hienmau.orgs.scoping import get_visible_or_404, may_record_outcomes, scope_required

RESULTS_SHOWN = 50
SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "drives" / "sw.js"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,24}")


# --- access ----------------------------------------------------------------------------------------


def _visible_drive(request, pk: int) -> Drive:
    """The drive if the scope sees it (organiser, a unit with a slot, or the collecting facility); else 404."""
    return get_visible_or_404(Drive.objects.visible_to(request.scope).select_related("organiser", "facility"), pk)


def _checkin_drive(request, pk: int) -> Drive:
    """404 when the drive is not visible, 403 when the user may not record outcomes at it."""
    drive = _visible_drive(request, pk)
    if not may_record_outcomes(request.scope, drive):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận kết quả ở đợt hiến máu này."))
    return drive


def _json_error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message, **extra}, status=status)


def _json_endpoint(view):
    """For the page's fetch() calls: errors come back as JSON with a Vietnamese message, never as a login
    redirect, so the outbox can tell "keep it and retry" (401, 403, 5xx) from "refused" (400, 404, 409, 422)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _json_error(
                401, _("Phiên đăng nhập đã hết hạn: hãy đăng nhập lại; kết quả chờ gửi vẫn được giữ trên máy.")
            )
        if not request.scope:
            return _json_error(403, _("Tài khoản chưa được phân quyền ở đơn vị nào."))
        redo_on_fault(request, _("Kết quả vẫn được giữ trên máy và sẽ được gửi lại khi kết nối ổn định."))
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _json_error(404, _("Không tìm thấy đợt hiến máu."))
        except PermissionDenied:
            return _json_error(403, _("Bạn không có quyền ghi nhận kết quả ở đợt hiến máu này."))

    return wrapped


# --- search ----------------------------------------------------------------------------------------


def token_from_scan(text: str) -> str:
    """The QR token in what a scanner typed: the token itself, or the last part of a link that ends with it."""
    text = (text or "").strip()
    if any(ch in text for ch in "/?=#"):
        parts = [p for p in re.split(r"[/?=&#]", text) if p]
        text = parts[-1] if parts else ""
    return text if TOKEN.fullmatch(text) else ""


def search_registrations(drive: Drive, text: str):
    """The drive's registrants by QR token, phone or CCCD (through the donor registry), or name without
    diacritics (each word starts a word of the name). No text: those not checked in yet."""
    registrations = drive.registrations.select_related("unit").order_by(
        "donor__given_name_folded", "donor__name_folded", "pk"
    )
    text = (text or "").strip()
    if not text:
        return registrations.filter(status=RegistrationStatus.REGISTERED)
    token = token_from_scan(text)
    if token and registrations.filter(qr_token=token).exists():
        return registrations.filter(qr_token=token)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 9:
        return registrations.filter(donor__in=Donor.objects.search(text).values("pk"))
    for word in fold(text).split():
        registrations = registrations.filter(name_word_condition(word, prefix="donor__"))
    return registrations


# --- the page --------------------------------------------------------------------------------------


def _counter_context(drive: Drive, part: services.DrivePart | None = None) -> dict:
    rows, total = services.results(drive, part)
    collected = services.collected(drive, part)
    whole = part is None or part.whole
    percent = round(collected * 100 / drive.target_units) if drive.target_units and whole else None
    return {
        "drive": drive,
        "collected": collected,
        "unit_rows": rows,
        "total": total,
        "percent": percent,
        "whole": whole,
    }


def _js_config(request, drive: Drive) -> dict:
    page = reverse("drive_checkin:checkin", args=[drive.pk])
    return {
        "drive": drive.pk,
        "urls": {
            "page": page,
            "outcome": reverse("drive_checkin:checkin_outcome", args=[drive.pk]),
            "snapshot": reverse("drive_checkin:checkin_snapshot", args=[drive.pk]),
            "counter": reverse("drive_checkin:checkin_counter", args=[drive.pk]),
            "sw": reverse("drive_checkin:checkin_sw") + "?" + urlencode({"static": urlsplit(settings.STATIC_URL).path}),
        },
        "statuses": {value: str(label) for value, label in RegistrationStatus.choices},
        "components": {value: str(label) for value, label in Component.choices},
        "strings": {
            "pending": _("chờ gửi"),
            "sending": _("đang gửi"),
            "refused": _("không được nhận"),
            "online": _("Đang có mạng. Kết quả được gửi ngay."),
            "offline": _("Mất mạng: kết quả được lưu trên máy này và tự gửi khi có mạng lại."),
            "retry": _("Chưa gửi được, sẽ thử lại sau %(s)s giây."),
            "login": _("Phiên đăng nhập đã hết hạn: đăng nhập lại ở thẻ khác, kết quả chờ gửi vẫn được giữ."),
            "dismiss": _("Bỏ qua"),
            "notFound": _("Không tìm thấy mã này trong danh sách đợt hiến máu."),
            "none": _("Không tìm thấy ai."),
            "alreadyDonated": _("Người này đã được ghi nhận hiến máu ở đợt này."),
            "closeWithPending": _("Máy này còn %(n)s kết quả chờ gửi. Vẫn kết thúc đợt?"),
            "confirmClose": _("Kết thúc đợt: mọi người chưa có kết quả sẽ được ghi là không đến. Tiếp tục?"),
            "cameraError": _("Không mở được máy ảnh."),
            "needReason": _("Ghi lý do tạm hoãn."),
            "needOverride": _("Khi bác sĩ cho phép hiến, ghi cả tên bác sĩ và lý do cho phép."),
            "override": _("Bác sĩ cho phép hiến…"),
            "correct": _("Sửa kết quả đã ghi"),
            "badDate": _("Ngày tạm hoãn không hợp lệ: ghi theo dạng dd/mm/yyyy."),
            "donated": _("Đã hiến"),
            "deferred": _("Tạm hoãn"),
            "no_show": _("Không đến"),
            "more": _("Còn %(n)s người nữa: gõ tên để tìm."),
        },
    }


def _page(request, drive: Drive, walk_in_form: WalkInForm | None = None, query: str = "", status: int = 200):
    registrations = search_registrations(drive, query)
    context = {
        **_counter_context(drive),
        "registrations": registrations[:RESULTS_SHOWN],
        "result_count": registrations.count(),
        "query": query,
        "walk_in_form": walk_in_form or WalkInForm(drive=drive),
        "components": Component.choices,
        "volumes": VOLUMES,
        "config": _js_config(request, drive),
        "is_closed": drive.status == DriveStatus.CLOSED,
    }
    return render(request, "drives/checkin/page.html", context, status=status)


@scope_required
@require_GET
def checkin(request, pk):
    drive = _checkin_drive(request, pk)
    query = request.GET.get("q", "").strip()
    if not request.htmx:
        return _page(request, drive, query=query)
    registrations = search_registrations(drive, query)
    return render(
        request,
        "drives/checkin/_results.html",
        {
            "registrations": registrations[:RESULTS_SHOWN],
            "result_count": registrations.count(),
            "query": query,
        },
    )


@scope_required
@require_GET
def checkin_counter(request, pk):
    """htmx fragment, polled every few seconds: collected against the target, in total and by unit."""
    drive = _visible_drive(request, pk)
    part = services.DrivePart.seen_by(drive, request.scope)  # a participating unit counts its own only
    return render(request, "drives/checkin/_counter.html", _counter_context(drive, part))


@scope_required
@require_GET
def checkin_snapshot(request, pk):
    """The registrant list as the page keeps it for searching offline: no CCCD, no phone number."""
    drive = _checkin_drive(request, pk)
    no_unit = _("Tự đăng ký / đến trực tiếp")
    registrations = [
        {
            "id": r.pk,
            "token": r.qr_token,
            "name": r.full_name,
            "folded": " " + fold(r.full_name),
            "unit": r.unit.full_name if r.unit_id else no_unit,
            "unit_id": r.unit_id,
            "kind": r.kind,
            "kind_label": r.get_kind_display(),
            "status": r.status,
        }
        for r in drive.registrations.select_related("unit").order_by("pk")
    ]
    response = JsonResponse(
        {"drive": drive.pk, "title": drive.title, "at": int(time.time()), "registrations": registrations}
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@_json_endpoint
@require_POST
def checkin_outcome(request, pk):
    """One outcome from the outbox. JSON (or form) in; {"ok", "duplicate", "status"} or an error out."""
    drive = _checkin_drive(request, pk)
    data = _posted_data(request)
    if data is None:
        return _json_error(400, _("Dữ liệu gửi lên không đọc được."))
    form = CheckInOutcomeForm(data)
    if not form.is_valid():
        return _json_error(400, form.first_error())
    registration = form.registration_in(drive)
    if registration is None:
        return _json_error(404, _("Không tìm thấy người đăng ký này trong đợt hiến máu."))
    event_id = form.cleaned_data["client_event_id"]
    try:
        event, created = services.record_outcome(registration, form.check_in(), event_id, request.user)
    except IntegrityError:
        # Another device recorded this event id at the same moment: its outcome stands, this one is
        # rolled back whole. The same person again is that outcome; someone else is a conflict.
        event = CheckInEvent.objects.filter(client_event_id=event_id).first()
        if event is None:
            raise
        created = False
    except NotEligible as exc:
        # The page shows the reasons and offers to send it again with a physician's permission.
        return _json_error(422, exc.messages[0], reasons=exc.reasons, override=True)
    except (DriveNotStarted, FutureVisit) as exc:
        return _json_error(422, exc.messages[0])
    except services.OutcomeConflict as exc:
        registration.refresh_from_db(fields=["status"])
        return _json_error(409, exc.messages[0], correction=registration.status == RegistrationStatus.DEFERRED)
    except ValidationError as exc:
        return _json_error(400, exc.messages[0])
    if event.registration_id != registration.pk:
        return _json_error(409, _("Mã sự kiện này đã được dùng cho một người khác."))
    registration.refresh_from_db(fields=["status"])
    return JsonResponse(
        {
            "ok": True,
            "duplicate": not created,
            "status": registration.status,
            "status_label": registration.get_status_display(),
            "registration": registration.pk,
            "at": int(time.time()),
        }
    )


def _posted_data(request) -> dict | None:
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {key: "" if value is None else value for key, value in data.items()}


@scope_required
@require_POST
def checkin_walk_in(request, pk):
    """Someone who came without being on a list: find or create their record and register them."""
    drive = _checkin_drive(request, pk)
    form = WalkInForm(request.POST, drive=drive)
    if not form.is_valid():
        if request.htmx:
            return render(request, "drives/checkin/_walk_in.html", {"walk_in_form": form, "drive": drive})
        return _page(request, drive, walk_in_form=form, status=422)
    before = drive.registrations.count()
    registration = services.walk_in(
        drive, form.person(), form.cleaned_data["unit"], scope=request.scope, user=request.user
    )
    added = drive.registrations.count() > before
    if registration.transfer_id and not registration.donor_id:
        notice = transfer_notice(registration.transfer)
    elif added:
        notice = _("Đã thêm %(name)s vào danh sách.") % {"name": registration.full_name}
    else:
        notice = _("%(name)s đã có trong danh sách đợt này.") % {"name": registration.full_name}
    if request.htmx:
        return render(
            request,
            "drives/checkin/_walk_in.html",
            {
                "walk_in_form": WalkInForm(drive=drive),
                "drive": drive,
                "added": registration,
                "notice": notice,
            },
        )
    messages.success(request, notice)
    return redirect("drive_checkin:checkin", pk=drive.pk)


@require_GET
def checkin_service_worker(request):
    """The service worker, served under /drives/ so that it may control each drive's check-in page."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    response["Cache-Control"] = "no-cache"
    return response


# --- results and closing ---------------------------------------------------------------------------


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@scope_required
@require_GET
def result_sheet(request, pk, fmt):
    drive = _visible_drive(request, pk)
    makers = {
        "xlsx": (result_sheets.result_sheet_xlsx, XLSX_MIME),
        "pdf": (result_sheets.result_sheet_pdf, "application/pdf"),
    }
    if fmt not in makers:
        raise Http404
    make, content_type = makers[fmt]
    part = services.DrivePart.seen_by(drive, request.scope)
    return _download(make(drive, part), content_type, f"ket-qua-dot-hien-mau-{drive.date:%Y%m%d}-{drive.pk}.{fmt}")


@scope_required
@require_GET
def facility_list(request, pk):
    """Names, years of birth and sexes of everyone registered: for those who record outcomes only. A long
    list is made by the background worker (hienmau.jobs.exports)."""
    return export_jobs.respond(request, JobKind.REGISTRANT_LIST, {"drive": pk})


@scope_required
@require_POST
def drive_close(request, pk):
    drive = _checkin_drive(request, pk)
    missing = services.close_drive(drive)
    messages.success(
        request,
        ngettext(
            "Đã kết thúc đợt hiến máu; %(n)d người chưa có kết quả được ghi là không đến.",
            "Đã kết thúc đợt hiến máu; %(n)d người chưa có kết quả được ghi là không đến.",
            missing,
        )
        % {"n": missing},
    )
    return redirect("drive_checkin:checkin", pk=drive.pk)
