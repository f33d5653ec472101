"""Form fields for numbers as Vietnamese officers type them: "1.532" (dot thousands), "3,5" (comma decimals).

The project keeps Django's USE_THOUSAND_SEPARATOR off, so ids and line numbers are never rendered as
"3.876" in hidden inputs and URLs; these fields accept the grouped forms explicitly instead.
"""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from hienmau.core.lib.numbers import format_int, parse_decimal, parse_int
from hienmau.core.limits import INT32_MAX, INT32_MIN


class VietnameseIntegerField(forms.IntegerField):
    """Bounded by default to what an integer column holds on every database (2³¹ − 1), so a huge number
    is a message beside the field, never a PostgreSQL error; the bounds are shown the Vietnamese way."""

    def __init__(self, *args, min_value=None, max_value=None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)
        self.min_value = INT32_MIN if min_value is None else min_value
        self.max_value = INT32_MAX if max_value is None else max_value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_int(str(value))
        except ValueError as exc:
            raise forms.ValidationError(
                _("“%(value)s” không phải số nguyên."), code="invalid", params={"value": value}
            ) from exc

    def validate(self, value):
        super().validate(value)
        if value is not None and value > self.max_value:
            raise forms.ValidationError(
                _("%(value)s quá lớn: tối đa %(limit)s."),
                code="max_value",
                params={"value": format_int(value), "limit": format_int(self.max_value)},
            )
        if value is not None and value < self.min_value:
            raise forms.ValidationError(
                _("%(value)s quá nhỏ: tối thiểu %(limit)s."),
                code="min_value",
                params={"value": format_int(value), "limit": format_int(self.min_value)},
            )

    def prepare_value(self, value):
        return format_int(value) if isinstance(value, int) else value


class VietnameseDecimalField(forms.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(str(value))
        except ValueError as exc:
            raise forms.ValidationError(
                _("“%(value)s” không phải số."), code="invalid", params={"value": value}
            ) from exc

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
        whole, _sep, fraction = text.partition(".")
        grouped = format_int(int(whole)) if whole.lstrip("-").isdecimal() else whole
        return f"{grouped},{fraction}" if fraction else grouped


def vietnamese_number_fields(db_field, **kwargs):
    """formfield_callback for ModelForms: integer and decimal model fields get the Vietnamese fields."""
    if (
        isinstance(db_field, (models.IntegerField, models.PositiveIntegerField))
        and not db_field.choices
        and not db_field.primary_key
    ):
        return db_field.formfield(form_class=VietnameseIntegerField, **kwargs)
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(form_class=VietnameseDecimalField, **kwargs)
    return db_field.formfield(**kwargs)


def errors_in_one_line(form: forms.BaseForm, separator: str = " ") -> str:
    """Every error of a form as one line, for a message shown after a redirect."""
    return separator.join(str(error) for errors in form.errors.values() for error in errors)
