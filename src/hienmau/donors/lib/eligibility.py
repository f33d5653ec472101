"""Who may give blood on a given day, and how much.

The numbers are dated data, not constants: data/eligibility_rules.json holds one version per
regulation (effective date, citation, the article behind each rule), `rules_on` picks the version in
force on a day, and every reason `eligibility` gives ends with the article it applies.

Conventions, all inclusive of the boundary day:
- age: from the 18th birthday up to the day before the 61st ("từ đủ 18 tuổi đến 60 tuổi"); a 29 February
  birthday falls on 1 March in other years, so nobody is counted a year older before their time;
- gap: after a donation on day D with a gap of N days, day D + N is the first day allowed;
- deferral: `until` is the first day allowed again, so a deferral ending on the day no longer blocks.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

COMPONENTS = ("whole_blood", "red_cells", "platelets", "plasma")
COMPONENT_LABELS = {
    "whole_blood": "máu toàn phần",
    "red_cells": "khối hồng cầu",
    "platelets": "tiểu cầu",
    "plasma": "huyết tương",
}
SEX_LABELS = {"M": "nam", "F": "nữ"}

DEFAULT_RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "eligibility_rules.json"


def _default_min_weight() -> dict[str, float]:
    return {"F": 42, "M": 45}


def _default_gap_days() -> dict[str, int]:
    return {"whole_blood": 84, "red_cells": 84, "platelets": 14, "plasma": 14}


@dataclass(frozen=True, eq=False)
class RuleSet:
    """One version of the eligibility rules. Defaults are Circular 26/2013/TT-BYT's numbers."""

    effective_from: datetime.date
    citation: str
    source: str = ""
    references: Mapping[str, str] = field(default_factory=dict)  # rule key → "Circular, article"
    min_age: int = 18
    max_age: int = 60
    min_weight_kg: Mapping[str, float] = field(default_factory=_default_min_weight)
    small_volume_below_kg: float = 45
    small_volume_max_ml: int = 250
    ml_per_kg: int = 9
    max_whole_blood_ml: int = 500
    apheresis_components: tuple[str, ...] = ("platelets", "plasma")
    apheresis_min_weight_kg: float = 50
    apheresis_max_ml: int = 500
    apheresis_heavy_weight_kg: float = 60
    apheresis_heavy_max_ml: int = 650
    gap_days: Mapping[str, int] = field(default_factory=_default_gap_days)

    def ref(self, rule: str) -> str:
        """The citation for one rule: "age", "weight", "volume", "apheresis", "gap" or "deferral"."""
        return self.references.get(rule) or self.source or self.citation


@dataclass(frozen=True)
class Person:
    sex: str | None  # "M" | "F"
    date_of_birth: datetime.date
    weight_kg: float | None


@dataclass(frozen=True)
class PastDonation:
    date: datetime.date
    component: str


@dataclass(frozen=True)
class Deferral:
    until: datetime.date  # first day the person may give again
    reason: str


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    eligible_from: datetime.date | None  # when not eligible: first day it passes, None if waiting won't help
    reasons: list[str]
    max_volume_ml: int | None = None  # the most this person may give of the component, when known
    blocking: list[str] = field(default_factory=list)  # the reasons that refuse (`reasons` adds notes)


# --- the rule file ------------------------------------------------------------------------------


class RuleFileError(ValueError):
    pass


_FIELDS = {f.name for f in fields(RuleSet)}


def load_rule_sets(path: Path | str = DEFAULT_RULES_PATH) -> list[RuleSet]:
    """All versions in the rule file, oldest first."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RuleFileError(f"Không đọc được tệp quy định {path}: {exc}") from exc
    if not isinstance(raw, list) or not raw:
        raise RuleFileError(f"Tệp quy định {path} phải là một danh sách các phiên bản.")
    versions = [
        rule_set_from_dict(item, f"Tệp quy định {path}, phiên bản thứ {n}") for n, item in enumerate(raw, start=1)
    ]
    versions.sort(key=lambda r: r.effective_from)
    for earlier, later in zip(versions, versions[1:]):
        if earlier.effective_from == later.effective_from:
            raise RuleFileError(f"Tệp quy định {path}: hai phiên bản cùng hiệu lực từ {_d(later.effective_from)}.")
    return versions


def rule_set_from_dict(item: object, where: str = "Bộ quy định") -> RuleSet:
    """One version from its JSON form (as in the rule file); RuleFileError names what is wrong."""
    if not isinstance(item, dict):
        raise RuleFileError(f"{where}: phải là một đối tượng JSON.")
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise RuleFileError(f"{where}: khóa không biết {', '.join(unknown)}.")
    for key in ("effective_from", "citation"):
        if not item.get(key):
            raise RuleFileError(f"{where}: thiếu “{key}”.")
    values = dict(item)
    values["citation"] = str(values["citation"])
    try:
        values["effective_from"] = datetime.date.fromisoformat(item["effective_from"])
    except (TypeError, ValueError) as exc:
        raise RuleFileError(f"{where}: ngày hiệu lực “{item['effective_from']}” không hợp lệ.") from exc
    if "apheresis_components" in values:
        values["apheresis_components"] = tuple(values["apheresis_components"])
    try:
        rules = RuleSet(**values)
    except TypeError as exc:
        raise RuleFileError(f"{where}: {exc}") from exc
    missing_gaps = [c for c in COMPONENTS if c not in rules.gap_days]
    if missing_gaps:
        raise RuleFileError(f"{where}: thiếu khoảng cách (gap_days) cho {', '.join(missing_gaps)}.")
    if set(rules.apheresis_components) - set(COMPONENTS) or set(rules.min_weight_kg) != set(SEX_LABELS):
        raise RuleFileError(f"{where}: apheresis_components hoặc min_weight_kg không đúng.")
    return rules


@lru_cache(maxsize=1)
def default_rule_sets() -> tuple[RuleSet, ...]:
    """The versions shipped with the application (read once)."""
    return tuple(load_rule_sets(DEFAULT_RULES_PATH))


def rules_on(rule_sets: Iterable[RuleSet], day: datetime.date) -> RuleSet:
    """The version in force on `day`: the latest one that took effect on or before it."""
    in_force = [r for r in rule_sets if r.effective_from <= day]
    if not in_force:
        raise LookupError(f"Không có quy định về tiêu chuẩn hiến máu nào có hiệu lực vào ngày {_d(day)}.")
    return max(in_force, key=lambda r: r.effective_from)


# --- dates and numbers --------------------------------------------------------------------------


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _kg(weight: Decimal | float) -> str:
    text = format(Decimal(str(weight)).normalize(), "f")
    return text.replace(".", ",")


def anniversary(date_of_birth: datetime.date, years: int) -> datetime.date:
    """The day someone turns `years`; a 29 February birthday falls on 1 March in common years."""
    year = date_of_birth.year + years
    if year > datetime.MAXYEAR:
        return datetime.date.max
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return datetime.date(year, 3, 1)


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Completed years of age on `day` (consistent with `anniversary`)."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


# --- the verdict --------------------------------------------------------------------------------


def max_volume_ml(weight_kg: float, sex: str | None, component: str, rules: RuleSet) -> int | None:
    """The most one may give of `component` at `weight_kg`; None when the weight is too low to give at all."""
    weight = Decimal(str(weight_kg))
    if component in rules.apheresis_components:
        if weight < Decimal(str(rules.apheresis_min_weight_kg)):
            return None
        if weight >= Decimal(str(rules.apheresis_heavy_weight_kg)):
            return rules.apheresis_heavy_max_ml
        return rules.apheresis_max_ml
    if weight < _min_weight(sex, rules):
        return None
    if weight < Decimal(str(rules.small_volume_below_kg)):
        return rules.small_volume_max_ml
    return min(math.floor(weight * rules.ml_per_kg), rules.max_whole_blood_ml)


def _min_weight(sex: str | None, rules: RuleSet) -> Decimal:
    if sex is not None and sex in rules.min_weight_kg:
        return Decimal(str(rules.min_weight_kg[sex]))
    return max(Decimal(str(w)) for w in rules.min_weight_kg.values())


def eligibility(
    person: Person,
    on: datetime.date,
    component: str,
    volume_ml: int | None,
    last_donation: PastDonation | None,
    deferrals: list[Deferral],
    rules: RuleSet,
) -> Verdict:
    """Whether `person` may give `volume_ml` of `component` on `on` under `rules`.

    Reasons list every rule that blocks, then informative notes (the most that may be given, a missing
    weight). `eligible_from` is the first day every waiting rule (age, gap, deferral) has passed, or
    None when a rule that waiting cannot fix blocks (over 60, weight, volume) or when that day would
    come after the 60th year.
    """
    if component not in COMPONENTS:
        raise ValueError(f"unknown component {component!r}")
    if last_donation is not None and last_donation.component not in COMPONENTS:
        raise ValueError(f"unknown component {last_donation.component!r}")
    if volume_ml is not None and volume_ml <= 0:
        raise ValueError("volume_ml must be positive")

    blocking: list[str] = []
    notes: list[str] = []
    waits: list[datetime.date] = []
    permanent = False
    label = COMPONENT_LABELS[component]
    dob = person.date_of_birth

    # Age: from the 18th birthday to the day before the 61st.
    adult_from = anniversary(dob, rules.min_age)
    too_old_from = anniversary(dob, rules.max_age + 1)
    if on < adult_from:
        blocking.append(
            f"Chưa đủ {rules.min_age} tuổi (sinh ngày {_d(dob)}): từ ngày {_d(adult_from)} mới được hiến máu "
            f"({rules.ref('age')})."
        )
        waits.append(adult_from)
    elif on >= too_old_from:
        blocking.append(
            f"Đã quá {rules.max_age} tuổi (sinh ngày {_d(dob)}, "
            f"tròn {rules.max_age + 1} tuổi ngày {_d(too_old_from)}); "
            f"người hiến máu phải từ đủ {rules.min_age} đến {rules.max_age} tuổi ({rules.ref('age')})."
        )
        permanent = True

    # Weight and volume.
    allowed: int | None = None
    if person.weight_kg is None:
        if volume_ml is not None:
            notes.append("Chưa có cân nặng: cần cân trước khi lấy máu.")
    else:
        weight = Decimal(str(person.weight_kg))
        apheresis = component in rules.apheresis_components
        allowed = max_volume_ml(person.weight_kg, person.sex, component, rules)
        if allowed is None:
            permanent = True
            if apheresis:
                blocking.append(
                    f"Nặng {_kg(weight)} kg: hiến {label} bằng gạn tách cần nặng ít nhất "
                    f"{_kg(rules.apheresis_min_weight_kg)} kg ({rules.ref('apheresis')})."
                )
            else:
                who = SEX_LABELS.get(person.sex or "", "người chưa rõ giới tính")
                blocking.append(
                    f"Nặng {_kg(weight)} kg: {who} cần nặng ít nhất {_kg(_min_weight(person.sex, rules))} kg "
                    f"mới được hiến {label} ({rules.ref('weight')})."
                )
        else:
            why = _volume_basis(weight, apheresis, allowed, rules)
            rule = rules.ref("apheresis" if apheresis else "volume")
            if volume_ml is not None and volume_ml > allowed:
                permanent = True
                blocking.append(
                    f"Thể tích {volume_ml} ml vượt mức cho phép: nặng {_kg(weight)} kg được hiến tối đa "
                    f"{allowed} ml {label} mỗi lần, {why} ({rule})."
                )
            else:
                notes.append(f"Nặng {_kg(weight)} kg: được hiến tối đa {allowed} ml {label} mỗi lần, {why} ({rule}).")

    # Gap after the last donation, by the component given last.
    if last_donation is not None:
        gap = rules.gap_days[last_donation.component]
        again = last_donation.date + datetime.timedelta(days=gap)
        if on < again:
            span = f"{gap // 7} tuần" if gap % 7 == 0 else f"{gap} ngày"
            blocking.append(
                f"Lần hiến gần nhất ({COMPONENT_LABELS[last_donation.component]}) ngày {_d(last_donation.date)}; "
                f"cần cách ít nhất {span}, đến {_d(again)} mới hiến lại được ({rules.ref('gap')})."
            )
            waits.append(again)

    # Deferrals still running on the day.
    active = sorted((d for d in deferrals if d.until > on), key=lambda d: d.until)
    for deferral in active:
        why = f" ({deferral.reason.strip()})" if deferral.reason and deferral.reason.strip() else ""
        blocking.append(
            f"Đang tạm hoãn hiến máu{why}; từ ngày {_d(deferral.until)} mới hiến lại được ({rules.ref('deferral')})."
        )
        waits.append(deferral.until)

    eligible = not blocking
    eligible_from = None
    if not eligible and not permanent:
        eligible_from = max(waits)
        if eligible_from >= too_old_from:
            blocking.append(
                f"Đến ngày {_d(eligible_from)} người hiến đã tròn {rules.max_age + 1} tuổi (ngày "
                f"{_d(too_old_from)}), nên không còn được hiến máu ({rules.ref('age')})."
            )
            eligible_from = None
    return Verdict(eligible, eligible_from, blocking + notes, allowed, blocking=list(blocking))


def _volume_basis(weight: Decimal, apheresis: bool, allowed: int, rules: RuleSet) -> str:
    if apheresis:
        if allowed == rules.apheresis_heavy_max_ml:
            return f"khi gạn tách và nặng từ {_kg(rules.apheresis_heavy_weight_kg)} kg trở lên"
        return f"khi gạn tách và nặng dưới {_kg(rules.apheresis_heavy_weight_kg)} kg"
    if weight < Decimal(str(rules.small_volume_below_kg)):
        return f"vì nặng dưới {_kg(rules.small_volume_below_kg)} kg"
    if allowed < rules.max_whole_blood_ml:
        return f"tức {rules.ml_per_kg} ml/kg × {_kg(weight)} kg"
    return "mức tối đa cho mọi người hiến"
