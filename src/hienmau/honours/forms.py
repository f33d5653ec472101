from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.honours.models import LocalTier, Occasion
from hienmau.orgs.forms import DateInput


class RoundForm(forms.Form):
    occasion = forms.ChoiceField(label=_("Dịp tôn vinh"), choices=Occasion.choices)
    cutoff = forms.DateField(
        label=_("Tính số lần hiến đến ngày"),
        widget=DateInput(),
        help_text=_("Lần hiến trong ngày này được tính; sau ngày này thì không."),
    )
    title = forms.CharField(
        label=_("Tên đợt tôn vinh"),
        max_length=255,
        required=False,
        help_text=_("Để trống: “Tôn vinh người hiến máu tình nguyện 14/6/2025, tỉnh …”."),
    )


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định khen thưởng"), max_length=60, required=False)
    decision_date = forms.DateField(label=_("Ngày quyết định"), required=False, widget=DateInput())


class PastImportForm(forms.Form):
    file = forms.FileField(
        label=_("Danh sách tôn vinh các năm trước (.xlsx, .xls, .csv, .txt, .docx, PDF)"),
        help_text=_(
            "Cột cần có: Họ và tên; Ngày sinh hoặc Năm sinh; Số lần hiến hoặc Mức tôn vinh; năm tôn vinh ở cột Năm hoặc trong tiêu đề."
        ),
    )
    dry_run = forms.BooleanField(label=_("Chỉ kiểm tra, chưa lưu"), required=False, initial=True)


class LocalTierForm(forms.ModelForm):
    class Meta:
        model = LocalTier
        fields = ["count", "award", "citation"]
