"""Where a written place is, then and now: `hienmau units resolve "xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên"`,
and `UnitResolver`, the one way every importer reads a unit name or an address (plan appendices, result
tallies, registrant lists, donation histories, self-registration).

The text is read largest unit first (province, then district, then commune), each name looked up
accent-insensitively inside what the previous one matched; a province also covers the provinces merged
into it, so an old district written with today's province is still found. The named unit's successors
(approved links, followed through) are the units that cover it on the day asked. Text that fits several
units returns them all as candidates and no answer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from hienmau.core.clock import today
from hienmau.core.lib.text import fold
from hienmau.orgs.lib.place_names import PlaceName, address_parts, clean, name_key, normalise
from hienmau.orgs.lib.unit_match import Candidate, UnitIndex
from hienmau.orgs.models import SuccessorLink, Unit, UnitKind
from hienmau.orgs.scoping import reach_paths

# A written kind → the stored categories it may mean ("thành phố" is a central city or a provincial one).
COMPATIBLE = {
    "tinh": {"tinh"},
    "thanh_pho_tw": {"thanh_pho_tw"},
    "thanh_pho": {"thanh_pho", "thanh_pho_tw"},
    "huyen": {"huyen"},
    "quan": {"quan"},
    "thi_xa": {"thi_xa"},
    "xa": {"xa"},
    "phuong": {"phuong"},
    "thi_tran": {"thi_tran"},
    "dac_khu": {"dac_khu"},
}
_COUNTRY = {"viet nam", "vn", "nuoc chxhcn viet nam"}


def unit_path(unit: Unit) -> str:
    """'xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên' (smallest first, without the nation)."""
    chain = [unit, *reversed(unit.ancestors())]
    return ", ".join(u.full_name for u in chain if u.kind != UnitKind.NATIONAL)


def describe(unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.full_name, "path": unit_path(unit)}


def _names(place: PlaceName) -> list[str]:
    """Folded names to look up: the name, and the whole text when an unaccented prefix may be a name
    ("Quan Hoa" is a district, not "quận Hoa")."""
    names = [fold(place.name)]
    whole = fold(clean(place.original).split("(")[0])
    if place.category and place.original.isascii() and whole not in names:
        names.append(whole)
    return names


def _matches(place: PlaceName, scope: list[Unit] | None) -> list[Unit]:
    query = Unit.objects.exclude(kind=UnitKind.ORGANISATION)
    names = _names(place)
    condition = Q(name_folded__in=names)
    if any(name.isdigit() or name.split()[-1].isdigit() for name in names):
        condition |= Q(name_folded__in=[name_key(n) for n in names])
    query = query.filter(condition)
    if scope is not None:
        paths = Q()
        for unit in scope:
            paths |= Q(path__startswith=unit.path)
        query = query.filter(paths).exclude(pk__in=[u.pk for u in scope])
    units = list(query)
    if place.category and names[0] == fold(place.name):
        typed = [u for u in units if u.category in COMPATIBLE.get(place.category, {place.category})]
        # An unaccented "Quan Hoa" may be the district Quan Hóa: keep untyped matches of the whole text.
        untyped = [u for u in units if len(names) > 1 and u.name_folded == names[1]]
        units = typed + [u for u in untyped if u not in typed]
    return units


def _with_merged(units: list[Unit]) -> list[Unit]:
    """Provinces together with the provinces merged into them (their subtrees hold the old districts)."""
    provinces = [u.pk for u in units if u.kind == UnitKind.PROVINCE]
    if not provinces:
        return units
    merged = Unit.objects.filter(
        pk__in=SuccessorLink.objects.approved()
        .filter(successor_id__in=provinces, predecessor__kind=UnitKind.PROVINCE)
        .values("predecessor_id")
    )
    return units + [u for u in merged if u not in units]


def covering(unit: Unit, day: datetime.date) -> list[Unit]:
    """The units that hold `unit`'s territory on `day`: itself, its successors (a district's: those of its
    communes), or its predecessors."""
    if unit.is_valid_on(day):
        return [unit]
    forward = unit.valid_until is not None and unit.valid_until <= day
    found: list[Unit] = []
    seen = {unit.pk}
    frontier = [unit]
    if unit.kind == UnitKind.DISTRICT:
        # A district has no link of its own: its communes' successors hold its territory.
        communes = list(unit.children.filter(kind=UnitKind.COMMUNE))
        frontier += communes
        seen.update(c.pk for c in communes)
    while frontier:
        links = SuccessorLink.objects.approved().select_related("predecessor", "successor")
        if forward:
            links = links.filter(predecessor__in=frontier)
            nexts = [link.successor for link in links]
        else:
            links = links.filter(successor__in=frontier)
            nexts = [link.predecessor for link in links]
        frontier = []
        for other in nexts:
            if other.pk in seen:
                continue
            seen.add(other.pk)
            (found if other.is_valid_on(day) else frontier).append(other)
    return sorted(found, key=lambda u: (u.path, u.pk))


def resolve_place(text: str, day: datetime.date | None = None) -> dict:
    day = day or today()
    parts: list[PlaceName] = []
    for part in address_parts(text):
        if fold(part.name) in _COUNTRY:
            continue
        parts.append(part)
        if part.qualifier:  # "Phường 1 (thành phố Cao Lãnh)": the bracket names the unit above
            parts.append(normalise(part.qualifier))
    answer: dict = {"input": text, "former": None, "current": [], "candidates": []}
    scope: list[Unit] | None = None
    matched: list[Unit] = []
    for place in reversed(parts):  # largest first
        units = _matches(place, scope)
        if not units:
            if matched:
                break  # a village or street below the smallest unit we know: keep what was found
            return answer
        matched = units
        scope = _with_merged(units)
    if not matched:
        return answer
    if len(matched) > 1:
        # The same place then and now ("Tân Hưng" before and after its merger) is one answer; two
        # different places of one name are not.
        valid = [u for u in matched if u.is_valid_on(day)]
        if len(valid) == 1 and all(valid[0] in covering(u, day) for u in matched):
            matched = valid
    if len(matched) > 1:
        answer["candidates"] = [describe(u) for u in sorted(matched, key=lambda u: (u.path, u.pk))]
        return answer
    unit = matched[0]
    if not unit.is_valid_on(day):
        answer["former"] = describe(unit)
    answer["current"] = [describe(u) for u in covering(unit, day)]
    return answer


# ---- names and addresses read by importers -------------------------------------------------------------


@dataclass(frozen=True)
class UnitResolution:
    """What a written unit name stands for on the resolver's day.

    `unit_id` is the unit to record against (None when not found or ambiguous). When the text names a
    unit that no longer existed on the day (an old commune in a 2026 list) `former` is that unit and
    `unit_id` its one successor, with `note` saying so; a former unit split between several successors is
    ambiguous, its successors given as `suggestions`.
    """

    written: str
    unit_id: int | None
    suggestions: tuple[str, ...] = ()
    ambiguous: bool = False
    former: Unit | None = None
    note: str = ""

    @property
    def problem(self) -> str:
        """Why no unit was taken, as a sentence fragment ("" when one was)."""
        if self.unit_id is not None:
            return ""
        if self.note:
            return self.note
        if self.ambiguous:
            return f"“{self.written}” trùng tên với nhiều đơn vị"
        return f"“{self.written}” không khớp đơn vị nào trong hệ thống"

    @property
    def hint(self) -> str:
        return f" Có thể là: {', '.join(self.suggestions)}." if self.suggestions else ""


class UnitResolver:
    """Unit names of one document, read against the units of `root`'s reach as they were on `day`.

    The reach is the root's subtree with those of the units that handed over to it (today's An Giang
    holds the former Kiên Giang's districts), bounded by `units` (a user's scope) when given; `include_root`
    lets a row name the root itself. Names are looked up first among the units valid on `day`, then among
    the others: an old name becomes the unit covering it on `day` when there is exactly one, with a note
    citing the successor link's legal basis; nothing is guessed.
    """

    def __init__(
        self,
        root: Unit | None = None,
        day: datetime.date | None = None,
        *,
        units: QuerySet[Unit] | None = None,
        include_root: bool = False,
        territorial: bool = False,
    ):
        self.day = day or today()
        pool = units if units is not None else Unit.objects.all()
        if root is not None:
            pool = pool.filter(reduce(or_, (Q(path__startswith=p) for p in reach_paths(root))))
            if not include_root:
                pool = pool.exclude(pk=root.pk)
        if territorial:
            pool = pool.exclude(kind__in=[UnitKind.ORGANISATION, UnitKind.NATIONAL])
        self.units = {
            u.pk: u
            for u in pool.only("pk", "name", "kind", "category", "parent_id", "path", "valid_from", "valid_until")
        }
        self._index = UnitIndex(
            Candidate(u.pk, u.name, u.full_name, u.valid_from, u.valid_until) for u in self.units.values()
        )
        self._cache: dict[tuple[str, datetime.date], UnitResolution] = {}
        self._covering: dict[tuple[int, datetime.date], list[Unit]] = {}

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.units

    def resolve(self, written: str, day: datetime.date | None = None) -> UnitResolution:
        """The unit `written` names on `day` (the resolver's day by default: a tally gives each row's)."""
        written = " ".join((written or "").split())
        key = (written, day or self.day)
        if key not in self._cache:
            self._cache[key] = self._resolve(*key)
        return self._cache[key]

    def _resolve(self, written: str, day: datetime.date) -> UnitResolution:
        if not written:
            return UnitResolution(written, None)
        match = self._index.match(written, lambda c: c.valid_on(day))
        if match.unit_id is not None or match.ambiguous:
            return UnitResolution(written, match.unit_id, match.suggestions, match.ambiguous)
        other = self._index.match(written, lambda c: not c.valid_on(day))
        if other.unit_id is None:
            suggestions = match.suggestions or other.suggestions
            return UnitResolution(written, None, suggestions, other.ambiguous)
        former = self.units[other.unit_id]
        if former.valid_from is not None and former.valid_from > day:
            # A unit formed after the date written: the date or the name is wrong, not for us to choose.
            return UnitResolution(
                written,
                None,
                (former.full_name,),
                note=f"“{written}” là {former.full_name}, chỉ có từ ngày {former.valid_from:%d/%m/%Y}, "
                f"sau ngày {day:%d/%m/%Y} của văn bản",
            )
        now = self._now(former, day)
        then = self._then(former, day)
        if len(now) == 1:
            basis = _legal_basis(former, now[0])
            return UnitResolution(
                written,
                now[0].pk,
                former=former,
                note=f"“{written}” là {then}; trên địa bàn nay là {now[0].full_name}{basis}, được tính cho đơn vị này",
            )
        if now:
            names = tuple(u.full_name for u in now)
            return UnitResolution(
                written,
                None,
                names,
                ambiguous=True,
                former=former,
                note=f"“{written}” là {then}, nay thuộc {len(now)} đơn vị ({', '.join(names)}); "
                "cần chọn đơn vị cho dòng này",
            )
        return UnitResolution(
            written,
            None,
            former=former,
            note=f"“{written}” là {then}; chưa có đơn vị kế thừa nào được ghi trong danh mục",
        )

    def _then(self, unit: Unit, day: datetime.date) -> str:
        parent = self.units.get(unit.parent_id) if unit.parent_id else None
        where = f" ({parent.full_name})" if parent is not None and parent.kind == UnitKind.DISTRICT else ""
        ended = f", không còn từ ngày {unit.valid_until:%d/%m/%Y}" if unit.valid_until else ""
        return f"{unit.full_name}{where} trước đây{ended}"

    def _now(self, unit: Unit, day: datetime.date) -> list[Unit]:
        key = (unit.pk, day)
        if key not in self._covering:
            self._covering[key] = [u for u in covering(unit, day) if u.pk in self.units]
        return self._covering[key]

    def resolve_address(self, text: str) -> UnitResolution:
        """The commune an address ("thôn Đào Xá, xã Vân Du, huyện Ân Thi, Hưng Yên") is in on the day,
        inside the resolver's units: the smallest written part that names one of them."""
        text = " ".join((text or "").split())
        if not text:
            return UnitResolution(text, None)
        parts = [clean(part) for part in text.split(",") if clean(part)]
        for index, part in enumerate(parts):
            found = self.resolve(part)
            if found.unit_id is None and not found.ambiguous and not found.former:
                continue  # a village or street: try the next, larger part
            if found.ambiguous and index + 1 < len(parts):
                # "xã Tân Lợi, huyện Đồng Phú": the whole address may tell the same names apart.
                whole = resolve_place(", ".join(parts[index:]), self.day)
                current = [c for c in whole["current"] if _pk(c["code"], self.units, self.day)]
                if len(current) == 1:
                    unit = _pk(current[0]["code"], self.units, self.day)
                    return UnitResolution(text, unit, former=found.former, note=found.note if found.former else "")
            named = found.former or (self.units[found.unit_id] if found.unit_id is not None else None)
            if named is not None and named.kind != UnitKind.COMMUNE:
                return UnitResolution(text, None)  # only a district or province: no commune to place in
            return found
        return UnitResolution(text, None)


def address_root(unit: Unit) -> Unit:
    """Where the addresses of a unit's people are looked up: its province (today's, when it merged), or
    the unit itself above or outside any province."""
    chain = [*unit.ancestors(), unit]
    provinces = [u for u in chain if u.kind == UnitKind.PROVINCE]
    if not provinces:
        return unit
    province = provinces[-1]
    if province.valid_until is not None and province.valid_until <= today():
        later = covering(province, today())
        if len(later) == 1:
            return later[0]
    return province


def _pk(code: str, units: dict[int, Unit], day: datetime.date) -> int | None:
    for unit in units.values():
        if code and unit.code == code and unit.is_valid_on(day):
            return unit.pk
    return None


def _legal_basis(former: Unit, successor: Unit) -> str:
    link = SuccessorLink.objects.approved().filter(predecessor=former, successor=successor).first()
    if link is None or not link.legal_basis:
        return ""
    return f" theo {link.legal_basis[:1].lower()}{link.legal_basis[1:]}"
