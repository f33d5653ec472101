from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.core.forms import vietnamese_number_fields
from hienmau.orgs.models import Unit, UnitKind, parent_kind_problem


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, **kwargs)


class UnitForm(forms.ModelForm):
    class Meta:
        formfield_callback = vietnamese_number_fields
        model = Unit
        fields = ["name", "code", "kind", "category", "population", "staff_count", "valid_from", "valid_until", "note"]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, parent: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent is not None:
            self.instance.parent = parent
        if self.instance.parent_id is None and self.instance.kind != UnitKind.NATIONAL:
            return
        parent_kind = self.instance.parent.kind if self.instance.parent_id else None
        allowed = [kind for kind in UnitKind if _kind_fits_under(kind, parent_kind)]
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)  # the model field has choices
        kind_field.choices = [(k.value, k.label) for k in allowed]


def _kind_fits_under(kind: UnitKind, parent_kind: str | None) -> bool:
    return parent_kind_problem(kind, parent_kind) is None


class SuccessorLinkForm(forms.Form):
    successor = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị kế thừa"))
    share = forms.DecimalField(
        label=_("Tỉ lệ kế thừa"),
        initial=Decimal("1"),
        min_value=Decimal("0.0001"),
        max_digits=5,
        decimal_places=4,
        help_text=_("1 nếu đơn vị kế thừa nhận toàn bộ; khi chia tách, ghi phần của từng đơn vị."),
    )
    effective_date = forms.DateField(label=_("Ngày có hiệu lực"), required=False, widget=DateInput())
    legal_basis = forms.CharField(label=_("Căn cứ"), required=False, max_length=255)

    def __init__(self, *args, candidates=None, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["successor"].queryset = candidates
        if scope is not None and not scope.everything:
            proposal = _("đề xuất, cần cấp trên duyệt")
            self.fields["successor"].label_from_instance = lambda unit: (
                unit.full_name if scope.contains(unit) else f"{unit.full_name} — {proposal}"
            )
            self.fields["successor"].help_text = _(
                "Đơn vị trong phạm vi của bạn được ghi nhận ngay. Đơn vị ngoài phạm vi thành đề xuất, "
                "chỉ có hiệu lực khi cấp quản lý cả hai đơn vị duyệt."
            )


class SuccessorDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Duyệt")), ("refuse", _("Không duyệt"))])
    note = forms.CharField(label=_("Ý kiến"), required=False, max_length=255)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Ghi lý do không duyệt để người đề xuất biết."))
        return cleaned


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm đơn vị"), required=False)
    include_ceased = forms.BooleanField(label=_("Gồm cả đơn vị đã chấm dứt"), required=False)
