import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hienmau.core.lib.numbers import format_int
from hienmau.orgs.models import Unit
from hienmau.plans import drafting
from hienmau.plans.importer import PlanImportError, analyse_file, save_plan
from hienmau.plans.lib import drafting as rules
from hienmau.plans.lib.appendix import AppendixError
from hienmau.plans.models import Plan


class Command(BaseCommand):
    help = "Kế hoạch: nhập phụ lục phân bổ chỉ tiêu (plan import FILE), lập dự thảo năm sau (plan draft)."

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
        drafter = sub.add_parser(
            "draft",
            help="Lập dự thảo kế hoạch năm sau từ một kế hoạch đã ban hành và kết quả thực hiện của nó.",
        )
        drafter.add_argument("--from", dest="source", required=True, help="Số kế hoạch gốc (66 hoặc 66/KH-BCĐ).")
        drafter.add_argument("--year", type=int, required=True, help="Năm của dự thảo.")
        drafter.add_argument("--total", type=int, required=True, help="Tổng chỉ tiêu đơn vị máu mới.")
        drafter.add_argument(
            "--method",
            choices=rules.METHODS,
            default="actual",
            help="actual: theo kết quả năm trước (mặc định); plan: theo chỉ tiêu năm trước; "
            "population: theo dân số; blend: trộn theo --weights.",
        )
        drafter.add_argument("--weights", help="Với --method blend, ví dụ actual=0.5,population=0.5.")
        drafter.add_argument(
            "--round",
            type=int,
            default=rules.DEFAULT_STEP,
            help="Làm tròn chỉ tiêu mỗi đơn vị theo bước này (mặc định 5).",
        )
        drafter.add_argument("--dry-run", action="store_true", help="Chỉ xem đề xuất, không lưu.")
        drafter.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(options["file"], options["dry_run"], options["json"], options.get("unit"))
        elif action == "draft":
            self._draft(options)

    def _draft(self, options) -> None:
        plans = Plan.objects.with_reference(options["source"])
        if len(plans) != 1:
            found = "không có kế hoạch nào" if not plans else f"có {len(plans)} kế hoạch trùng số, hãy ghi cả ký hiệu"
            raise CommandError(f"Không xác định được kế hoạch số “{options['source']}”: {found}.")
        try:
            draft = drafting.build_draft(
                plans[0],
                year=options["year"],
                total=options["total"],
                method=options["method"],
                weights=options.get("weights"),
                step=options["round"],
            )
        except drafting.DraftError as exc:
            raise CommandError(str(exc)) from exc
        plan = None if options["dry_run"] else drafting.save_draft(draft)
        if options["json"]:
            self.stdout.write(json.dumps(draft.as_json(plan), ensure_ascii=False, indent=2))
            return
        for row in draft.rows:
            last = f"{format_int(row.last_result)}/{format_int(row.last_target)}"
            self.stdout.write(f"{row.name}: năm trước {last} → đề xuất {format_int(row.proposed)}")
        totals = draft.totals
        self.stdout.write(
            f"Tổng cộng: năm trước {format_int(totals['last_result'])}/{format_int(totals['last_target'])}"
            f" → đề xuất {format_int(totals['proposed'])}"
        )
        for item in draft.findings:
            self.stdout.write(f"  [{item.code}] {item.message}")
        if plan is not None:
            self.stdout.write(f"Đã lưu dự thảo kế hoạch năm {draft.year} (mã {plan.pk}), trạng thái dự thảo.")

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
