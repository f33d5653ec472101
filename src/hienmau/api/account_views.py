"""The user's API tokens, under their account: create one (the secret is shown once, on this answer
only), list them by prefix, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hienmau.api.forms import NewTokenForm
from hienmau.api.tokens import create_token, revoke_token, tokens_of


@never_cache
@login_required
def token_list(request):
    form = NewTokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = create_token(request.user, form.cleaned_data["membership"], form.cleaned_data["name"])
        form = NewTokenForm(user=request.user)
    tokens = tokens_of(request.user).select_related("membership__unit")
    return render(request, "api/token_list.html", {"form": form, "tokens": tokens, "secret": secret})


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    if revoke_token(token):
        messages.success(
            request, _("Đã thu hồi khoá “%(name)s”: mọi yêu cầu dùng khoá này bị từ chối.") % {"name": token.name}
        )
    return redirect("api_tokens:token_list")
