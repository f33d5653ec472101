"""Staff pages for donors. A donor is reached through the scope (where they live, work or gave blood);
CCCD and phone are masked unless an officer reveals them, which is logged."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hienmau.core.audit import history_entries
from hienmau.core.clock import today
from hienmau.core.middleware import redo_on_fault
from hienmau.core.uploads import save_upload
from hienmau.donors import privacy, recording, registry, services
from hienmau.donors.forms import BenefitReportForm, DonationForm, DonationImportForm, DonorForm, EligibilityCheckForm
from hienmau.donors.importer import HistoryImportError, import_history
from hienmau.donors.lib.eligibility import PastDonation, Person, eligibility, rules_on
from hienmau.donors.models import Donation, Donor, DonorMerge, LinkSource, Outcome, ReviewStatus, TransferRequest
from hienmau.donors.reveal_views import reveal_response
from hienmau.donors.search import COUNT_LIMIT, DonorListResults
from hienmau.jobs import services as jobs
from hienmau.jobs.models import JobKind
from hienmau.jobs.services import runs_in_background
from hienmau.orgs.scoping import (
    may_export_personal_data,
    require_edit,
    scope_queryset,
    scope_required,
    scoped_units,
)


def _donor(request, pk) -> Donor:
    try:
        return Donor.objects.visible_to(request.scope).select_related("commune", "workplace", "merged_into").get(pk=pk)
    except Donor.DoesNotExist as exc:
        raise Http404 from exc


def with_list_columns(donors):
    """What a row of the donor list shows, read for the rows of one page (a correlated count per row:
    a join grouped by donor let PostgreSQL hash all 3.000.000 donations for a page of 50)."""
    donated = (
        Donation.objects.filter(donor=OuterRef("pk"), outcome=Outcome.DONATED)
        .order_by()
        .values("donor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return donors.select_related("commune", "workplace").annotate(donation_count=Coalesce(Subquery(donated), 0))


@scope_required
def donor_list(request):
    query = request.GET.get("q", "").strip()
    donors = Donor.objects.visible_to(request.scope).active()
    group = request.GET.get("group", "")
    if group == "rare":
        donors = donors.filter(rh="-")
    elif group in ("O", "A", "B", "AB"):
        donors = donors.filter(abo=group)
    results = DonorListResults(donors, query, decorate=with_list_columns)
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    template = "donors/_donor_rows.html" if request.htmx else "donors/donor_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "query": query,
            "group": group,
            "more_than": COUNT_LIMIT if page.paginator.count > COUNT_LIMIT else None,
        },
    )


@scope_required
def donor_create(request):
    require_edit(request.scope)
    units = scoped_units(request.scope)
    form = DonorForm(request.POST or None, units=units)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        match = registry.lookup_one(
            request.scope,
            cccd=data.get("cccd"),
            phone=data.get("phone") or "",
            date_of_birth=data.get("date_of_birth"),
            name_folded=Donor.name_columns(form.instance.full_name)["name_folded"],
        )
        duplicates = match.candidates
        if match.donor is not None:
            form.add_error("cccd", _("Số CCCD này đã có trong hồ sơ của %(name)s.") % {"name": match.donor.full_name})
        elif match.other is not None:
            # Registered outside the scope: nothing of that record is shown, a transfer is asked for.
            transfer = registry.request_transfer(
                match.other,
                request.scope,
                request.user,
                LinkSource.MANUAL,
                typed_name=form.instance.full_name,
                donor_values={
                    "commune_id": data["commune"].pk if data.get("commune") else None,
                    "workplace_id": data["workplace"].pk if data.get("workplace") else None,
                },
            )
            form.add_error("cccd", registry.transfer_notice(transfer))
        elif duplicates and not data.get("confirm_not_duplicate"):
            form.add_error(
                None, _("Có hồ sơ có thể là cùng một người; xem bên dưới rồi xác nhận nếu đây là người khác.")
            )
        else:
            donor = form.save()
            messages.success(request, _("Đã thêm người hiến máu %(name)s.") % {"name": donor.full_name})
            return redirect("donors:donor_detail", pk=donor.pk)
    return render(request, "donors/donor_form.html", {"form": form, "donor": None, "duplicates": duplicates})


@scope_required
def donor_edit(request, pk):
    donor = _donor(request, pk)
    require_edit(request.scope)
    form = DonorForm(request.POST or None, instance=donor, units=scoped_units(request.scope))
    form.fields.pop("confirm_not_duplicate")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect("donors:donor_detail", pk=donor.pk)
    return render(request, "donors/donor_form.html", {"form": form, "donor": donor, "duplicates": []})


@scope_required
def donor_detail(request, pk):
    donor = _donor(request, pk)
    if donor.merged_into_id:
        messages.info(
            request, _("Hồ sơ này đã được gộp vào hồ sơ của %(name)s.") % {"name": donor.merged_into.full_name}
        )
    donations = list(donor.donations.select_related("facility", "mobilised_by"))
    donated = [d for d in donations if d.outcome == Outcome.DONATED]
    verdict = services.eligibility_for(donor) if donor.date_of_birth and not donor.erased_at else None
    count = len(donated)
    return render(
        request,
        "donors/donor_detail.html",
        {
            "donor": donor,
            "donations": donations,
            "donated_count": count,
            "verdict": verdict,
            "total_ml": sum(d.volume_ml or 0 for d in donated),
            "duplicates": services.duplicates_for(donor, request.scope) if not donor.merged_into_id else [],
            "merges": DonorMerge.objects.filter(Q(survivor=donor) | Q(merged=donor)).select_related(
                "survivor", "merged", "by"
            ),
            "can_edit": request.scope.can_edit,
        },
    )


@scope_required
@require_POST
def donor_reveal(request, pk, field):
    """htmx: the full value in place of the masked one, once a reason is given (logged)."""
    donor = _donor(request, pk)
    return reveal_response(request, donor, field, reverse("donors:donor_reveal", args=[donor.pk, field]))


@scope_required
def donation_create(request, pk):
    donor = _donor(request, pk)
    require_edit(request.scope)
    units = scoped_units(request.scope)
    form = DonationForm(request.POST or None, units=units, initial={"date": today()})
    if request.method == "POST" and form.is_valid():
        try:
            donation = recording.record_donation(
                donor, form.visit(), user=request.user, override=form.cleaned_data.get("override")
            )
        except recording.NotEligible as exc:
            form.refused(exc.reasons)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Đã ghi nhận lần hiến ngày %(d)s.") % {"d": donation.date.strftime("%d/%m/%Y")})
            return redirect("donors:donor_detail", pk=donor.pk)
    verdict = services.eligibility_for(donor) if donor.date_of_birth else None
    status = 422 if form.errors else 200
    return render(
        request, "donors/donation_form.html", {"form": form, "donor": donor, "verdict": verdict}, status=status
    )


@scope_required
def donor_history(request, pk):
    donor = _donor(request, pk)
    entries = history_entries(Donor, Donor.objects.filter(pk=donor.pk), limit=100) + history_entries(
        Donation, donor.donations.all(), limit=200
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return render(
        request,
        "donors/donor_history.html",
        {
            "donor": donor,
            "entries": entries,
            "reveals": donor.reveals.select_related("user")[:100],
            "overrides": donor.donations.exclude(override_physician="").select_related("override_by"),
        },
    )


@scope_required
def merge_preview(request, pk, other_pk):
    survivor, other = _donor(request, pk), _donor(request, other_pk)
    require_edit(request.scope)
    if request.method == "POST":
        try:
            services.merge_donors(survivor, other, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã gộp hai hồ sơ; mọi lần hiến máu được giữ lại."))
        return redirect("donors:donor_detail", pk=survivor.pk)
    fields = ["full_name", "date_of_birth", "sex", "cccd", "phone", "address", "commune", "workplace", "abo", "rh"]

    def shown(donor, name):
        value = getattr(donor, name)
        return privacy.masked(name, value) if name in privacy.REVEALABLE else value

    rows = [
        (
            Donor._meta.get_field(f).verbose_name,
            shown(survivor, f),
            shown(other, f),
            getattr(survivor, f) != getattr(other, f),
        )
        for f in fields
    ]
    return render(
        request,
        "donors/merge.html",
        {
            "survivor": survivor,
            "other": other,
            "rows": rows,
            "survivor_donations": survivor.donations.select_related("facility"),
            "other_donations": other.donations.select_related("facility"),
        },
    )


@scope_required
@require_POST
def merge_undo(request, merge_pk):
    merge = get_object_or_404(DonorMerge, pk=merge_pk)
    _donor(request, merge.survivor_id)
    require_edit(request.scope)
    try:
        services.undo_merge(merge, request.user)
        messages.success(request, _("Đã tách lại hai hồ sơ."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("donors:donor_detail", pk=merge.survivor_id)


@scope_required
def donor_export(request, pk):
    donor = _donor(request, pk)
    if not may_export_personal_data(request.scope):  # the rule orgs.scoping.requires_second_factor reads
        raise PermissionDenied
    response = HttpResponse(privacy.export_donor(donor, request.user), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nguoi-hien-mau-{donor.pk}.json"'
    return response


@scope_required
def donor_erase(request, pk):
    donor = _donor(request, pk)
    if not request.scope.can_manage_units:
        raise PermissionDenied(_("Chỉ cán bộ Văn phòng Ban Chỉ đạo được xoá dữ liệu theo yêu cầu."))
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        privacy.erase_donor(donor, request.user)
        messages.success(request, _("Đã xoá dữ liệu cá nhân; số lần hiến được giữ lại dưới dạng ẩn danh."))
        return redirect("donors:donor_detail", pk=donor.pk)
    return render(request, "donors/donor_erase.html", {"donor": donor})


@scope_required
def eligibility_check(request):
    """“Could this person give on that day?” for someone not yet registered."""
    form = EligibilityCheckForm(request.GET or None)
    verdict = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        last = PastDonation(data["last_date"], data["last_component"] or "whole_blood") if data["last_date"] else None
        verdict = eligibility(
            Person(data["sex"], data["date_of_birth"], float(data["weight_kg"])),
            data["on"],
            data["component"],
            data["volume_ml"],
            last,
            [],
            rules_on(services.rule_sets(), data["on"]),
        )
    return render(request, "donors/eligibility_check.html", {"form": form, "verdict": verdict})


@scope_required
def history_import(request):
    require_edit(request.scope)
    units = scoped_units(request.scope)
    form = DonationImportForm(request.POST or None, request.FILES or None, units=units)
    problems, result = [], None
    if request.method == "POST" and form.is_valid():
        target = save_upload(form.cleaned_data["file"])
        if runs_in_background(target):  # a large file: imported by the worker, progress on the job's page
            params = {"facility": form.cleaned_data["facility"].pk}
            name = form.cleaned_data["file"].name
            job = jobs.start(request, JobKind.DONATION_HISTORY, path=target, source_name=name, params=params)
            return redirect("jobs:job_detail", pk=job.pk)
        redo_on_fault(
            request,
            _("Hãy chọn lại tệp và bấm “Nhập” lần nữa; dòng nào đã nhập trước đây sẽ không bị nhập hai lần."),
        )
        try:
            result = import_history(target, form.cleaned_data["facility"], scope=request.scope, user=request.user)
            messages.success(request, result.summary())
        except HistoryImportError as exc:
            problems = exc.problems
        finally:
            target.unlink(missing_ok=True)
    return render(request, "donors/history_import.html", {"form": form, "problems": problems, "result": result})


@scope_required
def benefit_report(request):
    """Seed 004's survey: did donors take cash or a gift, by unit and period."""
    form = BenefitReportForm(request.GET)
    form.is_valid()
    donations = Donation.objects.filter(outcome=Outcome.DONATED, donor__in=Donor.objects.visible_to(request.scope))
    start, end = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
    if start:
        donations = donations.filter(date__gte=start)
    if end:
        donations = donations.filter(date__lte=end)
    counts: dict[str, Counter] = {}
    for unit_name, kind in donations.values_list("facility__name", "benefit_kind"):
        counts.setdefault(unit_name or _("Không rõ cơ sở"), Counter())[kind or "unknown"] += 1
    rows = []
    for unit_name, counter in sorted(counts.items()):
        total = sum(counter.values())
        rows.append(
            {
                "unit": unit_name,
                "cash": counter["cash"],
                "gift": counter["gift"],
                "unknown": counter["unknown"],
                "total": total,
                "cash_pct": round(100 * counter["cash"] / total) if total else 0,
                "gift_pct": round(100 * counter["gift"] / total) if total else 0,
            }
        )
    return render(request, "donors/benefit_report.html", {"form": form, "rows": rows})


# --- review queue: possible duplicates and transfer requests -------------------------------------


@scope_required
def review_queue(request):
    """The scope's pending duplicate proposals, the transfers it must decide, and those it asked for
    (the latter without anything about the other record)."""
    scope = request.scope
    pending = ReviewStatus.PENDING
    proposals = (
        registry.proposals_for(scope)
        .filter(status=pending)
        .select_related("new_donor", "candidate", "unit", "new_donor__commune", "candidate__commune")
    )
    transfers = TransferRequest.objects.filter(status=pending).select_related("asking_unit", "deciding_unit")
    to_decide = (
        transfers.filter(scope.unit_filter("deciding_unit__"))
        .select_related("donor", "donor__commune")
        .annotate(held=Count("held_donations"))
    )
    asked = scope_queryset(transfers, scope, "asking_unit").exclude(pk__in=to_decide.values("pk"))
    proposals = list(proposals[:200])
    # A record made from a list or the public page may have no commune yet: named, but not linked to a 404.
    openable = set(
        Donor.objects.visible_to(scope).filter(pk__in=[p.new_donor_id for p in proposals]).values_list("pk", flat=True)
    )
    return render(
        request,
        "donors/review.html",
        {
            "proposals": proposals,
            "openable": openable,
            "to_decide": to_decide[:200],
            "asked": asked[:200],
            "can_edit": scope.can_edit,
        },
    )


@scope_required
@require_POST
def review_proposal(request, pk):
    proposal = get_object_or_404(registry.proposals_for(request.scope), pk=pk)
    require_edit(request.scope)
    approve = request.POST.get("decision") == "approve"
    try:
        registry.decide_proposal(proposal, request.scope, request.user, approve)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã gộp hồ sơ mới vào hồ sơ có sẵn; có thể hoàn tác trên trang hồ sơ.")
            if approve
            else _("Đã ghi nhận: đây là hai người khác nhau."),
        )
    return redirect("donors:review_queue")


@scope_required
@require_POST
def review_transfer(request, pk):
    scope = request.scope
    transfer = get_object_or_404(TransferRequest.objects.filter(scope.unit_filter("deciding_unit__")), pk=pk)
    if not registry.can_decide_transfer(scope, transfer):
        raise PermissionDenied(_("Chỉ đơn vị quyết định mới được duyệt yêu cầu chuyển hồ sơ này."))
    approve = request.POST.get("decision") == "approve"
    try:
        registry.decide_transfer(transfer, scope, request.user, approve)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã đồng ý chuyển hồ sơ cho %(unit)s.") % {"unit": transfer.asking_unit.full_name}
            if approve
            else _("Đã từ chối yêu cầu chuyển hồ sơ."),
        )
    return redirect("donors:review_queue")
