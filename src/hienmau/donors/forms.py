from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hienmau.core.forms import VietnameseDecimalField, vietnamese_number_fields
from hienmau.core.lib.identity import PhoneError, check_cccd, normalise_cccd, normalise_phone
from hienmau.donors.models import Component, Donation, Donor, Outcome, Sex
from hienmau.donors.privacy import REVEALABLE, masked
from hienmau.donors.recording import Override, Visit
from hienmau.orgs.forms import DateInput
from hienmau.orgs.models import Unit


def mobile_phone_or_form_error(value: str | None) -> str:
    """A phone number typed into any form, as stored (+84…); "" when blank; else the error saying why."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalise_phone(value)
    except PhoneError as exc:
        raise forms.ValidationError(str(exc)) from exc


class DonorForm(forms.ModelForm):
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label=_("Tôi đã xem các hồ sơ có thể trùng và xác nhận đây là người khác"),
    )

    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Donor
        fields = [
            "full_name",
            "date_of_birth",
            "sex",
            "cccd",
            "phone",
            "address",
            "commune",
            "workplace",
            "abo",
            "rh",
            "blood_group_source",
            "blood_group_date",
            "blood_group_conflict",
            "weight_kg",
            "clubs",
            "consent_contact",
            "consent_processing",
            "consent_date",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "consent_date": DateInput(),
            "blood_group_date": DateInput(),
            "clubs": forms.CheckboxSelectMultiple,
        }
        help_texts = {"blood_group_conflict": _("Xoá dòng này sau khi đã kiểm tra lại nhóm máu của người hiến.")}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["commune"].queryset = units.filter(kind="commune")
            self.fields["workplace"].queryset = units.filter(kind="organisation")
            self.fields["clubs"].queryset = units.filter(category="club")
        self.fields["sex"].required = True
        self.fields["date_of_birth"].required = True
        if self.instance.pk:
            # Edited without being seen: the form shows the masked value, and a masked value sent back
            # unchanged keeps what is stored (seeing the full number is a logged reveal on the record).
            for name in REVEALABLE:
                stored = getattr(self.instance, name)
                if stored:
                    self.initial[name] = masked(name, stored)
                    self.fields[name].help_text = _("Để nguyên để giữ số đã lưu; gõ số mới để thay.")

    def _unchanged_masked(self, name: str) -> bool:
        stored = getattr(self.instance, name) if self.instance.pk else None
        return bool(stored) and (self.cleaned_data.get(name) or "").strip() == masked(name, stored)

    def _get_validation_exclusions(self):
        # A new record's CCCD is matched by the view through donors/registry.py (in the scope: named;
        # elsewhere: a transfer request), not by the bare unique constraint.
        exclude = super()._get_validation_exclusions()
        if self.instance.pk is None:
            exclude.add("cccd")
        return exclude

    def clean_cccd(self):
        if self._unchanged_masked("cccd"):
            return self.instance.cccd
        value = self.cleaned_data.get("cccd") or ""
        return normalise_cccd(value) or None if value.strip() else None

    def clean_phone(self):
        if self._unchanged_masked("phone"):
            return self.instance.phone
        return mobile_phone_or_form_error(self.cleaned_data.get("phone"))

    def clean(self):
        cleaned = super().clean()
        cccd = cleaned.get("cccd")
        if cccd:
            for problem in check_cccd(cccd, cleaned.get("date_of_birth"), cleaned.get("sex")):
                self.add_error("cccd", problem.message)
        return cleaned


class DonationForm(forms.ModelForm):
    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Donation
        fields = [
            "date",
            "facility",
            "drive_name",
            "mobilised_by",
            "outcome",
            "component",
            "volume_ml",
            "bag_number",
            "deferral_reason",
            "deferral_until",
            "benefit_kind",
            "benefit_amount",
        ]
        widgets = {"date": DateInput(), "deferral_until": DateInput()}

    override_physician = forms.CharField(
        label=_("Bác sĩ cho phép hiến"),
        max_length=255,
        required=False,
        help_text=_("Chỉ ghi khi người hiến chưa đủ điều kiện theo quy định mà bác sĩ vẫn cho phép."),
    )
    override_reason = forms.CharField(label=_("Lý do bác sĩ cho phép"), max_length=500, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["facility"].queryset = units.filter(kind="organisation", category="hospital")
            self.fields["mobilised_by"].queryset = units

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Outcome.DONATED and not cleaned.get("volume_ml"):
            self.add_error("volume_ml", _("Ghi thể tích máu đã hiến."))
        if cleaned.get("outcome") == Outcome.DEFERRED:
            if not cleaned.get("deferral_reason"):
                self.add_error("deferral_reason", _("Ghi lý do tạm hoãn."))
            if cleaned.get("volume_ml"):
                self.add_error("volume_ml", _("Lần tạm hoãn không có thể tích máu."))
        try:
            cleaned["override"] = Override.given(cleaned.get("override_physician"), cleaned.get("override_reason"))
        except ValidationError as exc:
            self.add_error("override_reason", exc.messages[0])
        return cleaned

    def visit(self) -> Visit:
        data = self.cleaned_data
        fields: dict[str, Any] = {
            name: data.get(name) for name in self.Meta.fields if name not in ("benefit_kind", "drive_name")
        }
        return Visit(
            **fields,
            benefit_kind=data.get("benefit_kind") or "",
            drive_name=data.get("drive_name") or "",
        )

    def refused(self, reasons: list[str]) -> None:
        """The rules refuse the donation: say why, and ask for the physician's permission."""
        self.add_error(None, [_("Chưa đủ điều kiện hiến máu vào ngày này:"), *reasons])
        self.add_error("override_physician", _("Chỉ ghi nhận khi bác sĩ cho phép: ghi tên bác sĩ và lý do cho phép."))


class EligibilityCheckForm(forms.Form):
    """“Could this person give on that day?” for someone not in the registry."""

    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    date_of_birth = forms.DateField(label=_("Ngày sinh"), widget=DateInput())
    weight_kg = VietnameseDecimalField(label=_("Cân nặng (kg)"), min_value=20, max_value=250)
    on = forms.DateField(label=_("Ngày dự kiến hiến"), widget=DateInput())
    component = forms.ChoiceField(label=_("Thành phần"), choices=Component.choices)
    volume_ml = forms.TypedChoiceField(
        label=_("Thể tích (ml)"),
        coerce=int,
        choices=[(250, "250"), (350, "350"), (450, "450"), (500, "500"), (650, "650")],
    )
    last_date = forms.DateField(label=_("Lần hiến gần nhất"), required=False, widget=DateInput())
    last_component = forms.ChoiceField(label=_("Thành phần lần trước"), choices=Component.choices, required=False)


class DonationImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp xuất từ cơ sở tiếp nhận máu (.xlsx, .csv)"))
    facility = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Cơ sở tiếp nhận máu"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["facility"].queryset = units.filter(kind="organisation", category="hospital")


class BenefitReportForm(forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput())
