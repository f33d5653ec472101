"""DRF authentication by `Authorization: Bearer hm_…`: the token's membership becomes `request.scope`,
the same Scope the pages get from the unit switcher (orgs.scoping.build_scope)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from hienmau.api.tokens import find_token
from hienmau.orgs.scoping import build_scope

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải có dạng “Bearer <khoá>”."))
        token = find_token(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("Khoá truy cập không đúng hoặc đã bị thu hồi."))
        request._request.scope = build_scope(token.membership)
        request._request.api_token = token
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Khoá truy cập tạo ở trang Tài khoản › Khoá API."}
