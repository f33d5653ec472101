"""Proof on unseen layouts: hundreds of variants of each seed table (tests/plans/layout_variants.py: groups
of columns moved, an empty notes column, motto and signatures, empty rows, the header repeated, numbers
grouped with a space or a comma, the total labelled another way or not at all), in pasted text, .csv and
.xlsx, each read to the seed's rows and totals and the seed's findings plus exactly those the change
explains. A variant that once failed is kept below as a named case."""

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

from hienmau.plans.lib.document import analyse_document, analyse_text
from hienmau.plans.readers import read_blocks
from tests.plans.helpers import assert_contract
from tests.plans.layout_variants import CHANGES, Variant, make_variant, render, seed_blocks, variants

SEEDS = [0, 1, 3]
MANY = settings(max_examples=120, deadline=None, derandomize=True, database=None)
FILES = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
BASELINE = {seed: analyse_document(seed_blocks(seed)).appendix.result() for seed in SEEDS}


def assert_reads_as_the_seed(result: dict, variant: Variant) -> None:
    expected = BASELINE[variant.seed]
    assert_contract(result)
    assert result["rows"] == expected["rows"], variant.name
    assert result["totals"] == expected["totals"], variant.name
    seen = Counter((f["code"], f["unit"]) for f in result["findings"])
    before = Counter((f["code"], f["unit"]) for f in expected["findings"])
    assert not before - seen, f"{variant.name}: findings lost {before - seen}"
    added = Counter()
    for (code, _unit), count in (seen - before).items():
        added[code] += count
    assert dict(added) == variant.added, variant.name
    # Every added finding explains itself: a sentence naming the line or the numbers it is about.
    for finding in result["findings"]:
        if finding["code"] in variant.added:
            assert "dòng" in finding["message"] or "“" in finding["message"], finding


@pytest.mark.parametrize("seed", SEEDS)
def test_every_single_change_reads_as_the_seed(seed):
    for change in CHANGES:
        for number in range(5):
            variant = make_variant(seed, [change], random.Random(number))
            assert_reads_as_the_seed(analyse_document(variant.blocks).appendix.result(), variant)


@MANY
@given(variant=variants(0))
def test_variants_of_seed_000_read_as_the_seed(variant):
    assert_reads_as_the_seed(analyse_document(variant.blocks).appendix.result(), variant)


@MANY
@given(variant=variants(1))
def test_variants_of_seed_001_read_as_the_seed(variant):
    assert_reads_as_the_seed(analyse_document(variant.blocks).appendix.result(), variant)


@MANY
@given(variant=variants(3))
def test_variants_of_seed_003_read_as_the_seed(variant):
    assert_reads_as_the_seed(analyse_document(variant.blocks).appendix.result(), variant)


@pytest.mark.parametrize("kind", ["txt", "csv", "xlsx"])
@FILES
@given(variant=variants(0))
def test_variants_written_as_files_read_as_the_seed(tmp_path, kind, variant):
    path = render(variant, tmp_path, kind)
    if kind == "txt":
        document = analyse_text(path.read_text(encoding="utf-8"))
    else:
        document = analyse_document(read_blocks(path))
    assert_reads_as_the_seed(document.appendix.result(), variant)


# ---- variants that once failed, kept by name ---------------------------------------------------------------


def test_regression_total_row_grouped_with_commas_is_the_stated_total_with_a_finding():
    """Seed 000 with every number written "1,532": the total row's "7,411" was not read (stated total
    lost, no finding)."""
    variant = make_variant(0, ["comma_grouping"], random.Random(0))
    result = analyse_document(variant.blocks).appendix.result()
    assert result["totals"] == {"stated": 7411, "computed": 7411}
    (found,) = [f for f in result["findings"] if f["code"] == "comma_thousands"]
    assert "“1,532”" in found["message"] and "7.411" in found["message"]


def test_regression_moved_columns_with_a_two_row_merged_header():
    """Seed 001's "Các đợt trong năm" over Đợt I / Đợt II, moved before the unit column."""
    variant = make_variant(1, ["move_groups"], random.Random(3))
    assert_reads_as_the_seed(analyse_document(variant.blocks).appendix.result(), variant)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_regression_signature_rows_under_a_sheets_table_are_paragraphs_not_units(tmp_path, kind):
    """Seed 000 as a sheet with "Nơi nhận:" and the signature below the table: they were read as units."""
    variant = make_variant(0, ["signature"], random.Random(0))
    blocks = read_blocks(render(variant, tmp_path, kind))
    assert_reads_as_the_seed(analyse_document(blocks).appendix.result(), variant)
    assert [b.text for b in blocks[-6:]] == [
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
        "TM. BAN CHỈ ĐẠO",
        "TRƯỞNG BAN",
        "Nguyễn Văn Bình",
    ]
