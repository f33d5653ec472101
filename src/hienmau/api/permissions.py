from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class HasScope(BasePermission):
    """A token acting as a membership (request.scope set by the authentication); nothing without one."""

    message = _("Cần khoá truy cập (tiêu đề Authorization: Bearer <khoá>).")

    def has_permission(self, request, view) -> bool:
        return request.auth is not None and getattr(request._request, "scope", None) is not None
