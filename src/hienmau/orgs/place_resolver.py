"""Where a written place is, then and now: `hienmau units resolve "xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên"`.

The text is read largest unit first (province, then district, then commune), each name looked up
accent-insensitively inside what the previous one matched; a province also covers the provinces merged
into it, so an old district written with today's province is still found. The named unit's successors
(approved links, followed through) are the units that cover it on the day asked. Text that fits several
units returns them all as candidates and no answer.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from hienmau.core.clock import today
from hienmau.core.lib.text import fold
from hienmau.orgs.lib.place_names import PlaceName, address_parts, clean, name_key, normalise
from hienmau.orgs.models import SuccessorLink, Unit, UnitKind

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
