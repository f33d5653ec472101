"""The facilities' monthly need on the web: the list for the scope with a form for one month, and the
sheet import (read and check, preview, confirm). Facilities come through the scope."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hienmau.core.clock import today
from hienmau.core.labels import FINDING_LABELS
from hienmau.core.uploads import forget, stash, stashed
from hienmau.demand import importer
from hienmau.demand.forms import NeedForm, NeedImportForm
from hienmau.demand.models import Need
from hienmau.orgs.scoping import require_edit
from hienmau.orgs.views import scope_required

SESSION_KEY = "hienmau.demand_imports"
EDIT_REFUSED = gettext_lazy("Bạn chỉ xem được nhu cầu máu; chỉ cán bộ phụ trách mới nhập được.")


@scope_required
def need_list(request):
    scope = request.scope
    try:
        year = int(request.GET.get("year") or today().year)
    except ValueError:
        year = today().year
    year = min(max(year, 2000), today().year + 2)
    facilities = importer.facilities_for(scope)
    form = None
    if scope.can_edit:
        form = NeedForm(request.POST or None, facilities=facilities)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            status = importer.set_need(
                data["facility"], data["month"], data["units"], data["blood_group"], request.user
            )
            text = {"created": _("Đã thêm"), "updated": _("Đã sửa"), "unchanged": _("Không thay đổi")}[status]
            messages.success(request, f"{text}: {data['facility'].full_name}, {data['month']:%m/%Y}.")
            return redirect(f"{request.path}?year={data['month'].year}")
    elif request.method == "POST":
        raise PermissionDenied(str(EDIT_REFUSED))
    needs = (
        Need.objects.visible_to(scope)
        .filter(month__year=year)
        .select_related("facility")
        .order_by("facility__path", "blood_group", "month")
    )
    grid: dict = {}
    for need in needs:
        row = grid.setdefault((need.facility_id, need.blood_group), {"need": need, "months": [None] * 12})
        row["months"][need.month.month - 1] = need.units
    return render(
        request,
        "demand/need_list.html",
        {
            "rows": list(grid.values()),
            "year": year,
            "years": list(range(today().year + 1, today().year - 5, -1)),
            "months": list(range(1, 13)),
            "form": form,
            "facilities": facilities,
        },
    )


@scope_required
def need_import(request):
    scope = request.scope
    require_edit(scope, str(EDIT_REFUSED))
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, scope)
    form = NeedImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token, path, name = stash(request, SESSION_KEY, upload=form.cleaned_data["file"])
        try:
            result = importer.save(importer.analyse(path, scope, name), dry_run=True)
        except importer.DemandImportError as exc:
            forget(request, SESSION_KEY, token)
            form.add_error(None, str(exc))
        else:
            return _preview(request, result, token)
    return render(request, "demand/need_import.html", {"form": form})


def _preview(request, result, token):
    facilities = importer.Unit.objects.in_bulk(set(result.facility_ids.values()))
    data = result.as_json(facilities)
    findings = [{**f, "label": FINDING_LABELS.get(f["code"], "")} for f in data["findings"]]
    needs = [
        {**n, "month_text": datetime.date.fromisoformat(n["month"] + "-01").strftime("%m/%Y")} for n in data["needs"]
    ]
    return render(
        request, "demand/need_preview.html", {"data": data, "needs": needs, "findings": findings, "token": token}
    )


def _confirm(request, scope):
    token = request.POST["token"]
    path, name = stashed(request, SESSION_KEY, token)
    try:
        result = importer.save(importer.analyse(path, scope, name), request.user)
    except importer.DemandImportError as exc:
        messages.error(request, str(exc))
        return redirect("demand:need_import")
    forget(request, SESSION_KEY, token)
    messages.success(
        request,
        _("Đã lưu nhu cầu từ tệp %(name)s: %(c)s tháng mới, %(u)s tháng sửa, %(k)s tháng không đổi.")
        % {"name": name, "c": result.count("created"), "u": result.count("updated"), "k": result.count("unchanged")},
    )
    if result.findings:
        messages.warning(
            request, _("%(n)s dòng chưa lưu (xem lại tệp).") % {"n": len({f.line for f in result.findings})}
        )
    return redirect("demand:need_list")
