"""Staff pages for the unit tree. Every unit is fetched through the scope (404 outside it)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from hienmau.core import second_factor
from hienmau.core.audit import history_entries
from hienmau.core.forms import errors_in_one_line
from hienmau.orgs.forms import SuccessorDecisionForm, SuccessorLinkForm, UnitForm, UnitSearchForm
from hienmau.orgs.middleware import ACTIVE_MEMBERSHIP_SESSION_KEY
from hienmau.orgs.models import LinkStatus, Membership, SuccessorLink, Unit, UnitKind
from hienmau.orgs.scoping import (
    get_unit_in_scope,
    may_reset_second_factor,
    require_unit_management,
    scope_required,
    scoped_units,
    successor_candidates,
)
from hienmau.orgs.services import (
    current_boundary_units,
    decide_successor_link,
    link_successor,
    may_decide,
    proposals_to_decide,
)


def home_context(scope) -> dict:
    """What the home page shows of the unit tree: counts by kind, ceased units, recent changes, links to decide.
    The home view itself (with each role's work) is reports.home, the app that sees every other."""
    units = scoped_units(scope).current()
    counts = dict(units.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    kinds = [(kind, counts.get(kind.value, 0)) for kind in UnitKind if kind != UnitKind.NATIONAL]
    return {
        "kind_counts": kinds,
        "ceased_count": scoped_units(scope).exclude(pk__in=units.values("pk")).count(),
        "recent_changes": history_entries(Unit, scoped_units(scope), limit=8),
        "proposals": proposals_to_decide(scope)[:20],
    }


@scope_required
def unit_tree(request):
    """The active unit's children, or accent-insensitive search results across the whole scope."""
    scope = request.scope
    form = UnitSearchForm(request.GET)
    form.is_valid()
    query = form.cleaned_data.get("q", "")
    include_ceased = form.cleaned_data.get("include_ceased", False)
    units = scoped_units(scope)
    if not include_ceased:
        units = units.current()
    if query:
        results = units.search(query).select_related("parent").order_by("depth", "name")
        page = Paginator(results, 50).get_page(request.GET.get("page"))
        context = {"form": form, "query": query, "page": page, "include_ceased": include_ceased}
        template = "orgs/_search_results.html" if request.htmx else "orgs/unit_tree.html"
        return render(request, template, context)
    root = scope.unit
    children = _children_with_counts(root, include_ceased)
    context = {"form": form, "root": root, "children": children, "include_ceased": include_ceased}
    template = "orgs/_tree_children.html" if request.htmx else "orgs/unit_tree.html"
    return render(request, template, context)


def _children_with_counts(unit: Unit, include_ceased: bool):
    children = unit.children.all()
    if not include_ceased:
        children = children.current()
    child_filter = Q() if include_ceased else Q(children__valid_until__isnull=True)
    return children.annotate(child_count=Count("children", filter=child_filter)).order_by("kind", "code", "name")


@scope_required
def unit_children(request, pk):
    """htmx fragment: one level of the tree below `pk`."""
    unit = get_unit_in_scope(request.scope, pk)
    include_ceased = request.GET.get("include_ceased") == "on"
    return render(
        request,
        "orgs/_tree_children.html",
        {
            "children": _children_with_counts(unit, include_ceased),
            "include_ceased": include_ceased,
        },
    )


@scope_required
def unit_detail(request, pk):
    scope = request.scope
    unit = get_unit_in_scope(scope, pk)
    breadcrumbs = [u for u in unit.ancestors() if scope.contains(u)]
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "breadcrumbs": breadcrumbs,
            "children": _children_with_counts(unit, include_ceased=True),
            "successor_links": unit.successor_links.approved().select_related("successor"),
            "predecessor_links": unit.predecessor_links.approved()
            .select_related("predecessor__parent")
            .order_by("predecessor__parent__name", "predecessor__name"),
            "proposals": [(link, may_decide(scope, link)) for link in _proposals_on(unit)],
            "today_units": [] if unit.is_current else current_boundary_units(unit),
            "members": _members(request, unit) if scope.can_manage_units else [],
        },
    )


def _members(request, unit: Unit) -> list[Any]:
    """The unit's users with whether they have a second factor and whether this user may reset it."""
    members: list[Any] = list(
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .annotate(has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)))
        .order_by("role", "user__username")
    )
    for m in members:
        m.may_reset_second_factor = m.has_second_factor and may_reset_second_factor(request.scope, request.user, m.user)
    return members


@scope_required
@require_POST
def member_reset_second_factor(request, pk, member_pk):
    """An administrator resets the second factor of a user of a unit in their scope (a lost phone)."""
    unit = get_unit_in_scope(request.scope, pk)
    membership = get_object_or_404(Membership.objects.select_related("user"), unit=unit, pk=member_pk)
    if not may_reset_second_factor(request.scope, request.user, membership.user):
        raise PermissionDenied(
            _("Chỉ quản trị viên của đơn vị mới đặt lại được xác thực hai bước của người dùng khác.")
        )
    second_factor.reset(request.user, membership.user)
    messages.success(
        request,
        _("Đã đặt lại xác thực hai bước của %(user)s: lần đăng nhập tới, người dùng sẽ đăng ký lại ứng dụng.")
        % {"user": membership.user.get_full_name() or membership.user.username},
    )
    return redirect("orgs:unit_detail", pk=unit.pk)


def _proposals_on(unit: Unit):
    """Links not (yet) in force that concern this unit: pending ones at either end or to decide here,
    refused ones on the predecessor's page so the proposer reads why."""
    pending = Q(status=LinkStatus.PENDING) & (Q(predecessor=unit) | Q(successor=unit) | Q(deciding_unit=unit))
    refused = Q(status=LinkStatus.REFUSED, predecessor=unit)
    return SuccessorLink.objects.filter(pending | refused).select_related(
        "predecessor", "successor", "deciding_unit", "proposed_by", "decided_by"
    )


@scope_required
def unit_create(request, parent_pk):
    scope = request.scope
    parent = get_unit_in_scope(scope, parent_pk)
    require_unit_management(scope)
    form = UnitForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, _("Đã thêm %(unit)s.") % {"unit": unit.full_name})
        return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "parent": parent, "unit": None})


@scope_required
def unit_edit(request, pk):
    scope = request.scope
    unit = get_unit_in_scope(scope, pk)
    require_unit_management(scope)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "parent": unit.parent, "unit": unit})


@scope_required
def unit_history(request, pk):
    unit = get_unit_in_scope(request.scope, pk)
    return render(
        request,
        "orgs/unit_history.html",
        {
            "unit": unit,
            "entries": history_entries(Unit, Unit.objects.filter(pk=unit.pk), limit=200),
        },
    )


@scope_required
def successor_add(request, pk):
    scope = request.scope
    unit = get_unit_in_scope(scope, pk)
    require_unit_management(scope)
    candidates = successor_candidates(scope, unit).order_by("kind", "name")
    form = SuccessorLinkForm(request.POST or None, candidates=candidates, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = link_successor(
                unit,
                data["successor"],
                share=data["share"],
                effective_date=data["effective_date"],
                legal_basis=data["legal_basis"],
                scope=scope,
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if link.status == LinkStatus.APPROVED:
                messages.success(request, _("Đã ghi nhận đơn vị kế thừa."))
            else:
                messages.info(
                    request,
                    _("Đã gửi đề xuất; liên kết chỉ có hiệu lực khi %(unit)s duyệt.")
                    % {"unit": link.deciding_unit.full_name},
                )
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/successor_form.html", {"form": form, "unit": unit})


@scope_required
@require_POST
def successor_decide(request, pk, link_pk):
    """Approve or refuse a proposed successor link shown on this unit's page."""
    unit = get_unit_in_scope(request.scope, pk)
    link = get_object_or_404(_proposals_on(unit), pk=link_pk)
    form = SuccessorDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_one_line(form))
        return redirect("orgs:unit_detail", pk=unit.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decide_successor_link(
            link, approve=approve, scope=request.scope, user=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = _("Đã duyệt: %(link)s.") if approve else _("Đã không duyệt: %(link)s.")
        messages.success(request, done % {"link": f"{link.predecessor.full_name} → {link.successor.full_name}"})
    return redirect("orgs:unit_detail", pk=unit.pk)


@login_required
@require_POST
def switch_unit(request):
    membership = Membership.objects.for_user(request.user).filter(pk=request.POST.get("membership")).first()
    if membership is None:
        raise PermissionDenied
    request.session[ACTIVE_MEMBERSHIP_SESSION_KEY] = membership.pk
    messages.info(request, _("Đang làm việc với: %(unit)s") % {"unit": membership.unit.full_name})
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return HttpResponseRedirect(target)
