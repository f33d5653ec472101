"""The one way a bench writes into docs/benchmarks.md: a block between its two markers, replaced in place
(appended at the end, or put under the title with `top=True`, the first time)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def replace_block(text: str, begin: str, end: str, block: str, top: bool = False) -> str:
    """`text` with what lies between `begin` and `end` (markers included) replaced by `block`, which holds
    both markers; without the markers, `block` goes under the first heading (`top`) or at the end."""
    if begin in text:
        return re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, count=1, flags=re.S)
    if top:
        title, newline, rest = text.partition("\n")
        return title + newline + "\n" + block + "\n" + ("\n" + rest.lstrip("\n") if rest else "")
    return text.rstrip("\n") + "\n\n" + block + "\n"


def write_block(begin: str, end: str, lines: list[str], top: bool = False, doc: Path = DOC) -> None:
    block = "\n".join([begin, *lines, end])
    doc.write_text(replace_block(doc.read_text(encoding="utf-8"), begin, end, block, top), encoding="utf-8")
    print(f"written to {doc}")


def figure(bench: str, name: str, value: str, target: str = "", ratio: str = "", memory: str = "") -> dict:
    """One row of the summary table: what a bench returns to the runner (bench/all.py)."""
    return {"bench": bench, "figure": name, "value": value, "target": target, "ratio": ratio, "memory": memory}
