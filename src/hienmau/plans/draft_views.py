"""Drafting next year's plan on the web: the officer sets the new total and method on an issued plan,
reviews and edits the proposal beside last year's figures, and saves it as a draft plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hienmau.core.lib.numbers import parse_int
from hienmau.orgs.scoping import get_visible_or_404, require_edit, require_editable, scope_required
from hienmau.plans import drafting
from hienmau.plans.forms import DraftForm
from hienmau.plans.models import Plan


def _number(text: str | None) -> int | None:
    try:
        return parse_int(text or "")
    except ValueError:
        return None


@scope_required
def plan_draft(request, pk):
    scope = request.scope
    require_edit(scope)
    source = get_visible_or_404(Plan.objects.visible_to(scope).select_related("issuing_unit"), pk)
    require_editable(
        Plan.objects.editable_by(scope), pk, _("Chỉ đơn vị ban hành kế hoạch này mới lập kế hoạch năm sau từ nó được.")
    )
    year = drafting.source_year(source)
    data = request.POST if request.method == "POST" else (request.GET if "total" in request.GET else None)
    form = DraftForm(
        data,
        initial={"year": year + 1 if year else None, "total": source.allocated_total() or None},
    )
    draft, error = None, None
    if form.is_valid():
        try:
            draft = drafting.build_draft(
                source,
                year=form.cleaned_data["year"],
                total=form.cleaned_data["total"],
                method=form.cleaned_data["method"],
                weights=form.weights,
                step=form.cleaned_data["step"],
            )
        except drafting.DraftError as exc:
            error = str(exc)
    if draft is not None and not scope.contains(draft.issuer):
        raise PermissionDenied(
            _("Dự thảo sẽ do %(unit)s ban hành; bạn không lập kế hoạch cho đơn vị này được.")
            % {"unit": draft.issuer.full_name}
        )
    values: dict[int, int | None] = {}
    parts: dict[tuple[int, str], int | None] = {}
    if draft is not None and request.method == "POST":
        # A field left out keeps the proposal; a blank month or round is 0, a blank total is refused.
        values = {
            i: _number(request.POST[f"proposed-{i}"]) for i in range(len(draft.rows)) if f"proposed-{i}" in request.POST
        }
        parts = {
            (i, key): _number(request.POST[name] or "0")
            for i in range(len(draft.rows))
            for key in draft.bucket_keys
            if (name := f"part-{i}-{key}") in request.POST
        }
        try:
            plan = drafting.save_draft(draft, drafting.edited_rows(draft, values, parts))
        except drafting.DraftError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Đã lưu dự thảo kế hoạch năm %(year)s. Rà soát, sửa rồi ban hành theo quy trình.")
                % {"year": draft.year},
            )
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_draft.html",
        {
            "source": source,
            "old_year": year,
            "form": form,
            "draft": draft,
            "error": error,
            "lines": _lines(draft, values, parts) if draft is not None else [],
        },
        status=400 if error and request.method == "POST" else 200,
    )


def _lines(draft: drafting.Draft, values, parts) -> list[dict]:
    """The preview's rows: the proposal, or what the officer typed when a save was refused."""
    lines = []
    for index, row in enumerate(draft.rows):
        value = values.get(index, row.proposed)
        lines.append(
            {
                "index": index,
                "row": row,
                "value": value,
                "delta": None if value is None else value - row.last_target,
                "parts": [(key, parts.get((index, key), (row.parts or {}).get(key, 0))) for key in draft.bucket_keys],
            }
        )
    return lines
