import datetime
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hienmau.orgs.importer import UnitImportError, import_units_file
from hienmau.orgs.place_resolver import resolve_place
from hienmau.orgs.reference import ReferenceListError, import_reference


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Đơn vị: nhập danh mục đơn vị (units import FILE | --reference), tra địa danh (units resolve TEXT)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser(
            "import", help="Nhập danh mục đơn vị từ tệp .xlsx hoặc .csv (mã, tên, cấp, mã cấp trên)."
        )
        importer.add_argument("file", type=Path, nargs="?")
        importer.add_argument("--dry-run", action="store_true", help="Kiểm tra, không lưu gì.")
        importer.add_argument(
            "--reference",
            action="store_true",
            help="Nạp danh mục chính thức trước và sau sắp xếp năm 2025 (34 tỉnh, 3.321 xã; 63 tỉnh, 705 huyện, "
            "10.599 xã) và liên kết kế thừa.",
        )
        importer.add_argument(
            "--links",
            type=Path,
            help="Tệp CSV liên kết bổ sung (mã xã cũ, mã xã hiện hành[, tỉ lệ][, căn cứ]); "
            "mặc định var/unit_links_extra.csv nếu có.",
        )
        importer.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        resolver = sub.add_parser("resolve", help="Tìm đơn vị một địa danh (cũ hoặc mới) chỉ tới và đơn vị hiện hành.")
        resolver.add_argument("text")
        resolver.add_argument("--on", help="Ngày cần tra (YYYY-MM-DD), mặc định hôm nay.")
        resolver.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, action, **options):
        if action == "resolve":
            self._resolve(options["text"], options["on"], options["json"])
        elif options["reference"]:
            self._import_reference(options["links"], options["dry_run"], options["json"])
        elif options["file"] is None:
            raise CommandError("Cần chỉ ra tệp danh mục, hoặc dùng --reference.")
        else:
            self._import(options["file"], options["dry_run"])

    def _import_reference(self, links: Path | None, dry_run: bool, as_json: bool) -> None:

        if links is not None and not links.is_file():
            raise CommandError(f"Không tìm thấy tệp {links}.")
        started = time.monotonic()
        try:
            report = import_reference(extra_links=links, dry_run=dry_run)
        except ReferenceListError as exc:
            raise CommandError(f"Không nhập gì: {exc}") from exc
        if as_json:
            data = report.as_json()
            data["seconds"] = round(time.monotonic() - started, 1)
            data["dry_run"] = dry_run
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        prefix = "Kiểm tra xong, không lưu: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))

    def _resolve(self, text: str, on: str | None, as_json: bool) -> None:

        day = None
        if on:
            try:
                day = datetime.date.fromisoformat(on)
            except ValueError as exc:
                raise CommandError(f"Ngày “{on}” không hợp lệ; ghi theo dạng YYYY-MM-DD.") from exc
        answer = resolve_place(text, day)
        if as_json:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=1))
            return
        if answer["former"] is None and not answer["current"]:
            if answer["candidates"]:
                self.stdout.write("Chưa xác định được, có thể là:")
                for candidate in answer["candidates"]:
                    self.stdout.write(f"  {candidate['code'] or '—'}  {candidate['path']}")
            else:
                self.stdout.write("Không tìm thấy đơn vị nào khớp.")
            return
        if answer["former"]:
            self.stdout.write(f"Đơn vị cũ: {answer['former']['path']} ({answer['former']['code']})")
        for unit in answer["current"]:
            self.stdout.write(f"Nay thuộc: {unit['path']} ({unit['code']})")

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
