"""`hienmau honours candidates --unit CODE --cutoff YYYY-MM-DD [--tiers 20,30,40,70] [--all-subjects] --json`:
who an honour round of the unit would propose (the donors its scope reaches, counted as of the cut-off;
with --all-subjects also the families, recruiters and units, under the keys "families", "recruiters" and
"units", "candidates" unchanged);
`hienmau honours import FILE [--unit CODE] [--dry-run] [--json]`: an old honours list, its rows attached to
donors inside the unit's scope (the whole country without --unit).

    {"candidates": [{"donor_id": 12, "name": "Nguyễn Văn An", "count": 21, "tier": 20}, …]}
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hienmau.core import clock
from hienmau.core.labels import finding_label
from hienmau.honours.importer import PastImportError, import_past
from hienmau.honours.lib.tiers import parse_tier_list, rules
from hienmau.honours.services import (
    candidates_for_unit,
    family_candidates,
    family_tiers_for,
    recruiter_candidates,
    tiers_for,
    unit_candidates,
)
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import superuser_scope, unit_scope


def _unit(code: str, on: datetime.date) -> Unit:
    code = (code or "").strip()
    found = list(Unit.objects.filter(code=code).valid_on(on)[:2]) or list(Unit.objects.filter(code=code)[:2])
    if len(found) != 1:
        raise CommandError(f"Không xác định được đơn vị mã “{code}”.")
    return found[0]


def _other_subjects(unit: Unit, cutoff: datetime.date) -> dict:
    """Families, recruiters and units a round of the unit would propose (new keys; "candidates" unchanged)."""
    scope = unit_scope(unit)
    family = tuple(t.count for t in family_tiers_for(unit))
    return {
        "families": [
            {
                "household_id": f.proposal.key,
                "name": f.proposal.name,
                "count": f.proposal.count,
                "tier": f.proposal.tier,
                "members": [donor.pk for donor, _count in f.members],
            }
            for f in family_candidates(scope, cutoff, family)
        ],
        "recruiters": [
            {"donor_id": p.key, "name": p.name, "count": p.count, "tier": p.tier}
            for p in recruiter_candidates(scope, cutoff, rules().recruiter.count)
        ],
        "units": [
            {"unit_id": p.key, "name": p.name, "percent": p.count, "tier": p.tier}
            for p in unit_candidates(unit, cutoff, rules().unit.count)
        ],
    }


class Command(BaseCommand):
    help = "Tôn vinh người hiến máu: danh sách đề xuất theo mốc, nhập danh sách tôn vinh các năm trước."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        find = sub.add_parser(
            "candidates",
            help="Người hiến máu của đơn vị đạt mốc tôn vinh mới tính đến ngày chốt (chưa được tôn vinh ở mốc đó).",
        )
        find.add_argument("--unit", required=True, metavar="CODE", help="Mã đơn vị tổ chức tôn vinh.")
        find.add_argument("--cutoff", required=True, metavar="YYYY-MM-DD", help="Tính số lần hiến đến hết ngày này.")
        find.add_argument(
            "--tiers",
            metavar="20,30,40,70",
            help="Các mốc số lần hiến xét (mặc định: mốc toàn quốc và mốc của địa phương).",
        )
        find.add_argument(
            "--all-subjects",
            action="store_true",
            help="Thêm gia đình, người vận động và tập thể đạt mốc (khoá families, recruiters, units trong JSON).",
        )
        find.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        past = sub.add_parser(
            "import",
            help="Nhập danh sách người hiến máu đã được tôn vinh các năm trước (.xlsx, .xls, .csv, .txt, .docx, PDF).",
        )
        past.add_argument("file", type=Path, metavar="FILE")
        past.add_argument(
            "--unit", metavar="CODE", help="Mã đơn vị nhập danh sách; chỉ gắn với người hiến trong phạm vi đơn vị này."
        )
        past.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu.")
        past.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, action, **options):
        if action == "candidates":
            self._candidates(options)
        else:
            self._import(options)

    def _candidates(self, options) -> None:
        text = (options["cutoff"] or "").strip()
        try:
            cutoff = datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"Ngày chốt --cutoff “{text}” không hợp lệ: cần dạng YYYY-MM-DD.") from None
        unit = _unit(options["unit"], cutoff)
        tiers = None
        if options["tiers"] is not None:
            try:
                tiers = parse_tier_list(options["tiers"])
            except ValueError as exc:
                raise CommandError(f"Các mốc --tiers: {exc}.") from None
        found = candidates_for_unit(unit, cutoff, tiers)
        others = _other_subjects(unit, cutoff) if options["all_subjects"] else {}
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "candidates": [
                            {"donor_id": c.donor_id, "name": c.name, "count": c.count, "tier": c.tier} for c in found
                        ],
                        **others,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        used = tiers or tuple(t.count for t in tiers_for(unit))
        self.stdout.write(
            f"{unit.full_name}, tính đến {cutoff:%d/%m/%Y}, các mốc {', '.join(str(t) for t in used)} lần: "
            f"{len(found)} người được đề xuất."
        )
        for c in found:
            self.stdout.write(f"  {c.name}: {c.count} lần → mốc {c.tier} lần")
        for f in others.get("families", []):
            self.stdout.write(f"  {f['name']}: {f['count']} lần hiến của gia đình → mốc {f['tier']} lần")
        for r in others.get("recruiters", []):
            self.stdout.write(f"  Người vận động {r['name']}: {r['count']} lần hiến được vận động trong năm")
        for u in others.get("units", []):
            self.stdout.write(f"  Tập thể {u['name']}: đạt {u['percent']}% chỉ tiêu")

    def _import(self, options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        if options["unit"]:
            unit = _unit(options["unit"], clock.today())
            scope = unit_scope(unit)
        else:
            everything = superuser_scope()
            if everything is None:
                raise CommandError("Chưa có đơn vị nào: hãy nhập danh mục đơn vị trước (hienmau units import).")
            unit, scope = everything.unit, everything
        try:
            result = import_past(path, unit, None if scope.everything else scope, dry_run=options["dry_run"])
        except PastImportError as exc:
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {"saved": False, "rows": [], "findings": [f.as_dict() for f in exc.findings]},
                        ensure_ascii=False,
                        indent=2,
                    )
                )
                raise CommandError(f"Danh sách có {len(exc.findings)} lỗi: không lưu gì.") from exc
            raise CommandError(f"Danh sách có lỗi, không lưu gì:\n{exc}") from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "saved": not options["dry_run"],
                        "rows": [o.as_dict() for o in result.outcomes],
                        "linked": result.count("linked"),
                        "review": result.count("review"),
                        "transfer": result.count("transfer"),
                        "already_imported": result.count("already_imported"),
                        "findings": [f.as_dict() for f in result.findings],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(result.summary())
        for finding in result.findings:
            self.stdout.write(f"  {finding_label(finding.code)}: {finding}")
        self.stdout.write("Chạy thử: chưa lưu gì." if options["dry_run"] else "Đã lưu.")
