"""`hienmau demand import FILE [--dry-run] [--json]`: the collecting facilities' monthly need in blood
units, read from a sheet (facility, month, units; optionally blood group)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hienmau.core.labels import FINDING_LABELS
from hienmau.core.lib.numbers import format_int
from hienmau.demand.importer import DemandImportError, import_file
from hienmau.orgs.models import Unit


class Command(BaseCommand):
    help = "Nhu cầu máu của các cơ sở tiếp nhận theo tháng (demand import FILE)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser(
            "import",
            help="Đọc bảng nhu cầu máu (cột cơ sở tiếp nhận, tháng, số đơn vị máu; .xlsx, .xls, .csv, .txt, .docx, PDF).",
        )
        importer.add_argument("file", type=Path)
        importer.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu.")
        importer.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, action, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            result = import_file(path, dry_run=options["dry_run"])
        except DemandImportError as exc:
            if options["json"]:
                data = {"saved": False, "rows": 0, "stored": 0, "created": 0, "updated": 0, "unchanged": 0}
                data |= {"needs": [], "findings": [p.as_dict() for p in exc.problems]}
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            raise CommandError(f"Không nhập được tệp, không lưu gì:\n{exc}") from exc
        facilities = Unit.objects.in_bulk(set(result.facility_ids.values()))
        data = result.as_json(facilities)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{data['rows']} dòng: {data['stored']} dòng hợp lệ ({data['created']} mới, {data['updated']} sửa, "
            f"{data['unchanged']} không đổi), {format_int(sum(n['units'] for n in data['needs']))} đơn vị máu."
        )
        for finding in data["findings"]:
            where = f"Dòng {finding['line']}" if finding["line"] else "Tệp"
            label = FINDING_LABELS.get(finding["code"], "Lưu ý")
            self.stdout.write(f"  {where} — {label}: {finding['message']}")
        self.stdout.write("Chạy thử: chưa lưu gì." if options["dry_run"] else "Đã lưu.")
