"""`hienmau standby widen` (the next wave for requests past their acceptance window) and `hienmau standby match --group "O-" --component red_cells|whole_blood|platelets|plasma --units N
--on YYYY-MM-DD --near UNITCODE [--urgent] --json`: the ranked donors for an emergency request, in the
scope of the unit at --near, and the first wave's donor ids."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from hienmau.core import clock
from hienmau.core.lib.dates import format_date
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import unit_scope
from hienmau.standby.lib import matching as M
from hienmau.standby.matching import group_label, match
from hienmau.standby.services import widen_overdue


class Command(BaseCommand):
    help = "Hiến máu dự bị: tìm người hiến phù hợp khi cần máu gấp (standby match …)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        find = sub.add_parser("match", help="Danh sách người hiến phù hợp, xếp theo thứ tự nên gọi.")
        find.add_argument("--group", required=True, help="Nhóm máu cần, ví dụ O- hoặc AB+.")
        find.add_argument("--component", required=True, metavar="|".join(M.COMPONENTS), help="Chế phẩm cần.")
        find.add_argument("--units", required=True, help="Số đơn vị cần.")
        find.add_argument("--on", metavar="YYYY-MM-DD", help="Ngày cần máu (mặc định: hôm nay).")
        find.add_argument("--near", required=True, metavar="UNITCODE", help="Mã đơn vị nơi cần máu.")
        find.add_argument("--urgent", action="store_true", help="Khẩn cấp: đợt gọi đầu rộng hơn.")
        find.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        sub.add_parser(
            "widen", help="Gọi đợt tiếp cho các yêu cầu đã quá thời gian chờ trả lời mà chưa đủ người (chạy mỗi phút)."
        )

    def handle(self, *args, action, **options):
        if action == "widen":
            for request, calls in widen_overdue(clock.today()):
                self.stdout.write(f"Yêu cầu số {request.pk} ({request}): gọi thêm {len(calls)} người.")
            return
        patient = M.parse_group(options["group"] or "")
        if patient is None:
            raise CommandError(f"Nhóm máu --group “{options['group']}” không hợp lệ: ví dụ O-, A+, AB-.")
        component = (options["component"] or "").strip()
        if component not in M.COMPONENTS:
            raise CommandError(f"Chế phẩm --component “{component}” không hợp lệ: dùng {', '.join(M.COMPONENTS)}.")
        units_text = (options["units"] or "").strip()
        if not units_text.isascii() or not units_text.isdigit() or int(units_text) < 1:
            raise CommandError(f"Số đơn vị --units “{options['units']}” không hợp lệ: cần số nguyên dương.")
        on = clock.today()
        if options["on"]:
            try:
                on = datetime.date.fromisoformat(options["on"].strip())
            except ValueError:
                raise CommandError(f"Ngày --on “{options['on']}” không hợp lệ: cần dạng YYYY-MM-DD.") from None
        code = options["near"].strip()
        near = list(Unit.objects.filter(code=code).valid_on(on)[:2]) or list(Unit.objects.filter(code=code)[:2])
        if len(near) != 1:
            raise CommandError(f"Không xác định được đơn vị mã “{code}”.")
        result = match(unit_scope(near[0]), patient, component, int(units_text), on, near[0], options["urgent"])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "candidates": [
                            {
                                "donor_id": c.donor_id,
                                "name": c.name,
                                "group": group_label(c.group),
                                "eligible_from": c.eligible_from.isoformat() if c.eligible_from else None,
                                "reasons": c.reasons,
                            }
                            for c in result.candidates
                        ],
                        "wave": result.wave,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(f"{len(result.candidates)} người phù hợp; đợt gọi đầu: {len(result.wave)} người.")
        for number, c in enumerate(result.candidates, start=1):
            since = format_date(c.eligible_from) if c.eligible_from else ""
            self.stdout.write(f"{number}. {c.name} ({group_label(c.group)}), đủ điều kiện từ {since}")
            for reason in c.reasons:
                self.stdout.write(f"   - {reason}")
