from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.core.forms import VietnameseIntegerField, vietnamese_number_fields
from hienmau.core.lib.identity import normalise_cccd
from hienmau.donors.forms import mobile_phone_or_form_error
from hienmau.donors.privacy import REVEALABLE, masked
from hienmau.humanitarian.models import Beneficiary, Need, Pledge, Sponsor
from hienmau.orgs.forms import DateInput

MAX_VND = 2_000_000_000


class BeneficiaryForm(forms.ModelForm):
    needs = forms.MultipleChoiceField(
        label=_("Nhu cầu trợ giúp"), choices=Need.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Beneficiary
        fields = [
            "unit",
            "kind",
            "full_name",
            "date_of_birth",
            "cccd",
            "phone",
            "address",
            "members",
            "situation",
            "needs",
            "status",
            "established_on",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "established_on": DateInput(),
            "situation": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"established_on": _("Để trống: ngày xác lập là hôm nay khi chọn “Đã xác lập”.")}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units.filter(kind="commune").order_by("name")
        if self.instance.pk:
            # As on the donor form: the masked value is shown, and sent back unchanged keeps the stored one.
            for name in REVEALABLE:
                stored = getattr(self.instance, name)
                if stored:
                    self.initial[name] = masked(name, stored)
                    self.fields[name].help_text = _("Để nguyên để giữ số đã lưu; gõ số mới để thay.")

    def _unchanged_masked(self, name: str) -> bool:
        stored = getattr(self.instance, name) if self.instance.pk else None
        return bool(stored) and (self.cleaned_data.get(name) or "").strip() == masked(name, stored)

    def clean_cccd(self):
        if self._unchanged_masked("cccd"):
            return self.instance.cccd
        value = (self.cleaned_data.get("cccd") or "").strip()
        if not value:
            return ""
        cccd = normalise_cccd(value)
        if len(cccd) != 12:
            raise forms.ValidationError(_("Số CCCD gồm 12 chữ số."))
        return cccd

    def clean_phone(self):
        if self._unchanged_masked("phone"):
            return self.instance.phone
        return mobile_phone_or_form_error(self.cleaned_data.get("phone"))


class SponsorForm(forms.ModelForm):
    class Meta:
        model = Sponsor
        fields = ["unit", "kind", "name", "contact", "phone", "joined_on", "note"]
        widgets = {"joined_on": DateInput()}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units.order_by("path")

    def clean_phone(self):
        return mobile_phone_or_form_error(self.cleaned_data.get("phone"))


class PledgeForm(forms.ModelForm):
    amount = VietnameseIntegerField(label=_("Giá trị mỗi lần (đồng)"), min_value=0, max_value=MAX_VND, initial=0)
    quantity = VietnameseIntegerField(label=_("Số lượng mỗi lần"), min_value=1, max_value=100_000, initial=1)

    class Meta:
        model = Pledge
        fields = ["sponsor", "need", "amount", "quantity", "frequency", "start", "end", "note"]
        widgets = {"start": DateInput(), "end": DateInput()}
        help_texts = {"quantity": _("Ví dụ số thẻ bảo hiểm y tế, số suất quà.")}

    def __init__(self, *args, sponsors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sponsors is not None:
            self.fields["sponsor"].queryset = sponsors


class DeliveryForm(forms.Form):
    date = forms.DateField(label=_("Ngày trao"), widget=DateInput())
    value = VietnameseIntegerField(label=_("Giá trị (đồng)"), min_value=0, max_value=MAX_VND)
    quantity = VietnameseIntegerField(label=_("Số lượng"), min_value=1, max_value=100_000, initial=1)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Tệp hồ sơ (PDF, ảnh, Word, Excel; tối đa 10 MB)"))
