"""Staff pages for emergency call-outs: requests (raise, ranked candidates with reasons, waves, answers),
club rosters (kept by officers of the scope and by the club's chair, who may hold no other role) and the
figures (time to fill, answer rates per club). Every record comes through orgs/scoping.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hienmau.core import clock
from hienmau.donors.models import Donor, is_number_query
from hienmau.jobs import exports as export_jobs
from hienmau.jobs.models import JobKind
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import (
    editable_clubs,
    editable_emergency_requests,
    facilities_serving,
    get_visible_or_404,
    scope_required,
    scoped_units,
    unit_scope,
    visible_clubs,
    visible_emergency_requests,
)
from hienmau.standby import services
from hienmau.standby.forms import AnswerForm, ClubForm, EmergencyRequestForm, MemberAddForm, MemberForm
from hienmau.standby.matching import match
from hienmau.standby.models import Call, Club, ClubMember, EmergencyRequest, RequestStatus, Urgency


def _requests(scope):
    return visible_emergency_requests(EmergencyRequest.objects.all(), scope).select_related("facility", "office")


@scope_required
def request_list(request):
    scope = request.scope
    figures = services.request_figures(_requests(scope)[:200])
    return render(
        request,
        "standby/request_list.html",
        {"figures": figures, "can_raise": scope.can_edit},
    )


@scope_required
def request_new(request):
    scope = request.scope
    if not scope.can_edit:
        raise PermissionDenied(_("Bạn chỉ xem được; chỉ cán bộ phụ trách hoặc nhân viên cơ sở mới tạo yêu cầu."))
    facilities = (facilities_serving(scope) | Unit.objects.filter(pk=scope.unit.pk)).distinct().order_by("name")
    form = EmergencyRequestForm(request.POST or None, facilities=facilities, initial={"facility": scope.unit.pk})
    if request.method == "POST" and form.is_valid():
        emergency = form.save(commit=False)
        emergency.office = scope.unit
        emergency.created_by = request.user
        emergency.save()
        messages.success(request, _("Đã tạo yêu cầu máu gấp. Xem danh sách người phù hợp và gọi đợt đầu."))
        return redirect("standby:request_detail", emergency.pk)
    return render(request, "standby/request_form.html", {"form": form})


def _request_scope(emergency: EmergencyRequest):
    """Donors are matched in the scope of the office that raised the request (the facility's otherwise)."""
    return unit_scope(emergency.office or emergency.facility)


@scope_required
def request_detail(request, pk: int):
    scope = request.scope
    emergency = get_visible_or_404(_requests(scope), pk)
    on = clock.today()
    can_call = editable_emergency_requests(EmergencyRequest.objects.filter(pk=pk), scope).exists()
    calls = list(emergency.calls.select_related("donor").order_by("wave", "at", "pk"))
    called = {c.donor_id for c in calls}
    result = match(
        _request_scope(emergency),
        (emergency.abo, emergency.rh),
        emergency.component,
        emergency.units,
        on,
        emergency.facility,
        emergency.urgency == Urgency.URGENT,
    )
    candidates = [c for c in result.candidates if c.donor_id not in called][:50]
    waiting = services.waiting(emergency, clock.now()).count()
    return render(
        request,
        "standby/request_detail.html",
        {
            "emergency": emergency,
            "candidates": candidates,
            "candidate_count": len(result.candidates) - len(called & {c.donor_id for c in result.candidates}),
            "calls": calls,
            "accepted": services.accepted(emergency),
            "waiting": waiting,
            "can_call": can_call and emergency.status == RequestStatus.OPEN,
            "answer_form": AnswerForm(),
            "is_open": emergency.status == RequestStatus.OPEN,
        },
    )


def _editable_request(request, pk: int) -> EmergencyRequest:
    scope = request.scope
    emergency = get_visible_or_404(_requests(scope), pk)
    if not editable_emergency_requests(EmergencyRequest.objects.filter(pk=pk), scope).exists():
        raise PermissionDenied(_("Bạn chỉ xem được yêu cầu này."))
    return emergency


@require_POST
@scope_required
def request_wave(request, pk: int):
    emergency = _editable_request(request, pk)
    calls = services.call_next_wave(emergency, _request_scope(emergency), clock.today())
    if calls:
        messages.success(
            request, _("Đã gửi tin gọi %(n)s người (đợt %(wave)s).") % {"n": len(calls), "wave": calls[0].wave}
        )
    else:
        messages.info(
            request,
            _("Không gọi thêm ai: đã đủ người nhận lời, còn người đang chờ trả lời, hoặc không còn ai phù hợp."),
        )
    return redirect("standby:request_detail", pk)


@require_POST
@scope_required
def request_cancel(request, pk: int):
    emergency = _editable_request(request, pk)
    services.cancel(emergency)
    messages.success(request, _("Đã huỷ yêu cầu."))
    return redirect("standby:request_detail", pk)


@require_POST
@scope_required
def call_answer(request, pk: int):
    call = get_visible_or_404(
        Call.objects.filter(request__in=visible_emergency_requests(EmergencyRequest.objects.all(), request.scope)), pk
    )
    _editable_request(request, call.request_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn một kết quả cuộc gọi."))
    else:
        emergency = services.record_answer(call, form.cleaned_data["outcome"])
        if emergency.status == RequestStatus.FILLED:
            messages.success(request, _("Đã đủ người nhận lời: yêu cầu đã đóng."))
    return redirect("standby:request_detail", call.request_id)


@scope_required
def report(request):
    scope = request.scope
    requests = _requests(scope)
    clubs = visible_clubs(Club.objects.all(), scope, request.user)
    return render(
        request,
        "standby/report.html",
        {"figures": services.request_figures(requests[:200]), "clubs": services.club_figures(clubs, requests)},
    )


# --- clubs ---------------------------------------------------------------------------------------


def _scope(request):
    """The user's scope, or None for a user with no role (a club chair may have none)."""
    return request.scope if request.scope else None


def _clubs(request):
    return visible_clubs(Club.objects.all(), _scope(request), request.user).select_related("unit", "chair")


def _may_edit_club(request, club: Club) -> bool:
    return editable_clubs(Club.objects.filter(pk=club.pk), _scope(request), request.user).exists()


@login_required
def club_list(request):
    clubs = _clubs(request)
    if _scope(request) is None and not clubs.exists():
        raise PermissionDenied(_("Tài khoản chưa được phân quyền ở đơn vị nào."))
    return render(
        request,
        "standby/club_list.html",
        {"clubs": clubs.order_by("name"), "can_create": bool(request.scope) and request.scope.can_edit},
    )


@login_required
def club_new(request):
    scope = _scope(request)
    if scope is None or not scope.can_edit:
        raise PermissionDenied(_("Chỉ cán bộ phụ trách mới lập câu lạc bộ."))
    form = ClubForm(request.POST or None, units=scoped_units(scope).current().order_by("depth", "name"))
    if request.method == "POST" and form.is_valid():
        club = form.save()
        messages.success(request, _("Đã lập câu lạc bộ."))
        return redirect("standby:club_detail", club.pk)
    return render(request, "standby/club_form.html", {"form": form})


@login_required
def club_detail(request, pk: int):
    club = get_visible_or_404(_clubs(request), pk)
    can_edit = _may_edit_club(request, club)
    return render(
        request,
        "standby/club_detail.html",
        {
            "club": club,
            "lines": services.roster(club, clock.today()),
            "can_edit": can_edit,
            "add_form": MemberAddForm() if can_edit else None,
        },
    )


@require_POST
@login_required
def member_add(request, pk: int):
    club = get_visible_or_404(_clubs(request), pk)
    if not _may_edit_club(request, club):
        raise PermissionDenied(_("Chỉ chủ nhiệm hoặc cán bộ phụ trách mới sửa danh sách."))
    form = MemberAddForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["number"].strip()
        # A chair finds people in the club's unit; an officer in their scope. Only by number: never by name.
        scope = _scope(request) or unit_scope(club.unit)
        if not is_number_query(number):
            form.add_error("number", _("Nhập đủ 12 số CCCD hoặc số điện thoại di động."))
        else:
            found = list(Donor.objects.active().visible_to(scope).search(number)[:2])
            if len(found) != 1:
                form.add_error(
                    "number",
                    _("Không tìm thấy người hiến có số “%(n)s” trong danh sách của đơn vị.") % {"n": number}
                    if not found
                    else _("Số này khớp nhiều hồ sơ; hãy nhập số CCCD."),
                )
            else:
                try:
                    services.add_member(club, found[0], form.cleaned_data["joined_on"], form.cleaned_data["channel"])
                except services.RosterError as exc:
                    form.add_error("number", str(exc))
                else:
                    messages.success(request, _("Đã thêm %(name)s vào câu lạc bộ.") % {"name": found[0].full_name})
                    return redirect("standby:club_detail", club.pk)
    return render(
        request,
        "standby/club_detail.html",
        {"club": club, "lines": services.roster(club, clock.today()), "can_edit": True, "add_form": form},
        status=400,
    )


@login_required
def member_edit(request, pk: int):
    member = get_visible_or_404(ClubMember.objects.filter(club__in=_clubs(request)).select_related("club", "donor"), pk)
    if not _may_edit_club(request, member.club):
        raise PermissionDenied(_("Chỉ chủ nhiệm hoặc cán bộ phụ trách mới sửa danh sách."))
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu."))
        return redirect("standby:club_detail", member.club_id)
    return render(request, "standby/member_form.html", {"form": form, "member": member})


@login_required
def club_export(request, pk: int):
    """The roster as .xlsx for the chair's phone list: the numbers in full, so every export is logged as a
    reveal of each member's phone. A long roster is made by the background worker."""
    return export_jobs.respond(request, JobKind.CLUB_LIST, {"club": pk})
