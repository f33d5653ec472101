from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hienmau.orgs.importer import UnitImportError, import_units_file


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Đơn vị: nhập danh mục đơn vị hành chính / cơ quan (units import FILE)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser(
            "import", help="Nhập danh mục đơn vị từ tệp .xlsx hoặc .csv (mã, tên, cấp, mã cấp trên)."
        )
        importer.add_argument("file", type=Path)
        importer.add_argument("--dry-run", action="store_true", help="Kiểm tra, không lưu gì.")

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(options["file"], options["dry_run"])

    def _import(self, path: Path, dry_run: bool) -> None:
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            with transaction.atomic():
                result = import_units_file(path)
                if dry_run:
                    raise _DryRun
        except UnitImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Không nhập gì: {len(exc.errors)} lỗi trong tệp {path.name}.") from exc
        except _DryRun:
            self.stdout.write(f"Kiểm tra xong, không lưu: {result.summary()}")
            return
        self.stdout.write(self.style.SUCCESS(result.summary()))
