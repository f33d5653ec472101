import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from hienmau.core.lib.numbers import format_int
from hienmau.reports import synthetic


class Command(BaseCommand):
    help = "Dữ liệu mẫu cho đo hiệu năng (bench seed)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser(
            "seed",
            help="Nạp bộ dữ liệu tổng hợp (tự tạo, không phải người thật) ở quy mô một tỉnh hoặc toàn quốc.",
        )
        seed.add_argument(
            "--scale",
            required=True,
            choices=("province", "national"),
            help="province: một tỉnh (khoảng 180.000 người hiến); national: 34 tỉnh, 6.000.000 người hiến, "
            "18.000.000 lần hiến trong mười năm.",
        )
        seed.add_argument("--seed", type=int, default=1, help="Hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu.")
        seed.add_argument(
            "--province",
            default=synthetic.DEFAULT_PROVINCE,
            help="Mã tỉnh với --scale province (mặc định 33, Hưng Yên).",
        )
        seed.add_argument("--donors", type=int, help="Số người hiến (mặc định theo quy mô).")
        seed.add_argument("--until", help="Ngày cuối có kết quả, YYYY-MM-DD (mặc định hôm nay).")
        seed.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, action, **options):
        until = None
        if options.get("until"):
            try:
                until = datetime.date.fromisoformat(options["until"])
            except ValueError as exc:
                raise CommandError(f"Ngày “{options['until']}” không hợp lệ (cần dạng YYYY-MM-DD).") from exc
        try:
            report = synthetic.seed(
                options["scale"],
                seed_value=options["seed"],
                province=options["province"],
                donors=options.get("donors"),
                until=until,
            )
        except synthetic.SeedError as exc:
            raise CommandError(str(exc)) from exc
        data = report.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"Đã nạp dữ liệu mẫu ({data['scale']}, hạt giống {data['seed']}, đến {report.until:%d/%m/%Y}): "
            f"{format_int(data['units'])} đơn vị mới, {format_int(data['plans'])} kế hoạch, "
            f"{format_int(data['allocations'])} dòng phân bổ, {format_int(data['drives'])} đợt hiến máu, "
            f"{format_int(data['donors'])} người hiến, {format_int(data['donations'])} lần hiến, "
            f"{format_int(data['results'])} dòng kết quả trong {data['seconds']:.0f} giây."
        )
