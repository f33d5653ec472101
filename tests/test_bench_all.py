"""`make bench` (bench/all.py) cannot rot silently: every bench it lists exists with a `main`, and the
summary writer replaces only the text between its markers. No timing here: the runs live under bench/."""

import importlib
from pathlib import Path

from bench import all as every
from bench.report import replace_block, write_block

ROOT = Path(__file__).resolve().parents[1]


def test_the_runner_lists_benches_that_exist_in_order_with_the_sizes_of_each_scale():
    for scale in ("province", "national"):
        listed = every.benches(scale, 60)
        assert [name for name, *_ in listed] == ["units", "donors", "standby", "appendix", "achievement", "load"]
        for name, module, postgres_only, _args in listed:
            assert callable(importlib.import_module(module).main), name
            assert postgres_only == (name in {"donors", "standby", "load"}), name
        sizes = {name: args for name, _module, _pg, args in listed}
        assert sizes["donors"] == sizes["standby"] == (every.DONORS[scale],)
        assert sizes["achievement"] == ([scale, "--write"],)
    assert every.DONORS["province"] < every.DONORS["national"]


def test_the_summary_writer_replaces_only_the_text_between_its_markers(tmp_path):
    doc = tmp_path / "benchmarks.md"
    achievement = "<!-- bench achievement: begin -->\nold achievement\n<!-- bench achievement: end -->"
    doc.write_text(f"# Benchmarks\n\nIntro.\n\n{achievement}\n\nTail.\n", encoding="utf-8")
    write_block(every.BEGIN, every.END, ["first"], top=True, doc=doc)  # no markers yet: under the title
    first = doc.read_text(encoding="utf-8")
    assert first == (f"# Benchmarks\n\n{every.BEGIN}\nfirst\n{every.END}\n\nIntro.\n\n{achievement}\n\nTail.\n")
    write_block(every.BEGIN, every.END, ["second", "| a | b |"], top=True, doc=doc)
    assert doc.read_text(encoding="utf-8") == first.replace("\nfirst\n", "\nsecond\n| a | b |\n")
    # another bench's block, found by its own markers, leaves the summary alone
    text = replace_block(
        doc.read_text(encoding="utf-8"),
        "<!-- bench achievement: begin -->",
        "<!-- bench achievement: end -->",
        "<!-- bench achievement: begin -->\nnew\n<!-- bench achievement: end -->",
    )
    assert "second\n| a | b |" in text and "old achievement" not in text and "\nnew\n" in text
    assert text.endswith("\n\nTail.\n")


def test_the_summary_table_has_a_row_per_figure_and_the_docs_hold_its_markers():
    rows = [
        {"bench": "b", "figure": "f | g", "value": "1 ms", "target": "< 5 ms", "ratio": "", "memory": "", "load": "2.0"}
    ]
    lines = every.table(rows)
    assert lines[2] == "| b | f / g | 1 ms | < 5 ms |  |  | 2.0 |"
    assert all(line.count("|") == lines[0].count("|") for line in lines)
    text = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert text.count(every.BEGIN) <= 1 and text.count(every.BEGIN) == text.count(every.END)
