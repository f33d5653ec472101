from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.core import clock
from hienmau.core.forms import VietnameseDecimalField, vietnamese_number_fields
from hienmau.orgs.forms import DateInput
from hienmau.outreach.models import Activity, BudgetLine, Contribution, Expense, FundingSource, Volunteer


class ActivityForm(forms.ModelForm):
    link = forms.URLField(label=_("Đường dẫn"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Activity
        fields = ["unit", "kind", "date", "title", "quantity", "reach", "drive", "link", "file"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, units=(), drives=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.filter(pk__in=[u.pk for u in units])
        self.fields["unit"].label_from_instance = lambda unit: unit.full_name
        if units and not self.instance.pk:
            self.fields["unit"].initial = units[0].pk
        if drives is None:
            del self.fields["drive"]
        else:
            self.fields["drive"].queryset = drives
            self.fields["drive"].label_from_instance = lambda d: f"{d.date:%d/%m/%Y} — {d.title}"
        if not self.instance.pk:
            self.fields["date"].initial = clock.today


class VolunteerAddForm(forms.Form):
    number = forms.CharField(
        label=_("Số CCCD hoặc số điện thoại"),
        max_length=20,
        help_text=_("Người phải có trong sổ người hiến máu của đơn vị (thêm hồ sơ trước nếu chưa có)."),
    )
    joined_on = forms.DateField(label=_("Ngày tham gia"), widget=DateInput(), initial=clock.today)
    skills = forms.CharField(label=_("Việc thường làm"), max_length=255, required=False)


class VolunteerForm(forms.ModelForm):
    class Meta:
        model = Volunteer
        fields = ["status", "skills"]


class ServiceForm(forms.Form):
    date = forms.DateField(label=_("Ngày"), widget=DateInput(), initial=clock.today)
    hours = VietnameseDecimalField(label=_("Số giờ"), max_digits=5, decimal_places=1)
    plan: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Kế hoạch"), queryset=None, required=False)
    drive: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Đợt hiến máu"), queryset=None, required=False)
    task = forms.CharField(label=_("Công việc"), max_length=255, required=False)

    def __init__(self, *args, plans, drives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: str(p)[:90]
        self.fields["drive"].queryset = drives
        self.fields["drive"].label_from_instance = lambda d: f"{d.date:%d/%m/%Y} — {d.title}"


class BudgetLineForm(forms.ModelForm):
    class Meta:
        formfield_callback = vietnamese_number_fields
        model = BudgetLine
        fields = ["category", "description", "source", "amount"]


class ExpenseForm(forms.ModelForm):
    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Expense
        fields = ["category", "source", "date", "description", "amount", "receipt"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = clock.today
        self.fields["source"].initial = FundingSource.STATE


class ContributionForm(forms.ModelForm):
    sponsor_name = forms.CharField(
        label=_("Nhà tài trợ"), max_length=255, help_text=_("Tên cơ quan, doanh nghiệp hoặc cá nhân tài trợ.")
    )

    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Contribution
        fields = ["sponsor_name", "date", "source", "amount", "description", "receipt"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = clock.today
