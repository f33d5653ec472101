import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from hienmau.core.backup import BackupError, Target, backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (SQLite hoặc PostgreSQL) và các tệp trong var/ vào một tệp .tar. "
        "Khôi phục bằng: hienmau restore TỆP."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="Tệp sao lưu sẽ ghi (mặc định: hienmau-backup-NGÀYGIỜ.tar trong thư mục hiện tại).",
        )

    def handle(self, *args, output=None, **options):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = Path(output or f"hienmau-backup-{stamp}.tar")
        try:
            manifest = backup(Target.from_settings(connections["default"].settings_dict), Path(settings.VAR_DIR), path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        files = len(manifest["files"]) - 1
        self.stdout.write(f"Đã sao lưu cơ sở dữ liệu và {files} tệp vào {path}.")
