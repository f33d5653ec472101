"""Forms of the check-in page: one outcome sent by the page's outbox, and a walk-in added on the spot."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hienmau.core.lib.identity import check_cccd, normalise_cccd
from hienmau.donors.forms import mobile_phone_or_form_error
from hienmau.donors.models import Component, Sex
from hienmau.donors.recording import Override
from hienmau.drives.models import Drive, Registration, RegistrationStatus
from hienmau.drives.services import CheckIn, Person
from hienmau.orgs.forms import DateInput
from hienmau.orgs.models import Unit

CLIENT_EVENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
VOLUMES = [(250, "250 ml"), (350, "350 ml"), (450, "450 ml")]
OUTCOMES = [
    (RegistrationStatus.DONATED, RegistrationStatus.DONATED.label),
    (RegistrationStatus.DEFERRED, RegistrationStatus.DEFERRED.label),
    (RegistrationStatus.NO_SHOW, RegistrationStatus.NO_SHOW.label),
]


class CheckInOutcomeForm(forms.Form):
    """What the page's outbox sends: who (id or QR token), the id the browser gave the event, the outcome."""

    registration = forms.IntegerField(required=False, min_value=1)
    registration_token = forms.CharField(required=False, max_length=24)
    client_event_id = forms.CharField(max_length=64)
    outcome = forms.ChoiceField(
        choices=OUTCOMES,
        error_messages={
            "invalid_choice": _("Kết quả phải là đã hiến, tạm hoãn hoặc không đến."),
            "required": _("Kết quả phải là đã hiến, tạm hoãn hoặc không đến."),
        },
    )
    component = forms.ChoiceField(choices=Component.choices, required=False)
    volume_ml = forms.TypedChoiceField(
        choices=VOLUMES,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Thể tích phải là 250, 350 hoặc 450 ml.")},
    )
    bag_number = forms.CharField(max_length=40, required=False)
    deferral_reason = forms.CharField(max_length=255, required=False)
    deferral_until = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    override_physician = forms.CharField(max_length=255, required=False)
    override_reason = forms.CharField(max_length=500, required=False)
    correction = forms.BooleanField(required=False)

    def clean_client_event_id(self) -> str:
        value = self.cleaned_data["client_event_id"].strip()
        if not CLIENT_EVENT_ID.match(value):
            raise forms.ValidationError(_("Mã sự kiện không hợp lệ."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("registration") and not cleaned.get("registration_token"):
            raise forms.ValidationError(_("Thiếu người đăng ký (mã QR hoặc số thứ tự)."))
        if cleaned.get("outcome") == RegistrationStatus.DONATED and not cleaned.get("volume_ml"):
            self.add_error("volume_ml", _("Thể tích phải là 250, 350 hoặc 450 ml."))
        if cleaned.get("outcome") == RegistrationStatus.DEFERRED and not cleaned.get("deferral_reason", "").strip():
            self.add_error("deferral_reason", _("Ghi lý do tạm hoãn."))
        try:
            cleaned["override"] = Override.given(cleaned.get("override_physician"), cleaned.get("override_reason"))
        except ValidationError as exc:
            self.add_error("override_reason", exc.messages[0])
        return cleaned

    def registration_in(self, drive: Drive) -> Registration | None:
        registrations = drive.registrations.all()
        if self.cleaned_data.get("registration"):
            return registrations.filter(pk=self.cleaned_data["registration"]).first()
        return registrations.filter(qr_token=self.cleaned_data["registration_token"].strip()).first()

    def check_in(self) -> CheckIn:
        data = self.cleaned_data
        return CheckIn(
            outcome=data["outcome"],
            component=data.get("component") or Component.WHOLE_BLOOD,
            volume_ml=data.get("volume_ml"),
            bag_number=(data.get("bag_number") or "").strip(),
            deferral_reason=(data.get("deferral_reason") or "").strip(),
            deferral_until=data.get("deferral_until"),
            override=data.get("override") if data["outcome"] == RegistrationStatus.DONATED else None,
            correction=bool(data.get("correction")),
        )

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return str(_("Dữ liệu không hợp lệ."))


class WalkInForm(forms.Form):
    """Someone who came without being on a list: enough to find or create their registry record."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    date_of_birth = forms.DateField(label=_("Ngày sinh"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    cccd = forms.CharField(
        label=_("Số CCCD"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị vận động"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— Tự đến, không qua đơn vị —"),
    )

    def __init__(self, *args, drive: Drive, **kwargs):
        kwargs["prefix"] = "walkin"
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(drive_slots__drive=drive).distinct().order_by("name")

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_phone(self) -> str:
        return mobile_phone_or_form_error(self.cleaned_data.get("phone"))

    def clean_cccd(self) -> str | None:
        return normalise_cccd(self.cleaned_data.get("cccd", "")) or None

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("cccd") and "phone" not in self.errors:
            self.add_error("phone", _("Ghi số điện thoại hoặc số CCCD."))
        if cleaned.get("cccd"):
            for problem in check_cccd(cleaned["cccd"], cleaned.get("date_of_birth"), cleaned.get("sex")):
                self.add_error("cccd", problem.message)
        return cleaned

    def person(self) -> Person:
        data = self.cleaned_data
        return Person(
            full_name=data["full_name"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            cccd=data.get("cccd"),
            phone=data.get("phone", ""),
        )
