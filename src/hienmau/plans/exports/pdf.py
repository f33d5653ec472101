"""The appendix as HTML, printed to PDF by WeasyPrint."""

from __future__ import annotations

from hienmau.core.lib.documents import FONT_STACK, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MOTTO, MOTTO_2
from hienmau.plans.exports.appendix import bucket_header, build_appendix, value_text
from hienmau.plans.exports.plan_text import build_plan_text
from hienmau.plans.models import Plan


def appendix_html(plan: Plan) -> str:
    from django.template.loader import render_to_string

    data = build_appendix(plan)
    text = build_plan_text(plan, data.body_lines)
    header = [[c for c in data.header_cells() if c.row == level] for level in range(data.header_rows)]
    for cell in header[1] if len(header) > 1 else []:
        cell.text = bucket_header(cell.text)
    rows = []
    for item in data.rows:
        cells: list[dict[str, str | int]] = [{"text": item.stt, "cls": "stt"}]
        if item.kind == "section":
            cells.append({"text": item.name, "cls": "name", "span": data.column_count - 1})
        elif item.note_only:
            cells += [
                {"text": item.name, "cls": "name"},
                {"text": item.note, "cls": "note-only", "span": len(data.numbers)},
                {"text": "", "cls": "note"},
            ]
        else:
            cells.append({"text": item.name, "cls": "name"})
            cells += [{"text": value_text(v), "cls": "num"} for v in item.values]
            cells.append({"text": item.note, "cls": "note"})
        rows.append({"kind": item.kind, "cells": cells})
    return render_to_string(
        "plans/export/appendix.html",
        {
            "a": data,
            "text": text,
            "header": header,
            "rows": rows,
            "motto": MOTTO,
            "motto_2": MOTTO_2,
            "font_stack": ", ".join(FONT_STACK),
            "widths": data.widths,
            "margins": f"{MARGIN_TOP}mm {MARGIN_RIGHT}mm {MARGIN_BOTTOM}mm {MARGIN_LEFT}mm",
        },
    )


def appendix_pdf(plan: Plan) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The page needs nothing from outside (fonts come from fontconfig): refuse every URL, file:// included.
    return HTML(string=appendix_html(plan), url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
