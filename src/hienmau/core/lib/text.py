"""Vietnamese text folding and ordering.

Search must behave the same on SQLite and PostgreSQL, so instead of relying on a database collation we
store a folded ASCII copy of every searchable name and fold the query the same way.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Lower-case ASCII form: NFD, combining marks dropped, đ→d, whitespace collapsed.

    >>> fold("  Đắk   Lắk ")
    'dak lak'
    """
    text = text or ""
    if text.isascii():  # most cells of an export (dates, codes, numbers): nothing to decompose
        return _SPACES.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str) -> str:
    """Folded text with punctuation turned into single spaces, for matching names across documents.

    >>> fold_words("BCĐ. thành phố Rạch Giá")
    'bcd thanh pho rach gia'
    """
    return _NOT_WORD.sub(" ", fold(text)).strip()


def vietnamese_name_key(full_name: str) -> tuple[str, str, str]:
    """Sort key for personal names the Vietnamese way: given name (last word) first, then the rest.

    Ties on the folded form are broken by the exact text so that "Đức" and "Dục" keep a stable order.
    """
    words = _SPACES.split((full_name or "").strip())
    given = words[-1] if words else ""
    rest = " ".join(words[:-1])
    return (fold(given), fold(rest), full_name or "")
