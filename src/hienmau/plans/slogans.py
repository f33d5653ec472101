"""Slogans (thông điệp) offered when a drive is announced: the plan's own messages first (read from its text
on import), then the ones the seed plans list, shipped as data in `data/slogans.json` (read from the seeds
by the one parser, `lib/targets.stated_messages`; `python -m hienmau.plans.slogans` writes it again)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from hienmau.plans.lib.document import Paragraph, blocks_from_text
from hienmau.plans.lib.targets import stated_messages

DATA = Path(__file__).resolve().parent / "data"


@cache
def seed_slogans() -> tuple[str, ...]:
    data = json.loads((DATA / "slogans.json").read_text(encoding="utf-8"))
    return tuple(entry["text"] for entry in data["slogans"])


def offered(plans=()) -> list[str]:
    """The plans' messages, then the seeds', each once (compared without the final full stop)."""
    found: dict[str, str] = {}
    for plan in plans:
        for line in (plan.messages or "").splitlines():
            if line.strip():
                found.setdefault(line.strip().rstrip(".").lower(), line.strip().rstrip("."))
    for line in seed_slogans():
        found.setdefault(line.lower(), line)
    return list(found.values())


def extract() -> list[dict[str, str]]:
    """The slogans of every seed plan in data/, with the file they come from."""
    entries = []
    for path in sorted(DATA.glob("seed-*.txt")):
        blocks = blocks_from_text(path.read_text(encoding="utf-8"))
        paragraphs = [block.text for block in blocks if isinstance(block, Paragraph)]
        entries += [{"text": line.rstrip("."), "source": path.name} for line in stated_messages(paragraphs)]
    return entries


if __name__ == "__main__":  # pragma: no cover - regenerates the data file
    note = (
        'Slogans read from the seed plans\' "Thông điệp" sections by plans/lib/targets.stated_messages '
        "(python -m hienmau.plans.slogans writes this file again); offered when a drive is announced."
    )
    payload = {"note": note, "slogans": extract()}
    (DATA / "slogans.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
