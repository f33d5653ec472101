"""The approved honours list and its certificates as a background export (hienmau.jobs.exports): the
access check and the file, the same for the request and the worker."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from hienmau.core.lib.documents import XLSX_MIME
from hienmau.core.lib.text import fold
from hienmau.donors.certificates import safe_filename_part
from hienmau.honours import exports, services
from hienmau.honours.models import HonourRound
from hienmau.jobs.exports import ExportFile, register_export
from hienmau.jobs.models import JobKind
from hienmau.orgs.scoping import Scope, get_visible_or_404

LIST_FORMATS = {
    "pdf": (exports.list_pdf, "pdf", "application/pdf"),
    "xlsx": (exports.list_xlsx, "xlsx", XLSX_MIME),
    "certificates": (exports.certificates_pdf, "giay-khen.pdf", "application/pdf"),
}


def list_round(scope: Scope, user, params: dict) -> HonourRound:
    """The round whose approved list the scope may print (a draft is not printed)."""
    if params.get("kind") not in LIST_FORMATS:
        raise Http404
    honour_round = get_visible_or_404(services.visible_rounds(scope), params["round"])
    if honour_round.is_draft:
        raise PermissionDenied(_("Hãy duyệt danh sách trước khi in."))
    return honour_round


def list_name(honour_round: HonourRound, params: dict) -> str:
    kind = params["kind"]
    stem = safe_filename_part(f"ton-vinh-{honour_round.cutoff:%Y%m%d}-{fold(honour_round.unit.name)}")
    suffix = LIST_FORMATS[kind][1]
    return f"{stem}-{suffix}" if kind == "certificates" else f"{stem}.{suffix}"


def list_rows(honour_round: HonourRound) -> int:
    return honour_round.honours.count()


def list_file(honour_round: HonourRound, params: dict) -> ExportFile:
    make, _suffix, content_type = LIST_FORMATS[params["kind"]]
    return ExportFile(make(honour_round), list_name(honour_round, params), content_type)


def register() -> None:
    register_export(JobKind.HONOUR_LIST, check=list_round, rows=list_rows, name=list_name, make=list_file)
