"""A local stand-in for an SMS gateway and Zalo OA, for the test suite and for trying the system out
(`hienmau notify fake-gateway --port 8025`): it accepts what the sms_http and zalo backends post, answers
with a message id, delivers each idempotency key once, and can be told to fail (5xx) or to stall
(longer than the client's timeout) for the next requests. GET /messages lists what it delivered."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class GatewayState:
    delivered: list[dict] = field(default_factory=list)
    requests: int = 0
    duplicates: int = 0
    fail_next: list[int] = field(default_factory=list)  # HTTP status codes to answer, one per request
    stall_next: int = 0  # requests to leave unanswered for `stall_seconds`
    stall_seconds: float = 2.0
    journal: Path | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    state: GatewayState

    def log_message(self, format, *args):
        pass

    def _answer(self, code: int, payload: dict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with self.state.lock:
            delivered = list(self.state.delivered)
        self._answer(200, {"messages": delivered})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        state = self.state
        with state.lock:
            state.requests += 1
            failure = state.fail_next.pop(0) if state.fail_next else None
            stall = state.stall_next > 0
            if stall:
                state.stall_next -= 1
        if stall:
            time.sleep(state.stall_seconds)
            return  # no answer: the client's timeout fires
        if failure:
            self._answer(failure, {"error": "simulated failure"})
            return
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._answer(400, {"error": "not JSON"})
            return
        if self.path.startswith("/zalo"):
            to, text = (body.get("recipient") or {}).get("user_id"), (body.get("message") or {}).get("text")
        else:
            to, text = body.get("to"), body.get("text")
        if not to or not text:
            self._answer(400, {"error": "to and text are required"})
            return
        key = self.headers.get("Idempotency-Key") or body.get("client_ref") or ""
        with state.lock:
            if key and key in state.ids:
                state.duplicates += 1
                message_id = state.ids[key]
            else:
                message_id = f"fake-{len(state.delivered) + 1}"
                if key:
                    state.ids[key] = message_id
                entry = {"id": message_id, "to": to, "text": text, "key": key, "path": self.path}
                state.delivered.append(entry)
                if state.journal is not None:
                    with state.journal.open("a", encoding="utf-8") as journal:
                        journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
        if self.path.startswith("/zalo"):
            self._answer(200, {"error": 0, "message": "Success", "data": {"message_id": message_id}})
        else:
            self._answer(200, {"id": message_id, "status": "accepted"})


class FakeGateway:
    """Start with `start()`; `url` is the SMS endpoint, `zalo_url` the Zalo one."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, journal: Path | None = None):
        self.state = GatewayState(journal=journal)
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else host
        return f"http://{host_text}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base}/sms"

    @property
    def zalo_url(self) -> str:
        return f"{self.base}/zalo"

    def start(self) -> FakeGateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def delivered(self) -> list[dict]:
        with self.state.lock:
            return list(self.state.delivered)
