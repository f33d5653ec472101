"""Whose word on a donor's blood group counts (no database here).

A group comes from a source: a facility's test result, the donor's card or certificate, or the donor's
own word. The stronger source wins: a facility result replaces a card or a declared group, a card
replaces a declared one. A disagreement is never settled silently: when the new word disagrees with one
of the same or a stronger source, the record keeps what it has and is flagged; when a stronger source
replaces a different group, the replacement is flagged too, so someone checks the person's other papers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

STRENGTH = {"": 0, "self": 1, "card": 2, "facility": 3}
SOURCE_WORDS = {"self": "tự khai", "card": "theo thẻ hiến máu", "facility": "cơ sở y tế xác nhận", "": "chưa rõ nguồn"}


@dataclass(frozen=True)
class GroupRecord:
    abo: str  # "O", "A", "B", "AB" or "" when unknown
    rh: str  # "+", "-" or ""
    source: str  # "facility", "card", "self" or ""
    on: datetime.date | None = None  # when the source said so


@dataclass(frozen=True)
class Decision:
    record: GroupRecord
    conflict: str  # "" when the two agree or nothing was known


def text(record: GroupRecord) -> str:
    if not record.abo:
        return "chưa rõ"
    rh = {"-": " Rh−", "+": " Rh+"}.get(record.rh, "")
    when = f", {record.on:%d/%m/%Y}" if record.on else ""
    return f"{record.abo}{rh} ({SOURCE_WORDS.get(record.source, record.source)}{when})"


def _agree(a: GroupRecord, b: GroupRecord) -> bool:
    return a.abo == b.abo and (not a.rh or not b.rh or a.rh == b.rh)


def reconcile(current: GroupRecord, incoming: GroupRecord) -> Decision:
    """The group to keep after `incoming` arrives, and the disagreement to flag (Vietnamese), if any."""
    if not incoming.abo:
        return Decision(current, "")
    if not current.abo:
        return Decision(incoming, "")
    stronger = STRENGTH.get(incoming.source, 0) > STRENGTH.get(current.source, 0)
    if _agree(current, incoming):
        if stronger or STRENGTH.get(incoming.source, 0) == STRENGTH.get(current.source, 0):
            rh = incoming.rh or current.rh
            on = max((d for d in (current.on, incoming.on) if d), default=None)
            source = incoming.source if stronger else current.source
            return Decision(GroupRecord(current.abo, rh, source, on), "")
        return Decision(current, "")
    if stronger:
        return Decision(incoming, f"Nhóm máu {text(incoming)} thay cho {text(current)}: cần kiểm tra lại.")
    return Decision(current, f"Nhóm máu {text(incoming)} khác với {text(current)} đang ghi: chưa sửa, cần kiểm tra.")
