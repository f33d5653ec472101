"""The one type every importer reports a problem in a table with: code, line, column, message.

`code` is for programs (tests, counts, filters) and never shown; `line` is the row's number as the file
or sheet shows it (None for the file as a whole); `column` is the column's Vietnamese label ("" for the
whole row); `message` is a Vietnamese sentence fragment for a person; `unit` is the unit a plan appendix
row names (plan findings are kept per unit beside the plan).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

HEADER = "header"  # no header row with the required columns
FILE = "file"  # the file cannot be read at all
MISSING = "missing"  # a required cell is blank
INVALID_DATE = "invalid_date"
FUTURE_DATE = "future_date"  # a donation or event dated after today
INVALID_VALUE = "invalid_value"  # a cell that cannot be read as what its column holds
NEGATIVE_NUMBER = "negative_number"
DUPLICATE = "duplicate"
INCONSISTENT = "inconsistent"  # cells of one row that disagree with each other
NO_DATA = "no_data"
REFERENCE = "reference"  # a code that names nothing, or a link that cannot be made


@dataclass(frozen=True)
class Finding:
    code: str
    line: int | None
    column: str
    message: str
    unit: str | None = None  # the unit a plan appendix row names, when the finding is about one

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if not self.column:
            return f"Dòng {self.line}: {self.message}"
        return f"Dòng {self.line}, cột {self.column}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)
