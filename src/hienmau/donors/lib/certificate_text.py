"""Wording for donation certificates and their public check page; plain Python, no Django.

The public page names the donor by family name and initials only ("Nguyễn V. Đ."): enough for someone
holding the paper to see that it matches, too little to learn who gave blood from a leaked link.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def masked_name(full_name: str) -> str:
    """The family name in full, every other word as its initial.

    >>> masked_name("Nguyễn Văn Đức"), masked_name("Lê Thị Ánh Tuyết"), masked_name("Đức"), masked_name("")
    ('Nguyễn V. Đ.', 'Lê T. Á. T.', 'Đ.', '')
    """
    words = _SPACES.split(unicodedata.normalize("NFC", full_name or "").strip())
    words = [w for w in words if w]
    if not words:
        return ""
    if len(words) == 1:
        return f"{words[0][0].upper()}."
    return " ".join([words[0], *(f"{w[0].upper()}." for w in words[1:])])


def component_phrase(volume_ml: int | None, component_label: str) -> str:
    """'350 ml máu toàn phần': the label lower-cased at its first letter, the volume dot-grouped.

    >>> component_phrase(350, "Máu toàn phần"), component_phrase(250, "Tiểu cầu (gạn tách)")
    ('350 ml máu toàn phần', '250 ml tiểu cầu (gạn tách)')
    """
    label = component_label[:1].lower() + component_label[1:] if component_label else ""
    if volume_ml is None:
        return label
    volume = f"{volume_ml:,}".replace(",", ".")
    return f"{volume} ml {label}".strip()
