"""`hienmau donor eligibility …`: the eligibility rules from the command line, without a database;
`hienmau donor import-history FILE --facility CODE [--dry-run] [--json]`: a facility's donation history
through the one history importer (donors/importer.py), in the operator's (whole country) scope.

    hienmau donor eligibility --sex F --dob 1990-05-12 --weight 52 --on 2026-05-01 \\
        --component whole_blood --volume 350 [--last-date 2026-03-01 --last-component whole_blood] --json

prints one JSON object {"eligible": …, "eligible_from": "YYYY-MM-DD" | null, "reasons": […]}.
Only the rule file (donors/data/eligibility_rules.json, or --rules FILE) is read.
"""

import datetime
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hienmau.core import clock
from hienmau.core.lib.dates import parse_date
from hienmau.donors.importer import HistoryImportError, import_history
from hienmau.donors.lib.eligibility import (
    COMPONENT_LABELS,
    COMPONENTS,
    DEFAULT_RULES_PATH,
    Deferral,
    PastDonation,
    Person,
    RuleFileError,
    eligibility,
    load_rule_sets,
    rules_on,
)
from hienmau.orgs.models import Unit

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COMPONENT_CHOICES = "|".join(COMPONENTS)


class Command(BaseCommand):
    help = "Người hiến máu: kiểm tra điều kiện hiến máu (donor eligibility …)."
    requires_system_checks = []  # reads only the rule file: no database, no app checks

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "eligibility",
            help="Ai được hiến máu vào một ngày, bao nhiêu ml, và từ ngày nào được hiến lại (không cần cơ sở dữ liệu).",
        )
        check.add_argument("--sex", required=True, metavar="F|M", help="Giới tính: F (nữ) hoặc M (nam).")
        check.add_argument("--dob", required=True, metavar="YYYY-MM-DD", help="Ngày sinh.")
        check.add_argument("--weight", metavar="KG", help="Cân nặng (kg); bỏ trống nếu chưa cân.")
        check.add_argument("--on", metavar="YYYY-MM-DD", help="Ngày hiến dự kiến (mặc định: hôm nay).")
        check.add_argument(
            "--component", default="whole_blood", metavar=_COMPONENT_CHOICES, help="Loại hiến (mặc định whole_blood)."
        )
        check.add_argument("--volume", metavar="ML", help="Thể tích dự kiến (ml).")
        check.add_argument("--last-date", metavar="YYYY-MM-DD", help="Ngày hiến gần nhất.")
        check.add_argument(
            "--last-component",
            metavar=_COMPONENT_CHOICES,
            help="Loại hiến lần gần nhất (mặc định whole_blood khi có --last-date).",
        )
        check.add_argument("--deferred-until", metavar="YYYY-MM-DD", help="Đang tạm hoãn: ngày đầu tiên được hiến lại.")
        check.add_argument("--deferral-reason", default="", help="Lý do tạm hoãn.")
        check.add_argument(
            "--rules",
            type=Path,
            default=DEFAULT_RULES_PATH,
            metavar="FILE",
            help="Tệp quy định (JSON) thay cho tệp mặc định.",
        )
        check.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        history = sub.add_parser(
            "import-history",
            help="Nhập lịch sử hiến máu của một cơ sở tiếp nhận (.xlsx, .csv); có thể có cột Nhóm máu "
            "và Đồng ý liên hệ khi cần máu gấp.",
        )
        history.add_argument("file", type=Path, metavar="FILE")
        history.add_argument("--facility", required=True, metavar="CODE", help="Mã cơ sở tiếp nhận máu.")
        history.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu.")
        history.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, action, **options):
        if action == "eligibility":
            self._eligibility(options)
        elif action == "import-history":
            self._import_history(options)

    def _import_history(self, options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        code = (options["facility"] or "").strip()
        facilities = list(Unit.objects.filter(code=code).valid_on(clock.today())[:2]) or list(
            Unit.objects.filter(code=code)[:2]
        )
        if len(facilities) != 1:
            raise CommandError(f"Không xác định được cơ sở tiếp nhận mã “{code}”.")
        try:
            result = import_history(path, facilities[0], dry_run=options["dry_run"])
        except HistoryImportError as exc:
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {"saved": False, "findings": [p.as_dict() for p in exc.problems]}, ensure_ascii=False, indent=2
                    )
                )
                raise CommandError(f"Tệp có {len(exc.problems)} lỗi: không lưu gì.") from exc
            raise CommandError(f"Tệp có lỗi, không lưu gì:\n{exc}") from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "saved": not options["dry_run"],
                        "rows": result.rows,
                        "donors_created": result.donors_created,
                        "donations_created": result.donations_created,
                        "already_imported": result.already_imported,
                        "held": result.held,
                        "proposed": result.proposed,
                        "placed": result.placed,
                        "placed_from_former": result.placed_from_former,
                        "findings": [],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(result.summary())
        self.stdout.write("Chạy thử: chưa lưu gì." if options["dry_run"] else "Đã lưu.")

    def _eligibility(self, options) -> None:
        sex = (options["sex"] or "").strip().upper()
        if sex not in ("F", "M"):
            raise CommandError(f"Giới tính --sex “{options['sex']}” không hợp lệ: dùng F (nữ) hoặc M (nam).")
        dob = _date(options["dob"], "Ngày sinh --dob")
        on = _date(options["on"], "Ngày hiến --on") if options["on"] else timezone.localdate()
        if dob > on:
            raise CommandError(f"Ngày sinh {dob:%d/%m/%Y} sau ngày hiến {on:%d/%m/%Y}.")
        weight = _weight(options["weight"])
        component = _component(options["component"], "--component")
        volume = _volume(options["volume"])

        last = None
        if options["last_date"]:
            last_date = _date(options["last_date"], "Ngày hiến gần nhất --last-date")
            if options["last_component"]:
                last_component = _component(options["last_component"], "--last-component")
            else:
                last_component = "whole_blood"
                self.stderr.write("Không ghi --last-component: coi lần hiến gần nhất là máu toàn phần.")
            last = PastDonation(last_date, last_component)
        elif options["last_component"]:
            raise CommandError("Có --last-component mà thiếu --last-date (ngày hiến gần nhất).")

        deferrals = []
        if options["deferred_until"]:
            deferrals.append(
                Deferral(
                    _date(options["deferred_until"], "Ngày hết tạm hoãn --deferred-until"), options["deferral_reason"]
                )
            )

        try:
            rules = rules_on(load_rule_sets(options["rules"]), on)
        except (RuleFileError, LookupError) as exc:
            raise CommandError(str(exc)) from exc

        verdict = eligibility(Person(sex, dob, weight), on, component, volume, last, deferrals, rules)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "eligible": verdict.eligible,
                        "eligible_from": verdict.eligible_from.isoformat() if verdict.eligible_from else None,
                        "reasons": verdict.reasons,
                    },
                    ensure_ascii=False,
                )
            )
            return
        label = COMPONENT_LABELS[component]
        if verdict.eligible:
            self.stdout.write(f"Đủ điều kiện hiến {label} ngày {on:%d/%m/%Y}.")
        elif verdict.eligible_from:
            self.stdout.write(
                f"Chưa được hiến {label} ngày {on:%d/%m/%Y}; được hiến từ ngày {verdict.eligible_from:%d/%m/%Y}."
            )
        else:
            self.stdout.write(f"Không đủ điều kiện hiến {label} ngày {on:%d/%m/%Y}.")
        for reason in verdict.reasons:
            self.stdout.write(f"  - {reason}")


def _date(text: str, what: str) -> datetime.date:
    value = (text or "").strip()
    try:
        if _ISO_DATE.fullmatch(value):
            day = parse_date(value)  # the table core's reader; options take its ISO form only
            if day is not None:
                return day
    except ValueError:
        raise CommandError(f"{what} “{text}” không phải ngày có thật.") from None
    raise CommandError(f"{what} “{text}” không hợp lệ: cần dạng YYYY-MM-DD, ví dụ 1990-05-12.")


def _weight(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        weight = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise CommandError(f"Cân nặng --weight “{text}” không phải số (kg).") from None
    if not weight.is_finite() or not 0 < weight < 400:
        raise CommandError(f"Cân nặng --weight “{text}” không hợp lệ: cần một số kg lớn hơn 0.")
    return float(weight)


def _volume(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    value = text.strip().removesuffix("ml").strip()
    if not value.isascii() or not value.isdigit() or int(value) <= 0:
        raise CommandError(f"Thể tích --volume “{text}” không hợp lệ: cần số ml nguyên dương, ví dụ 350.")
    return int(value)


def _component(text: str, option: str) -> str:
    value = (text or "").strip()
    if value not in COMPONENTS:
        raise CommandError(f"Loại hiến {option} “{text}” không hợp lệ: dùng một trong {', '.join(COMPONENTS)}.")
    return value
