from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.core.forms import vietnamese_number_fields
from hienmau.reports.models import UnitReport
from hienmau.reports.submissions import UNIT_FIELDS


class UnitReportForm(forms.ModelForm):
    """What the unit reports: the recorded figures (prefilled, the unit's to correct) and what only it knows."""

    class Meta:
        formfield_callback = vietnamese_number_fields
        model = UnitReport
        fields = list(UNIT_FIELDS)
        widgets = {
            "activities": forms.Textarea(attrs={"rows": 3}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
        }


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến của văn phòng"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi trả lại hoặc mở lại báo cáo: ghi rõ cần sửa gì."),
    )
