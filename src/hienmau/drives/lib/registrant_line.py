"""One line of a registrant list checked against a drive day: the cells read through the table core,
then age, gap since the last donation and duplicates of earlier lines (see `registrant_list`)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hienmau.core.lib.blood import COMPONENT_WORDS, parse_blood_group
from hienmau.core.lib.dates import format_date as _d
from hienmau.core.lib.dates import parse_date
from hienmau.core.lib.identity import SEX_WORDS, PhoneError, check_cccd, normalise_cccd, normalise_phone
from hienmau.core.lib.text import fold, fold_words
from hienmau.donors.lib.eligibility import COMPONENT_LABELS, PastDonation, Person, RuleSet, eligibility
from hienmau.drives.lib.registrant_vocabulary import KINDS, PROBLEM_ORDER

_CCCD_IN_TEXT = re.compile(r"(?<!\d)\d{12}(?!\d)")
NEUTRAL_AGE_YEARS = 30  # the stand-in age for a gap check when the date of birth is unknown

HistoryKey = str | tuple[str, datetime.date]


@dataclass
class LineResult:
    line: int  # 1 = first non-blank data row after the header
    row: int  # the row's number in the file or sheet (1 = its first row)
    name: str
    verdict: str  # "ok" or the first of PROBLEM_ORDER found
    messages: list[str] = field(default_factory=list)  # every problem, in PROBLEM_ORDER
    codes: list[str] = field(default_factory=list)  # the problem code of each message
    warnings: list[str] = field(default_factory=list)  # not a reason to refuse the line
    date_of_birth: datetime.date | None = None
    sex: str = ""  # "M" | "F" | "" (not given or not understood)
    cccd: str | None = None  # digits without separators, as written; None when blank
    phone: str = ""  # E.164 when valid, else ""
    phone_text: str = ""  # as written
    unit: str = ""
    address: str = ""  # as written; placed in today's commune when the list is confirmed
    abo: str = ""  # "O" | "A" | "B" | "AB" | ""
    rh: str = ""  # "+" | "-" | ""
    kind: str = "direct"  # "direct" | "reserve" | "" (not understood)
    last_donation: PastDonation | None = None  # the one the gap was checked against
    eligible_from: datetime.date | None = None  # when age or the gap blocks and waiting helps
    duplicate_of: list[int] = field(default_factory=list)  # earlier lines this one repeats
    cells: dict[str, str] = field(default_factory=dict)  # column key → the cell as written
    recruiter: str = ""  # the recruiter's name as written in "Người vận động" (its CCCD left out)
    recruiter_cccd: str | None = None  # the recruiter's CCCD found in it (or in its own column)

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    @property
    def blood_group(self) -> str:
        """ "O+", "AB-", "A" (Rh unknown) or ""."""
        return f"{self.abo}{self.rh}" if self.abo else ""

    def as_json(self) -> dict:
        return {"line": self.line, "name": self.name, "verdict": self.verdict, "messages": list(self.messages)}


@dataclass(frozen=True)
class Layout:
    header: int  # 0-based index of the header row
    data_from: int  # 0-based index of the first data row
    columns: dict[str, int]
    sex_split: tuple[int, int] | None  # (male column, female column) under a split "Năm sinh"


def history_keys(name: str, date_of_birth: datetime.date | None, cccd: str | None) -> list[HistoryKey]:
    """The keys a `history` mapping may use for a person, most specific first: the CCCD (digits only), then
    (fold(full name), date of birth) — the same fold as Donor.name_folded."""
    keys: list[HistoryKey] = []
    if cccd:
        keys.append(normalise_cccd(cccd))
    if name and date_of_birth:
        keys.append((fold(name), date_of_birth))
    return keys


def recruiter_name(text: str) -> str:
    """ "Nguyễn Văn An - 034 080 001 234" → "Nguyễn Văn An": the name, without the CCCD (never shown)."""
    without = re.sub(r"\d[\d .]{7,}\d", " ", text or "")
    return " ".join(without.replace("(", " ").replace(")", " ").split()).strip(" -–,;:")


def _lookup(table: Mapping[str, str], text: str) -> str | None:
    """The table's value for a cell, by its folded words; None when it is written but not understood."""
    key = fold_words(text)
    if text.strip() and not key:
        return None
    return table.get(key)


def _past(value) -> PastDonation | None:
    if value is None:
        return None
    if isinstance(value, PastDonation):
        return value
    day, component = value
    return PastDonation(day, component or "whole_blood")


def check_line(
    line: int,
    row: int,
    raw: Sequence[str],
    layout: Layout,
    drive_date: datetime.date,
    rules: RuleSet,
    history: Mapping,
) -> LineResult:
    """Read every cell of one line (problems and warnings collected), then check age and gap."""
    reader = _LineReader(raw, layout)
    name = reader.name()
    dob, sex = reader.date_of_birth(drive_date)
    last_from_list = reader.last_donation(drive_date)
    sex = reader.sex() or sex
    cccd = reader.cccd(dob, sex)
    phone = reader.phone()
    abo, rh = reader.blood_group()
    result = LineResult(
        line=line,
        row=row,
        name=name,
        verdict="ok",
        warnings=reader.warnings,
        date_of_birth=dob,
        sex=sex,
        cccd=cccd,
        phone=phone,
        phone_text=reader.cell("phone"),
        unit=" ".join(reader.cell("unit").split()),
        address=" ".join(reader.cell("address").split()),
        abo=abo,
        rh=rh,
        kind=reader.kind(),
        cells=reader.cells,
        recruiter=recruiter_name(reader.cell("recruiter")),
        recruiter_cccd=reader.recruiter_cccd(),
        codes=[code for code, _ in reader.problems],
        messages=[message for _, message in reader.problems],
    )
    last = _latest_donation(last_from_list, history, history_keys(name, dob, cccd), rules)
    result.last_donation = last
    _check_eligibility(result, drive_date, rules, last)
    return result


class _LineReader:
    """The cells of one line by column key, with the problems (code, message) and warnings found so far."""

    def __init__(self, raw: Sequence[str], layout: Layout):
        self.raw, self.layout = raw, layout
        self.cells = {key: self.cell(key) for key in layout.columns}
        self.problems: list[tuple[str, str]] = []
        self.warnings: list[str] = []

    def cell(self, key: str) -> str:
        position = self.layout.columns.get(key)
        return self.raw[position].strip() if position is not None and position < len(self.raw) else ""

    def name(self) -> str:
        name = " ".join(self.cell("full_name").split())
        if not name:
            self.problems.append(("missing_name", "Họ và tên: chưa ghi họ tên người đăng ký."))
        return name

    def date_of_birth(self, drive_date: datetime.date) -> tuple[datetime.date | None, str]:
        """The date of birth, and the sex a split "Năm sinh | Nam | Nữ" layout gives by the column used."""
        dob_text, sex = self._split_birth_columns() if self.layout.sex_split else (self.cell("date_of_birth"), "")
        try:
            dob = parse_date(dob_text)
        except ValueError as exc:
            self.problems.append(("invalid_date", f"Ngày sinh: {exc}."))
            return None, sex
        if dob is None and not any(code == "invalid_date" for code, _ in self.problems):
            self.problems.append(("invalid_date", "Ngày sinh: chưa ghi ngày sinh (dd/mm/yyyy)."))
        elif dob is not None and dob > drive_date:
            self.problems.append(("invalid_date", f"Ngày sinh: {_d(dob)} sau ngày hiến máu {_d(drive_date)}."))
        return dob, sex

    def _split_birth_columns(self) -> tuple[str, str]:
        male, female = (self.raw[i].strip() if i < len(self.raw) else "" for i in self.layout.sex_split or ())
        sex = ""
        if male and female:
            self.warnings.append("Ngày sinh ghi ở cả cột Nam và cột Nữ: chưa rõ giới tính.")
            dob_text = male if male == female else ""
            if male != female:
                self.problems.append(
                    (
                        "invalid_date",
                        f"Ngày sinh: cột Nam ghi “{male}”, cột Nữ ghi “{female}”; chỉ ghi ngày sinh vào một cột.",
                    )
                )
        else:
            dob_text = male or female
            sex = "M" if male else "F" if female else ""
        self.cells["date_of_birth"] = dob_text
        return dob_text, sex

    def last_donation(self, drive_date: datetime.date) -> PastDonation | None:
        """The list's own "Lần hiến gần nhất" and "Thành phần lần trước"; a day after the drive is refused."""
        if not self.cell("last_donation"):
            if self.cell("last_component"):
                self.warnings.append("Có ghi thành phần lần trước nhưng chưa ghi ngày hiến gần nhất.")
            return None
        try:
            last_day = parse_date(self.cell("last_donation"))
        except ValueError as exc:
            self.problems.append(("invalid_date", f"Lần hiến gần nhất: {exc}."))
            return None
        if last_day is None:  # not reached: the cell is not blank
            return None
        if last_day > drive_date:
            self.problems.append(
                ("invalid_date", f"Lần hiến gần nhất: {_d(last_day)} sau ngày hiến máu {_d(drive_date)}.")
            )
            return None
        component = _lookup(COMPONENT_WORDS, self.cell("last_component"))
        if component is None:
            component = "whole_blood"
            self.warnings.append(
                f"Thành phần lần trước: không hiểu “{self.cell('last_component')}”; tính như "
                f"{COMPONENT_LABELS[component]} (khoảng cách dài nhất)."
            )
        return PastDonation(last_day, component)

    def sex(self) -> str:
        if not self.cell("sex"):
            return ""
        sex = SEX_WORDS.get(fold_words(self.cell("sex")), "")
        if not sex:
            self.warnings.append(f"Giới tính: không hiểu “{self.cell('sex')}” (ghi Nam hoặc Nữ).")
        return sex

    def cccd(self, dob: datetime.date | None, sex: str) -> str | None:
        cccd = normalise_cccd(self.cell("cccd"))
        for problem in check_cccd(cccd, dob, sex or None) if cccd else ():
            message = problem.message
            if problem.code == "cccd_length" and cccd.isdigit() and 9 <= len(cccd) <= 11:
                message += (
                    " Nếu cột này trong Excel là kiểu số, các số 0 ở đầu đã bị mất: hãy định dạng cột "
                    "là Văn bản (Text) và nhập lại."
                )
            self.problems.append((problem.code, message))
        return cccd or None

    def phone(self) -> str:
        if not self.cell("phone"):
            return ""
        try:
            return normalise_phone(self.cell("phone"))
        except PhoneError as exc:
            self.problems.append(("invalid_phone", f"Số điện thoại: {exc}"))
            return ""

    def blood_group(self) -> tuple[str, str]:
        group = parse_blood_group(self.cell("blood_group"))
        if group is None:
            self.warnings.append(
                f"Nhóm máu: không hiểu “{self.cell('blood_group')}” (ghi O, A, B, AB, có thể kèm Rh+ / Rh-)."
            )
            return "", ""
        return group

    def recruiter_cccd(self) -> str | None:
        """The recruiter's CCCD: its own column, else a 12-digit number in the "Người vận động" cell. A
        recruiter written without one is a warning: only a CCCD links a recruiter, never a name."""
        written = self.cell("recruiter_cccd") or self.cell("recruiter")
        if not written:
            return None
        found = _CCCD_IN_TEXT.search(normalise_cccd(written).replace("-", " "))
        if found is None:
            self.warnings.append(
                f"Người vận động: “{written}” không ghi số CCCD (12 chữ số); người vận động chỉ được ghi nhận "
                "theo số CCCD, nên dòng này chưa tính cho người vận động."
            )
            return None
        return found.group(0)

    def kind(self) -> str:
        kind = _lookup(KINDS, self.cell("kind")) or ""
        if not kind:
            self.warnings.append(f"Hình thức: không hiểu “{self.cell('kind')}” (ghi Trực tiếp hoặc Dự bị).")
        return kind


def _latest_donation(
    from_list: PastDonation | None, history: Mapping, keys: list[HistoryKey], rules: RuleSet
) -> PastDonation | None:
    """The list's own column and the registry's record, whichever is later (the longer gap on a tie)."""
    candidates = [from_list] if from_list else []
    for key in keys:
        if key in history:
            found = _past(history[key])
            if found is not None:
                candidates.append(found)
            break
    return max(candidates, key=lambda d: (d.date, rules.gap_days.get(d.component, 0))) if candidates else None


def _check_eligibility(
    result: LineResult, drive_date: datetime.date, rules: RuleSet, last: PastDonation | None
) -> None:
    """Age on the drive day and the gap since the last donation, both through `eligibility()`."""
    on = f"ngày hiến máu {_d(drive_date)}"
    age = None
    born = result.date_of_birth if result.date_of_birth is not None and result.date_of_birth <= drive_date else None
    if born is not None:
        person = Person(result.sex or None, born, None)
        age = eligibility(person, drive_date, "whole_blood", None, None, [], rules)
        if not age.eligible:
            code = "under_18_on_drive_day" if age.eligible_from is not None else "over_60_on_drive_day"
            for reason in age.reasons:
                result.codes.append(code)
                result.messages.append(f"Tuổi vào {on}: {reason}")
            result.eligible_from = age.eligible_from
    if last is None:
        return
    if born is not None:
        person = Person(result.sex or None, born, None)
    else:  # the age is unknown (reported already); still say when the gap ends
        person = Person(result.sex or None, _years_before(drive_date, NEUTRAL_AGE_YEARS), None)
    full = eligibility(person, drive_date, "whole_blood", None, last, [], rules)
    gap_reasons = [reason for reason in full.reasons if age is None or reason not in age.reasons]
    if not full.eligible and gap_reasons:
        for reason in gap_reasons:
            result.codes.append("too_soon_since_last_donation")
            result.messages.append(f"Khoảng cách đến {on}: {reason}")
        if born is not None:
            result.eligible_from = full.eligible_from


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return datetime.date(day.year - years, 3, 1)


def check_duplicates(result: LineResult, seen_cccd: dict, seen_phone: dict, seen_person: dict) -> None:
    found: list[tuple[int, str]] = []
    if result.cccd:
        if result.cccd in seen_cccd:
            found.append((seen_cccd[result.cccd], f"trùng số CCCD {result.cccd}"))
        else:
            seen_cccd[result.cccd] = result.line
    if result.phone:
        if result.phone in seen_phone:
            found.append((seen_phone[result.phone], f"trùng số điện thoại {result.phone_text}"))
        else:
            seen_phone[result.phone] = result.line
    if result.name and result.date_of_birth:
        key = (fold(result.name), result.date_of_birth)
        if key in seen_person:
            found.append((seen_person[key], f"trùng họ tên và ngày sinh ({result.name}, {_d(result.date_of_birth)})"))
        else:
            seen_person[key] = result.line
    for earlier, what in found:
        if earlier not in result.duplicate_of:
            result.duplicate_of.append(earlier)
        result.codes.append("duplicate_line")
        result.messages.append(f"Trùng dòng: {what} với dòng {earlier}.")


def finish(result: LineResult) -> None:
    """Put the problems in PROBLEM_ORDER (stable within a code) and take the first as the verdict."""
    order = {code: n for n, code in enumerate(PROBLEM_ORDER)}
    pairs = sorted(zip(result.codes, result.messages), key=lambda pair: order[pair[0]])
    result.codes = [code for code, _ in pairs]
    result.messages = [message for _, message in pairs]
    result.verdict = result.codes[0] if result.codes else "ok"
