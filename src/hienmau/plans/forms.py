from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.core.forms import VietnameseIntegerField, vietnamese_number_fields
from hienmau.orgs.forms import DateInput
from hienmau.orgs.models import Unit
from hienmau.plans.models import CampaignLabel, Metric, Plan, Target
from hienmau.plans.services import MAX_CELL_VALUE

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class PlanForm(forms.ModelForm):
    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Plan
        fields = [
            "issuing_unit",
            "number",
            "suffix",
            "date",
            "title",
            "kind",
            "period_start",
            "period_end",
            "parent_plan",
            "implements_text",
            "received_allocation",
            "report_deadline",
            "campaign_labels",
            "messages",
            "funding_sources",
        ]
        widgets = {
            "date": DateInput(),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "report_deadline": DateInput(),
            "messages": forms.Textarea(attrs={"rows": 3}),
            "funding_sources": forms.Textarea(attrs={"rows": 3}),
            "campaign_labels": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, units=None, plans=None, allocations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["issuing_unit"].queryset = units
        if plans is not None:
            self.fields["parent_plan"].queryset = plans
        if allocations is not None:
            self.fields["received_allocation"].queryset = allocations
            self.fields["received_allocation"].label_from_instance = lambda a: (
                f"{a.plan.reference or a.plan.title[:40]} → {a.unit_name}: {a.total if a.total is not None else '—'}"
            )
        self.fields["campaign_labels"].queryset = CampaignLabel.objects.all()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned


class TargetForm(forms.ModelForm):
    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Target
        fields = ["metric", "value", "counting_basis", "note"]


TargetFormSet = forms.inlineformset_factory(Plan, Target, form=TargetForm, extra=2, can_delete=True)


class CellForm(forms.Form):
    allocation = forms.IntegerField()
    bucket = forms.CharField()  # a bucket id, or "total"
    value = VietnameseIntegerField(required=False)
    # What the page showed in the cell before the edit (blank: an empty cell); see services.set_cell.
    shown = VietnameseIntegerField(required=False)


class AddRowForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"))
    total = VietnameseIntegerField(required=False, label=_("Tổng"), min_value=0, max_value=MAX_CELL_VALUE)
    section = forms.CharField(required=False, label=_("Nhóm"), max_length=255)

    def __init__(self, *args, units=None, metrics=(), **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        if metrics:  # a plan of a kind that splits other metrics than blood units (KIND_METRICS)
            self.fields["metric"] = forms.ChoiceField(
                label=_("Chỉ tiêu"), choices=[(m, Metric(m).label) for m in metrics]
            )

    @property
    def metric(self) -> str:
        return self.cleaned_data.get("metric") or Metric.BLOOD_UNITS


class AddBucketForm(forms.Form):
    kind = forms.ChoiceField(choices=[("month", _("Tháng")), ("round", _("Đợt"))], label=_("Loại cột"))
    number = forms.IntegerField(min_value=1, max_value=24, label=_("Số"))
    date = forms.DateField(required=False, widget=DateInput(), label=_("Ngày (với đợt)"))


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False, label=_("Tệp phụ lục (.xlsx, .xls, .ods, .docx, .doc, .odt, PDF có lớp chữ, .csv, .txt)")
    )
    text = forms.CharField(
        required=False,
        label=_("Hoặc dán bảng / toàn văn bản"),
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": _("Sao chép bảng từ Word hoặc Excel rồi dán vào đây")}),
    )
    # What the browser's clipboard held as HTML when a table was pasted from Word or Excel (filled by
    # plans/static/plans/paste.js): read instead of the plain text, keeping merged headers and empty cells.
    html = forms.CharField(required=False, widget=forms.HiddenInput)
    issuing_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Đơn vị ban hành"),
        help_text=_("Để trống để nhận từ đầu văn bản."),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["issuing_unit"].queryset = units

    def pasted_html(self) -> str:
        """The pasted HTML when it holds a table and no file was chosen; "" otherwise."""
        markup = self.cleaned_data.get("html") or ""
        return markup if not self.cleaned_data.get("file") and "<table" in markup.lower() else ""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn (%(size)s MB; tối đa %(max)s MB)."),
                params={"size": upload.size // (1024 * 1024), "max": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        pasted = (cleaned.get("text") or "").strip() or "<table" in (cleaned.get("html") or "").lower()
        if not cleaned.get("file") and not pasted and not self.errors:
            raise forms.ValidationError(_("Chọn một tệp hoặc dán nội dung bảng."))
        return cleaned


class IssueForm(forms.Form):
    """What a signed plan (or an amendment) carries: number, date, signer."""

    number = forms.CharField(
        label=_("Số văn bản"),
        max_length=61,
        help_text=_("Ví dụ 66 hoặc 66/KH-BCĐ (ký hiệu giữ như hiện có nếu bỏ trống)."),
    )
    date = forms.DateField(label=_("Ngày ban hành"), widget=DateInput())
    signer = forms.CharField(label=_("Người ký"), max_length=120, help_text=_("Họ tên và chức vụ người ký văn bản."))


class AmendmentForm(IssueForm):
    reason = forms.CharField(label=_("Lý do điều chỉnh"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DraftForm(forms.Form):
    """Next year's plan from this one: the new year, total, method and rounding step."""

    METHOD_CHOICES = (
        ("actual", _("Theo kết quả thực hiện năm trước (đơn vị chưa có kết quả giữ tỉ trọng chỉ tiêu)")),
        ("plan", _("Theo chỉ tiêu năm trước")),
        ("population", _("Theo dân số (cơ quan, đơn vị giữ tỉ trọng năm trước)")),
        ("blend", _("Kết hợp các cách trên theo tỉ trọng")),
    )
    year = VietnameseIntegerField(label=_("Năm của kế hoạch mới"), min_value=2000, max_value=2100)
    total = VietnameseIntegerField(label=_("Tổng chỉ tiêu mới (đơn vị máu)"), min_value=1, max_value=MAX_CELL_VALUE)
    method = forms.ChoiceField(label=_("Cách chia"), choices=METHOD_CHOICES, initial="actual")
    blend_actual = VietnameseIntegerField(
        label=_("Tỉ trọng theo kết quả (%)"), min_value=0, max_value=100, required=False, initial=50
    )
    blend_plan = VietnameseIntegerField(
        label=_("Tỉ trọng theo chỉ tiêu (%)"), min_value=0, max_value=100, required=False, initial=0
    )
    blend_population = VietnameseIntegerField(
        label=_("Tỉ trọng theo dân số (%)"), min_value=0, max_value=100, required=False, initial=50
    )
    step = VietnameseIntegerField(
        label=_("Làm tròn chỉ tiêu mỗi đơn vị theo bội số của"), min_value=1, max_value=1000, initial=5
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == "blend" and not any(
            cleaned.get(name) for name in ("blend_actual", "blend_plan", "blend_population")
        ):
            self.add_error("blend_actual", _("Cách kết hợp cần ít nhất một tỉ trọng lớn hơn 0."))
        return cleaned

    @property
    def weights(self) -> str:
        """The blend as the drafting rules read it ("actual=50,population=50"), or "" for other methods."""
        if self.cleaned_data.get("method") != "blend":
            return ""
        names = {"blend_actual": "actual", "blend_plan": "plan", "blend_population": "population"}
        return ",".join(f"{method}={self.cleaned_data.get(field) or 0}" for field, method in names.items())
