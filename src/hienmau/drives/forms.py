from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.core.clock import today
from hienmau.core.forms import VietnameseIntegerField, vietnamese_number_fields
from hienmau.donors.forms import mobile_phone_or_form_error
from hienmau.donors.lib.eligibility import PastDonation, Person, eligibility, rules_on
from hienmau.donors.services import rule_sets
from hienmau.drives.models import Drive, RegistrationKind, RosterEntry
from hienmau.orgs.forms import DateInput
from hienmau.orgs.models import Unit
from hienmau.plans import slogans
from hienmau.plans.models import Plan


class TimeInput(forms.TimeInput):
    input_type = "time"


class MonthForm(forms.Form):
    """?month=2021-07 (or ?year=2021&month=7) of the drive calendar; anything else is a message, not a
    server error. `view` is the month grid, a week or the list."""

    year = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    month = forms.CharField(max_length=7, required=False)
    week = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    view = forms.ChoiceField(choices=[("month", "month"), ("week", "week"), ("list", "list")], required=False)

    PROBLEM = _("Tháng hoặc năm không hợp lệ (năm từ 1900 đến 2100, tháng từ 1 đến 12); đang hiện tháng này.")

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("month") or "").strip()
        year, month = cleaned.get("year"), None
        if text:
            if "-" in text:
                head, _sep, tail = text.partition("-")
                if not (head.isdecimal() and tail.isdecimal()) or year is not None and int(head) != year:
                    raise forms.ValidationError(self.PROBLEM)
                year, month = int(head), int(tail)
            elif text.isdecimal():
                month = int(text)
            else:
                raise forms.ValidationError(self.PROBLEM)
            if not (1 <= month <= 12 and (year is None or 1900 <= year <= 2100)):
                raise forms.ValidationError(self.PROBLEM)
        cleaned["year"], cleaned["month"] = year, month
        return cleaned


class DriveSearchForm(forms.Form):
    """The drive list's search, filters and order; a wrong value is a message, never a server error."""

    SORTS = [
        ("-date", _("Mới nhất trước")),
        ("date", _("Cũ nhất trước")),
        ("title", _("Theo tên")),
        ("organiser", _("Theo đơn vị tổ chức")),
    ]
    q = forms.CharField(label=_("Tìm"), required=False, max_length=200)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False)
    start = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput())
    phase = forms.ChoiceField(label=_("Tình trạng"), required=False)
    facility = forms.ModelChoiceField(label=_("Cơ sở tiếp nhận"), queryset=Unit.objects.none(), required=False)
    plan = forms.ModelChoiceField(label=_("Kế hoạch"), queryset=Plan.objects.none(), required=False)
    sort = forms.ChoiceField(label=_("Sắp xếp"), choices=SORTS, required=False)

    def __init__(self, *args, units=None, facilities=None, plans=None, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["unit"].empty_label = _("Mọi đơn vị")
        self.fields["facility"].queryset = facilities if facilities is not None else Unit.objects.none()
        self.fields["facility"].empty_label = _("Mọi cơ sở")
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()
        self.fields["plan"].empty_label = _("Mọi kế hoạch")
        self.fields["plan"].label_from_instance = lambda p: p.reference or p.title[:60]
        self.fields["unit"].label_from_instance = lambda u: u.full_name
        self.fields["facility"].label_from_instance = lambda u: u.full_name
        self.fields["phase"].choices = [("", _("Mọi tình trạng")), *phases]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned


class DriveForm(forms.ModelForm):
    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Drive
        fields = [
            "title",
            "organiser",
            "plan",
            "bucket",
            "campaign_label",
            "date",
            "start_time",
            "end_time",
            "site_name",
            "site_address",
            "site_commune",
            "facility",
            "target_units",
            "expected_direct",
            "expected_reserve",
            "list_deadline",
            "slogan",
            "public_registration",
        ]
        widgets = {
            "date": DateInput(),
            "list_deadline": DateInput(),
            "start_time": TimeInput(format="%H:%M"),
            "end_time": TimeInput(format="%H:%M"),
        }

    def __init__(self, *args, units=None, plans=None, facilities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["organiser"].queryset = units.exclude(kind="organisation") | units.filter(category="union")
            self.fields["site_commune"].queryset = units.filter(kind="commune")
        if facilities is not None:
            # A choice outside this list is refused by the field itself, whatever the browser sends.
            self.fields["facility"].queryset = facilities.order_by("depth", "name")
            self.fields["facility"].error_messages["invalid_choice"] = _(
                "Chỉ chọn được cơ sở tiếp nhận máu trong phạm vi của bạn hoặc của tỉnh, trung ương."
            )
        # The slogans offered (a datalist on the field): the plans' own messages, then the seeds'.
        self.slogans = slogans.offered(plans.exclude(messages="")[:20] if plans is not None else ())
        self.fields["slogan"].widget.attrs["list"] = "slogans"
        if plans is not None:
            self.fields["plan"].queryset = plans
            self.fields["bucket"].queryset = self.fields["bucket"].queryset.filter(plan__in=plans)
            self.fields["bucket"].label_from_instance = lambda b: f"{b.plan.reference or b.plan.title[:30]} — {b.label}"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("Giờ kết thúc phải sau giờ bắt đầu."))
        deadline, day = cleaned.get("list_deadline"), cleaned.get("date")
        if deadline and day and deadline > day:
            self.add_error("list_deadline", _("Hạn gửi danh sách phải trước ngày hiến máu."))
        bucket, plan = cleaned.get("bucket"), cleaned.get("plan")
        if bucket and plan and bucket.plan_id != plan.pk:
            self.add_error("bucket", _("Đợt này không thuộc kế hoạch đã chọn."))
        return cleaned


class SlotsForm(forms.Form):
    """Bulk-create slots: one line per unit, "quota" each, in one time window."""

    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), label=_("Đơn vị tham gia"), widget=forms.CheckboxSelectMultiple, required=False
    )
    start_time = forms.TimeField(label=_("Từ"), widget=TimeInput(format="%H:%M"))
    end_time = forms.TimeField(label=_("Đến"), widget=TimeInput(format="%H:%M"))
    quota = forms.IntegerField(label=_("Số người đăng ký mỗi đơn vị"), min_value=1, max_value=5000)
    public = forms.BooleanField(label=_("Thêm khung giờ cho người tự đăng ký"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["units"].queryset = units

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_time") and cleaned.get("end_time") and cleaned["end_time"] <= cleaned["start_time"]:
            self.add_error("end_time", _("Giờ kết thúc phải sau giờ bắt đầu."))
        if not cleaned.get("units") and not cleaned.get("public"):
            raise forms.ValidationError(_("Chọn ít nhất một đơn vị, hoặc thêm khung giờ tự đăng ký."))
        return cleaned


class RosterForm(forms.ModelForm):
    class Meta:
        formfield_callback = vietnamese_number_fields
        model = RosterEntry
        fields = ["role", "unit", "people", "arrival_time", "task"]
        widgets = {"arrival_time": TimeInput(format="%H:%M")}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class RegistrantListForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị gửi danh sách"))
    file = forms.FileField(label=_("Tệp danh sách (.xlsx, .csv)"), required=False)
    text = forms.CharField(
        label=_("Hoặc dán danh sách (sao chép từ Excel/Word)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not (cleaned.get("text") or "").strip() and not self.errors:
            raise forms.ValidationError(_("Chọn tệp hoặc dán danh sách."))
        upload = cleaned.get("file")
        if upload and upload.size > 10 * 1024 * 1024:
            self.add_error("file", _("Tệp quá lớn (tối đa 10 MB)."))
        return cleaned


class TypedPersonForm(forms.Form):
    """One registrant typed in by hand; the lines go through the same checks as an uploaded list."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=255, required=False)
    date_of_birth = forms.CharField(
        label=_("Ngày sinh"), max_length=20, required=False, widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    sex = forms.ChoiceField(
        label=_("Giới tính"), choices=[("", "—"), ("Nam", _("Nam")), ("Nữ", _("Nữ"))], required=False
    )
    cccd = forms.CharField(label=_("CCCD"), max_length=20, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    kind = forms.ChoiceField(
        label=_("Hình thức"), choices=[("Trực tiếp", _("Trực tiếp")), ("Dự bị", _("Dự bị"))], required=False
    )

    COLUMNS = ("Họ và tên", "Ngày sinh", "Giới tính", "CCCD", "Số điện thoại", "Trực tiếp / Dự bị")

    def as_cells(self) -> list[str]:
        data = self.cleaned_data
        return [data.get(name) or "" for name in ("full_name", "date_of_birth", "sex", "cccd", "phone", "kind")]


TypedPeopleFormSet = forms.formset_factory(TypedPersonForm, extra=5)


def typed_list_text(formset) -> str:
    """The typed lines as the tab-separated text a pasted list would be, header first."""
    rows = [form.as_cells() for form in formset if form.cleaned_data and any(form.as_cells()[:5])]
    if not rows:
        return ""
    return "\n".join("\t".join(cells) for cells in [list(TypedPersonForm.COLUMNS), *rows])


class PublicRegistrationForm(forms.Form):
    slot = forms.ChoiceField(label=_("Khung giờ"))
    full_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    date_of_birth = forms.DateField(label=_("Ngày sinh"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Giới tính"), choices=[("M", _("Nam")), ("F", _("Nữ"))])
    phone = forms.CharField(label=_("Số điện thoại di động"), max_length=20)
    address = forms.CharField(
        label=_("Nơi ở"),
        max_length=255,
        required=False,
        help_text=_("Xã/phường, tỉnh/thành phố; ghi theo tên cũ cũng được (ví dụ: xã Vân Du, huyện Ân Thi, Hưng Yên)."),
    )
    kind = forms.ChoiceField(label=_("Hình thức"), choices=RegistrationKind.choices, initial=RegistrationKind.DIRECT)
    last_donation = forms.DateField(
        label=_("Lần hiến máu gần nhất"),
        required=False,
        widget=DateInput(),
        help_text=_("Để trống nếu bạn chưa hiến máu lần nào."),
    )
    consent = forms.BooleanField(
        label=_("Tôi đồng ý cho Ban Chỉ đạo lưu và dùng thông tin này để tổ chức hiến máu và liên hệ với tôi.")
    )

    def __init__(self, *args, slots=(), drive: Drive | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.drive = drive
        self.fields["slot"].choices = [(str(slot.pk), label) for slot, label in slots]  # type: ignore[attr-defined]

    def clean_phone(self):
        return mobile_phone_or_form_error(self.cleaned_data["phone"])

    def clean_last_donation(self):
        last = self.cleaned_data.get("last_donation")
        if last and last > today():
            raise forms.ValidationError(_("Ngày hiến gần nhất không thể sau hôm nay."))
        return last

    def clean(self):
        """Only people who may give on the drive's day: from 18 to 60 years old, 12 weeks after their last
        donation (whole blood, as people who sign up here give). Judged on what they typed, nothing else."""
        cleaned = super().clean()
        born = cleaned.get("date_of_birth")
        if self.drive is not None and born and "last_donation" not in self.errors:
            last = cleaned.get("last_donation")
            for reason in registration_refusals(born, cleaned.get("sex") or None, last, self.drive.date):
                self.add_error("last_donation" if "Lần hiến gần nhất" in reason else "date_of_birth", reason)
        return cleaned


def registration_refusals(born, sex, last_donation, day) -> list[str]:
    """Why someone may not sign up to give whole blood on `day` (age, gap after the last donation)."""
    if born > day:
        return [str(_("Ngày sinh không hợp lệ."))]
    verdict = eligibility(
        Person(sex, born, None),
        day,
        "whole_blood",
        None,
        PastDonation(last_donation, "whole_blood") if last_donation else None,
        [],
        rules_on(rule_sets(), day),
    )
    return list(verdict.blocking)


class AggregateForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"))
    donated = VietnameseIntegerField(label=_("Số người đã hiến"), min_value=0)
    deferred = VietnameseIntegerField(label=_("Số người tạm hoãn"), min_value=0, initial=0)
    volume_ml = VietnameseIntegerField(label=_("Tổng thể tích (ml)"), min_value=0, initial=0)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
