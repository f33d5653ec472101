"""Delivery backends. "console" logs, "file" writes one text file per message under var/outbox; real
gateways (SMS, Zalo OA) plug in here later with the same deliver(message) method."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("hienmau.notify")


class ConsoleBackend:
    name = "console"

    def deliver(self, message) -> None:
        logger.info("[%s → %s] %s", message.channel, message.recipient, message.body)


def outbox_dir() -> Path:
    return Path(settings.VAR_DIR) / "outbox"


def outbox_path(message) -> Path:
    return outbox_dir() / f"{message.pk:08d}-{message.channel}.txt"


class FileBackend:
    name = "file"

    def deliver(self, message) -> None:
        outbox_dir().mkdir(parents=True, exist_ok=True)
        path = outbox_path(message)
        path.write_text(f"To: {message.recipient}\nPurpose: {message.purpose}\n\n{message.body}\n", encoding="utf-8")
        path.chmod(0o600)  # a message names a person: readable by the service's account only


BACKENDS = {backend.name: backend for backend in (ConsoleBackend, FileBackend)}


def get_backend():
    name = getattr(settings, "HIENMAU_NOTIFY_BACKEND", "console")
    try:
        return BACKENDS[name]()
    except KeyError as exc:
        raise ValueError(f"HIENMAU_NOTIFY_BACKEND={name!r}: expected one of {sorted(BACKENDS)}") from exc
