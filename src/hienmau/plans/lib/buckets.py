"""Buckets are the columns of an allocation: a month ("month:5") or a numbered round ("round:2")."""

from __future__ import annotations

import re

from hienmau.core.labels import bucket_label  # noqa: F401 (the one table of bucket words)
from hienmau.core.lib.text import fold

ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
}
MONTH = re.compile(r"\bthang\s*(\d{1,2})\b")
ROUND = re.compile(r"\bdot\s*(\d{1,2}|[ivx]{1,4})\b")
DATE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{2,4}))?")


def month_key(month: int) -> str:
    return f"month:{month}"


def round_key(number: int) -> str:
    return f"round:{number}"


def parse_round_number(token: str) -> int | None:
    token = token.lower()
    if token.isdecimal():
        return int(token)
    return ROMAN.get(token)


def bucket_from_header(text: str) -> tuple[str, str | None] | None:
    """('month:5', None) for "Tháng 5"; ('round:1', '15/3/2024') for "Đợt I (15/3/2024)"; else None."""
    folded = fold(text)
    month = MONTH.search(folded)
    if month and 1 <= int(month.group(1)) <= 12:
        return month_key(int(month.group(1))), None
    found = ROUND.search(folded)
    if found and found.group(1):
        number = parse_round_number(found.group(1))
        if number:
            date = DATE.search(text)
            return round_key(number), date.group(0).replace(" ", "") if date else None
    return None


def bucket_sort_key(key: str) -> tuple[int, int]:
    kind, _, number = key.partition(":")
    return (0 if kind == "month" else 1, int(number))
