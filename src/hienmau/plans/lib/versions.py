"""What an amendment changed: two snapshots of a plan compared, as lines a person reads.

A snapshot is plain data taken by plans.services when an amendment is opened and again when it is
issued: the plan's fields and targets by their Vietnamese labels, and every allocation row by its id
(rows keep their ids through edits and re-imports) with its unit, total and cells by column label.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

Snapshot = dict[str, Any]

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class Change:
    kind: str  # added / removed / changed
    what: str  # "Huyện An Minh — Tháng 5", "Chỉ tiêu: Đơn vị máu", "Trích yếu"
    old: str
    new: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def _value(value: Any) -> Any:
    """An empty field and a missing one are the same thing."""
    return None if value == "" else value


def _row_text(row: dict) -> str:
    cells = "; ".join(f"{label} {_shown(value)}" for label, value in row.get("cells", {}).items())
    total = f"tổng {_shown(row.get('total'))}"
    return f"{total} ({cells})" if cells else total


def differences(before: Snapshot, after: Snapshot) -> list[Change]:
    """Every difference between two snapshots, fields first, then targets, then rows in `after`'s order
    (removed rows last). Equal snapshots give no change."""
    changes: list[Change] = []
    for section, prefix in (("fields", ""), ("targets", "Chỉ tiêu: ")):
        old_values, new_values = before.get(section, {}), after.get(section, {})
        for label in [*new_values, *(k for k in old_values if k not in new_values)]:
            old, new = _value(old_values.get(label)), _value(new_values.get(label))
            if old != new:
                kind = ADDED if old is None else REMOVED if new is None else CHANGED
                changes.append(Change(kind, f"{prefix}{label}", _shown(old), _shown(new)))
    old_rows, new_rows = before.get("rows", {}), after.get("rows", {})
    for key, row in new_rows.items():
        previous = old_rows.get(key)
        if previous is None:
            changes.append(Change(ADDED, row["unit"], "—", _row_text(row)))
            continue
        if previous.get("unit") != row["unit"]:
            changes.append(Change(CHANGED, f"{previous['unit']} — tên đơn vị", previous["unit"], row["unit"]))
        if previous.get("total") != row.get("total"):
            changes.append(
                Change(CHANGED, f"{row['unit']} — tổng", _shown(previous.get("total")), _shown(row["total"]))
            )
        old_cells, new_cells = previous.get("cells", {}), row.get("cells", {})
        for label in [*new_cells, *(k for k in old_cells if k not in new_cells)]:
            if old_cells.get(label) != new_cells.get(label):
                kind = ADDED if label not in old_cells else REMOVED if label not in new_cells else CHANGED
                changes.append(
                    Change(kind, f"{row['unit']} — {label}", _shown(old_cells.get(label)), _shown(new_cells.get(label)))
                )
    for key, row in old_rows.items():
        if key not in new_rows:
            changes.append(Change(REMOVED, row["unit"], _row_text(row), "—"))
    return changes
