"""Layout variants of the seed appendices, to prove the reader on layouts the seeds never showed.

From a seed's blocks (paragraphs and tab-separated tables) a `Variant` applies layout changes an office's
file may have (columns moved as whole groups, an empty notes column, the national motto and signatures
around the table, empty rows, the header repeated as after a page break, numbers grouped with a space
or a comma, the total row labelled "Cộng" / "Tổng" / "TỔNG CỘNG" or not at all) and says which findings
the change must add, so a test can assert that every variant reads to the same rows, totals and
findings as the seed plus exactly those. `render` writes a variant as pasted text, .csv or .xlsx.

Plain data, no database; driven by hypothesis (`variants()`), with a fixed seed in the tests.
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st
from openpyxl import Workbook

from hienmau.plans.lib.appendix import Paragraph, TableBlock
from hienmau.plans.lib.appendix_columns import header_row_count
from hienmau.plans.lib.document import blocks_from_text
from tests.plans.helpers import seed_text

GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")  # "1.532", "12.400": Vietnamese thousands
TOTAL_LABELS = ("tổng cộng",)
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
SIGNATURE = ("Nơi nhận:", "- Như trên;", "- Lưu: VT.", "TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Nguyễn Văn Bình")
CHANGES = (
    "move_groups",
    "notes_column",
    "motto",
    "signature",
    "empty_rows",
    "repeat_header",
    "space_grouping",
    "comma_grouping",
    "total_label",
    "unlabelled_total",
)


@dataclass
class Variant:
    """A seed's blocks after some layout changes, with the finding codes the changes must add."""

    seed: int
    blocks: list
    changes: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)  # finding code → how many more than the seed's

    @property
    def name(self) -> str:
        return f"seed {self.seed:03d}: {', '.join(self.changes) or 'unchanged'}"

    def expect(self, code: str, count: int = 1) -> None:
        self.added[code] = self.added.get(code, 0) + count


def seed_blocks(seed: int) -> list:
    return blocks_from_text(seed_text(seed))


def _tables(blocks: list) -> list[TableBlock]:
    return [b for b in blocks if isinstance(b, TableBlock)]


def _widen(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(r) for r in rows)
    return [list(r) + [""] * (width - len(r)) for r in rows]


def _is_total(row: list[str]) -> bool:
    return any(cell.strip().lower() in TOTAL_LABELS for cell in row)


def _groups(header_top: list[str]) -> list[list[int]]:
    """Columns that belong together: a filled cell of the top header row and the empty ones after it
    (the cells of a merged group header such as "THÁNG" over Tháng 5 … Tháng 8)."""
    groups: list[list[int]] = []
    for index, cell in enumerate(header_top):
        if cell.strip() or not groups:
            groups.append([index])
        else:
            groups[-1].append(index)
    return groups


def move_groups(variant: Variant, rng: random.Random) -> None:
    """Columns in another order: whole groups move (a group header stays over its own columns); the STT
    and unit columns may go anywhere."""
    for table in _tables(variant.blocks):
        rows = _widen(table.rows)
        depth = header_row_count(rows)
        groups = _groups(rows[0]) if depth > 1 else [[i] for i in range(len(rows[0]))]
        order = groups[:]
        rng.shuffle(order)
        columns = [i for group in order for i in group]
        table.rows = [[row[i] for i in columns] for row in rows]
    variant.changes.append("move_groups")


def notes_column(variant: Variant, rng: random.Random) -> None:
    """An extra "Ghi chú" column left empty, at the end of each table."""
    for table in _tables(variant.blocks):
        rows = _widen(table.rows)
        table.rows = [row + (["Ghi chú"] if i == 0 else [""]) for i, row in enumerate(rows)]
    variant.changes.append("notes_column")


def motto(variant: Variant, rng: random.Random) -> None:
    """The national motto above everything, as every official document starts."""
    variant.blocks[:0] = [Paragraph(line) for line in MOTTO]
    variant.changes.append("motto")


def signature(variant: Variant, rng: random.Random) -> None:
    """Recipients and the signature block after the last table (or the end)."""
    last = max((i for i, b in enumerate(variant.blocks) if isinstance(b, TableBlock)), default=len(variant.blocks) - 1)
    variant.blocks[last + 1 : last + 1] = [Paragraph(line) for line in SIGNATURE]
    variant.changes.append("signature")


def _data_positions(rows: list[list[str]], depth: int) -> list[int]:
    """Places between data rows (after the header, before the total)."""
    totals = [i for i, row in enumerate(rows) if _is_total(row)]
    end = totals[0] if totals else len(rows)
    return list(range(depth + 1, end))


def empty_rows(variant: Variant, rng: random.Random) -> None:
    """One to three empty rows somewhere among the data."""
    for table in _tables(variant.blocks):
        rows = _widen(table.rows)
        depth = header_row_count(rows)
        places = _data_positions(rows, depth)
        for place in sorted(rng.sample(places, min(len(places), rng.randint(1, 3))), reverse=True):
            rows.insert(place, [""] * len(rows[0]))
        table.rows = rows
    variant.changes.append("empty_rows")


def repeat_header(variant: Variant, rng: random.Random) -> None:
    """The header printed again on the next page, once in the longest table (one finding per header
    row repeated)."""
    tables = _tables(variant.blocks)
    if not tables:
        return
    table = max(tables, key=lambda t: len(t.rows))
    rows = _widen(table.rows)
    depth = header_row_count(rows)
    places = _data_positions(rows, depth)
    if not places:
        return
    place = rng.choice(places)
    table.rows = rows[:place] + [list(r) for r in rows[:depth]] + rows[place:]
    variant.changes.append("repeat_header")
    variant.expect("repeated_header", depth)  # one finding per header row repeated


def _regroup(variant: Variant, separator: str) -> int:
    """Rows whose grouped numbers were rewritten."""
    changed = 0
    for table in _tables(variant.blocks):
        for row in table.rows:
            grouped = [i for i, cell in enumerate(row) if GROUPED.match(cell.strip())]
            for index in grouped:
                row[index] = row[index].strip().replace(".", separator)
            changed += bool(grouped)
    return changed


def space_grouping(variant: Variant, rng: random.Random) -> None:
    """Thousands grouped with a space ("1 532"), as some typists do."""
    if _regroup(variant, " "):
        variant.changes.append("space_grouping")


def comma_grouping(variant: Variant, rng: random.Random) -> None:
    """Thousands grouped with a comma ("1,532", the English way): read, with one finding saying so."""
    rows = _regroup(variant, ",")
    if rows:
        variant.changes.append("comma_grouping")
        variant.expect("comma_thousands", rows)  # one finding per row, naming its numbers


def total_label(variant: Variant, rng: random.Random) -> None:
    """The total row labelled another way."""
    label = rng.choice(["Cộng", "Tổng", "TỔNG CỘNG", "Tổng số", "Cộng:"])
    for row, index in _total_cells(variant):
        row[index] = label
    variant.changes.append(f"total_label({label})")


def _total_cells(variant: Variant) -> list[tuple[list[str], int]]:
    """(row, column) of each "Tổng cộng" label in a table's body (not the header's "Tổng cộng" column)."""
    found = []
    for table in _tables(variant.blocks):
        depth = header_row_count(table.rows)
        for row in table.rows[depth:]:
            found += [(row, i) for i, cell in enumerate(row) if cell.strip().lower() in TOTAL_LABELS]
    return found


def unlabelled_total(variant: Variant, rng: random.Random) -> None:
    """The total row with no label at all: its numbers equal the column sums (one finding)."""
    for row, index in _total_cells(variant):
        row[index] = ""
        variant.expect("unlabelled_total")
    variant.changes.append("unlabelled_total")


APPLY = {
    "move_groups": move_groups,
    "notes_column": notes_column,
    "motto": motto,
    "signature": signature,
    "empty_rows": empty_rows,
    "repeat_header": repeat_header,
    "space_grouping": space_grouping,
    "comma_grouping": comma_grouping,
    "total_label": total_label,
    "unlabelled_total": unlabelled_total,
}
# Changes that cannot go together: one way of grouping numbers, one way of labelling the total.
EXCLUSIVE = ({"space_grouping", "comma_grouping"}, {"total_label", "unlabelled_total"})


def make_variant(seed: int, changes: list[str], rng: random.Random, allowed: tuple[str, ...] = CHANGES) -> Variant:
    variant = Variant(seed, seed_blocks(seed))
    chosen: list[str] = []
    for change in changes:
        if change not in allowed or change in chosen:
            continue
        if any(change in group and group & set(chosen) for group in EXCLUSIVE):
            continue
        chosen.append(change)
    for change in sorted(chosen, key=CHANGES.index):
        APPLY[change](variant, rng)
    return variant


def variants(seed: int, allowed: tuple[str, ...] = CHANGES) -> st.SearchStrategy[Variant]:
    return st.builds(
        lambda changes, number: make_variant(seed, changes, random.Random(number), allowed),
        st.lists(st.sampled_from(allowed), max_size=len(allowed)),
        st.integers(0, 2**32 - 1),
    )


# ---- formats ---------------------------------------------------------------------------------------------


def as_text(blocks: list) -> str:
    lines = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend("\t".join(row) for row in block.rows)
            lines.append("")
    return "\n".join(lines) + "\n"


def _sheet_rows(blocks: list) -> list[list[str]]:
    """Paragraphs as one-cell rows above and below the tables; tables one after the other."""
    rows: list[list[str]] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            rows.append([block.text])
        else:
            rows.extend(block.rows)
            rows.append([])
    return rows


def render(variant: Variant, directory: Path, kind: str) -> Path:
    """The variant as the file an office would send: pasted text (.txt), .csv or .xlsx."""
    path = directory / f"phu-luc.{kind}"
    if kind == "txt":
        path.write_text(as_text(variant.blocks), encoding="utf-8")
    elif kind == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(_sheet_rows(variant.blocks))
        path.write_text(buffer.getvalue(), encoding="utf-8")
    elif kind == "xlsx":
        book = Workbook()
        sheet = book.active
        for row in _sheet_rows(variant.blocks):
            sheet.append([cell if cell else None for cell in row] or [None])
        book.save(path)
    else:
        raise ValueError(kind)
    return path


def as_html(blocks: list) -> str:
    """The variant as Word puts it on the clipboard: paragraphs, and tables whose merged header cells are
    real colspan/rowspan cells, with Word's noise (&nbsp;, <o:p>, styles)."""
    import html

    parts = ["<html><head><style>p.MsoNormal{margin:0}</style></head><body>"]
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p class=MsoNormal>{html.escape(block.text)}<o:p></o:p></p>")
            continue
        rows = _widen(block.rows)
        depth = header_row_count(rows)
        parts.append("<table border=1>")
        for r, row in enumerate(rows):
            cells = []
            if r == 0 and depth == 2:
                for group in _groups(row):
                    text = html.escape(row[group[0]])
                    if len(group) > 1:
                        cells.append(f"<td colspan={len(group)}>{text}</td>")
                    elif not rows[1][group[0]].strip():
                        cells.append(f"<td rowspan=2>{text}</td>")  # one cell over both header rows
                    else:
                        cells.append(f"<td>{text}</td>")
            elif r == 1 and depth == 2:
                spanned = {g[0] for g in _groups(rows[0]) if len(g) == 1 and not row[g[0]].strip()}
                cells = [f"<td>{html.escape(c)}</td>" for i, c in enumerate(row) if i not in spanned]
            else:
                cells = [f"<td><p>{html.escape(c) or '&nbsp;'}</p></td>" for c in row]
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
