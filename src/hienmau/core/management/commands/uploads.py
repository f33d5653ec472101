from django.core.management.base import BaseCommand

from hienmau.core.uploads import MAX_AGE, purge_old_uploads


class Command(BaseCommand):
    help = "Tệp tải lên chờ xác nhận: uploads purge xoá các tệp quá một ngày (chạy hằng giờ bằng cron/systemd)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="Xoá các tệp tải lên chưa được xác nhận hoặc huỷ sau một ngày.")
        purge.add_argument("--hours", type=int, default=int(MAX_AGE.total_seconds() // 3600))

    def handle(self, *args, action, **options):
        import datetime

        if action == "purge":
            removed = purge_old_uploads(datetime.timedelta(hours=options["hours"]))
            self.stdout.write(f"Đã xoá {len(removed)} tệp tải lên quá hạn.")
