"""Erasure on request, across apps: each app registers an eraser for the personal data it holds.

The donors app decides who is erased (a donor and the records merged into them) and hands every
registered eraser an `Identity`: the record ids and the personal values as they were before anything
was erased, so an app can find what it holds (by donor id, by phone, by name) without importing
another app. Apps register in their AppConfig.ready:

    register_eraser(erase_messages, holds=["notify.Message"])

`holds` names the models an eraser takes care of; tests/core/test_erasure.py checks that every model
with a personal-looking field or a link to a donor is held by some eraser.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from hienmau.core.lib.text import fold


@dataclass(frozen=True)
class Identity:
    """Who is being erased: ids of their records and the values that identify them."""

    donor_ids: frozenset[int]
    reference: str  # what replaces their name, e.g. "Người hiến máu đã xoá dữ liệu #12"
    names: frozenset[str] = frozenset()
    cccds: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()  # as stored (+84…)
    dates_of_birth: frozenset[datetime.date] = frozenset()
    user: object = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def phone_forms(self) -> set[str]:
        """Every way a stored phone is commonly written: +84912345678, 84912345678, 0912345678."""
        forms = set()
        for phone in self.phones:
            digits = "".join(ch for ch in phone if ch.isdigit())
            if not digits:
                continue
            national = digits[2:] if digits.startswith("84") and len(digits) > 10 else digits.lstrip("0")
            forms |= {phone, "+84" + national, "84" + national, "0" + national}
        return forms

    def date_forms(self) -> set[str]:
        forms = set()
        for day in self.dates_of_birth:
            forms |= {day.isoformat(), f"{day:%d/%m/%Y}", f"{day.day}/{day.month}/{day.year}", f"{day:%d-%m-%Y}"}
        return forms

    def text_values(self) -> set[str]:
        """The strings whose presence in a text means the text is about this person."""
        values = {name for name in self.names if name.strip()}
        values |= {fold(name) for name in values}
        values |= set(self.cccds) | self.phone_forms() | self.date_forms()
        return {value for value in values if value}

    def mentioned_in(self, text: str | None) -> bool:
        if not text:
            return False
        lowered, folded = text.lower(), fold(text)
        return any(value.lower() in lowered or fold(value) in folded for value in self.text_values())

    def scrub(self, text: str | None) -> str:
        """The text with every identifying value replaced by the anonymous reference (names) or a mark."""
        if not text:
            return text or ""
        for value in sorted(self.text_values(), key=len, reverse=True):
            replacement = self.reference if any(value == n or value == fold(n) for n in self.names) else "[đã xoá]"
            text = re.sub(re.escape(value), replacement, text, flags=re.IGNORECASE)
        return text


Eraser = Callable[[Identity], None]


@dataclass(frozen=True)
class Registration:
    eraser: Eraser
    holds: tuple[str, ...]  # "app_label.ModelName" (historical models of them are covered too)


_erasers: list[Registration] = []


def register_eraser(eraser: Eraser, holds: Iterable[str] = ()) -> Eraser:
    if not any(entry.eraser is eraser for entry in _erasers):
        _erasers.append(Registration(eraser, tuple(holds)))
    return eraser


def registered_erasers() -> list[Registration]:
    return list(_erasers)


def held_models() -> set[str]:
    """Lower-cased "app_label.modelname" of every model some eraser takes care of."""
    return {label.lower() for entry in _erasers for label in entry.holds}


def erase_everywhere(identity: Identity) -> None:
    """Run every registered eraser (inside the caller's transaction)."""
    for entry in _erasers:
        entry.eraser(identity)
