"""An appendix pasted without its plan says which plan it belongs to in its title block, "(Kèm theo Kế
hoạch số 14/KH-UBND ngày 17/01/2024 của …)": the import takes the number and date from there, and so
updates that plan when it exists instead of creating a plan numbered "—" (issue 12)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hienmau.plans.importer import analyse_pasted, save_plan
from hienmau.plans.lib import findings as F
from hienmau.plans.lib.document import analyse_text
from hienmau.plans.models import Plan
from tests.plans.helpers import APP_SEEDS

SEED_001 = (APP_SEEDS / "seed-001-an-thi-14-KH-UBND-2024.txt").read_text(encoding="utf-8")
# Seed 001's appendix alone (from "PHỤ LỤC" on); the seed's own title block cites plan 17 by mistake.
APPENDIX = SEED_001[SEED_001.index("PHỤ LỤC") :]


def _appendix_citing(line: str) -> str:
    return APPENDIX.replace("(Kèm theo Kế hoạch số *17* /KH-UBND ngày *17* / *01* /2024", line, 1)


def test_the_title_block_gives_the_number_and_date_of_a_pasted_appendix():
    document = analyse_text(_appendix_citing("(Kèm theo Kế hoạch số 14/KH-UBND ngày 17/01/2024"))
    assert (document.number.label, document.date) == ("14/KH-UBND", datetime.date(2024, 1, 17))
    assert not [f for f in document.appendix.findings if f.code == F.REFERENCE_MISMATCH]
    # As the seed writes it (bold marks, spaces), and with the date in words.
    assert analyse_text(APPENDIX).number.label == "17/KH-UBND"
    long_form = analyse_text(_appendix_citing("(Kèm theo Kế hoạch số 14/KH-UBND ngày 17 tháng 01 năm 2024"))
    assert (long_form.number.label, long_form.date) == ("14/KH-UBND", datetime.date(2024, 1, 17))


def test_the_plans_own_header_wins_over_its_appendix():
    document = analyse_text(SEED_001)
    assert (document.number.label, document.date) == ("14/KH-UBND", datetime.date(2024, 1, 17))
    mismatch = [f.message for f in document.appendix.findings if f.code == F.REFERENCE_MISMATCH]
    assert "Phụ lục ghi “Kèm theo Kế hoạch số 17/KH-UBND” nhưng văn bản là Kế hoạch số 14/KH-UBND." in mismatch


@given(
    st.integers(1, 99999),
    st.sampled_from(["KH-UBND", "KH-BCĐ", "KH-BCĐQG", "KH-HCTĐ"]),
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.booleans(),
)
def test_any_reference_written_either_way_is_read_back(number, suffix, day, long_form):
    written = (
        f"{day.day} tháng {day.month:02d} năm {day.year}" if long_form else f"{day.day:02d}/{day.month}/{day.year}"
    )
    document = analyse_text(_appendix_citing(f"(Kèm theo Kế hoạch số {number}/{suffix} ngày {written}"))
    assert (document.number.label, document.date) == (f"{number}/{suffix}", day)


@pytest.mark.django_db
def test_a_pasted_appendix_updates_its_plan_instead_of_creating_one(tree):
    plan, _changes = save_plan(analyse_pasted(SEED_001, tree.an_thi))
    corrected = _appendix_citing("(Kèm theo Kế hoạch số 14/KH-UBND ngày 17/01/2024").replace("54", "55", 1)
    again, changes = save_plan(analyse_pasted(corrected, tree.an_thi))
    assert again.pk == plan.pk and Plan.objects.count() == 1
    assert (again.reference, again.date) == ("14/KH-UBND", datetime.date(2024, 1, 17))
    assert [(c.unit, c.total) for c in changes.changed] == [("xã Vân Du", 55)], changes.changed


@pytest.mark.django_db
def test_a_pasted_appendix_of_an_unknown_plan_gets_its_number(tree):
    plan, _changes = save_plan(
        analyse_pasted(_appendix_citing("(Kèm theo Kế hoạch số 21/KH-UBND ngày 5/3/2024"), tree.an_thi)
    )
    assert (plan.reference, plan.date) == ("21/KH-UBND", datetime.date(2024, 3, 5))
