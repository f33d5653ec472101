"""Honour tiers come from data/honour_tiers.json with their legal source; the donor page names it."""

import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from hienmau.donors.lib.honours import HonourRulesError, honour_rules, honours_for, load_honour_rules


def test_the_shipped_tiers_name_their_source():
    rules = honour_rules()
    assert rules.tiers == (5, 10, 15, 20, 30, 40, 50, 70, 100)
    assert "122/QĐ-BCĐQG" in rules.source


@given(st.integers(0, 200))
def test_reached_tiers_and_the_next_one_split_the_tiers(count):
    tiers = honour_rules().tiers
    honours = honours_for(count)
    assert all(t <= count for t in honours.reached)
    assert honours.upcoming is None or honours.upcoming > count
    assert list(honours.reached) + ([honours.upcoming] if honours.upcoming else []) == list(
        tiers[: len(honours.reached) + (1 if honours.upcoming else 0)]
    )


def test_examples():
    assert honours_for(0).reached == () and honours_for(0).upcoming == 5
    assert honours_for(15).reached == (5, 10, 15) and honours_for(15).upcoming == 20
    assert honours_for(100).upcoming is None


@pytest.mark.parametrize(
    "raw",
    [
        {"source": "QĐ", "citation": "c", "tiers": [10, 5]},
        {"source": "QĐ", "citation": "c", "tiers": [5, 5]},
        {"source": "QĐ", "citation": "c", "tiers": [0, 5]},
        {"source": "", "citation": "c", "tiers": [5]},
        {"citation": "c", "tiers": [5]},
    ],
)
def test_bad_tier_files_are_refused(tmp_path, raw):
    path = tmp_path / "tiers.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(HonourRulesError, match="tiers.json"):
        load_honour_rules(path)


def test_the_donor_page_shows_reached_tiers_and_the_source(donors, people, client_for):
    body = client_for(people.district_officer).get(reverse("donors:donor_detail", args=[donors["duc"].pk]))
    text = body.content.decode()
    assert "Mốc tiếp theo: 5 lần" in text and "Quyết định 122/QĐ-BCĐQG (2017)" in text
