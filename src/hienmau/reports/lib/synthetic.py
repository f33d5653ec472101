"""The pure rules of the synthetic national dataset (`hienmau bench seed`): people's names, CCCD numbers,
which drives a donor attends, and splitting a figure across months. Plain data in, plain data out; every
choice comes from the `random.Random` the caller passes, so one seed always gives the same data."""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Sequence
from itertools import accumulate

# Whole blood may be given again after 12 weeks (Circular 26/2013/TT-BYT, art. 4): the generator keeps
# every donor's visits at least this far apart.
MIN_GAP_DAYS = 84
YOUNGEST, OLDEST_AT_FIRST = 18, 50

# Family names by share of the population (approximately, as published for Vietnam).
FAMILY = (
    ("Nguyễn", 38.4),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.1),
    ("Hoàng", 5.1),
    ("Huỳnh", 3.0),
    ("Phan", 4.5),
    ("Vũ", 3.9),
    ("Võ", 2.5),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.6),
    ("Trương", 0.6),
    ("Lâm", 0.4),
    ("Mai", 0.4),
)
MIDDLE_MALE = ("Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Công", "Xuân", "Ngọc", "Trọng", "Anh", "Hoàng")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Phương", "Hồng", "Thuỳ", "Bảo")
GIVEN_MALE = (
    "An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Khoa",
    "Kiên", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tâm", "Thắng",
    "Thành", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Duy",
)  # fmt: skip
GIVEN_FEMALE = (
    "Anh", "Châu", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền", "Lan",
    "Linh", "Loan", "Mai", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thu", "Trang",
    "Tuyết", "Vân", "Vy", "Yến", "Hiền", "Nga", "Thuý", "Hồng",
)  # fmt: skip
_FAMILY_NAMES = tuple(name for name, _ in FAMILY)
_FAMILY_CUMULATIVE = tuple(accumulate(share for _, share in FAMILY))

# ABO shares among Vietnamese donors (O most common, AB rare); Rh negative about 0.1 %.
ABO = (("O", 0.42), ("B", 0.30), ("A", 0.21), ("AB", 0.07))
_ABO_GROUPS = tuple(group for group, _ in ABO)
_ABO_CUMULATIVE = tuple(accumulate(share for _, share in ABO))
RH_NEGATIVE_SHARE = 0.001

# Only prefixes libphonenumber accepts in full, as the forms do (core/lib/identity.normalise_phone): 089 is
# only partly allocated in its metadata, so a generated 089 number was refused by the sign-up page.
MOBILE_PREFIXES = (
    "90", "91", "93", "94", "96", "97", "98", "32", "33", "34", "35", "36", "37", "38", "39",
    "70", "76", "77", "78", "79", "81", "82", "83", "84", "85", "86", "88", "92",
)  # fmt: skip


def person_name(rng: random.Random, sex: str) -> str:
    family = rng.choices(_FAMILY_NAMES, cum_weights=_FAMILY_CUMULATIVE)[0]
    if sex == "M":
        return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


def blood_group(rng: random.Random) -> tuple[str, str]:
    abo = rng.choices(_ABO_GROUPS, cum_weights=_ABO_CUMULATIVE)[0]
    return abo, "-" if rng.random() < RH_NEGATIVE_SHARE else "+"


def mobile_phone(rng: random.Random) -> str:
    """A Vietnamese mobile number in the stored form (+84 and nine digits)."""
    return f"+84{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"


def cccd_prefix(province_code: str, sex: str, born: datetime.date) -> str:
    """The first six digits of a CCCD: the province of birth (three digits), the century and sex digit
    (1900s: 0 male, 1 female; 2000s: 2 male, 3 female), the last two digits of the birth year."""
    century = 0 if born.year < 2000 else 2
    return f"{int(province_code):03d}{century + (1 if sex == 'F' else 0)}{born.year % 100:02d}"


class CccdNumbers:
    """Unique CCCD numbers: the six-digit prefix of the person, then a serial per prefix."""

    def __init__(self) -> None:
        self.next_serial: dict[str, int] = {}

    def issue(self, prefix: str) -> str:
        serial = self.next_serial.get(prefix, 0)
        if serial > 999_999:
            raise OverflowError(f"no CCCD serial left for {prefix}")
        self.next_serial[prefix] = serial + 1
        return f"{prefix}{serial:06d}"


def visits_wanted(rng: random.Random, mean: float) -> int:
    """How many times a donor comes back: geometric with the given mean (at least once); most give once
    or twice, a few dozen times."""
    if mean <= 1:
        return 1
    p = 1 / mean
    return 1 + int(math.log(1 - rng.random()) / math.log(1 - p))


def pick_drives(rng: random.Random, dates: Sequence[datetime.date], wanted: int) -> list[int]:
    """Indices (in date order) of the drives a donor attends among `dates` (sorted): up to `wanted` of
    them, drawn at random, keeping only those at least MIN_GAP_DAYS after the previous one kept."""
    if not dates or wanted <= 0:
        return []
    drawn = sorted(rng.sample(range(len(dates)), min(wanted, len(dates))))
    kept: list[int] = []
    for index in drawn:
        if not kept or (dates[index] - dates[kept[-1]]).days >= MIN_GAP_DAYS:
            kept.append(index)
    return kept


def birth_date(rng: random.Random, first_visit: datetime.date) -> datetime.date:
    """A birth date putting the donor between YOUNGEST and OLDEST_AT_FIRST years old at the first visit
    (young people most often)."""
    age = YOUNGEST + int((OLDEST_AT_FIRST - YOUNGEST + 1) * rng.random() ** 1.8)
    latest = _years_before(first_visit, age)  # turned `age` on or before the visit
    return latest - datetime.timedelta(days=rng.randrange(365))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def split(total: int, weights: Sequence[float]) -> list[int]:
    """`total` shared in proportion to `weights` as whole numbers that sum to it exactly (largest
    remainders; ties to the earlier position)."""
    if total < 0:
        raise ValueError("total must not be negative")
    whole = sum(weights)
    if not weights or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return shares
