"""The deadline a plan sets for reporting its results, read from the plan's own words.

Seed 000 ends with "… báo cáo kết quả về Văn phòng Ban Chỉ đạo tỉnh … trước ngày 10/9/2022 để tổng hợp";
other plans write "chậm nhất ngày 15/12", "trước ngày 10 tháng 9 năm 2022" or "hạn báo cáo: 30/11/2024".
A sentence counts only when it speaks of reporting ("báo cáo"); a date without a year takes the plan's
year. Nothing is guessed: no such sentence, no deadline.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from hienmau.core.lib.dates import date_from_parts
from hienmau.core.lib.text import fold

# Folded text (no accents, lower case): "truoc ngay 10/9/2022", "cham nhat ngay 10 thang 9 nam 2022".
_LEAD = r"\b(?:truoc|cham nhat(?: la)?(?: vao)?|khong qua|han(?: cuoi)?(?: bao cao)?\s*:?|han chot\s*:?)\s*(?:ngay\s*)?"
_SHORT = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})(?:\s*[/.-]\s*(?P<y>\d{4}))?(?![\d/])"
_LONG = r"(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})(?:\s+nam\s+(?P<y2>\d{4}))?"
DEADLINE = re.compile(_LEAD + r"(?:" + _SHORT + r"|" + _LONG + r")")
SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ0-9-])|\n+")


@dataclass(frozen=True)
class ReportDeadline:
    date: datetime.date
    sentence: str  # the plan's sentence, as written, that sets it


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]


def read_report_deadline(text: str, year: int | None = None) -> ReportDeadline | None:
    """The first deadline for a report that the text states, with the sentence stating it."""
    for sentence in _sentences(text):
        folded = fold(sentence)
        if "bao cao" not in folded:
            continue
        for match in DEADLINE.finditer(folded):
            day = match.group("d") or match.group("d2")
            month = match.group("m") or match.group("m2")
            written_year = match.group("y") or match.group("y2")
            the_year = int(written_year) if written_year else year
            if the_year is None:
                continue
            found = date_from_parts(day, month, the_year)
            if found is not None:
                return ReportDeadline(found, sentence[:500])
    return None
