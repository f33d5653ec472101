from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.orgs.models import Unit
from hienmau.plans.models import Plan


class ResultImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp bảng tổng hợp kết quả (.xlsx, .csv, .docx, .txt)"))
    plan: forms.ModelChoiceField[Plan] = forms.ModelChoiceField(
        label=_("Thuộc kế hoạch"),
        queryset=None,
        required=False,
        empty_label=_("— đọc từ tệp (“Thực hiện Kế hoạch số …”) —"),
    )
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Đơn vị của cả tệp"),
        queryset=None,
        required=False,
        empty_label=_("— theo cột đơn vị trong tệp —"),
        help_text=_("Chọn khi tệp là báo cáo của một đơn vị, không có cột đơn vị."),
    )

    def __init__(self, *args, plans, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["unit"].queryset = units
