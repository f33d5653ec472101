"""What an imported document gets wrong. Findings are reported, never silently fixed."""

from __future__ import annotations

from dataclasses import asdict, dataclass

TOTAL_MISMATCH = "total_mismatch"
ROW_SUM_MISMATCH = "row_sum_mismatch"
PERCENT_MISMATCH = "percent_mismatch"
SCHEDULE_UNALLOCATED = "schedule_unallocated"
NOTE_INSTEAD_OF_NUMBER = "note_instead_of_number"
UNKNOWN_UNIT = "unknown_unit"
INVALID_DATE = "invalid_date"
REFERENCE_MISMATCH = "reference_mismatch"

CODES = (
    TOTAL_MISMATCH,
    ROW_SUM_MISMATCH,
    PERCENT_MISMATCH,
    SCHEDULE_UNALLOCATED,
    NOTE_INSTEAD_OF_NUMBER,
    UNKNOWN_UNIT,
    INVALID_DATE,
    REFERENCE_MISMATCH,
)


@dataclass(frozen=True)
class Finding:
    code: str
    unit: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)
