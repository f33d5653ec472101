"""Citizen ID (CCCD) and mobile number checks for donors.

A CCCD is 12 digits: a 3-digit birth-registration province code, one digit for century and sex
(1900s: 0 male / 1 female; 2000s: 2 / 3; 2100s: 4 / 5; 2200s would be 6 / 7 and 1800s 8 / 9, neither
plausible for a living donor), the last two digits of the year of birth, then 6 random digits.
`check_cccd` never corrects anything: it reports what disagrees with the date of birth and sex on
file and lets a person decide (DESIGN §5).

Mobile numbers are stored in E.164 ("+84912345678"); `phonenumbers` decides what is valid.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import phonenumbers

SEX_LABELS = {"M": "nam", "F": "nữ"}
# What a sheet writes for sex (fold_words form) → "M" | "F".
SEX_WORDS = {"nam": "M", "m": "M", "male": "M", "trai": "M", "nu": "F", "f": "F", "female": "F", "gai": "F"}

_CCCD_SEPARATORS = re.compile(r"[\s.]+")
_CCCD = re.compile(r"[0-9]{12}")
_PLAUSIBLE_CENTURY_DIGITS = range(6)


@dataclass(frozen=True)
class CccdProblem:
    code: str  # "cccd_length" | "cccd_sex_century" | "cccd_year"
    message: str


def normalise_cccd(text: str) -> str:
    """The CCCD with spaces and dots removed.

    >>> normalise_cccd(" 001 203.012 345 ")
    '001203012345'
    """
    return _CCCD_SEPARATORS.sub("", text or "")


def sex_century_digit(year: int, sex: str) -> int:
    """The 4th CCCD digit for someone born in `year` with sex "M" or "F".

    >>> sex_century_digit(1990, "F"), sex_century_digit(2003, "M")
    (1, 2)
    """
    if sex not in SEX_LABELS:
        raise ValueError(f"unknown sex code {sex!r}")
    if not 1900 <= year <= 2199:
        raise ValueError(f"year {year} is outside 1900–2199")
    return (year // 100 - 19) * 2 + (0 if sex == "M" else 1)


def _digit_meaning(digit: int) -> tuple[str, int] | None:
    """(sex code, first year of the century) for a plausible 4th digit, else None."""
    if digit not in _PLAUSIBLE_CENTURY_DIGITS:
        return None
    return ("M" if digit % 2 == 0 else "F", 1900 + 100 * (digit // 2))


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def check_cccd(cccd: str, date_of_birth: datetime.date | None, sex: str | None) -> list[CccdProblem]:
    """What in `cccd` disagrees with the date of birth and sex on file; empty when nothing does.

    A missing date of birth or sex is not a problem: only what is known is compared.
    """
    number = normalise_cccd(cccd)
    if not _CCCD.fullmatch(number):
        shown = number or (cccd or "").strip()
        if re.fullmatch(r"[0-9]*", number):
            detail = f"có {len(number)} chữ số, cần đúng 12"
        else:
            detail = "chỉ được gồm chữ số (đúng 12 chữ số)"
        return [CccdProblem("cccd_length", f"Số CCCD “{shown}” không hợp lệ: {detail}.")]
    problems: list[CccdProblem] = []
    digit = int(number[3])
    meaning = _digit_meaning(digit)
    sex = sex if sex in SEX_LABELS else None
    if meaning is None:
        problems.append(
            CccdProblem(
                "cccd_sex_century",
                f"Số CCCD {number}: chữ số thứ 4 là {digit}, không phải mã thế kỷ và giới tính của người đang sống "
                f"(0/1: nam/nữ sinh 1900–1999; 2/3: sinh 2000–2099; 4/5: sinh 2100–2199).",
            )
        )
    else:
        coded_sex, century = meaning
        disagreements = []
        if date_of_birth is not None and not century <= date_of_birth.year < century + 100:
            disagreements.append(f"ngày sinh {_date(date_of_birth)}")
        if sex is not None and sex != coded_sex:
            disagreements.append(f"giới tính {SEX_LABELS[sex]}")
        if disagreements:
            problems.append(
                CccdProblem(
                    "cccd_sex_century",
                    f"Số CCCD {number}: chữ số thứ 4 là {digit} ({SEX_LABELS[coded_sex]}, sinh {century}–{century + 99}) "
                    f"nhưng {' và '.join(disagreements)}.",
                )
            )
    if date_of_birth is not None and int(number[4:6]) != date_of_birth.year % 100:
        problems.append(
            CccdProblem(
                "cccd_year",
                f"Số CCCD {number}: chữ số thứ 5–6 là {number[4:6]} (năm sinh …{number[4:6]}) "
                f"nhưng ngày sinh {_date(date_of_birth)}.",
            )
        )
    return problems


def mask_cccd(cccd: str) -> str:
    """The CCCD with all but the first and last three digits hidden.

    >>> mask_cccd("001203012345")
    '001******345'
    """
    return _mask(normalise_cccd(cccd))


# --- mobile numbers ------------------------------------------------------------------------------


class PhoneError(ValueError):
    """A number that cannot be a donor's Vietnamese mobile; the message is for the person typing it."""


_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
_HINT = "số di động Việt Nam có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09, hoặc viết +84…"


def normalise_phone(text: str) -> str:
    """E.164 form of a Vietnamese mobile number, however it was written.

    >>> normalise_phone("0912.345.678"), normalise_phone("+84 912345678"), normalise_phone("84912345678")
    ('+84912345678', '+84912345678', '+84912345678')
    """
    written = (text or "").strip()
    if not written:
        raise PhoneError("Chưa nhập số điện thoại.")
    try:
        number = phonenumbers.parse(written, "VN")
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(f"“{written}” không phải số điện thoại ({_HINT}).") from exc
    if number.country_code != 84:
        raise PhoneError(f"Số “{written}” không phải số điện thoại Việt Nam ({_HINT}).")
    if number.extension:
        raise PhoneError(f"Số “{written}” có số máy lẻ; hãy nhập số di động.")
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"Số “{written}” không hợp lệ ({_HINT}).")
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise PhoneError(f"Số “{written}” là số cố định hoặc số dịch vụ, không phải số di động.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """A mobile number in national form with all but the first and last three digits hidden.

    >>> mask_phone("+84912345678")
    '091****678'
    """
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if (phone or "").strip().startswith("+84"):
        digits = "0" + digits[2:]
    return _mask(digits)


def _mask(digits: str) -> str:
    if len(digits) <= 6:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 6) + digits[-3:]
