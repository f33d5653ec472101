"""`hienmau drive check-list FILE --drive-date YYYY-MM-DD [--json]`: a unit's registrant list checked
line by line for a drive day, without a database and without saving anything.

    hienmau drive check-list danh-sach.xlsx --drive-date 2021-07-09 --json

prints one JSON object {"lines": [{"line": 1, "name": "…", "verdict": "ok", "messages": []}, …]}, line 1
being the first data row under the header (blank rows are not counted). The last-donation check uses only
the list's own "Lần hiến gần nhất" / "Thành phần lần trước" columns; the registry is never read.
"""

import datetime
import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hienmau.core.clock import today
from hienmau.core.lib.dates import parse_date
from hienmau.donors.lib.eligibility import DEFAULT_RULES_PATH, RuleFileError, load_rule_sets
from hienmau.drives.lib.registrant_list import (
    KIND_LABELS,
    VERDICT_LABELS,
    ListFormatError,
    check_lines,
    read_list_file,
)
from hienmau.drives.models import Drive
from hienmau.drives.services import send_reminders

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Command(BaseCommand):
    help = "Đợt hiến máu: kiểm tra danh sách trích ngang (drive check-list FILE --drive-date YYYY-MM-DD)."
    requires_system_checks = []  # reads the list and the rule file only: no database, no app checks

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "check-list",
            help="Kiểm tra từng dòng của danh sách đăng ký hiến máu (.xlsx, .csv hoặc văn bản dán .txt) "
            "cho một ngày hiến máu; không lưu gì, không cần cơ sở dữ liệu.",
        )
        check.add_argument("file", type=Path, help="Tệp danh sách: .xlsx (trang đầu), .csv hoặc .txt.")
        check.add_argument("--drive-date", required=True, metavar="YYYY-MM-DD", help="Ngày hiến máu.")
        check.add_argument(
            "--rules",
            type=Path,
            default=DEFAULT_RULES_PATH,
            metavar="FILE",
            help="Tệp quy định tiêu chuẩn hiến máu (JSON) thay cho tệp mặc định.",
        )
        check.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        remind = sub.add_parser("remind", help="Gửi nhắc lịch cho người đã đăng ký các đợt hiến máu sắp tới.")
        remind.add_argument("--days", type=int, default=1, help="Nhắc các đợt diễn ra sau N ngày (mặc định 1).")

    def handle(self, *args, action, **options):
        if action == "check-list":
            self._check_list(options["file"], options["drive_date"], options["rules"], options["json"])
        elif action == "remind":
            self._remind(options["days"])

    def _remind(self, days: int) -> None:
        # Sending needs the database, unlike check-list; imported here so check-list stays database-free.
        day = today() + datetime.timedelta(days=days)
        for drive in Drive.objects.filter(date=day):
            self.stdout.write(f"{drive}: đã gửi {send_reminders(drive)} tin nhắc.")

    def _check_list(self, path: Path, drive_date_text: str, rules_path: Path, as_json: bool) -> None:
        drive_date = _date(drive_date_text)
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        if not path.is_file():
            raise CommandError(f"{path} không phải một tệp.")
        try:
            rule_sets = load_rule_sets(rules_path)
        except RuleFileError as exc:
            raise CommandError(str(exc)) from exc
        try:
            rows = read_list_file(path)
            result = check_lines(rows, drive_date, rule_sets)
        except ListFormatError as exc:
            raise CommandError(f"Không kiểm tra được danh sách {path.name}: {exc}") from exc
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self._summary(path, result)

    def _summary(self, path: Path, result) -> None:
        lines = result.lines
        self.stdout.write(
            f"Danh sách {path.name}, ngày hiến máu {result.drive_date:%d/%m/%Y}: "
            f"{len(lines)} dòng (dòng tiêu đề là dòng {result.header_row} của tệp)."
        )
        if not lines:
            self.stdout.write("Danh sách không có dòng nào dưới dòng tiêu đề.")
            return
        kinds = {kind: sum(1 for line in lines if line.kind == kind) for kind in KIND_LABELS}
        self.stdout.write("Hiến " + ", ".join(f"{KIND_LABELS[kind]}: {n}" for kind, n in kinds.items()) + ".")
        for verdict, count in result.counts().items():
            self.stdout.write(f"  {VERDICT_LABELS[verdict]} ({verdict}): {count}")
        flagged = [line for line in lines if not line.ok or line.warnings]
        if not flagged:
            self.stdout.write("Mọi dòng đều hợp lệ.")
            return
        self.stdout.write("Các dòng cần xem lại:")
        for line in flagged:
            name = line.name or "(chưa có họ tên)"
            self.stdout.write(f"Dòng {line.line} (dòng {line.row} của tệp) — {name}: {VERDICT_LABELS[line.verdict]}")
            for message in line.messages:
                self.stdout.write(f"    - {message}")
            for warning in line.warnings:
                self.stdout.write(f"    * Lưu ý: {warning}")


def _date(text: str) -> datetime.date:
    text = (text or "").strip()
    if not _ISO_DATE.fullmatch(text):
        raise CommandError(
            f"Ngày hiến máu --drive-date “{text}” không hợp lệ: ghi theo dạng YYYY-MM-DD, ví dụ 2021-07-09."
        )
    try:
        day = parse_date(text)  # the table core's reader; options take its ISO form only
        if day is None:
            raise ValueError(text)
        return day
    except ValueError as exc:
        raise CommandError(f"Ngày hiến máu --drive-date “{text}” không phải ngày có thật.") from exc
