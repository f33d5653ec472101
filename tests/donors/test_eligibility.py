"""Eligibility rules of Circular 26/2013/TT-BYT as dated data: boundaries pinned day by day and kg by kg."""

import dataclasses
import datetime
import json
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hienmau.donors.lib.eligibility import (
    COMPONENTS,
    DEFAULT_RULES_PATH,
    Deferral,
    PastDonation,
    Person,
    RuleFileError,
    Verdict,
    anniversary,
    default_rule_sets,
    eligibility,
    load_rule_sets,
    rule_set_from_dict,
    rules_on,
)

FAST = settings(max_examples=120, deadline=None, database=None)
DAY = datetime.timedelta(days=1)
ON = datetime.date(2026, 5, 1)
RULES = rules_on(load_rule_sets(), ON)
ADULT = Person("F", datetime.date(1990, 5, 12), 60)
WHOLE = ("whole_blood", "red_cells")
APHERESIS = ("platelets", "plasma")
CITED = "(Thông tư 26/2013/TT-BYT"


def check(person=ADULT, on=ON, component="whole_blood", volume=None, last=None, deferrals=(), rules=RULES) -> Verdict:
    return eligibility(person, on, component, volume, last, list(deferrals), rules)


def assert_cited(verdict: Verdict) -> None:
    for reason in verdict.reasons:
        if reason.startswith("Chưa có cân nặng"):
            continue
        assert CITED in reason and reason.endswith(")."), reason


# --- the rule file ------------------------------------------------------------------------------


def test_shipped_rule_file_has_the_circular_26_numbers_and_citations():
    versions = load_rule_sets(DEFAULT_RULES_PATH)
    first = versions[0]
    assert first.effective_from == datetime.date(2013, 11, 15)
    assert "26/2013/TT-BYT" in first.citation and "Điều 4" in first.citation and "Điều 6" in first.citation
    assert (first.min_age, first.max_age) == (18, 60)
    assert dict(first.min_weight_kg) == {"F": 42, "M": 45}
    assert (first.small_volume_max_ml, first.ml_per_kg, first.max_whole_blood_ml) == (250, 9, 500)
    assert (first.apheresis_min_weight_kg, first.apheresis_max_ml) == (50, 500)
    assert (first.apheresis_heavy_weight_kg, first.apheresis_heavy_max_ml) == (60, 650)
    assert dict(first.gap_days) == {"whole_blood": 84, "red_cells": 84, "platelets": 14, "plasma": 14}
    assert first.ref("gap") == "Thông tư 26/2013/TT-BYT, Điều 6"
    assert len(first.citation) <= 500  # fits EligibilityRuleSet.citation
    assert default_rule_sets()[0].effective_from == first.effective_from


def test_rules_on_picks_the_version_in_force(tmp_path):
    raw = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    newer = {
        **raw[0],
        "effective_from": "2030-01-01",
        "citation": "Thông tư giả định",
        "source": "Thông tư giả định",
        "references": {},
        "gap_days": {**raw[0]["gap_days"], "whole_blood": 56},
    }
    path = tmp_path / "rules.json"
    path.write_text(json.dumps([newer, raw[0]], ensure_ascii=False), encoding="utf-8")
    versions = load_rule_sets(path)
    assert [v.effective_from.year for v in versions] == [2013, 2030]
    assert rules_on(versions, datetime.date(2029, 12, 31)).effective_from.year == 2013
    assert rules_on(versions, datetime.date(2030, 1, 1)).effective_from.year == 2030
    with pytest.raises(LookupError, match="14/11/2013"):
        rules_on(versions, datetime.date(2013, 11, 14))
    # The newer version's own numbers and citation are used.
    last = PastDonation(datetime.date(2030, 1, 1), "whole_blood")
    on = last.date + 56 * DAY
    assert check(on=on, last=last, rules=rules_on(versions, on)).eligible
    too_soon = check(on=on - DAY, last=last, rules=rules_on(versions, on))
    assert too_soon.eligible_from == on and "8 tuần" in too_soon.reasons[0]
    assert too_soon.reasons[0].endswith("(Thông tư giả định).")
    old_rules = check(on=on, last=last, rules=rules_on(versions, datetime.date(2029, 1, 1)))
    assert old_rules.eligible_from == last.date + 84 * DAY


@pytest.mark.parametrize(
    "change, message",
    [
        ({"colour": 1}, "colour"),
        ({"effective_from": "2013-02-30"}, "2013-02-30"),
        ({"citation": ""}, "citation"),
        ({"gap_days": {"whole_blood": 84}}, "gap_days"),
    ],
)
def test_bad_rule_versions_are_refused(change, message):
    raw = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))[0]
    with pytest.raises(RuleFileError, match=message):
        rule_set_from_dict({**raw, **change})


def test_two_versions_on_the_same_day_are_refused(tmp_path):
    raw = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(raw * 2, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RuleFileError, match="15/11/2013"):
        load_rule_sets(path)


# --- concrete cases -----------------------------------------------------------------------------


def test_the_example_from_the_brief():
    verdict = check(last=PastDonation(datetime.date(2026, 3, 1), "whole_blood"), volume=350)
    assert not verdict.eligible and verdict.eligible_from == datetime.date(2026, 5, 24)
    assert verdict.reasons[0] == (
        "Lần hiến gần nhất (máu toàn phần) ngày 01/03/2026; cần cách ít nhất 12 tuần, "
        "đến 24/05/2026 mới hiến lại được (Thông tư 26/2013/TT-BYT, Điều 6)."
    )
    assert_cited(verdict)


def test_eligible_adult_gets_a_note_with_the_maximum():
    verdict = check(person=Person("F", datetime.date(1990, 5, 12), 52), volume=350)
    assert verdict.eligible and verdict.eligible_from is None and verdict.max_volume_ml == 468
    assert any("468 ml" in r for r in verdict.reasons)
    assert_cited(verdict)


def test_gap_follows_the_component_given_last():
    plasma_then_whole = check(last=PastDonation(ON - 14 * DAY, "plasma"))
    assert plasma_then_whole.eligible
    whole_then_plasma = check(component="plasma", last=PastDonation(ON - 14 * DAY, "whole_blood"))
    assert not whole_then_plasma.eligible
    assert whole_then_plasma.eligible_from == ON + 70 * DAY
    platelets = check(component="platelets", last=PastDonation(ON - 13 * DAY, "platelets"))
    assert platelets.eligible_from == ON + DAY and "2 tuần" in platelets.reasons[0]


def test_under_18_waits_for_the_birthday():
    verdict = check(person=Person("M", datetime.date(2008, 9, 2), 60))
    assert not verdict.eligible and verdict.eligible_from == datetime.date(2026, 9, 2)
    assert "Chưa đủ 18 tuổi" in verdict.reasons[0] and "02/09/2026" in verdict.reasons[0]
    assert_cited(verdict)


def test_february_29_birthdays_turn_18_on_1_march():
    person = Person("F", datetime.date(2008, 2, 29), 55)
    assert anniversary(person.date_of_birth, 18) == datetime.date(2026, 3, 1)
    before = check(person=person, on=datetime.date(2026, 2, 28))
    assert not before.eligible and before.eligible_from == datetime.date(2026, 3, 1)
    assert check(person=person, on=datetime.date(2026, 3, 1)).eligible
    old = Person("F", datetime.date(1964, 2, 29), 55)  # turns 61 on 1/3/2025
    assert check(person=old, on=datetime.date(2025, 2, 28)).eligible
    assert not check(person=old, on=datetime.date(2025, 3, 1)).eligible


def test_61st_birthday_ends_eligibility_for_good():
    person = Person("M", datetime.date(1965, 5, 1), 70)
    assert check(person=person, on=datetime.date(2026, 4, 30)).eligible
    verdict = check(person=person, on=datetime.date(2026, 5, 1))
    assert not verdict.eligible and verdict.eligible_from is None
    assert "quá 60 tuổi" in verdict.reasons[0]
    assert_cited(verdict)


def test_a_wait_that_ends_after_the_61st_birthday_never_ends():
    person = Person("M", datetime.date(1965, 6, 1), 70)
    verdict = check(person=person, last=PastDonation(ON - 10 * DAY, "whole_blood"))
    assert not verdict.eligible and verdict.eligible_from is None
    assert any("tròn 61 tuổi" in r for r in verdict.reasons)
    deferred = check(person=person, deferrals=[Deferral(datetime.date(2026, 6, 2), "xăm hình")])
    assert deferred.eligible_from is None


@pytest.mark.parametrize(
    "sex, weight, component, allowed",
    [
        ("F", 41.9, "whole_blood", None),
        ("F", 42, "whole_blood", 250),
        ("F", 44.9, "whole_blood", 250),
        ("M", 44.9, "whole_blood", None),
        ("M", 45, "whole_blood", 405),
        ("F", 45, "red_cells", 405),
        ("M", 50, "whole_blood", 450),
        ("M", 55.5, "whole_blood", 499),
        ("M", 55.6, "whole_blood", 500),
        ("M", 56, "whole_blood", 500),
        ("M", 90, "whole_blood", 500),
        ("M", 49.9, "platelets", None),
        ("F", 50, "platelets", 500),
        ("F", 59.9, "plasma", 500),
        ("M", 60, "plasma", 650),
        ("M", 90, "platelets", 650),
    ],
)
def test_weight_thresholds_and_volume_limits(sex, weight, component, allowed):
    person = Person(sex, datetime.date(1990, 1, 1), weight)
    verdict = check(person=person, component=component)
    assert verdict.max_volume_ml == allowed
    if allowed is None:
        assert not verdict.eligible and verdict.eligible_from is None
        assert "cần nặng ít nhất" in verdict.reasons[0]
    else:
        assert verdict.eligible
        assert check(person=person, component=component, volume=allowed).eligible
        over = check(person=person, component=component, volume=allowed + 1)
        assert not over.eligible and over.eligible_from is None
        assert f"tối đa {allowed} ml" in over.reasons[0]
        assert_cited(over)


def test_unknown_weight_skips_the_volume_check_but_says_so():
    person = Person("M", datetime.date(1990, 1, 1), None)
    assert check(person=person).reasons == []
    verdict = check(person=person, volume=450)
    assert verdict.eligible and verdict.reasons == ["Chưa có cân nặng: cần cân trước khi lấy máu."]


def test_deferrals_block_until_their_end_day():
    ends_today = check(deferrals=[Deferral(ON, "xăm hình")])
    assert ends_today.eligible
    verdict = check(deferrals=[Deferral(ON + DAY, "xăm hình"), Deferral(ON + 100 * DAY, "sinh con")])
    assert not verdict.eligible and verdict.eligible_from == ON + 100 * DAY
    assert sum("tạm hoãn" in r for r in verdict.reasons) == 2
    assert "(sinh con)" in verdict.reasons[1]
    assert_cited(verdict)


def test_eligible_from_is_the_latest_wait_and_none_when_something_cannot_pass():
    young = Person("M", datetime.date(2008, 6, 1), 60)
    verdict = check(person=young, last=PastDonation(ON - DAY, "whole_blood"), deferrals=[Deferral(ON + 10 * DAY, "")])
    assert verdict.eligible_from == datetime.date(2026, 7, 23)  # 30/4 + 84 days, after the 18th birthday
    assert len([r for r in verdict.reasons if "Thông tư" in r]) == 4  # age, gap, deferral, max-volume note
    blocked = check(person=young, volume=600, last=PastDonation(ON - DAY, "whole_blood"))
    assert not blocked.eligible and blocked.eligible_from is None


def test_rules_are_data():
    strict = dataclasses.replace(RULES, gap_days={**RULES.gap_days, "whole_blood": 112}, max_age=65)
    assert not check(last=PastDonation(ON - 84 * DAY, "whole_blood"), rules=strict).eligible
    assert check(person=Person("M", datetime.date(1963, 1, 1), 70), rules=strict).eligible
    red_cells_apheresis = dataclasses.replace(RULES, apheresis_components=("red_cells", "platelets", "plasma"))
    assert check(person=Person("M", datetime.date(1990, 1, 1), 47), component="red_cells").eligible
    assert not check(
        person=Person("M", datetime.date(1990, 1, 1), 47), component="red_cells", rules=red_cells_apheresis
    ).eligible


@pytest.mark.parametrize("kwargs", [{"component": "blood"}, {"volume": 0}, {"last": PastDonation(ON, "blood")}])
def test_programming_errors_raise(kwargs):
    with pytest.raises(ValueError):
        check(**kwargs)


# --- properties ---------------------------------------------------------------------------------

DAYS = st.dates(datetime.date(2014, 1, 1), datetime.date(2060, 12, 31))
DOBS = st.dates(datetime.date(1940, 1, 1), datetime.date(2045, 12, 31))
WEIGHTS = st.integers(300, 1200).map(lambda tenths: tenths / 10)
SEXES = st.sampled_from(["M", "F"])
COMPONENT = st.sampled_from(COMPONENTS)


def expected_max(sex: str, weight: float, component: str) -> int | None:
    """The brief's table, written out independently of the module."""
    w = Decimal(str(weight))
    if component in APHERESIS:
        return None if w < 50 else (650 if w >= 60 else 500)
    if w < (42 if sex == "F" else 45):
        return None
    if w < 45:
        return 250
    return min(math.floor(w * 9), 500)


@FAST
@given(DAYS, COMPONENT, COMPONENT)
def test_gap_day_before_is_too_soon_and_the_day_itself_is_fine(last_day, last_component, component):
    gap = 84 if last_component in WHOLE else 14
    last = PastDonation(last_day, last_component)
    person = Person("M", datetime.date(1990, 1, 1), 70)
    due = last_day + gap * DAY
    if due >= anniversary(person.date_of_birth, 61):
        person = dataclasses.replace(person, date_of_birth=last_day.replace(year=last_day.year - 30, day=1))
    before = check(person=person, on=due - DAY, component=component, last=last)
    assert not before.eligible and before.eligible_from == due
    assert f"{gap // 7} tuần" in before.reasons[0]
    assert check(person=person, on=due, component=component, last=last).eligible


@FAST
@given(DOBS)
def test_age_window_from_the_18th_birthday_to_the_day_before_the_61st(dob):
    person = Person("F", dob, 60)
    adult, old = anniversary(dob, 18), anniversary(dob, 61)
    young = check(person=person, on=adult - DAY)
    assert not young.eligible and young.eligible_from == adult
    assert check(person=person, on=adult).eligible
    assert check(person=person, on=old - DAY).eligible
    too_old = check(person=person, on=old)
    assert not too_old.eligible and too_old.eligible_from is None
    if (dob.month, dob.day) == (2, 29):
        assert adult == datetime.date(dob.year + 18, 3, 1)


@FAST
@given(SEXES, WEIGHTS, COMPONENT)
def test_volume_limits_match_the_table(sex, weight, component):
    person = Person(sex, datetime.date(1990, 1, 1), weight)
    allowed = expected_max(sex, weight, component)
    verdict = check(person=person, component=component)
    assert verdict.max_volume_ml == allowed
    assert verdict.eligible == (allowed is not None)
    if allowed is not None:
        assert check(person=person, component=component, volume=allowed).eligible
        over = check(person=person, component=component, volume=allowed + 1)
        assert not over.eligible and over.eligible_from is None
        assert f"{allowed} ml" in over.reasons[0]


@FAST
@given(DAYS, st.integers(-30, 30))
def test_a_deferral_ending_on_the_day_no_longer_blocks(on, offset):
    until = on + offset * DAY
    person = Person("F", on.replace(year=on.year - 30, day=1), 55)
    verdict = check(person=person, on=on, deferrals=[Deferral(until, "truyền máu")])
    assert verdict.eligible == (until <= on)
    if not verdict.eligible:
        assert verdict.eligible_from == until


@FAST
@given(
    sex=SEXES,
    dob=DOBS,
    weight=st.one_of(st.none(), WEIGHTS),
    on=DAYS,
    component=COMPONENT,
    volume=st.one_of(st.none(), st.integers(100, 700)),
    last=st.one_of(st.none(), st.builds(PastDonation, DAYS, COMPONENT)),
    deferrals=st.lists(st.builds(Deferral, DAYS, st.sampled_from(["", "xăm hình", "sinh con"])), max_size=2),
)
def test_eligible_from_is_the_first_day_that_passes(sex, dob, weight, on, component, volume, last, deferrals):
    person = Person(sex, dob, weight)
    verdict = check(person, on, component, volume, last, deferrals)
    assert_cited(verdict)
    if verdict.eligible:
        assert verdict.eligible_from is None
        return
    assert verdict.reasons
    if verdict.eligible_from is not None:
        assert verdict.eligible_from > on
        assert check(person, verdict.eligible_from, component, volume, last, deferrals).eligible
        assert not check(person, verdict.eligible_from - DAY, component, volume, last, deferrals).eligible
