"""The home page: the unit's summary (orgs.views.home_context) and each role's own work (attention.py).
It lives here because only reports sees every app it summarises."""

from django.shortcuts import render

from hienmau.orgs.scoping import scope_required
from hienmau.orgs.views import home_context
from hienmau.reports.attention import attention


@scope_required
def home(request):
    scope = request.scope
    return render(request, "orgs/home.html", {**home_context(scope), "attention": attention(scope)})
