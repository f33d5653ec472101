from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.core.lib.blood import parse_blood_group
from hienmau.core.lib.dates import parse_month
from hienmau.orgs.models import Unit


class NeedImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp nhu cầu máu (.xlsx, .xls, .csv, .docx, PDF)"),
        help_text=_(
            "Các cột: cơ sở tiếp nhận (tên hoặc mã), tháng (01/2025, Tháng 1/2025, 2025-01), số đơn vị máu; có thể thêm nhóm máu."
        ),
    )


class NeedForm(forms.Form):
    """One facility's need for one month, typed in."""

    facility: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("Cơ sở tiếp nhận"), queryset=None)
    month = forms.CharField(label=_("Tháng"), help_text=_("Ví dụ: 02/2026 hoặc Tháng 2/2026."))
    blood_group = forms.CharField(
        label=_("Nhóm máu"), required=False, help_text=_("Để trống nếu là nhu cầu mọi nhóm máu.")
    )
    units = forms.IntegerField(label=_("Số đơn vị máu cần"), min_value=0, max_value=1_000_000)

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities

    def clean_month(self):
        try:
            month = parse_month(self.cleaned_data["month"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if month is None:
            raise forms.ValidationError(_("Cần ghi tháng."))
        return month

    def clean_blood_group(self):
        text = self.cleaned_data.get("blood_group", "")
        parsed = parse_blood_group(text)
        if parsed is None or (text.strip() and not parsed[0]):
            raise forms.ValidationError(_("Không hiểu nhóm máu “%(text)s” (ví dụ: O, A Rh+, B Rh−).") % {"text": text})
        return f"{parsed[0]}{parsed[1]}"
