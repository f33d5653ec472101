"""Messages are sent once per purpose, through the configured backend; a gateway failure is recorded."""

import logging

import pytest

from hienmau.notify import backends
from hienmau.notify.backends import ConsoleBackend, FileBackend, get_backend
from hienmau.notify.models import Message
from hienmau.notify.services import send


@pytest.fixture
def file_backend(settings, tmp_path):
    settings.HIENMAU_NOTIFY_BACKEND = "file"
    settings.VAR_DIR = tmp_path
    return tmp_path / "outbox"


def test_send_delivers_once_per_purpose(db, file_backend):
    first, sent = send("sms", "0912345678", "Nhắc lịch hiến máu", "drive:1:reminder:7")
    assert sent is True
    assert first.sent_at is not None and first.error == "" and first.backend == "file"
    again, sent_again = send("sms", "0912345678", "Nhắc lịch hiến máu (lần 2)", "drive:1:reminder:7")
    assert sent_again is False
    assert again.pk == first.pk and again.body == "Nhắc lịch hiến máu"
    assert Message.objects.count() == 1
    files = list(file_backend.iterdir())
    assert [f.name for f in files] == [f"{first.pk:08d}-sms.txt"]
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("To: 0912345678\nPurpose: drive:1:reminder:7\n") and "Nhắc lịch hiến máu" in text


def test_console_backend_logs_the_message(db, settings, caplog):
    settings.HIENMAU_NOTIFY_BACKEND = "console"
    with caplog.at_level(logging.INFO, logger="hienmau.notify"):
        message, sent = send("email", "a@example.vn", "Cảm ơn bạn", "donation:5:thanks")
    assert sent and message.backend == "console"
    assert "[email → a@example.vn] Cảm ơn bạn" in caplog.text


def test_a_gateway_failure_is_recorded_not_raised(db, settings, monkeypatch):
    class Broken:
        name = "broken"

        def deliver(self, message):
            raise RuntimeError("gateway down " + "x" * 400)

    monkeypatch.setitem(backends.BACKENDS, "broken", Broken)
    settings.HIENMAU_NOTIFY_BACKEND = "broken"
    message, sent = send("sms", "0912345678", "Nhắc lịch", "drive:2:reminder:1")
    assert sent is True
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.error.startswith("gateway down") and len(message.error) == 255


def test_a_racing_duplicate_returns_the_stored_message(db, settings, monkeypatch):
    settings.HIENMAU_NOTIFY_BACKEND = "console"
    stored = Message.objects.create(channel="sms", recipient="1", body="b", purpose="p:1", backend="console")
    # The first lookup misses (another request inserts between the check and the insert).
    real_filter = Message.objects.filter
    calls = []

    def filter_missing_once(*args, **kwargs):
        calls.append(kwargs)
        qs = real_filter(*args, **kwargs)
        return qs.none() if len(calls) == 1 else qs

    monkeypatch.setattr(Message.objects, "filter", filter_missing_once)
    message, sent = send("sms", "2", "other", "p:1")
    assert sent is False and message.pk == stored.pk and message.body == "b"
    assert Message.objects.count() == 1


def test_unknown_backend_names_the_choices(settings):
    settings.HIENMAU_NOTIFY_BACKEND = "pigeon"
    with pytest.raises(ValueError, match=r"HIENMAU_NOTIFY_BACKEND='pigeon': expected one of \['console', 'file'\]"):
        get_backend()


def test_backends_are_chosen_by_name(settings):
    settings.HIENMAU_NOTIFY_BACKEND = "file"
    assert isinstance(get_backend(), FileBackend)
    settings.HIENMAU_NOTIFY_BACKEND = "console"
    assert isinstance(get_backend(), ConsoleBackend)


def test_message_str_names_channel_and_purpose():
    assert str(Message(channel="zalo", purpose="drive:3:reminder:9")) == "Zalo — drive:3:reminder:9"
