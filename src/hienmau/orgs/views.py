"""Staff pages for the unit tree. Every unit is fetched through the scope (404 outside it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hienmau.core.audit import history_entries
from hienmau.orgs.forms import SuccessorLinkForm, UnitForm, UnitSearchForm
from hienmau.orgs.middleware import ACTIVE_MEMBERSHIP_SESSION_KEY
from hienmau.orgs.models import Membership, Unit, UnitKind
from hienmau.orgs.scoping import get_unit_in_scope, require_unit_management, scoped_units
from hienmau.orgs.services import current_boundary_units, link_successor


def scope_required(view):
    """Login, then a role somewhere: a user with no membership sees a 403, never data."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.scope:
            raise PermissionDenied(_("Tài khoản chưa được phân quyền ở đơn vị nào."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@scope_required
def home(request):
    scope = request.scope
    units = scoped_units(scope).current()
    counts = dict(units.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    kinds = [(kind, counts.get(kind.value, 0)) for kind in UnitKind if kind != UnitKind.NATIONAL]
    return render(
        request,
        "orgs/home.html",
        {
            "kind_counts": kinds,
            "ceased_count": scoped_units(scope).exclude(pk__in=units.values("pk")).count(),
            "recent_changes": history_entries(Unit, scoped_units(scope), limit=8),
        },
    )


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
            "successor_links": unit.successor_links.select_related("successor"),
            "predecessor_links": unit.predecessor_links.select_related("predecessor"),
            "today_units": [] if unit.is_current else current_boundary_units(unit),
            "members": Membership.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")
            if scope.can_manage_units
            else [],
        },
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
    candidates = Unit.objects.exclude(pk=unit.pk).filter(kind__in=[unit.kind, UnitKind.PROVINCE, UnitKind.COMMUNE])
    form = SuccessorLinkForm(request.POST or None, candidates=candidates.order_by("kind", "name"))
    if request.method == "POST" and form.is_valid():
        try:
            link_successor(
                unit,
                form.cleaned_data["successor"],
                share=form.cleaned_data["share"],
                effective_date=form.cleaned_data["effective_date"],
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã ghi nhận đơn vị kế thừa."))
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/successor_form.html", {"form": form, "unit": unit})


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
