"""Figures recorded under a unit that ceased appear under today's unit when asked for current boundaries."""

import datetime

from hienmau.orgs.demo import load_demo
from hienmau.orgs.models import Unit, UnitKind
from hienmau.orgs.services import current_boundary_units, rollup_by_level


def test_2022_figures_of_an_minh_district_appear_under_today_an_giang(db):
    load_demo()
    an_minh = Unit.objects.get(code="909")
    assert an_minh.full_name == "huyện An Minh" and an_minh.parent.full_name == "tỉnh Kiên Giang"
    rach_gia = Unit.objects.get(code="899")
    recorded_2022 = {an_minh.pk: 350, rach_gia.pk: 350}

    as_recorded, unplaced = rollup_by_level(recorded_2022, level=UnitKind.PROVINCE, current_boundaries=False)
    assert [(row.unit.name, row.amount) for row in as_recorded] == [("Kiên Giang", 700)] and unplaced == 0

    today, unplaced = rollup_by_level(
        recorded_2022, level=UnitKind.PROVINCE, current_boundaries=True, on=datetime.date(2026, 11, 23)
    )
    assert [(row.unit.full_name, row.unit.code, row.amount) for row in today] == [("tỉnh An Giang", "91", 700)]
    assert unplaced == 0


def test_old_hung_yen_commune_stays_in_hung_yen_and_bac_kan_city_moves_to_thai_nguyen(db):
    load_demo()
    van_du = Unit.objects.get(name="Vân Du")
    assert [(u.name, w) for u, w in current_boundary_units(van_du)] == [("Hưng Yên", 1)]
    bac_kan_city = Unit.objects.get(code="058")
    assert [(u.name, w) for u, w in current_boundary_units(bac_kan_city)] == [("Thái Nguyên", 1)]


def test_every_ceased_province_lands_in_exactly_one_of_the_34(db):
    load_demo()
    current = set(Unit.objects.current().filter(kind=UnitKind.PROVINCE).values_list("pk", flat=True))
    for old in Unit.objects.filter(kind=UnitKind.PROVINCE, valid_until__isnull=False):
        targets = current_boundary_units(old)
        assert len(targets) == 1 and targets[0][0].pk in current, old
