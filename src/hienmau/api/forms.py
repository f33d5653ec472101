from django import forms
from django.utils.translation import gettext_lazy as _

from hienmau.orgs.models import Membership


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khoá"),
        max_length=120,
        help_text=_("Người hoặc phần mềm sẽ dùng khoá, ví dụ “Phần mềm ngân hàng máu Bệnh viện tỉnh”."),
    )
    membership = forms.ModelChoiceField(
        label=_("Làm việc với quyền của"),
        queryset=Membership.objects.none(),
        empty_label=None,
        help_text=_("Khoá thấy đúng những gì vai trò này thấy trên các trang."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = Membership.objects.for_user(user)
        field.label_from_instance = lambda m: f"{m.unit.full_name} — {m.get_role_display()}"
