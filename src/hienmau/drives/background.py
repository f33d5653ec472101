"""A drive's registrant list for the collecting facility as a background export (hienmau.jobs.exports):
the access check and the file, the same for the request and the worker."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hienmau.core.lib.documents import XLSX_MIME
from hienmau.drives import result_sheets
from hienmau.drives.models import Drive
from hienmau.jobs.exports import ExportFile, register_export
from hienmau.jobs.models import JobKind
from hienmau.orgs.scoping import Scope, get_visible_or_404, may_record_outcomes


def registrant_drive(scope: Scope, user, params: dict) -> Drive:
    """404 when the drive is not visible, 403 when the user may not record outcomes at it."""
    drive = get_visible_or_404(Drive.objects.visible_to(scope).select_related("organiser", "facility"), params["drive"])
    if not may_record_outcomes(scope, drive):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận kết quả ở đợt hiến máu này."))
    return drive


def registrant_name(drive: Drive, params: dict) -> str:
    return f"danh-sach-nguoi-hien-{drive.date:%Y%m%d}-{drive.pk}.xlsx"


def registrant_rows(drive: Drive) -> int:
    return drive.registrations.count()


def registrant_file(drive: Drive, params: dict) -> ExportFile:
    return ExportFile(result_sheets.facility_list_xlsx(drive), registrant_name(drive, params), XLSX_MIME)


def register() -> None:
    register_export(
        JobKind.REGISTRANT_LIST,
        check=registrant_drive,
        rows=registrant_rows,
        name=registrant_name,
        make=registrant_file,
    )
