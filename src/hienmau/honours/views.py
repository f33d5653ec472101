"""Honour rounds (proposals, review, approval, the list and certificates), old lists imported and the rows
waiting for an officer to choose the donor, and the local tiers. Every query goes through the scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hienmau.core.clock import today
from hienmau.core.lib.text import fold
from hienmau.core.uploads import save_upload
from hienmau.donors.models import Donor
from hienmau.honours import services
from hienmau.honours.forms import ApproveForm, LocalTierForm, PastImportForm, RoundForm
from hienmau.honours.importer import PastImportError, import_past
from hienmau.honours.lib.tiers import rules
from hienmau.honours.models import Honour, HonourStatus, LocalTier, MatchStatus, Occasion, PastImport
from hienmau.jobs import exports as export_jobs
from hienmau.jobs.models import JobKind
from hienmau.orgs.scoping import get_visible_or_404, require_edit, scope_queryset, scope_required


def _round(request, pk):
    return get_visible_or_404(services.visible_rounds(request.scope), pk)


def _editable_round(request, pk):
    honour_round = _round(request, pk)
    require_edit(request.scope)
    if not services.may_edit_round(request.scope, honour_round):
        raise Http404
    return honour_round


def _waiting(scope):
    return scope_queryset(Honour.objects.filter(match=MatchStatus.REVIEW, donor__isnull=True), scope, "owner")


@scope_required
def round_list(request):
    scope = request.scope
    rounds = services.visible_rounds(scope).annotate(
        proposed=Count("honours", filter=Q(honours__status=HonourStatus.PROPOSED)),
        honoured=Count("honours", filter=Q(honours__status=HonourStatus.APPROVED)),
    )
    on = today()
    form = RoundForm(initial={"occasion": Occasion.JUNE_14, "cutoff": on.replace(month=6, day=14)})
    return render(
        request,
        "honours/round_list.html",
        {
            "rounds": rounds,
            "form": form if scope.can_edit else None,
            "waiting": _waiting(scope).count(),
            "imports": scope_queryset(PastImport.objects.all(), scope)[:10],
        },
    )


@scope_required
@require_POST
def round_create(request):
    require_edit(request.scope)
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chưa tạo được đợt tôn vinh: hãy ghi ngày chốt số lần hiến."))
        return redirect("honours:round_list")
    data = form.cleaned_data
    honour_round = services.create_round(
        request.scope.unit, data["occasion"], data["cutoff"], request.user, data["title"]
    )
    messages.success(
        request,
        _("Đã lập danh sách: %(n)s đề xuất (người hiến máu, gia đình, người vận động, tập thể).")
        % {"n": honour_round.honours.count()},
    )
    return redirect("honours:round_detail", pk=honour_round.pk)


@scope_required
def round_detail(request, pk):
    honour_round = _round(request, pk)
    honours = list(honour_round.honours.select_related("donor", "donor__commune").order_by("tier", "name"))
    keys = sorted({(services.SUBJECT_ORDER.index(h.subject), h.tier) for h in honours})
    groups = [
        (
            services.SUBJECT_ORDER[order],
            tier,
            [h for h in honours if h.subject == services.SUBJECT_ORDER[order] and h.tier == tier],
        )
        for order, tier in keys
    ]
    return render(
        request,
        "honours/round_detail.html",
        {
            "round": honour_round,
            "groups": groups,
            "proposed": sum(1 for h in honours if h.status == HonourStatus.PROPOSED),
            "excluded": sum(1 for h in honours if h.status == HonourStatus.EXCLUDED),
            "honoured": sum(1 for h in honours if h.status == HonourStatus.APPROVED),
            "can_edit": services.may_edit_round(request.scope, honour_round),
            "approve_form": ApproveForm(initial={"decision_date": today()}),
        },
    )


@scope_required
@require_POST
def round_refresh(request, pk):
    honour_round = _editable_round(request, pk)
    try:
        changes = services.refresh_round(honour_round)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("Đã tính lại: thêm %(a)s, cập nhật %(c)s, bỏ %(r)s đề xuất.")
            % {"a": changes.added, "c": changes.changed, "r": changes.removed},
        )
    return redirect("honours:round_detail", pk=pk)


@scope_required
@require_POST
def honour_toggle(request, pk, honour_pk):
    honour_round = _editable_round(request, pk)
    honour = get_visible_or_404(honour_round.honours.all(), honour_pk)
    try:
        services.set_excluded(honour, request.POST.get("exclude") == "1", request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("honours:round_detail", pk=pk)


@scope_required
@require_POST
def round_approve(request, pk):
    honour_round = _editable_round(request, pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            n = services.approve_round(
                honour_round, request.user, form.cleaned_data["decision_number"], form.cleaned_data["decision_date"]
            )
            messages.success(request, _("Đã duyệt danh sách: %(n)s được tôn vinh.") % {"n": n})
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    else:
        messages.error(request, _("Ngày quyết định không hợp lệ."))
    return redirect("honours:round_detail", pk=pk)


@scope_required
def round_export(request, pk, kind):
    """The approved list (PDF, .xlsx) or its certificates; a long list is made by the background worker."""
    honour_round = _round(request, pk)
    if honour_round.is_draft:
        messages.error(request, _("Hãy duyệt danh sách trước khi in."))
        return redirect("honours:round_detail", pk=pk)
    return export_jobs.respond(request, JobKind.HONOUR_LIST, {"round": honour_round.pk, "kind": kind})


# --- old lists ---------------------------------------------------------------------------------------


@scope_required
def past_import(request):
    require_edit(request.scope)
    form = PastImportForm(request.POST or None, request.FILES or None)
    findings, result, dry_run = [], None, False
    if request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        target = save_upload(form.cleaned_data["file"])
        try:
            result = import_past(target, request.scope.unit, request.scope, request.user, dry_run=dry_run)
            if not dry_run:
                messages.success(request, result.summary())
        except PastImportError as exc:
            findings = exc.findings
        finally:
            target.unlink(missing_ok=True)
    return render(
        request,
        "honours/past_import.html",
        {"form": form, "findings": findings, "result": result, "dry_run": dry_run},
    )


def _candidates_for(scope, honour: Honour):
    """Donors of the scope with the row's name and birth date (or birth year)."""
    donors = Donor.objects.active().visible_to(scope).filter(name_folded=fold(" ".join(honour.name.split())))
    if honour.date_of_birth:
        donors = donors.filter(date_of_birth=honour.date_of_birth)
    elif honour.birth_year:
        donors = donors.filter(date_of_birth__year=honour.birth_year)
    else:
        return Donor.objects.none()
    return donors.select_related("commune", "workplace")[:20]


@scope_required
def review(request):
    scope = request.scope
    waiting = list(_waiting(scope).select_related("owner", "past_import").order_by("year", "name")[:200])
    return render(
        request,
        "honours/review.html",
        {"rows": [(h, list(_candidates_for(scope, h))) for h in waiting], "can_edit": scope.can_edit},
    )


@scope_required
@require_POST
def review_choose(request, honour_pk):
    scope = request.scope
    require_edit(scope)
    honour = get_visible_or_404(_waiting(scope), honour_pk)
    choice = request.POST.get("donor", "")
    if choice == "none":
        honour.match = MatchStatus.UNMATCHED
        honour.save(update_fields=["match"])
        messages.success(request, _("Đã ghi: %(name)s không có trong sổ người hiến máu.") % {"name": honour.name})
        return redirect("honours:review")
    donor = next((d for d in _candidates_for(scope, honour) if str(d.pk) == choice), None)
    if donor is None:
        raise Http404
    honour.donor, honour.match = donor, MatchStatus.LINKED
    honour.decided_by = request.user
    honour.save(update_fields=["donor", "match", "decided_by"])
    messages.success(request, _("Đã gắn mức tôn vinh với %(name)s.") % {"name": donor.full_name})
    return redirect("honours:review")


# --- tiers ------------------------------------------------------------------------------------------


@scope_required
def tiers(request):
    scope = request.scope
    form = LocalTierForm(request.POST or None)
    if request.method == "POST":
        require_edit(scope)
        if form.is_valid():
            count = form.cleaned_data["count"]
            if LocalTier.objects.filter(unit=scope.unit, subject="individual", count=count).exists():
                form.add_error("count", _("Đơn vị đã có mốc %(n)s lần.") % {"n": count})
            else:
                tier = form.save(commit=False)
                tier.unit = scope.unit
                tier.save()
                messages.success(request, _("Đã thêm mốc %(n)s lần.") % {"n": count})
                return redirect("honours:tiers")
    return render(
        request,
        "honours/tiers.html",
        {
            "rules": rules(),
            "local": LocalTier.objects.filter(unit_id__in=[*scope.unit.ancestor_ids, scope.unit.pk]).select_related(
                "unit"
            ),
            "in_force": services.tiers_for(scope.unit),
            "form": form if scope.can_edit else None,
        },
    )


@scope_required
@require_POST
def tier_delete(request, pk):
    require_edit(request.scope)
    tier = get_visible_or_404(LocalTier.objects.filter(unit=request.scope.unit), pk)
    tier.delete()
    messages.success(request, _("Đã bỏ mốc %(n)s lần.") % {"n": tier.count})
    return redirect("honours:tiers")
