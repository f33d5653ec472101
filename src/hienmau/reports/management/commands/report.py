import json

from django.core.management.base import BaseCommand, CommandError

from hienmau.core.lib.numbers import format_int
from hienmau.reports import services
from hienmau.results.importer import ResultImportError, find_plan


class Command(BaseCommand):
    help = "Báo cáo: kết quả thực hiện so với kế hoạch (report achievement)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        achievement = sub.add_parser("achievement", help="Kết quả so với chỉ tiêu của một kế hoạch hoặc một đơn vị.")
        achievement.add_argument("--plan", help="Số kế hoạch (66 hoặc 66/KH-BCĐ).")
        achievement.add_argument("--unit", help="Mã đơn vị (đơn vị mang mã đó trong năm được chọn).")
        achievement.add_argument("--year", type=int, help="Năm, cùng với --unit.")
        achievement.add_argument("--by", choices=("month", "unit"), help="Chia theo tháng hoặc theo đơn vị cấp dưới.")
        achievement.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, action, **options):
        try:
            if options.get("plan"):
                data = services.plan_achievement(find_plan(options["plan"])).as_json()
            elif options.get("unit") and options.get("year"):
                unit = services.unit_for_year(options["unit"], options["year"])
                data = services.unit_year(unit, options["year"], options.get("by")).as_json()
            else:
                raise CommandError("Cần --plan SỐ, hoặc --unit MÃ cùng --year NĂM.")
        except (ResultImportError, services.ReportError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for row in [*data["rows"], {**data["totals"], "unit": "Tổng cộng"}]:
            target = format_int(row["target"]) if row["target"] is not None else "—"
            percent = f"{row['percent']:.1f}%".replace(".", ",") if row["percent"] is not None else "—"
            self.stdout.write(f"{row['unit']}: {format_int(row['result'])} / {target} ({percent})")
