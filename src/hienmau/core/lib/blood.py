"""Counting blood units two ways: donations (bags), or 250 ml equivalents where a 350 ml bag is 1,4."""

import re
from decimal import ROUND_HALF_UP, Decimal

from hienmau.core.lib.text import fold

STANDARD_UNIT_ML = 250
# What a sheet writes for a blood component (fold_words form) → the component code; blank is whole blood.
COMPONENT_WORDS = {
    "": "whole_blood",
    "mau toan phan": "whole_blood",
    "toan phan": "whole_blood",
    "mau": "whole_blood",
    "whole blood": "whole_blood",
    "whole_blood": "whole_blood",
    "hong cau": "red_cells",
    "khoi hong cau": "red_cells",
    "red cells": "red_cells",
    "red_cells": "red_cells",
    "tieu cau": "platelets",
    "tieu cau gan tach": "platelets",
    "platelets": "platelets",
    "huyet tuong": "plasma",
    "huyet tuong gan tach": "plasma",
    "plasma": "plasma",
}
_BLOOD_GROUP = re.compile(r"^(ab|a|b|o)\s*(?:rh)?\s*\(?\s*([+-]|duong|am|\u2212)?\s*\)?$")


def ml250_equivalent(volume_ml: int) -> Decimal:
    """350 → 1.4, 450 → 1.8, 250 → 1.0 (one decimal, as reports write it)."""
    if volume_ml <= 0:
        raise ValueError(f"thể tích phải lớn hơn 0 (nhận {volume_ml} ml)")
    return (Decimal(volume_ml) / STANDARD_UNIT_ML).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def count_units(volumes_ml: list[int], basis: str) -> Decimal:
    """Blood units for a list of donation volumes: one per bag ("donations") or 250 ml equivalents ("ml250")."""
    if basis == "donations":
        return Decimal(len(volumes_ml))
    if basis == "ml250":
        return sum((ml250_equivalent(v) for v in volumes_ml), Decimal(0))
    raise ValueError(f"cách tính không hợp lệ: {basis!r}")


def parse_blood_group(text: str) -> tuple[str, str] | None:
    """(abo, rh) from "O", "AB Rh+", "B Rh(-)", "A (-)", "O dương"; ("", "") for blank; None if not understood."""
    folded = fold(text).replace("\u2212", "-")
    if not folded:
        return "", ""
    match = _BLOOD_GROUP.match(folded)
    if not match:
        return None
    sign = match.group(2) or ""
    return match.group(1).upper(), "+" if sign in ("+", "duong") else "-" if sign in ("-", "am") else ""
