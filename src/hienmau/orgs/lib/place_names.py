"""Vietnamese place names as written in official lists, resolution notes and addresses.

Pure functions, no database: split a name into its kind ("xã", "phường", "huyện", …) and the proper name,
fold it to a matching key without losing the original text, read the note of a 2025 resolution that
says which former communes formed a current one, and pick the former commune a note's name means among
candidates, or say why it cannot be told.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hienmau.core.lib.text import fold, fold_words

# Unit categories, using the values of orgs.models.UnitCategory (kept as plain strings here).
XA, PHUONG, THI_TRAN, DAC_KHU = "xa", "phuong", "thi_tran", "dac_khu"
HUYEN, QUAN, THI_XA, THANH_PHO = "huyen", "quan", "thi_xa", "thanh_pho"
TINH, THANH_PHO_TW = "tinh", "thanh_pho_tw"
COMMUNE_CATEGORIES = frozenset({XA, PHUONG, THI_TRAN, DAC_KHU})
DISTRICT_CATEGORIES = frozenset({HUYEN, QUAN, THI_XA, THANH_PHO})
PROVINCE_CATEGORIES = frozenset({TINH, THANH_PHO_TW})

# Written prefixes, longest first; with diacritics, so that "Quan Hóa" (a district) keeps its name while
# "Quận Hoàn Kiếm" loses the prefix. Abbreviations need their dot.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("thành phố trực thuộc trung ương", THANH_PHO_TW),
    ("thành phố", THANH_PHO),
    ("thị trấn", THI_TRAN),
    ("thị xã", THI_XA),
    ("đặc khu", DAC_KHU),
    ("phường", PHUONG),
    ("huyện", HUYEN),
    ("quận", QUAN),
    ("tỉnh", TINH),
    ("xã", XA),
    ("tp.", THANH_PHO),
    ("tx.", THI_XA),
    ("tt.", THI_TRAN),
    ("h.", HUYEN),
    ("q.", QUAN),
    ("p.", PHUONG),
    ("x.", XA),
    ("t.", TINH),
)
# The same prefixes typed without diacritics ("xa Van Du, huyen An Thi"): only used for ASCII text.
_ASCII_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    (fold(prefix), category) for prefix, category in _PREFIXES if not prefix.endswith(".")
) + (("tp", THANH_PHO), ("tx", THI_XA), ("tt", THI_TRAN))

_SPACES = re.compile(r"\s+")
_PARENTHESES = re.compile(r"\(\s*([^()]*?)\s*\)")
_EDGE_PUNCTUATION = " \t\r\n,.;:-–—"
_NUMBER = re.compile(r"\b0+(\d)")


@dataclass(frozen=True)
class PlaceName:
    """A name as written (`original`) and what it means: kind, proper name, qualifier, matching key."""

    original: str
    name: str
    category: str | None = None
    qualifier: str = ""

    @property
    def key(self) -> str:
        return name_key(self.name)

    def __str__(self) -> str:
        return self.name


def name_key(name: str) -> str:
    """Folded words, numbers without leading zeros: 'Phường 01' and 'phuong 1' share 'phuong 1'."""
    return _NUMBER.sub(r"\1", fold_words(name))


def loose_key(key: str) -> str:
    """A name key without spaces and with final y read as i, for names spelt two ways."""
    return _FINAL_Y.sub("i", key).replace(" ", "")


_FINAL_Y = re.compile(r"y\b")


def clean(text: str) -> str:
    """Collapse whitespace and strip stray punctuation at the ends: 'Xã Bình Khánh ,' → 'Xã Bình Khánh'."""
    text = unicodedata.normalize("NFC", text or "")
    text = _SPACES.sub(" ", text).strip(_EDGE_PUNCTUATION)
    return text.replace("( ", "(").replace(" )", ")")


def split_prefix(text: str) -> tuple[str | None, str]:
    """('xa', 'Vân Du') for 'Xã Vân Du'; (None, text) when the text carries no kind."""
    lowered = text.lower()
    for prefix, category in _PREFIXES:
        if lowered.startswith(prefix) and (prefix.endswith(".") or lowered[len(prefix) : len(prefix) + 1] in (" ", "")):
            rest = text[len(prefix) :].strip(_EDGE_PUNCTUATION)
            if rest:
                return category, rest
    if text.isascii():
        for prefix, category in _ASCII_PREFIXES:
            if lowered.startswith((prefix + " ", prefix + ".")):
                rest = text[len(prefix) :].strip(_EDGE_PUNCTUATION)
                if rest:
                    return category, rest
    return None, text


def normalise(text: str) -> PlaceName:
    """Read one written place name; the original text is kept as it was.

    >>> normalise("Phường 1 (thành phố Cao Lãnh)")
    PlaceName(original='Phường 1 (thành phố Cao Lãnh)', name='1', category='phuong', qualifier='thành phố Cao Lãnh')
    """
    original = text if isinstance(text, str) else ""
    cleaned = clean(original)
    qualifiers = [clean(q) for q in _PARENTHESES.findall(cleaned)]
    cleaned = clean(_PARENTHESES.sub(" ", cleaned))
    category, name = split_prefix(cleaned)
    return PlaceName(original, clean(name), category, "; ".join(q for q in qualifiers if q))


# ---- resolution notes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotePart:
    """One former unit a note names: merged (whole or in part), or the one renamed/re-typed."""

    place: PlaceName
    partial: bool = False
    renamed: bool = False


@dataclass(frozen=True)
class Note:
    original: str
    resolution: str = ""
    date: datetime.date | None = None
    kept: bool = False  # "Giữ nguyên, không sắp xếp": the same unit carries on
    retyped: bool = False
    parts: tuple[NotePart, ...] = ()
    whole_districts: tuple[PlaceName, ...] = ()  # "nhập toàn bộ 12 xã, thị trấn thuộc huyện đảo Vân Đồn"

    @property
    def legal_basis(self) -> str:
        if not self.resolution:
            return ""
        day = f" ngày {self.date:%d/%m/%Y}" if self.date else ""
        return f"Nghị quyết số {self.resolution}{day}"


_RESOLUTION = re.compile(r"Số\s*:?\s*([0-9]+/[A-Za-zĐđ0-9/.\-]+)\s*;?\s*(?:Ngày\s*:?\s*(\d{1,2})/(\d{1,2})/(\d{4}))?")
_BODY_END = re.compile(r"(?:\.\s*)?(?:Bỏ cấp huyện|Số\s*:)", re.IGNORECASE)
_RENAME_FROM = re.compile(r"(?:đổi tên|đổi loại hình|thay đổi loại hình)[^,]*?\btừ\s+(.+?)\s+thành\s+", re.IGNORECASE)
_RENAME_BARE = re.compile(r"đổi tên\s+((?:xã|phường|thị trấn)\s+.+?)\s+thành\s+", re.IGNORECASE)
# On the folded text, so that typos of the source ("hợp nhât", "Họp nhất", "hợp nhấ") are still read.
_MERGE = re.compile(r"\bh[oọ]p (?:nha?t?|thanh)\s+|\btren co so nhap\s+|\bsap xep toan bo\s+|\bphan con lai cua\s+")
_MERGE_END = re.compile(
    r"\s+(?:thành|để thành lập|thành lập)\s+(?:một\s+)?(?:xã|phường|thị trấn|đặc khu)\b.*$", re.IGNORECASE
)
_WHOLE_DISTRICT = re.compile(
    r"toàn bộ\s+(?:\d+\s+)?(?:các\s+)?(?:xã|phường|thị trấn)\b[^.]*?(?:thuộc|của)\s+((?:huyện|quận|thị xã|thành phố)(?:\s+đảo)?\s+[^,.;()]+)",
    re.IGNORECASE,
)
_BELONGS = re.compile(
    r"\s*(?:thuộc|của)\s+((?:huyện|quận|thị xã|thành phố)\s+[^,;()]+?)(?:,\s*tỉnh\s+[^,;()]+?)?"
    r"(?=\s*(?:\(|,|;|\s và\s|$))",
    re.IGNORECASE,
)
_AREA_OF = re.compile(
    r"(?:toàn bộ\s*)?diện tích tự nhiên(?:\s+là\s+[\d.,]+\s*km2)?(?:\s*(?:,|và)\s*quy mô dân(?:\s+số)?)?"
    r"(?:\s+là\s+[\d.,]+\s+người)?(?:\s+còn lại)?\s+(?:của|thuộc)\s+",
    re.IGNORECASE,
)
_DISTRICT_AREA = re.compile(
    r"quy mô dân(?:\s+số)?\s+của\s+((?:huyện|quận|thị xã)\s+[^,.;()]+?)\s+thành\b", re.IGNORECASE
)
_BEFORE_REFORM = re.compile(r"\(\s*trước khi (?:thực hiện )?sắp xếp\s*\)", re.IGNORECASE)
_PART = re.compile(
    r"\b(?:một|1)\s+phần(?:\s+diện tích tự nhiên(?:\s*,?\s*(?:và\s+)?quy mô dân số)?)?(?:\s+(?:của|thuộc))?\s+",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r",|;|\s+và\s+|\s+với\s+", re.IGNORECASE)
_LEADING_WORDS = re.compile(
    r"^(?:(?:và\s+)?h[oơợọ]p nhất\s+|(?:phần\s+)?còn lại của\s+|các\s+|của\s+|từ\s+|toàn bộ\s+|cả\s+)+", re.IGNORECASE
)
_PART_MARK = "⟪part⟫"


def parse_note(note: str) -> Note:
    """Read the note of a current commune: which former units formed it, by which resolution and when.

    Names without a kind take the kind of the name before them ("phường An Tảo, Lê Lợi" → two wards).
    Text the reader does not understand yields no part rather than a wrong one.
    """
    text = clean(note or "")
    resolution, date = "", None
    match = _RESOLUTION.search(text)
    if match:
        resolution = match.group(1).rstrip(".;")
        if match.group(2):
            try:
                date = datetime.date(int(match.group(4)), int(match.group(3)), int(match.group(2)))
            except ValueError:
                date = None
    body = _BODY_END.split(text, maxsplit=1)[0].strip(_EDGE_PUNCTUATION)
    folded = fold(body)
    kept = folded.startswith("giu nguyen")
    retyped = "loai hinh" in folded
    parts: list[NotePart] = []
    renamed_from = _RENAME_FROM.search(body) or _RENAME_BARE.search(body)
    merge = _MERGE.search(folded) if len(folded) == len(body) else None
    if merge:
        parts += _merge_parts(body[merge.end() :])
    if renamed_from:
        source = normalise(_BEFORE_REFORM.sub("", renamed_from.group(1)))
        if source.name and not _is_noise(source):
            known = [p for p in parts if p.place.key == source.key and _same_kind(p.place.category, source.category)]
            if not known:
                parts.append(NotePart(source, renamed=True))
    whole = tuple(normalise(m.group(1)) for m in _WHOLE_DISTRICT.finditer(body))
    whole += tuple(normalise(m.group(1)) for m in _DISTRICT_AREA.finditer(body))
    return Note(note or "", resolution, date, kept, retyped, tuple(parts), whole)


def _same_kind(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _merge_parts(segment: str) -> list[NotePart]:
    segment = _MERGE_END.sub("", segment)
    segment = _BEFORE_REFORM.sub("", segment)
    # "xã Tân Minh thuộc huyện Sóc Sơn, tỉnh X" → "xã Tân Minh (huyện Sóc Sơn)": the comma would split it.
    segment = _BELONGS.sub(lambda m: f" ({m.group(1).strip()})", segment)
    segment = _PART.sub(_PART_MARK + " ", segment)
    segment = _AREA_OF.sub(" ", segment)
    parts: list[NotePart] = []
    kind: str | None = None
    for piece in _SEPARATORS.split(segment):
        piece = clean(piece)
        partial = _PART_MARK in piece
        piece = clean(piece.replace(_PART_MARK, ""))
        piece = _LEADING_WORDS.sub("", piece)
        place = normalise(piece)
        inner = split_prefix(place.name)
        if inner[0] in COMMUNE_CATEGORIES:  # "xã xã Vân Canh", "phường xã Thanh Liệt": the last kind holds
            place = PlaceName(place.original, inner[1], inner[0], place.qualifier)
        if place.category is None and kind is not None:
            place = PlaceName(place.original, place.name, kind, place.qualifier)
        if place.category is not None and place.category not in COMMUNE_CATEGORIES:
            continue  # "thuộc huyện …" left over, or a district named on its own
        if _is_noise(place):
            continue
        kind = place.category or kind
        parts.append(NotePart(place, partial=partial))
    return parts


def _is_noise(place: PlaceName) -> bool:
    """Cut-off tails ("1 phần x"), bare numbers without a kind, sentence words."""
    key = place.key
    if not key or len(key) < 2 and not (key.isdigit() and place.category == PHUONG):
        return True
    if key[0].isdigit() and not (key.isdigit() and place.category == PHUONG):
        return True  # "12 xã", "20 km2"; only a ward is named by a number
    if key in ("xa", "phuong", "thi tran", "dac khu"):
        return True
    if "km2" in key or "nguoi" in key.split():
        return True
    return key.startswith(_SENTENCE_WORDS)


_SENTENCE_WORDS = (
    "bo cap",
    "so ",
    "ngay ",
    "doi ten",
    "doi loai",
    "hop nhat",
    "giu nguyen",
    "mot phan",
    "phan con",
    "dien tich",
    "quy mo",
    "thanh xa",
    "thanh phuong",
    "thanh lap",
    "la ",
)


# ---- resolving a note's names -----------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A former commune that a name could mean."""

    code: str
    key: str
    category: str
    district: str  # code of its former district
    district_key: str = ""  # name key of that district, to honour "(thành phố Cao Lãnh)"


@dataclass(frozen=True)
class Resolution:
    code: str | None
    reason: str = ""
    candidates: tuple[str, ...] = field(default=())


def resolve_part(
    place: PlaceName, candidates: Sequence[Candidate], neighbour_districts: Iterable[str] = ()
) -> Resolution:
    """The one former commune `place` means among `candidates` (the former province(s) that formed the
    current one), or None with the reason.

    Narrowing, in order: same name; the district the note names; the kind (xã, phường, thị trấn); the
    district(s) where the other names of the same note are. Never a guess: two survivors stay unresolved.
    """
    key = place.key
    named = [c for c in candidates if c.key == key]
    if not named:
        # Spelling variants of one name: "Mađaguôi" / "Ma Đa Guôi", "Thủ Sỹ" / "Thủ Sĩ".
        loose = loose_key(key)
        named = [c for c in candidates if loose_key(c.key) == loose]
    if not named:
        return Resolution(None, f"không có đơn vị cũ tên “{place.name}” trong (các) tỉnh cũ đã hợp thành")
    pool = named
    if place.qualifier:
        qualifier = normalise(place.qualifier)
        narrowed = [c for c in pool if c.district_key == qualifier.key]
        pool = narrowed or pool
    if len(pool) > 1 and place.category:
        narrowed = [c for c in pool if c.category == place.category]
        pool = narrowed or pool
    neighbours = list(neighbour_districts)
    if len(pool) > 1 and neighbours:
        best = max(neighbours.count(c.district) for c in pool)
        if best:
            pool = [c for c in pool if neighbours.count(c.district) == best]
    if len(pool) == 1:
        return Resolution(pool[0].code)
    return Resolution(
        None,
        f"tên “{place.name}” trùng {len(pool)} đơn vị cũ, không phân biệt được",
        tuple(sorted(c.code for c in pool)),
    )


def address_parts(text: str) -> list[PlaceName]:
    """An address 'xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên' as names, smallest first."""
    pieces = [clean(piece) for piece in re.split(r"[,;\n]|\s+-\s+", text or "")]
    return [normalise(piece) for piece in pieces if piece]
