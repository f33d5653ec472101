"""Importing a facility's donation history: all rows checked first, then written in one transaction.

Each row is matched to a donor by CCCD, then phone + date of birth, then folded name + date of birth,
or a donor is created. A row already imported (same facility and bag number, or for a deferral the
same person, day and outcome) is skipped, so importing the same export twice changes nothing.
Rows are matched and written in chunks with bulk queries: the registry may hold a million donors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from hienmau.core.lib.tables import TableError, read_rows
from hienmau.core.lib.text import fold, vietnamese_name_key
from hienmau.donors.lib import identity
from hienmau.donors.lib.history_rows import HistoryRow, RowProblem, parse_rows
from hienmau.donors.models import Donation, Donor
from hienmau.donors.services import RegistryLookup
from hienmau.orgs.models import Unit

CHUNK = 2000


class HistoryImportError(Exception):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems[:50]))


@dataclass
class HistoryImportResult:
    rows: int = 0
    donors_created: int = 0
    donations_created: int = 0
    already_imported: int = 0
    duplicates_in_file: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.rows} dòng: thêm {self.donations_created} lần hiến, {self.donors_created} người hiến mới; "
                f"{self.already_imported} dòng đã nhập trước đó.")


def source_key(facility: Unit, row: HistoryRow) -> str:
    if row.bag_number:
        return f"{facility.pk}:bag:{row.bag_number}"
    person = row.cccd or f"{fold(row.full_name)}|{row.date_of_birth.isoformat()}"
    return f"{facility.pk}:{row.date.isoformat()}:{row.outcome}:{person}"[:120]


def read_history(path: Path) -> list[HistoryRow]:
    try:
        table = read_rows(path)
    except TableError as exc:
        raise HistoryImportError([RowProblem(1, "tệp", str(exc))]) from exc
    rows, problems = parse_rows(table, identity)
    if problems:
        raise HistoryImportError(sorted(problems, key=lambda p: p.line))
    return rows


def import_history(path: Path, facility: Unit) -> HistoryImportResult:
    rows = read_history(path)
    result = HistoryImportResult(rows=len(rows))
    with transaction.atomic():
        for start in range(0, len(rows), CHUNK):
            _import_chunk(rows[start:start + CHUNK], facility, result)
    return result


def _import_chunk(rows: list[HistoryRow], facility: Unit, result: HistoryImportResult) -> None:
    keys = {source_key(facility, row): row for row in rows}
    done = set(Donation.objects.filter(source_key__in=list(keys)).values_list("source_key", flat=True))
    result.already_imported += len(done)
    todo = [(key, row) for key, row in keys.items() if key not in done]
    if not todo:
        return
    donors = _match_donors([row for _, row in todo], result)
    donations = [
        Donation(
            donor=donors[id(row)], date=row.date, facility=facility, component=row.component, volume_ml=row.volume_ml,
            bag_number=row.bag_number, outcome=row.outcome, deferral_reason=row.deferral_reason,
            deferral_until=row.deferral_until, benefit_kind=row.benefit_kind, benefit_amount=row.benefit_amount,
            source_key=key,
        )
        for key, row in todo
    ]
    bulk_create_with_history(donations, Donation, batch_size=1000)
    result.donations_created += len(donations)


def _match_donors(rows: list[HistoryRow], result: HistoryImportResult) -> dict[int, Donor]:
    """The donor for each row (by id(row)), found with three bulk queries or created in bulk."""
    lookup = RegistryLookup.load(
        cccds={row.cccd for row in rows if row.cccd}, phones={row.phone for row in rows if row.phone},
        pairs={(fold(row.full_name), row.date_of_birth) for row in rows},
    )
    by_cccd, by_name = lookup.by_cccd, lookup.by_name
    matched: dict[int, Donor] = {}
    new: dict[tuple, Donor] = {}
    for row in rows:
        name = fold(row.full_name)
        donor = lookup.find(row.cccd, row.phone, name, row.date_of_birth)
        if donor is None:
            key = ("cccd", row.cccd) if row.cccd else ("name", name, row.date_of_birth)
            donor = new.get(key)
            if donor is None:
                donor = Donor(full_name=row.full_name, name_folded=name, search_name=" " + name,
                              given_name_folded=vietnamese_name_key(row.full_name)[0][:64],
                              date_of_birth=row.date_of_birth, sex=row.sex, cccd=row.cccd, phone=row.phone,
                              abo=row.abo, rh=row.rh, blood_group_source="facility" if row.abo else "")
                new[key] = donor
                if row.cccd:
                    by_cccd[row.cccd] = donor
                by_name[(name, row.date_of_birth)] = donor
        matched[id(row)] = donor
    if new:
        # bulk_create skips save(): the folded name columns are filled above.
        bulk_create_with_history(list(new.values()), Donor, batch_size=1000)
        result.donors_created += len(new)
        if any(donor.pk is None for donor in new.values()):  # backends that do not return new keys
            created = {(d.cccd or "", d.name_folded, d.date_of_birth): d for d in Donor.objects.filter(
                name_folded__in={d.name_folded for d in new.values()},
                date_of_birth__in={d.date_of_birth for d in new.values()},
            ).order_by("pk")}
            for row_id, donor in matched.items():
                if donor.pk is None:
                    matched[row_id] = created[(donor.cccd or "", donor.name_folded, donor.date_of_birth)]
    return matched
