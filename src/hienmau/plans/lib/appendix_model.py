"""The plain data an appendix is read into: blocks in, rows, buckets and findings out."""

from __future__ import annotations

from dataclasses import dataclass, field

from hienmau.plans.lib import findings as F
from hienmau.plans.lib.buckets import bucket_sort_key


class AppendixError(ValueError):
    """The input holds no table this importer can read; the message says why, in Vietnamese."""


@dataclass
class Paragraph:
    text: str


@dataclass
class TableBlock:
    rows: list[list[str]]
    source: str = ""


Block = Paragraph | TableBlock


@dataclass
class Column:
    index: int
    role: str  # stt, unit, total, bucket, prior_plan, prior_actual, prior_percent, schedule, note, other
    header: str
    bucket: str | None = None
    bucket_date: str | None = None


@dataclass
class Row:
    unit: str
    total: int | None
    buckets: dict[str, int]
    prior: dict | None
    note: str | None
    section: str | None = None
    table: int = 0
    line: int = 0  # 1-based row number within its table, for messages
    delegate_to: str | None = None

    def as_dict(self) -> dict:
        ordered = {key: self.buckets[key] for key in sorted(self.buckets, key=bucket_sort_key)}
        return {"unit": self.unit, "total": self.total, "buckets": ordered, "prior": self.prior, "note": self.note}


@dataclass
class Bucket:
    key: str
    date: str | None = None


@dataclass
class Appendix:
    rows: list[Row] = field(default_factory=list)
    stated_total: int | None = None
    findings: list[F.Finding] = field(default_factory=list)
    buckets: list[Bucket] = field(default_factory=list)
    has_prior: bool = False
    metric: str = "blood_units"
    tables: list[list[Column]] = field(default_factory=list)  # each table's columns, as read (the preview)

    @property
    def computed_total(self) -> int:
        return sum(row.total or 0 for row in self.rows)

    def result(self) -> dict:
        return {
            "rows": [row.as_dict() for row in self.rows],
            "totals": {"stated": self.stated_total, "computed": self.computed_total},
            "findings": [  # the `plan import --json` contract: code, unit, message
                {"code": f.code, "unit": f.unit, "message": f.message} for f in self.findings
            ],
        }
