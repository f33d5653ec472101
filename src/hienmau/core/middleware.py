import json
import logging
import sys
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from hienmau.core.lib.numbers import format_int

# One typed or pasted value; longer lists and documents come as files. Python's csv reader stops at
# this many characters in a field, and no form of the project needs more.
MAX_FIELD_CHARS = 131_072
# Seconds a client is asked to wait before sending again after the database dropped the connection.
RETRY_AFTER_SECONDS = 10
REDO_ATTRIBUTE = "hienmau_redo"

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware:
    """Vietnamese unless the user picked another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an officer whose browser
    happens to be set to English would get English pages; here only the explicit choice counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class InputGuardMiddleware:
    """Refuses, before any view, what no page accepts and PostgreSQL cannot take: a NUL character in a
    query or form value (`?q=%00`), a single value over MAX_FIELD_CHARS characters, a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE. The answer is a 400 with a Vietnamese message (JSON for JSON callers);
    nothing reaches a view, so nothing is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problem = self._problem(request)
        except RequestDataTooBig:
            problem = _("Dữ liệu gửi lên quá lớn; hãy gửi tệp thay vì dán nội dung dài.")
        if problem is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):  # the JSON API's error shape (hienmau/api/errors.py)
            return JsonResponse({"code": "invalid_input", "message": problem}, status=400)
        if request.content_type == "application/json" or "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"ok": False, "error": problem}, status=400)
        return render(request, "400.html", {"message": problem}, status=400)

    def _problem(self, request) -> str | None:
        values = [text for key, items in request.GET.lists() for text in (key, *items)]
        if request.method in ("POST", "PUT", "PATCH"):
            if request.content_type == "application/json":
                values += _json_strings(request.body)
            elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                values += [text for key, items in request.POST.lists() for text in (key, *items)]
        for text in values:
            if "\x00" in text:
                return _("Dữ liệu gửi lên có ký tự rỗng (NUL), không hợp lệ; không có gì được lưu.")
            if len(text) > MAX_FIELD_CHARS:
                return _(
                    "Một ô nhập dài %(length)s ký tự, quá mức cho phép (%(limit)s); không có gì được lưu. "
                    "Danh sách hay văn bản dài, hãy tải lên dưới dạng tệp."
                ) % {"length": format_int(len(text)), "limit": format_int(MAX_FIELD_CHARS)}
        return None


def _json_strings(body: bytes) -> list[str]:
    """Every key and string value of a JSON body (an unreadable body is the view's to refuse)."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return []
    found, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            found += [key for key in item if isinstance(key, str)]
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item
    return found


class IdleSessionMiddleware:
    """A signed-in session ends after SESSION_COOKIE_AGE seconds without a request (idle timeout).

    Django sets a session's expiry when it is saved; touching the session at most once a minute saves it
    again, pushing the expiry forward without writing on every request (SESSION_SAVE_EVERY_REQUEST)."""

    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(request.session.get("_seen", 0)) >= self.TOUCH_EVERY:
                request.session["_seen"] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not set: Permissions-Policy (settings)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions = settings.HIENMAU_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


def redo_on_fault(request, text: str) -> None:
    """What the person must do again if the database connection drops while this request saves: the
    view names its own action ("bấm “Duyệt” lại"), DatabaseFaultMiddleware says it. Views that say
    nothing get the generic advice (reload the page, send the form or the file again)."""
    setattr(request, REDO_ATTRIBUTE, text)


def fault_message(request) -> str:
    """The Vietnamese answer to a request whose database connection was lost in the middle."""
    redo = getattr(request, REDO_ATTRIBUTE, "")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return _("Mất kết nối tới cơ sở dữ liệu khi đang tải trang. %(redo)s") % {
            "redo": redo or _("Hãy tải lại trang sau ít phút.")
        }
    if not redo:
        redo = (
            _("Hãy chọn lại tệp và gửi lại sau ít phút.")
            if request.FILES
            else _("Hãy quay lại trang trước và làm lại thao tác sau ít phút.")
        )
    return _(
        "Mất kết nối tới cơ sở dữ liệu giữa chừng nên thao tác vừa rồi chưa được lưu: "
        "không có gì được ghi dở dang. %(redo)s"
    ) % {"redo": redo}


class DatabaseFaultMiddleware:
    """A database connection lost in the middle of a request (the server restarted or failed over, the
    network dropped, the backend was terminated) or a transaction the server rolled back (deadlock,
    serialisation failure) reaches the person as a Vietnamese page or JSON answer (503, Retry-After)
    saying nothing was saved and what to do again, never as a 500 traceback.

    Every save path writes in one transaction.atomic(), so the lost transaction is rolled back whole by
    the server; the broken connection is closed here, so the answer (and the next request) opens a new
    one. tests/core/test_dropped_connection.py terminates the backend in the middle of each kind of save."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        return database_fault_response(request, exception)


def server_error(request):
    """handler500. A connection lost before the view runs (the session or the user read by a middleware)
    never reaches DatabaseFaultMiddleware.process_exception; it gets the same 503 here. Anything else is
    Django's own 500 with the project's Vietnamese 500.html, which reads nothing from the database."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        return database_fault_response(request, exception)
    return defaults.server_error(request)


def database_fault_response(request, exception) -> HttpResponse:
    logger.warning("database fault during %s %s: %s", request.method, request.path, exception)
    close_broken_connections()
    message = fault_message(request)
    if request.path.startswith("/api/"):  # the JSON API's error shape (hienmau/api/errors.py)
        response: HttpResponse = JsonResponse({"code": "database_unavailable", "message": message}, status=503)
    elif request.content_type == "application/json" or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"ok": False, "error": message}, status=503)
    else:
        try:
            response = render(request, "503.html", {"message": message}, status=503)
        except DatabaseError:  # still down: the page's layout reads the user's units
            close_broken_connections()
            response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def close_broken_connections() -> None:
    """Close every connection that failed and no longer answers, so the next query opens a new one (a
    connection inside a transaction is left to the transaction, which closes it on a failed rollback).
    Used by DatabaseFaultMiddleware and by the background jobs' runner."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or connection.in_atomic_block:
            continue
        if connection.errors_occurred and not connection.is_usable():
            try:
                connection.close()
            except DatabaseError:
                connection.connection = None
