import json

from django.core.management.base import BaseCommand

from hienmau.core.retention import purge_all


class Command(BaseCommand):
    help = (
        "Xoá những gì chỉ được giữ trong một thời hạn (tệp tải lên chờ xác nhận, phiên đăng nhập hết hạn, "
        "nhật ký đăng nhập, tin nhắn đã gửi); thời hạn trong HIENMAU_RETAIN_*. Chạy hằng ngày bằng cron/systemd."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, **options):
        results = purge_all()
        if options["json"]:
            self.stdout.write(json.dumps({key: count for key, _label, count in results}))
            return
        for _key, label, count in results:
            self.stdout.write(f"{label}: đã xoá {count}")
