"""Panels an app adds to a page another app owns: the donor page shows the donor's honours and the unit
page the unit's, without donors or orgs importing honours (apps import downwards only).

An app registers in its AppConfig.ready:

    register_panel("donor_detail", donor_honours_panel)

and the owning page's template asks for them with `{% load panels %}{% page_panels "donor_detail" donor %}`.
A panel is a function (request, object) → HTML (str, already escaped by its template) or "" for nothing.
Panels render in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

Panel = Callable[[object, object], str]
_PANELS: dict[str, list[Panel]] = {}


def register_panel(page: str, panel: Panel) -> None:
    panels = _PANELS.setdefault(page, [])
    if panel not in panels:
        panels.append(panel)


def registered(page: str) -> list[Panel]:
    return list(_PANELS.get(page, ()))


def render_panels(page: str, request, obj) -> SafeString:
    parts = [html for panel in registered(page) if (html := panel(request, obj))]
    return format_html_join("\n", "{}", ((SafeString(html),) for html in parts))
