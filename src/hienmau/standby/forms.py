"""Forms named for their job: raising an emergency request, recording an answer, keeping a club roster."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hienmau.core import clock
from hienmau.core.forms import VietnameseIntegerField
from hienmau.orgs.forms import DateInput
from hienmau.standby.lib import matching as M
from hienmau.standby.models import CallOutcome, Club, ClubKind, ClubMember, ContactChannel, EmergencyRequest

GROUP_CHOICES = [(f"{abo}{rh}", f"{abo} Rh{'−' if rh == '-' else '+'}") for rh in ("-", "+") for abo in M.ABO]


class TimeInput(forms.TimeInput):
    input_type = "time"


class EmergencyRequestForm(forms.ModelForm):
    group = forms.ChoiceField(label=_("Nhóm máu cần"), choices=GROUP_CHOICES, initial="O-")
    units = VietnameseIntegerField(label=_("Số đơn vị cần"), min_value=1, max_value=50, initial=1)
    needed_on = forms.DateField(label=_("Cần trước ngày"), widget=DateInput())
    needed_at = forms.TimeField(label=_("Giờ"), widget=TimeInput(format="%H:%M"))
    answer_minutes = VietnameseIntegerField(
        label=_("Thời gian chờ trả lời (phút)"),
        min_value=5,
        max_value=240,
        initial=20,
        help_text=_("Quá thời gian này mà chưa đủ người nhận lời thì gọi đợt tiếp."),
    )

    class Meta:
        model = EmergencyRequest
        fields = ["facility", "component", "urgency", "place", "contact_phone"]

    field_order = ["facility", "group", "component", "units", "urgency", "needed_on", "needed_at", "place"]

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        self.fields["facility"].empty_label = None
        later = timezone.localtime(clock.now()) + datetime.timedelta(hours=6)
        self.fields["needed_on"].initial = later.date()
        self.fields["needed_at"].initial = later.time().replace(second=0, microsecond=0)

    def save(self, commit=True):
        request = super().save(commit=False)
        request.abo, request.rh = M.parse_group(self.cleaned_data["group"]) or ("", "")
        request.units = self.cleaned_data["units"]
        request.answer_minutes = self.cleaned_data["answer_minutes"]
        moment = datetime.datetime.combine(self.cleaned_data["needed_on"], self.cleaned_data["needed_at"])
        request.needed_by = timezone.make_aware(moment)
        if commit:
            request.save()
        return request


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=[c for c in CallOutcome.choices if c[0]])


class ClubForm(forms.ModelForm):
    class Meta:
        model = Club
        fields = ["name", "kind", "unit", "note"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["kind"].choices = ClubKind.choices


class MemberAddForm(forms.Form):
    number = forms.CharField(
        label=_("Số CCCD hoặc số điện thoại"),
        max_length=20,
        help_text=_("Người hiến phải có trong danh sách người hiến máu của đơn vị."),
    )
    joined_on = forms.DateField(label=_("Ngày tham gia"), widget=DateInput(), initial=clock.today)
    channel = forms.ChoiceField(label=_("Kênh liên lạc ưa dùng"), choices=ContactChannel.choices)


class MemberForm(forms.ModelForm):
    class Meta:
        model = ClubMember
        fields = [
            "status",
            "unavailable_until",
            "channel",
            "zalo_user_id",
            "email",
            "contact_from",
            "contact_until",
            "consent_emergency",
            "note",
        ]
        widgets = {
            "unavailable_until": DateInput(),
            "contact_from": TimeInput(format="%H:%M"),
            "contact_until": TimeInput(format="%H:%M"),
        }
        help_texts = {"unavailable_until": _("Bỏ trống khi đã sẵn sàng; đủ điều kiện hiến không có nghĩa là sẵn sàng.")}

    def clean(self):
        data = super().clean()
        if data.get("channel") == ContactChannel.ZALO and not data.get("zalo_user_id"):
            self.add_error("zalo_user_id", _("Cần mã người dùng Zalo khi chọn liên lạc qua Zalo."))
        if data.get("channel") == ContactChannel.EMAIL and not data.get("email"):
            self.add_error("email", _("Cần địa chỉ thư khi chọn liên lạc qua thư điện tử."))
        return data
