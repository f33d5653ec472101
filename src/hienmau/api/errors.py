"""Every API error as JSON {"code": ..., "message": <Vietnamese>} (plus `rows` for a refused push)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

MESSAGES = {
    "not_authenticated": _("Cần khoá truy cập (tiêu đề Authorization: Bearer <khoá>)."),
    "authentication_failed": _("Khoá truy cập không đúng hoặc đã bị thu hồi."),
    "permission_denied": _("Vai trò của khoá này không được làm việc này."),
    "not_found": _("Không tìm thấy, hoặc ngoài phạm vi của khoá này."),
    "method_not_allowed": _("Phương thức không được hỗ trợ ở địa chỉ này."),
    "not_acceptable": _("Chỉ trả về JSON."),
    "unsupported_media_type": _("Chỉ nhận dữ liệu JSON."),
    "throttled": _("Quá nhiều yêu cầu; thử lại sau ít phút."),
    "parse_error": _("Dữ liệu gửi lên không đọc được (JSON không hợp lệ)."),
    "invalid": _("Dữ liệu không hợp lệ."),
}


class Conflict(exceptions.APIException):
    """A push that contradicts what is recorded: nothing was written; `rows` names the rows."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, message: str, rows: list[dict]):
        super().__init__(message)
        self.rows = rows


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [f"{key}: {m}" if key != "non_field_errors" else m for key, v in detail.items() for m in _messages(v)]
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item)]
    return [str(detail)]


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if exc.args and exc.args[0] else None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.messages)
    response = exception_handler(exc, context)
    if response is None:
        return None
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    code = codes if isinstance(codes, str) else ("invalid" if isinstance(exc, exceptions.ValidationError) else "error")
    body: dict = {"code": code}
    if isinstance(exc, exceptions.ValidationError):
        body["message"] = " ".join(_messages(exc.detail)) or MESSAGES["invalid"]
        body["fields"] = exc.detail if isinstance(exc.detail, dict) else {}
    elif isinstance(exc, Conflict):
        body["message"] = str(exc.detail)
        body["rows"] = exc.rows
    elif isinstance(exc, exceptions.Throttled):
        body["message"] = MESSAGES["throttled"]
    else:
        default = str(type(exc).default_detail) if hasattr(type(exc), "default_detail") else ""
        own = str(exc.detail) if hasattr(exc, "detail") else ""
        body["message"] = own if own and own != default else MESSAGES.get(code, _("Có lỗi xảy ra."))
    response.data = body
    return response
