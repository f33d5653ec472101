"""Staff pages of the humanitarian-address drive. Every address is reached through the scope (its
commune); CCCD and phone are masked until a logged reveal; documents are sent only inside the scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hienmau.core.audit import history_entries
from hienmau.core.clock import today
from hienmau.core.lib.text import fold
from hienmau.donors import privacy as donor_privacy
from hienmau.donors.reveal_views import reveal_response
from hienmau.humanitarian import exports, privacy, services
from hienmau.humanitarian.forms import BeneficiaryForm, DeliveryForm, DocumentForm, PledgeForm, SponsorForm
from hienmau.humanitarian.models import Beneficiary, BeneficiaryStatus, Delivery, Need, Pledge, Sponsor
from hienmau.orgs import scoping
from hienmau.orgs.scoping import get_visible_or_404, require_edit, require_editable, scope_required, scoped_units
from hienmau.plans.models import Plan, PlanKind

NOT_EDITABLE = _("Vai trò của bạn chỉ được xem địa chỉ nhân đạo này.")


def _beneficiary(request, pk) -> Beneficiary:
    visible = Beneficiary.objects.visible_to(request.scope).select_related("unit", "unit__parent")
    return get_visible_or_404(visible, pk)


def _editable(request, pk) -> Beneficiary:
    beneficiary = _beneficiary(request, pk)
    require_editable(Beneficiary.objects.editable_by(request.scope), beneficiary.pk, NOT_EDITABLE)
    return beneficiary


@scope_required
def beneficiary_list(request):
    beneficiaries = (
        Beneficiary.objects.visible_to(request.scope)
        .select_related("unit")
        .annotate(pledge_count=Count("pledges", distinct=True))
    )
    query = request.GET.get("q", "").strip()
    if query:
        # Accents optional, the same on SQLite and PostgreSQL: the folded copy of the name.
        beneficiaries = beneficiaries.filter(Q(name_folded__contains=fold(query)) | Q(address__icontains=query))
    status = request.GET.get("status", "")
    if status in BeneficiaryStatus.values:
        beneficiaries = beneficiaries.filter(status=status)
    need = request.GET.get("need", "")
    page = Paginator(beneficiaries.order_by("unit__name", "full_name", "pk"), 50).get_page(request.GET.get("page"))
    rows = list(page)
    if need in Need.values:  # JSON lists are filtered here, the same way on both databases
        rows = [b for b in rows if need in b.needs]
    return render(
        request,
        "humanitarian/beneficiary_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "status": status,
            "need": need,
            "statuses": BeneficiaryStatus.choices,
            "needs": Need.choices,
            "can_edit": Beneficiary.objects.editable_by(request.scope).exists() or request.scope.can_edit,
        },
    )


def _form_page(request, form, beneficiary=None, status=200):
    return render(
        request, "humanitarian/beneficiary_form.html", {"form": form, "beneficiary": beneficiary}, status=status
    )


@scope_required
def beneficiary_create(request):
    require_edit(request.scope)
    units = scoped_units(request.scope)
    form = BeneficiaryForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary = services.save_beneficiary(form.save(commit=False), request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã ghi nhận %(name)s.") % {"name": beneficiary.full_name})
            return redirect("humanitarian:beneficiary_detail", pk=beneficiary.pk)
    return _form_page(request, form, status=422 if form.errors else 200)


@scope_required
def beneficiary_edit(request, pk):
    beneficiary = _editable(request, pk)
    form = BeneficiaryForm(request.POST or None, instance=beneficiary, units=scoped_units(request.scope))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_beneficiary(form.save(commit=False), request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("humanitarian:beneficiary_detail", pk=beneficiary.pk)
    return _form_page(request, form, beneficiary, status=422 if form.errors else 200)


@scope_required
def beneficiary_detail(request, pk):
    beneficiary = _beneficiary(request, pk)
    editable = Beneficiary.objects.editable_by(request.scope).filter(pk=beneficiary.pk).exists()
    lines = services.pledge_lines(beneficiary)
    return render(
        request,
        "humanitarian/beneficiary_detail.html",
        {
            "b": beneficiary,
            "lines": lines,
            "promised": sum(line.promised or 0 for line in lines),
            "delivered": sum(line.delivered for line in lines),
            "documents": beneficiary.documents.all(),
            "reveals": donor_privacy.reveals_of(beneficiary)[:50] if editable else [],
            "reveal_urls": {
                field: reverse("humanitarian:beneficiary_reveal", args=[beneficiary.pk, field])
                for field in donor_privacy.REVEALABLE
            },
            "editable": editable,
            "pledge_form": PledgeForm(
                sponsors=Sponsor.objects.filter(pk__in=scoping.visible_sponsors(Sponsor.objects.all(), request.scope)),
                initial={"start": today()},
                auto_id="pledge-%s",
            ),
            "delivery_form": DeliveryForm(initial={"date": today()}, auto_id="delivery-%s"),
            "document_form": DocumentForm(auto_id="document-%s"),
        },
    )


@scope_required
def beneficiary_history(request, pk):
    """Who changed the record, its pledges and deliveries, when and what (CCCD and phone masked)."""
    beneficiary = _beneficiary(request, pk)
    pledges = Pledge.objects.filter(beneficiary=beneficiary)
    entries = (
        history_entries(Beneficiary, Beneficiary.objects.filter(pk=beneficiary.pk), limit=100)
        + history_entries(Pledge, pledges, limit=100)
        + history_entries(Delivery, Delivery.objects.filter(pledge__in=pledges), limit=200)
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return render(request, "humanitarian/beneficiary_history.html", {"b": beneficiary, "entries": entries})


@scope_required
@require_POST
def beneficiary_reveal(request, pk, field):
    beneficiary = _beneficiary(request, pk)
    return reveal_response(request, beneficiary, field, reverse("humanitarian:beneficiary_reveal", args=[pk, field]))


@scope_required
def beneficiary_erase(request, pk):
    beneficiary = _editable(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        privacy.erase_beneficiary(beneficiary, request.user)
        messages.success(request, _("Đã xoá dữ liệu cá nhân; số liệu hỗ trợ được giữ lại không kèm danh tính."))
        return redirect("humanitarian:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "humanitarian/beneficiary_erase.html", {"b": beneficiary})


@scope_required
@require_POST
def pledge_create(request, pk):
    beneficiary = _editable(request, pk)
    sponsors = scoping.visible_sponsors(Sponsor.objects.all(), request.scope)
    form = PledgeForm(request.POST, sponsors=sponsors)
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "sponsor"}
        try:
            services.add_pledge(beneficiary, form.cleaned_data["sponsor"], request.user, **values)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã ghi cam kết của %(s)s.") % {"s": form.cleaned_data["sponsor"].name})
    else:
        messages.error(
            request, _("Chưa ghi được cam kết: %(e)s") % {"e": "; ".join(m for ms in form.errors.values() for m in ms)}
        )
    return redirect("humanitarian:beneficiary_detail", pk=beneficiary.pk)


@scope_required
@require_POST
def delivery_create(request, pk, pledge_pk):
    beneficiary = _editable(request, pk)
    pledge = get_object_or_404(Pledge, pk=pledge_pk, beneficiary=beneficiary)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            services.record_delivery(pledge, request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã ghi lần trao hỗ trợ."))
    else:
        messages.error(
            request, _("Chưa ghi được: %(e)s") % {"e": "; ".join(m for ms in form.errors.values() for m in ms)}
        )
    return redirect("humanitarian:beneficiary_detail", pk=beneficiary.pk)


@scope_required
@require_POST
def document_upload(request, pk):
    beneficiary = _editable(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach_document(beneficiary, form.cleaned_data["file"], request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã lưu tệp hồ sơ."))
    else:
        messages.error(request, _("Chưa chọn tệp."))
    return redirect("humanitarian:beneficiary_detail", pk=beneficiary.pk)


@scope_required
def document_download(request, pk, document_pk):
    beneficiary = _beneficiary(request, pk)
    document = get_object_or_404(beneficiary.documents, pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=document.name)


@scope_required
def sponsor_list(request):
    sponsors = scoping.visible_sponsors(Sponsor.objects.select_related("unit"), request.scope).annotate(
        pledge_count=Count("pledges", distinct=True), address_count=Count("pledges__beneficiary", distinct=True)
    )
    form = None
    if request.scope.can_edit:
        form = SponsorForm(request.POST or None, units=scoped_units(request.scope), initial={"joined_on": today()})
        if request.method == "POST" and form.is_valid():
            sponsor = form.save()
            messages.success(request, _("Đã thêm nhà tài trợ %(s)s.") % {"s": sponsor.name})
            return redirect("humanitarian:sponsor_list")
    elif request.method == "POST":
        require_edit(request.scope)
    return render(
        request,
        "humanitarian/sponsor_list.html",
        {"sponsors": sponsors.order_by("name", "pk"), "form": form},
        status=422 if form is not None and form.errors else 200,
    )


def _report_context(request) -> dict:
    scope = request.scope
    plans = Plan.objects.visible_to(scope).filter(kind=PlanKind.HUMANITARIAN).select_related("issuing_unit")
    plan = None
    if request.GET.get("plan", "").isdecimal():
        plan = get_visible_or_404(plans, int(request.GET["plan"]))
    elif plans.exists():
        plan = plans.first()
    beneficiaries = Beneficiary.objects.visible_to(scope)
    lines = services.coverage_by_unit(beneficiaries, plan)
    return {
        "scope_unit": scope.unit,
        "plans": plans,
        "plan": plan,
        "targets": services.plan_targets(plan) if plan is not None else [],
        "lines": lines,
        "total": services.total(lines),
        "today": today(),
    }


@scope_required
def report(request):
    return render(request, "humanitarian/report.html", _report_context(request))


@scope_required
def report_export(request, fmt):
    if fmt not in ("xlsx", "docx"):
        raise Http404
    context = _report_context(request)
    content, content_type = exports.render(context, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-dia-chi-nhan-dao.{fmt}"'
    return response
