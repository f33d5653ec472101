"""Reads from a PostgreSQL streaming replica, for reports and dashboards only.

`HIENMAU_REPLICA_URL` names the replica (a hot standby fed by PostgreSQL's own streaming replication;
`scripts/replica` starts one on this machine). Without it everything reads and writes the primary.

- Views that only read figures (achievement, dashboard) run inside `replica_reads`: their queries go
  to the replica through `ReplicaRouter`. Everything else, and every write, uses the primary.
- Read your writes: a user who has just saved something (any successful POST, PUT, PATCH or DELETE,
  remembered in the session by `ReadYourWritesMiddleware`) reads from the primary for
  HIENMAU_REPLICA_STICKY_SECONDS (30 by default), longer than the replica usually lags.
- A replica that does not answer (stopped, unreachable, connection broken) is left alone for
  RETRY_SECONDS and the reads go to the primary: the page is served, a warning is logged.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.utils.connection import ConnectionDoesNotExist

REPLICA = "replica"
RETRY_SECONDS = 30.0
SESSION_KEY = "hienmau_wrote_at"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

logger = logging.getLogger(__name__)
_reading: ContextVar[bool] = ContextVar("hienmau_replica_reads", default=False)
_down_until = 0.0


def configured() -> bool:
    """A replica is named and reads from it are on (HIENMAU_REPLICA_READS=0 sends them to the primary)."""
    if not getattr(settings, "HIENMAU_REPLICA_READS", True):
        return False
    try:
        connections[REPLICA]
    except ConnectionDoesNotExist:
        return False
    return True


def sticky_seconds() -> float:
    return float(getattr(settings, "HIENMAU_REPLICA_STICKY_SECONDS", 30))


def available() -> bool:
    """Whether the replica answers now (a broken connection is closed and opened again once)."""
    global _down_until
    if not configured() or time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
        return True
    except DatabaseError as exc:
        _down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("replica unavailable, reading from the primary for %.0f s: %s", RETRY_SECONDS, exc)
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None
        return False


def recently_wrote(request: HttpRequest | None) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return False
    wrote_at = session.get(SESSION_KEY)
    return isinstance(wrote_at, int | float) and time.time() - wrote_at < sticky_seconds()


@contextmanager
def replica_reads(request: HttpRequest | None = None) -> Iterator[bool]:
    """Inside, reads go to the replica when it answers and the user has not just saved something;
    yields whether they do."""
    use = not recently_wrote(request) and available()
    token = _reading.set(use)
    try:
        yield use
    finally:
        _reading.reset(token)


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view that only reads figures: its queries go to the replica (see replica_reads)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with replica_reads(request):
            response = view(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                render()  # a TemplateResponse reads while rendering: do it here, still on the replica
            return response

    return wrapped


class ReplicaRouter:
    """Reads inside replica_reads go to the replica; all else to the primary; migrations never touch
    the replica (it follows the primary's schema by replication)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return REPLICA if _reading.get() else None

    def db_for_write(self, model: type, **hints: Any) -> str:
        return "default"

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReadYourWritesMiddleware:
    """Remember in the session when a user last saved something, so their next pages read the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            request.method in UNSAFE_METHODS
            and response.status_code < 400
            and session is not None
            and user is not None
            and user.is_authenticated
            and configured()
        ):
            session[SESSION_KEY] = time.time()
        return response
