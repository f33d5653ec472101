from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from hienmau.core.backup import BackupError, Target, restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của hienmau backup vào cơ sở dữ liệu và var/ đang cấu hình. "
        "Chỉ khôi phục vào nơi trống, trừ khi có --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Tệp sao lưu do hienmau backup tạo ra.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Xoá toàn bộ dữ liệu và tệp hiện có rồi thay bằng bản sao lưu.",
        )

    def handle(self, *args, archive, force=False, **options):
        connections.close_all()
        try:
            manifest = restore(
                Path(archive),
                Target.from_settings(connections["default"].settings_dict),
                Path(settings.VAR_DIR),
                force=force,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        files = len(manifest["files"]) - 1
        self.stdout.write(f"Đã khôi phục bản sao lưu ngày {manifest['created']}: cơ sở dữ liệu và {files} tệp.")
