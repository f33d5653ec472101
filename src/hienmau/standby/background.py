"""A club's roster as a background export (hienmau.jobs.exports): the access check, the file and the
access-log rows (each member's phone is in the file in full), the same for the request and the worker."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from openpyxl import Workbook

from hienmau.core import clock
from hienmau.core.lib.dates import format_date
from hienmau.core.lib.documents import XLSX_MIME, safe_cell
from hienmau.donors.models import RevealLog
from hienmau.jobs.exports import ExportFile, register_export
from hienmau.jobs.models import JobKind
from hienmau.orgs.scoping import Scope, editable_clubs, get_visible_or_404, visible_clubs
from hienmau.standby import services
from hienmau.standby.models import Club


def roster_club(scope: Scope | None, user, params: dict) -> Club:
    """The club whose roster the user may export: its chair, or an editor of the scope it is attached in."""
    club = get_visible_or_404(visible_clubs(Club.objects.select_related("unit"), scope, user), params["club"])
    if not editable_clubs(Club.objects.filter(pk=club.pk), scope, user).exists():
        raise PermissionDenied(_("Chỉ chủ nhiệm hoặc cán bộ phụ trách mới xuất danh sách."))
    return club


def roster_name(club: Club, params: dict) -> str:
    return f"danh-sach-clb-{club.pk}.xlsx"


def roster_rows(club: Club) -> int:
    return club.members.count()


def roster_file(club: Club, params: dict) -> ExportFile:
    lines = services.roster(club, clock.today())
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([safe_cell(club.name)])
    sheet.append([f"Ngày xuất: {format_date(clock.today())}"])
    sheet.append(
        [
            "STT", "Họ và tên", "Nhóm máu", "Số điện thoại", "Kênh liên lạc", "Giờ liên lạc", "Tình trạng",
            "Chưa sẵn sàng đến", "Hiến được từ", "Lần liên hệ gần nhất", "Đồng ý gọi khi cần máu gấp",
        ]
    )  # fmt: skip
    for number, line in enumerate(lines, start=1):
        member, donor = line.member, line.member.donor
        hours = ""
        if member.contact_from and member.contact_until:
            hours = f"{member.contact_from:%H:%M}–{member.contact_until:%H:%M}"
        sheet.append(
            [
                number,
                safe_cell(donor.full_name),
                donor.blood_group,
                safe_cell(donor.phone.replace("+84", "0", 1)),  # national form, as officers dial it
                member.get_channel_display(),
                hours,
                member.get_status_display(),
                format_date(member.unavailable_until) if member.unavailable_until else "",
                format_date(line.eligible_from) if line.eligible_from else "Không hiến được",
                line.last_contact.strftime("%d/%m/%Y %H:%M") if line.last_contact else "",
                "Có" if member.consent_emergency else "Không",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    access = {
        "donors": [line.member.donor_id for line in lines if line.member.donor.phone],
        "reason": _("Xuất danh sách %(club)s") % {"club": club.name},
    }
    return ExportFile(buffer.getvalue(), roster_name(club, params), XLSX_MIME, access)


def log_roster(user, access: dict) -> None:
    """Every member's phone leaves in full: one reveal-log row each, as a reveal in the app would write."""
    RevealLog.objects.bulk_create(
        RevealLog(user=user, donor_id=donor_id, field="phone", reason=access["reason"][:500])
        for donor_id in access["donors"]
    )


def register() -> None:
    register_export(
        JobKind.CLUB_LIST, check=roster_club, rows=roster_rows, name=roster_name, make=roster_file, log=log_roster
    )
