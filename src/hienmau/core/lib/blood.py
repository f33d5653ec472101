"""Counting blood units two ways: donations (bags), or 250 ml equivalents where a 350 ml bag is 1,4."""

from decimal import ROUND_HALF_UP, Decimal

STANDARD_UNIT_ML = 250


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
