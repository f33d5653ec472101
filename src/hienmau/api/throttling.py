from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from hienmau.core.ratelimit import client_ip


class PerTokenThrottle(SimpleRateThrottle):
    """HIENMAU_API_REQUESTS_PER_MINUTE per token, or per address for requests without one (read at each
    request, so the setting can be changed in tests and deployments alike). The address is the one the
    login limits use (core.ratelimit.client_ip: X-Forwarded-For only behind HIENMAU_PROXY_COUNT proxies)."""

    scope = "api"

    def get_rate(self) -> str:
        return f"{settings.HIENMAU_API_REQUESTS_PER_MINUTE}/min"

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        token = request.auth
        ident = f"token-{token.pk}" if token is not None else f"addr-{client_ip(request._request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
