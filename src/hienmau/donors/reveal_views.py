"""The reveal of a masked CCCD or phone number as an htmx answer, for any page that shows a person's
masked field (a donor's, a humanitarian beneficiary's): the reason comes from the button's prompt (the
HX-Prompt header) or a "reason" form field, the reveal is logged by `privacy.reveal`, and the field is
swapped back revealed, or still masked with the reason it was refused."""

from __future__ import annotations

from urllib.parse import unquote

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import render

from hienmau.donors import privacy
from hienmau.orgs.scoping import may_reveal_personal_data


def reveal_response(request, record: models.Model, field: str, reveal_url: str) -> HttpResponse:
    """The caller has found `record` through the scope; this reveals one field of it and logs that."""
    if field not in privacy.REVEALABLE:
        raise Http404
    if not may_reveal_personal_data(request.scope):  # the rule orgs.scoping.requires_second_factor reads
        raise PermissionDenied
    # htmx sends a non-ASCII prompt answer URI-encoded (header values are ASCII).
    reason = request.POST.get("reason") or unquote(request.headers.get("HX-Prompt", ""))
    context = {"field": field, "reveal_url": reveal_url}
    try:
        value = privacy.reveal(record, field, request.user, reason)
    except ValidationError as exc:
        masked = privacy.masked(field, getattr(record, field))
        return render(request, "donors/_masked_value.html", context | {"value": masked, "error": exc.messages[0]})
    return render(request, "donors/_masked_value.html", context | {"revealed": value or "—"})
