import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hienmau.core.labels import FINDING_LABELS
from hienmau.results.importer import ResultImportError, find_plan, find_unit, import_file


class Command(BaseCommand):
    help = "Kết quả hiến máu: nhập bảng tổng hợp kết quả của cơ sở tiếp nhận hoặc của đơn vị (results import FILE)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser("import", help="Đọc bảng tổng hợp kết quả (.xlsx, .csv, .txt, .docx).")
        importer.add_argument("file", type=Path)
        importer.add_argument("--plan", help="Số kế hoạch (66 hoặc 66/KH-BCĐ); mặc định đọc từ tệp.")
        importer.add_argument("--unit", help="Mã đơn vị của cả tệp, hoặc đơn vị cấp trên để tìm tên đơn vị.")
        importer.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu.")
        importer.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, action, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            plan = find_plan(options["plan"]) if options.get("plan") else None
            unit = find_unit(options["unit"]) if options.get("unit") else None
            result, changed = import_file(path, plan=plan, unit=unit, dry_run=options["dry_run"])
        except ResultImportError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        totals = result["totals"]
        stored = sum(1 for row in result["rows"] if row["saved"])
        plan_text = f"kế hoạch {result['plan']}" if result["plan"] else "không gắn kế hoạch"
        self.stdout.write(
            f"{len(result['rows'])} dòng ({plan_text}); tổng ghi trong tệp {totals['stated']}, "
            f"cộng các dòng {totals['computed']}, lưu {totals['saved']} đơn vị máu ở {stored} dòng."
        )
        for finding in result["findings"]:
            self.stdout.write(f"  {FINDING_LABELS.get(finding['code'], finding['code'])}: {finding['message']}")
        if options["dry_run"]:
            self.stdout.write("Chạy thử: chưa lưu gì.")
        else:
            self.stdout.write(f"Đã lưu; {changed} dòng làm thay đổi số liệu." if changed else "Không có gì thay đổi.")
