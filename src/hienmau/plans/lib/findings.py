"""What an imported document gets wrong. Findings are reported, never silently fixed."""

from __future__ import annotations

from hienmau.core.lib.findings import Finding

TOTAL_MISMATCH = "total_mismatch"
ROW_SUM_MISMATCH = "row_sum_mismatch"
PERCENT_MISMATCH = "percent_mismatch"
SCHEDULE_UNALLOCATED = "schedule_unallocated"
NOTE_INSTEAD_OF_NUMBER = "note_instead_of_number"
UNKNOWN_UNIT = "unknown_unit"
FORMER_UNIT = "former_unit"  # an old name, taken for the unit covering it on the document's date
INVALID_DATE = "invalid_date"
REFERENCE_MISMATCH = "reference_mismatch"
NEGATIVE_NUMBER = "negative_number"
REPEATED_HEADER = "repeated_header"
UNLABELLED_TOTAL = "unlabelled_total"
COMMA_THOUSANDS = "comma_thousands"

CODES = (
    TOTAL_MISMATCH,
    ROW_SUM_MISMATCH,
    PERCENT_MISMATCH,
    SCHEDULE_UNALLOCATED,
    NOTE_INSTEAD_OF_NUMBER,
    UNKNOWN_UNIT,
    FORMER_UNIT,
    INVALID_DATE,
    REFERENCE_MISMATCH,
    NEGATIVE_NUMBER,
    REPEATED_HEADER,
    UNLABELLED_TOTAL,
    COMMA_THOUSANDS,
)


def finding(code: str, unit: str | None, message: str, line: int | None = None, column: str = "") -> Finding:
    """A plan finding: the core finding type, about the unit an appendix row names (or the whole document)."""
    return Finding(code, line, column, message, unit=unit)
