"""Targets a plan states in its text ("tiếp nhận tối thiểu 7.400 đơn vị máu", "ít nhất 30% cán bộ…").

Only the body before the appendix is read, and only the first statement of each metric counts: later
mentions are usually results or other units' figures.
"""

from __future__ import annotations

import re
from decimal import Decimal

from hienmau.core.lib.text import fold

NUMBER = r"(\d{1,3}(?:\.\d{3})+|\d+)"
PERCENT = r"(\d+(?:,\d+)?)\s*%"

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("registrations", re.compile(r"nguoi dang ky[^:\n]{0,60}:\s*\**\s*" + NUMBER + r"\s*nguoi")),
    ("direct_donors", re.compile(r"so nguoi (?:truc tiep hien mau|hien mau truc tiep)[^:\n]{0,30}:\s*\**\s*" + NUMBER)),
    (
        "reserve_donors",
        re.compile(
            r"(?:so nguoi du bi hien mau[^:\n]{0,30}:\s*\**\s*" + NUMBER + r"|" + NUMBER + r"\s*nguoi hien mau du bi)"
        ),
    ),
    ("blood_units", re.compile(r"(?:tiep nhan|van dong)[^.\n]{0,40}?" + NUMBER + r"\s*don vi mau")),
    ("volunteers", re.compile(r"(?:it nhat|toi thieu|van dong)\s*" + NUMBER + r"\s*tinh nguyen vien")),
    ("media_items", re.compile(r"(?:it nhat|toi thieu|co)\s*" + NUMBER + r"\s*(?:tin,?\s*bai|bai viet|tin)\b")),
    ("staff_percent", re.compile(PERCENT + r"\s*can bo")),
    ("population_percent", re.compile(PERCENT + r"\s*dan so")),
    ("units_percent", re.compile(PERCENT + r"\s*cac (?:huyen|xa|don vi|dia phuong)")),
)
APPENDIX_START = re.compile(r"^\s*phu luc\b", re.M)


def _body(text: str) -> str:
    body = fold(text)
    end = APPENDIX_START.search(body)
    return body[: end.start()] if end else body


def stated_targets(text: str) -> dict[str, Decimal]:
    body = _body(text)
    found: dict[str, Decimal] = {}
    for metric, pattern in PATTERNS:
        match = pattern.search(body)
        if not match:
            continue
        raw = next(group for group in match.groups() if group)
        if metric.endswith("_percent"):
            found[metric] = Decimal(raw.replace(",", "."))
        else:
            found[metric] = Decimal(int(raw.replace(".", "")))
    return found


# Targets a plan sets without a figure: seed 000 asks for "các tin, bài phản ánh các hoạt động của Chiến
# dịch được đăng tải trên các phương tiện thông tin đại chúng" beside its 300 volunteers, and no number.
MENTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "media_items",
        re.compile(r"\btin,?\s*bai\b[^.;\n]{0,80}?\b(?:duoc )?(?:dang tai|dang|phat song|phat)\b"),
    ),
)


def stated_without_figure(text: str) -> set[str]:
    """Metrics the text sets as a target but gives no figure for (and no figure elsewhere either).

    Nothing is guessed: the plan page shows what was done against "no figure stated"."""
    body = _body(text)
    numbered = stated_targets(text)
    return {metric for metric, pattern in MENTIONS if metric not in numbered and pattern.search(body)}


MESSAGES_HEADING = re.compile(r"thong diep")
FUNDING_HEADING = re.compile(r"kinh phi")
HEADING = re.compile(r"^(?:[ivx]+\.|\d+\.|#)")


def bullets_under(paragraphs: list[str], heading: re.Pattern[str]) -> list[str]:
    """The "- …" lines listed under a numbered heading that matches `heading`, up to the next heading."""
    items: list[str] = []
    inside = False
    for text in paragraphs:
        folded = fold(text)
        if HEADING.match(folded) and heading.search(folded):
            inside = True
            continue
        if inside and HEADING.match(folded):
            break
        if inside and text.lstrip().startswith(("-", "+", "•")):
            line = text.lstrip("-+• ").strip()
            if line and not fold(line).startswith("tuy theo"):  # "Tùy theo điều kiện…" introduces the list
                items.append(line)
    return items


def stated_messages(paragraphs: list[str]) -> list[str]:
    """The slogans listed under a "Thông điệp" heading ("- Hiến máu cứu người - Một nghĩa cử cao đẹp.")."""
    return bullets_under(paragraphs, MESSAGES_HEADING)


def stated_funding(paragraphs: list[str]) -> list[str]:
    """The funding sources listed under a "Kinh phí" heading."""
    return bullets_under(paragraphs, FUNDING_HEADING)
