"""What to do with a typed person, given the registry records that look like them (donors/registry.py
loads the records; this decides). Plain data in, plain data out.

- The same CCCD on a record the user's scope reaches: link to it.
- The same CCCD on a record outside the scope: link nothing, show nothing; ask for a transfer.
- Otherwise a new record; records of the scope with the same phone or name and the same birth date
  (and no different CCCD) are proposed as possible duplicates. Name, phone and birth date never link.
"""

from __future__ import annotations

from dataclasses import dataclass

PHONE = "phone"  # same phone and birth date
NAME = "name"  # same folded name and birth date


@dataclass(frozen=True)
class Record:
    id: int
    cccd: str | None
    in_scope: bool


@dataclass(frozen=True)
class Decision:
    link: int | None = None  # an in-scope record with the typed CCCD
    transfer: int | None = None  # an out-of-scope record with the typed CCCD (never shown)
    candidates: tuple[tuple[int, str], ...] = ()  # (record id, PHONE | NAME), in-scope look-alikes


def decide(cccd: str | None, same_cccd: Record | None, same_phone: list[Record], same_name: list[Record]) -> Decision:
    if cccd and same_cccd is not None and same_cccd.cccd == cccd:
        return Decision(link=same_cccd.id) if same_cccd.in_scope else Decision(transfer=same_cccd.id)
    candidates: dict[int, str] = {}
    for records, reason in ((same_phone, PHONE), (same_name, NAME)):
        for record in records:
            if record.in_scope and not (cccd and record.cccd and record.cccd != cccd):
                candidates.setdefault(record.id, reason)
    return Decision(candidates=tuple(candidates.items()))
