"""The tile map: the 34 provinces in the country's shape, any other set of units as a grid, each tile
coloured by achievement and linked to its unit's page."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hienmau.orgs.reference import DATA_DIR
from hienmau.reports.lib.charts import TileInput, province_tiles, tile_map


def current_province_codes() -> set[str]:
    import csv

    with open(DATA_DIR / "units_vn.csv", encoding="utf-8") as handle:
        return {row["code"] for row in csv.DictReader(handle) if row["parent_code"] == "VN" and not row["valid_until"]}


def test_every_one_of_the_34_provinces_has_its_own_tile():
    layout = province_tiles()
    assert set(layout) == current_province_codes() and len(layout) == 34
    assert len(set(layout.values())) == 34  # no two provinces on one tile


def test_the_provinces_are_laid_out_as_the_map_and_coloured_by_achievement():
    items = [
        TileInput(1, "01", "Hà Nội", Decimal("104.3")),
        TileInput(2, "96", "Cà Mau", Decimal("45")),
        TileInput(3, "79", "Hồ Chí Minh", None),
    ]
    tiles = tile_map(items, province_tiles())
    assert tiles.geographic
    hanoi, camau, hcm = tiles.tiles
    assert hanoi.y < hcm.y < camau.y  # north to south
    assert (hanoi.level, camau.level, hcm.level) == ("done", "low", "none")
    assert (hanoi.text, hcm.text) == ("104,3%", "—")


@given(st.lists(st.one_of(st.none(), st.decimals(0, 300, places=1)), max_size=120))
def test_other_units_form_a_grid_of_distinct_tiles_inside_the_drawing(percents):
    items = [TileInput(i, f"X{i}", f"Xã số {i}", p) for i, p in enumerate(percents)]
    tiles = tile_map(items, province_tiles())
    assert not tiles.geographic or not items
    assert len({(t.x, t.y) for t in tiles.tiles}) == len(items)
    assert all(0 <= t.x <= tiles.width - tiles.tile_w and 0 <= t.y <= tiles.height - tiles.tile_h for t in tiles.tiles)


@pytest.mark.django_db
def test_a_former_unit_under_todays_code_shares_todays_tile(tree):
    from hienmau.reports.services import UnitYear
    from hienmau.reports.views import _tiles
    from hienmau.results.lib.rules import Counts

    rows = [
        {"unit": "tỉnh An Giang", "target": None, "result": 0, "percent": None},
        {"unit": "tỉnh Hưng Yên", "target": 100, "result": 50, "percent": 50.0},
        {"unit": "tỉnh Kiên Giang", "target": 7400, "result": 2400, "percent": 32.4},
    ]
    by_unit = UnitYear(
        tree.nation, 2022, "unit", rows, None, Counts(), [tree.an_giang.pk, tree.hung_yen.pk, tree.kien_giang.pk]
    )
    tiles, table = _tiles(tree.nation, by_unit)
    assert tiles.geographic
    assert [(t.name, t.text) for t in tiles.tiles] == [("An Giang", "32,4%"), ("Hưng Yên", "50,0%")]
    assert table[0] == {"unit": "tỉnh An Giang", "target": 7400, "result": 2400, "percent": Decimal("32.4")}
