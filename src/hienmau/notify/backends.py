"""Delivery backends, one per way out, each with deliver(message) → the gateway's message id ("" when it
gives none). A backend raises TransientError when trying again later may work (timeout, connection
refused, 5xx, 429) and PermanentError when it will not (the gateway refused the message itself).

- console: logs; file: one text file per message under var/outbox (the defaults, nothing leaves);
- email: Django's mail (EMAIL_* settings);
- sms_http: an HTTP SMS gateway (HIENMAU_SMS_URL, HIENMAU_SMS_TOKEN, HIENMAU_SMS_SENDER): POST JSON
  {"to", "text", "sender", "client_ref"} with the idempotency key as Idempotency-Key header and client_ref,
  so a gateway never delivers one message twice even when our retry follows a lost answer;
- zalo: Zalo Official Account API (HIENMAU_ZALO_URL, HIENMAU_ZALO_ACCESS_TOKEN): the recipient is the
  follower's Zalo user id.

Which backend a channel uses: HIENMAU_NOTIFY_BACKENDS {"sms": "sms_http", …}, else HIENMAU_NOTIFY_BACKEND.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger("hienmau.notify")


class DeliveryError(Exception):
    pass


class TransientError(DeliveryError):
    """Worth trying again later."""


class PermanentError(DeliveryError):
    """The gateway refused the message itself: trying again will not help."""


class ConsoleBackend:
    name = "console"

    def deliver(self, message) -> str:
        logger.info("[%s → %s] %s", message.channel, message.recipient, message.body)
        return ""


def outbox_dir() -> Path:
    return Path(settings.VAR_DIR) / "outbox"


def outbox_path(message) -> Path:
    return outbox_dir() / f"{message.pk:08d}-{message.channel}.txt"


class FileBackend:
    name = "file"

    def deliver(self, message) -> str:
        outbox_dir().mkdir(parents=True, exist_ok=True)
        path = outbox_path(message)
        path.write_text(f"To: {message.recipient}\nPurpose: {message.purpose}\n\n{message.body}\n", encoding="utf-8")
        path.chmod(0o600)  # a message names a person: readable by the service's account only
        return ""


class EmailBackend:
    name = "email"

    def deliver(self, message) -> str:
        subject = getattr(settings, "HIENMAU_EMAIL_SUBJECT", "Hiến máu tình nguyện")
        try:
            send_mail(subject, message.body, None, [message.recipient])
        except (TimeoutError, OSError) as exc:
            raise TransientError(f"Máy chủ thư không nhận thư: {exc}") from exc
        return ""


def post_json(url: str, payload: dict, headers: dict[str, str], timeout: float) -> dict:
    """POST JSON and read a JSON answer; timeouts, refused connections, 5xx and 429 are transient."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            text = answer.read().decode("utf-8") or "{}"
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise TransientError(f"Cổng gửi trả lỗi {exc.code}.") from exc
        raise PermanentError(f"Cổng gửi từ chối tin (mã {exc.code}).") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise TransientError(f"Không kết nối được cổng gửi: {getattr(exc, 'reason', exc)}") from exc
    try:
        answer_json = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TransientError("Cổng gửi trả lời không đọc được.") from exc
    return answer_json if isinstance(answer_json, dict) else {}


def _timeout() -> float:
    return float(getattr(settings, "HIENMAU_NOTIFY_TIMEOUT", 10))


class SmsHttpBackend:
    name = "sms_http"

    def deliver(self, message) -> str:
        url = getattr(settings, "HIENMAU_SMS_URL", "")
        if not url:
            raise PermanentError("Chưa cấu hình HIENMAU_SMS_URL cho cổng SMS.")
        payload = {
            "to": message.recipient,
            "text": message.body,
            "sender": getattr(settings, "HIENMAU_SMS_SENDER", ""),
            "client_ref": message.purpose,
        }
        headers = {"Idempotency-Key": message.purpose}
        token = getattr(settings, "HIENMAU_SMS_TOKEN", "")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        answer = post_json(url, payload, headers, _timeout())
        return str(answer.get("id") or answer.get("message_id") or "")[:100]


class ZaloBackend:
    name = "zalo"

    def deliver(self, message) -> str:
        url = getattr(settings, "HIENMAU_ZALO_URL", "https://openapi.zalo.me/v3.0/oa/message/cs")
        token = getattr(settings, "HIENMAU_ZALO_ACCESS_TOKEN", "")
        if not token:
            raise PermanentError("Chưa cấu hình HIENMAU_ZALO_ACCESS_TOKEN cho Zalo OA.")
        payload = {"recipient": {"user_id": message.recipient}, "message": {"text": message.body}}
        answer = post_json(url, payload, {"access_token": token, "Idempotency-Key": message.purpose}, _timeout())
        error = answer.get("error", 0)
        if error not in (0, "0", None):
            # Zalo answers 200 with an error code; negative codes below -200 are about the message or user.
            raise PermanentError(f"Zalo OA từ chối tin: {answer.get('message', error)}")
        return str((answer.get("data") or {}).get("message_id", ""))[:100]


BACKENDS = {
    backend.name: backend for backend in (ConsoleBackend, FileBackend, EmailBackend, SmsHttpBackend, ZaloBackend)
}


def backend_name(channel: str | None = None) -> str:
    per_channel = getattr(settings, "HIENMAU_NOTIFY_BACKENDS", {}) or {}
    return str(per_channel.get(channel) or getattr(settings, "HIENMAU_NOTIFY_BACKEND", "console"))


def get_backend(channel: str | None = None, name: str | None = None):
    name = name or backend_name(channel)
    try:
        return BACKENDS[name]()
    except KeyError as exc:
        raise ValueError(f"notify backend {name!r}: expected one of {sorted(BACKENDS)}") from exc
