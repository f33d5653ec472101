"""CCCD agreement with date of birth and sex; mobile number normalisation and masking."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hienmau.core.lib.identity import (
    PhoneError,
    check_cccd,
    mask_cccd,
    mask_phone,
    normalise_cccd,
    normalise_phone,
    sex_century_digit,
)

FAST = settings(max_examples=150, deadline=None, database=None)


def codes(problems):
    return sorted(p.code for p in problems)


# --- CCCD: concrete cases -----------------------------------------------------------------------


def test_valid_cccd_agrees():
    assert check_cccd("001203012345", datetime.date(2003, 5, 12), "M") == []
    assert check_cccd("001190012345", datetime.date(1990, 5, 12), "F") == []
    assert check_cccd("079 301 012 345", datetime.date(2001, 1, 1), "F") == []


def test_the_example_from_the_brief_names_both_disagreements():
    problems = check_cccd("001203012345", datetime.date(1990, 5, 12), "F")
    assert codes(problems) == ["cccd_sex_century", "cccd_year"]
    sex_century = next(p for p in problems if p.code == "cccd_sex_century")
    assert sex_century.message == (
        "Số CCCD 001203012345: chữ số thứ 4 là 2 (nam, sinh 2000–2099) nhưng ngày sinh 12/05/1990 và giới tính nữ."
    )
    year = next(p for p in problems if p.code == "cccd_year")
    assert "03" in year.message and "12/05/1990" in year.message


def test_only_sex_disagrees():
    problems = check_cccd("001303012345", datetime.date(2003, 5, 12), "M")
    assert codes(problems) == ["cccd_sex_century"]
    assert problems[0].message == ("Số CCCD 001303012345: chữ số thứ 4 là 3 (nữ, sinh 2000–2099) nhưng giới tính nam.")


def test_only_century_disagrees():
    problems = check_cccd("001203012345", datetime.date(1903, 5, 12), "M")
    assert codes(problems) == ["cccd_sex_century"]
    assert "ngày sinh 12/05/1903" in problems[0].message and "giới tính" not in problems[0].message


@pytest.mark.parametrize("digit", ["6", "7", "8", "9"])
def test_implausible_century_digits_are_refused(digit):
    problems = check_cccd(f"001{digit}03012345", datetime.date(2003, 5, 12), "M")
    assert codes(problems) == ["cccd_sex_century"]
    assert f"chữ số thứ 4 là {digit}" in problems[0].message


def test_unknown_dob_and_sex_check_only_the_shape():
    assert check_cccd("001203012345", None, None) == []
    assert codes(check_cccd("001203012345", None, "F")) == ["cccd_sex_century"]
    assert codes(check_cccd("001903012345", None, None)) == ["cccd_sex_century"]


@pytest.mark.parametrize(
    "text", ["", "00120301234", "0012030123456", "00120301234a", "001-203-012-345", "０01203012345"]
)
def test_anything_but_twelve_digits_is_a_length_problem(text):
    problems = check_cccd(text, datetime.date(2003, 5, 12), "M")
    assert codes(problems) == ["cccd_length"]
    assert "12" in problems[0].message


def test_normalise_and_mask_cccd():
    assert normalise_cccd(" 001.203 012\u00a0345 ") == "001203012345"
    assert mask_cccd("001203012345") == "001******345"
    assert mask_cccd("001 203 012 345") == "001******345"


# --- CCCD: properties ---------------------------------------------------------------------------

DOBS = st.dates(datetime.date(1900, 1, 1), datetime.date(2199, 12, 31))
SEXES = st.sampled_from(["M", "F"])


@st.composite
def citizens(draw):
    dob, sex = draw(DOBS), draw(SEXES)
    province = draw(st.integers(1, 96))
    tail = draw(st.integers(0, 999_999))
    cccd = f"{province:03d}{sex_century_digit(dob.year, sex)}{dob.year % 100:02d}{tail:06d}"
    return cccd, dob, sex


@FAST
@given(citizens())
def test_a_cccd_built_from_dob_and_sex_agrees(citizen):
    cccd, dob, sex = citizen
    assert check_cccd(cccd, dob, sex) == []
    spaced = " ".join([cccd[:3], cccd[3:6], cccd[6:9] + "." + cccd[9:]])
    assert check_cccd(spaced, dob, sex) == []


@FAST
@given(citizens())
def test_flipping_the_sex_digit_is_caught(citizen):
    cccd, dob, sex = citizen
    digit = int(cccd[3])
    flipped = cccd[:3] + str(digit ^ 1) + cccd[4:]
    assert codes(check_cccd(flipped, dob, sex)) == ["cccd_sex_century"]
    other_sex = "F" if sex == "M" else "M"
    assert codes(check_cccd(cccd, dob, other_sex)) == ["cccd_sex_century"]


@FAST
@given(citizens(), st.integers(1, 99))
def test_changing_the_year_digits_is_caught(citizen, shift):
    cccd, dob, sex = citizen
    year_digits = (int(cccd[4:6]) + shift) % 100
    changed = cccd[:4] + f"{year_digits:02d}" + cccd[6:]
    assert codes(check_cccd(changed, dob, sex)) == ["cccd_year"]


@FAST
@given(citizens(), st.sampled_from([-200, -100, 100, 200]))
def test_a_different_century_is_caught(citizen, years):
    cccd, dob, sex = citizen
    try:
        other = dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        other = dob.replace(year=dob.year + years, day=28)
    assert "cccd_sex_century" in codes(check_cccd(cccd, other, sex))


@FAST
@given(st.text(max_size=20))
def test_check_cccd_never_crashes(text):
    for problem in check_cccd(text, datetime.date(2000, 1, 1), "F"):
        assert problem.code in {"cccd_length", "cccd_sex_century", "cccd_year"} and problem.message


# --- phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "0912 345 678",
        "0912.345.678",
        "+84 912345678",
        "84912345678",
        "0912345678",
        "+84 912 345 678",
        "(+84) 912-345-678",
        "0084912345678",
        " 0912345678 ",
    ],
)
def test_written_forms_normalise_to_e164(written):
    assert normalise_phone(written) == "+84912345678"


@pytest.mark.parametrize("written", ["0386 123 456", "0561234567", "0705 123 456", "0865.123.456", "0987654321"])
def test_all_mobile_prefixes(written):
    assert normalise_phone(written).startswith("+84")


@pytest.mark.parametrize(
    "written, fragment",
    [
        ("", "Chưa nhập"),
        ("   ", "Chưa nhập"),
        ("abc", "không phải số điện thoại"),
        ("024 3826 0111", "cố định"),
        ("0243.826.0111", "cố định"),
        ("+1 650 253 0000", "không phải số điện thoại Việt Nam"),
        ("+33 6 12 34 56 78", "không phải số điện thoại Việt Nam"),
        ("0123 456 789", "không hợp lệ"),
        ("091234567", "không hợp lệ"),
        ("1900 1234", "không phải số di động"),
    ],
)
def test_non_mobile_numbers_are_refused_in_vietnamese(written, fragment):
    with pytest.raises(PhoneError) as caught:
        normalise_phone(written)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_mask_phone():
    assert mask_phone("+84912345678") == "091****678"
    assert mask_phone("0912345678") == "091****678"
    assert mask_phone("") == ""


# Mobile prefixes in use (after the 2018 move from 11 to 10 digits) that libphonenumber accepts in full
# (089 is only partly allocated in its metadata).
MOBILE_PREFIXES = [
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "38",
    "39",
    "56",
    "58",
    "59",
    "70",
    "76",
    "77",
    "78",
    "79",
    "81",
    "82",
    "83",
    "84",
    "85",
    "86",
    "88",
    "90",
    "91",
    "92",
    "93",
    "94",
    "96",
    "97",
    "98",
]


@st.composite
def mobiles(draw):
    return draw(st.sampled_from(MOBILE_PREFIXES)) + f"{draw(st.integers(0, 9_999_999)):07d}"


def written_forms(nsn: str) -> list[str]:
    national = "0" + nsn
    return [
        national,
        f"{national[:4]} {national[4:7]} {national[7:]}",
        f"{national[:4]}.{national[4:7]}.{national[7:]}",
        f"+84 {nsn}",
        f"+84{nsn}",
        f"84{nsn}",
        f"(+84) {nsn[:3]}-{nsn[3:6]}-{nsn[6:]}",
    ]


@FAST
@given(mobiles())
def test_every_written_form_of_a_mobile_gives_the_same_e164(nsn):
    results = {normalise_phone(form) for form in written_forms(nsn)}
    assert results == {"+84" + nsn}
    e164 = "+84" + nsn
    assert normalise_phone(e164) == e164  # idempotent
    masked = mask_phone(e164)
    assert len(masked) == 10 and masked.startswith("0" + nsn[:2]) and masked.endswith(nsn[-3:])


@FAST
@given(st.text(alphabet="0123456789 +.-()abc", max_size=16))
def test_normalise_phone_returns_a_vietnamese_mobile_or_refuses(text):
    try:
        e164 = normalise_phone(text)
    except PhoneError as exc:
        assert str(exc)
    else:
        assert e164.startswith("+84") and len(e164) == 12 and normalise_phone(e164) == e164
