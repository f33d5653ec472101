import argparse
import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from hienmau.core.clock import today
from hienmau.core.lib.numbers import format_int
from hienmau.reports import outlook, services, submissions, unit_indicators
from hienmau.reports.labels import INDICATOR_NAMES
from hienmau.reports.lib.outlook import DEFAULT_THRESHOLD
from hienmau.results.importer import ResultImportError, find_plan


def _percent(text: str) -> float:
    """ "10", "10%", "7,5": a percentage."""
    try:
        return float(text.strip().rstrip("%").strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” không phải tỉ lệ phần trăm") from None


class Command(BaseCommand):
    help = "Báo cáo: kết quả thực hiện so với kế hoạch (report achievement)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        achievement = sub.add_parser("achievement", help="Kết quả so với chỉ tiêu của một kế hoạch hoặc một đơn vị.")
        achievement.add_argument("--plan", help="Số kế hoạch (66 hoặc 66/KH-BCĐ).")
        achievement.add_argument("--unit", help="Mã đơn vị (đơn vị mang mã đó trong năm được chọn).")
        achievement.add_argument("--year", type=int, help="Năm, cùng với --unit.")
        achievement.add_argument(
            "--by",
            choices=services.BY_CHOICES,
            help="Chia theo tháng (month), theo đơn vị cấp dưới (unit), hoặc theo đơn vị cấp dưới và từng tháng "
            "(unit-month).",
        )
        achievement.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        indicators = sub.add_parser("indicators", help="Các chỉ số của một đơn vị trong một năm.")
        indicators.add_argument("--unit", required=True, help="Mã đơn vị (đơn vị mang mã đó trong năm được chọn).")
        indicators.add_argument("--year", type=int, required=True, help="Năm.")
        indicators.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        remind = sub.add_parser(
            "remind",
            help="Nhắc các đơn vị chưa gửi báo cáo kết quả: một lần trước hạn và một lần đúng ngày hạn (mỗi lần chỉ gửi một tin).",
        )
        remind.add_argument("--days", type=int, default=3, help="Nhắc từ N ngày trước hạn (mặc định 3).")

        ahead = sub.add_parser(
            "outlook",
            help="Triển vọng nguồn máu: số đơn vị máu dự kiến tiếp nhận các tháng tới so với nhu cầu của cơ sở tiếp nhận.",
        )
        ahead.add_argument("--unit", required=True, help="Mã đơn vị (đơn vị mang mã đó vào ngày --as-of).")
        ahead.add_argument("--from", dest="start", required=True, help="Tháng đầu tiên, dạng YYYY-MM.")
        ahead.add_argument("--months", type=int, required=True, help="Số tháng (1–24).")
        ahead.add_argument(
            "--as-of",
            dest="as_of",
            help="Tính như vào ngày YYYY-MM-DD (mặc định hôm nay): chỉ dùng số liệu đến ngày đó.",
        )
        ahead.add_argument(
            "--threshold",
            type=_percent,
            default=DEFAULT_THRESHOLD,
            help=f"Cảnh báo khi dự kiến thấp hơn nhu cầu quá bao nhiêu %% (mặc định {DEFAULT_THRESHOLD}).",
        )
        ahead.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        alerts = sub.add_parser(
            "outlook-alerts",
            help="Báo cho văn phòng thường trực mỗi tỉnh các tháng tới dự kiến thiếu máu (mỗi tháng, mỗi người một "
            "lần); chạy hằng ngày.",
        )
        alerts.add_argument("--months", type=int, default=6, help="Số tháng tới được xét (mặc định 6).")

    def handle(self, *args, action, **options):
        if action == "outlook":
            self._outlook(options)
            return
        if action == "outlook-alerts":
            self._outlook_alerts(options["months"])
            return
        if action == "indicators":
            self._indicators(options)
            return
        if action == "remind":
            self._remind(options["days"])
            return
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

    def _outlook(self, options) -> None:
        try:
            as_of = datetime.date.fromisoformat(options["as_of"]) if options.get("as_of") else today()
        except ValueError:
            raise CommandError(f"Ngày “{options['as_of']}” không hợp lệ (cần dạng YYYY-MM-DD).") from None
        try:
            unit = outlook.unit_for(options["unit"].strip(), as_of)
            first = outlook.parse_month_option(options["start"])
            data = outlook.outlook(unit, first, options["months"], as_of=as_of, threshold=options["threshold"])
        except outlook.OutlookError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(data.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{unit.full_name}, tính đến ngày {as_of:%d/%m/%Y} (đơn vị máu):")
        for month in data.months:
            mark = "  THIẾU" if month.flag else ""
            self.stdout.write(
                f"  {month.month:%m/%Y}: dự kiến {format_int(month.expected)} "
                f"({format_int(month.low)}–{format_int(month.high)}), kế hoạch {format_int(month.planned)}, "
                f"đã đăng ký {format_int(month.booked)}, nhu cầu {format_int(month.demand)}, "
                f"chênh lệch {format_int(month.gap)}{mark}"
            )
        if data.backtest:
            test = data.backtest
            self.stdout.write(
                f"Kiểm tra trên {len(test.months)} tháng trước: sai số mô hình {test.mape:.1f}%, ".replace(".", ",")
                + f"lấy cùng tháng năm trước {test.naive_mape:.1f}%".replace(".", ",")
                + "."
            )

    def _outlook_alerts(self, months: int) -> None:
        try:
            red, queued = outlook.alert_provinces(today(), months)
        except outlook.OutlookError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{red} tỉnh có tháng dự kiến thiếu máu; {queued} tin cảnh báo mới được gửi.")

    def _indicators(self, options):
        try:
            unit = services.unit_for_year(options["unit"], options["year"])
        except services.ReportError as exc:
            raise CommandError(str(exc)) from exc
        data = unit_indicators.unit_indicators(unit, options["year"]).as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{unit.full_name}, năm {options['year']}: {format_int(data['collected'])} đơn vị máu")
        for key, value in data["percent"].items():
            shown = f"{value:.1f}%".replace(".", ",") if value is not None else "—"
            self.stdout.write(f"  {INDICATOR_NAMES[key]}: {shown}")

    def _remind(self, days: int) -> None:
        if days < 1:
            raise CommandError("--days phải là số ngày từ 1 trở lên.")
        sent = submissions.send_reminders(days_before=days)
        for plan, unit, kind, count in sent:
            when = "đúng hạn hôm nay" if kind == "due" else f"hạn {plan.report_deadline:%d/%m/%Y}"
            note = f"đã gửi {count} tin" if count else "không có người nhận có địa chỉ thư (hoặc đã nhắc trước đó)"
            self.stdout.write(f"{unit.full_name} — Kế hoạch {plan.reference or plan.title} ({when}): {note}.")
        if not sent:
            self.stdout.write("Không có đơn vị nào cần nhắc hôm nay.")
