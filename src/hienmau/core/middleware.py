import json
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from hienmau.core.lib.numbers import format_int

# One typed or pasted value; longer lists and documents come as files. Python's csv reader stops at
# this many characters in a field, and no form of the project needs more.
MAX_FIELD_CHARS = 131_072


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
