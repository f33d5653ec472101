"""What a column can hold, checked the same way on every database before anything is written.

SQLite stores a 300-character name in a varchar(255) and a 2³¹ in an integer column; PostgreSQL refuses
both with a server error. Importers and services that write values not typed into a form check them
here first and turn each problem into a message naming the row and the field.
"""

from __future__ import annotations

from django.db import models
from django.utils.text import capfirst

from hienmau.core.lib.numbers import format_int

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INTEGER_RANGES = {
    "SmallIntegerField": (-(2**15), 2**15 - 1),
    "PositiveSmallIntegerField": (0, 2**15 - 1),
    "IntegerField": (INT32_MIN, INT32_MAX),
    "PositiveIntegerField": (0, INT32_MAX),
    "BigIntegerField": (-(2**63), 2**63 - 1),
    "PositiveBigIntegerField": (0, 2**63 - 1),
}


def value_problems(model: type[models.Model], values: dict) -> list[tuple[str, str]]:
    """(field label, problem in Vietnamese) for each value the model's column cannot hold."""
    problems = []
    for name, value in values.items():
        column = model._meta.get_field(name)
        label = capfirst(str(getattr(column, "verbose_name", name)))
        if isinstance(value, str):
            if "\x00" in value:
                problems.append((label, "có ký tự rỗng (NUL), không lưu được"))
            max_length = getattr(column, "max_length", None)
            if max_length and len(value) > max_length:
                problems.append((label, f"dài {format_int(len(value))} ký tự, tối đa {format_int(max_length)}"))
        elif isinstance(value, int) and not isinstance(value, bool):
            low, high = INTEGER_RANGES.get(column.get_internal_type(), (None, None))
            if low is not None and high is not None and value > high:
                problems.append((label, f"{format_int(value)} quá lớn (tối đa {format_int(high)})"))
            elif low is not None and value < low:
                problems.append((label, f"{format_int(value)} quá nhỏ (tối thiểu {format_int(low)})"))
    return problems
