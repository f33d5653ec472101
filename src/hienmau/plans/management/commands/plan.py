import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hienmau.orgs.models import Unit
from hienmau.plans.importer import PlanImportError, analyse_file, save_plan
from hienmau.plans.lib.appendix import AppendixError


class Command(BaseCommand):
    help = "Kế hoạch: nhập phụ lục phân bổ chỉ tiêu (plan import FILE)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser(
            "import",
            help="Đọc phụ lục từ văn bản dán (.txt), .csv, .xlsx, .xls, .ods, .docx, .doc, .odt hoặc PDF có lớp chữ.",
        )
        importer.add_argument("file", type=Path)
        importer.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu.")
        importer.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        importer.add_argument("--unit", help="Mã hoặc tên đơn vị ban hành, khi văn bản không ghi rõ.")

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(options["file"], options["dry_run"], options["json"], options.get("unit"))

    def _import(self, path: Path, dry_run: bool, as_json: bool, unit_ref: str | None) -> None:
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        issuing = self._unit(unit_ref) if unit_ref else None
        try:
            analysis = analyse_file(path, issuing)
        except AppendixError as exc:
            raise CommandError(str(exc)) from exc
        result = analysis.result()
        if not as_json:
            totals = result["totals"]
            self.stdout.write(
                f"{len(result['rows'])} dòng; tổng ghi {totals['stated']}, cộng lại {totals['computed']}."
            )
            for finding in result["findings"]:
                self.stdout.write(f"  [{finding['code']}] {finding['message']}")
        if dry_run:
            if as_json:
                self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        try:
            plan, changes = save_plan(analysis, source_name=path.name)
        except PlanImportError as exc:
            if as_json:
                self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            raise CommandError(str(exc)) from exc
        name = plan.reference or plan.pk
        message = f"Đã lưu kế hoạch {name}: {changes.summary()}" if changes else f"Kế hoạch {name} không thay đổi."
        if as_json:
            # The dry run's keys exactly, plus what saving changed.
            self.stdout.write(json.dumps({**result, "changes": changes.as_dict()}, ensure_ascii=False, indent=2))
            self.stderr.write(message)
            return
        self.stdout.write(message)
        for line in changes.details():
            self.stdout.write(f"  {line}")

    def _unit(self, ref: str) -> Unit:
        units = Unit.objects.filter(code=ref) or Unit.objects.search(ref)
        found = list(units[:2])
        if len(found) != 1:
            raise CommandError(f"Không xác định được đơn vị “{ref}” ({len(found)} kết quả).")
        return found[0]
