"""Numbers as Vietnamese documents write them: 1.532 (dot thousands), 3,5 (comma decimals)."""

import re
from decimal import Decimal, InvalidOperation

_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_COMMA_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")


def format_int(value: int) -> str:
    """Dot-grouped integer: 1532 → '1.532'."""
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,}".replace(",", ".")
    return sign + digits


def parse_int(text: str) -> int | None:
    """Read an integer written the Vietnamese way; None for a blank cell.

    Raises ValueError for anything that is not a whole number ("12a", "1,5").
    """
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"-?\d+", cleaned):
        raise ValueError(f"không phải số nguyên: {text!r}")
    return int(cleaned)


def parse_decimal(text: str) -> Decimal | None:
    """Read '3,5', '1.532', '1.532,75' or '0.6' as a Decimal; None for a blank cell."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"không phải số: {text!r}") from exc


def parse_count(text: str) -> int | None:
    """A count that cannot be negative (people, staff, đồng): "1.290.000", "1290000", "1 290 000", or
    grouped with commas as English sheets write it ("1,290,000"); None for a blank cell.

    Raises ValueError (Vietnamese) for anything else, a negative number included.
    """
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if _COMMA_THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        value = parse_int(cleaned)
    except ValueError:
        raise ValueError(f"“{text.strip()}” không phải số nguyên không âm") from None
    if value is not None and value < 0:
        raise ValueError(f"“{text.strip()}” là số âm, cần số nguyên không âm")
    return value
