"""/donors/access-log/: the auditors' page over the reveal and export log (donors/access_log.py)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hienmau.donors import access_log
from hienmau.donors.models import REVEAL_FIELD_LABELS
from hienmau.orgs.forms import DateInput
from hienmau.orgs.scoping import scope_required


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("Người xem"), required=False, max_length=150)
    field = forms.ChoiceField(
        label=gettext_lazy("Thao tác"),
        required=False,
        choices=[("", gettext_lazy("Mọi thao tác")), *REVEAL_FIELD_LABELS.items()],
    )
    since = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=DateInput())
    until = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=DateInput())
    donor = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


@scope_required
def access_log_page(request):
    if not access_log.may_audit(request.scope):
        raise PermissionDenied(
            _("Chỉ lãnh đạo hoặc quản trị viên của đơn vị được xem nhật ký truy cập dữ liệu cá nhân.")
        )
    form = AccessLogFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = access_log.Filters(
        user=data.get("user") or "",
        field=data.get("field") or "",
        donor=data.get("donor"),
        since=data.get("since"),
        until=data.get("until"),
    )
    page = Paginator(access_log.entries(request.scope, filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "donors/access_log.html", {"form": form, "page": page, "query": query.urlencode()})
