"""The outbox: one message per idempotency key, delivered after the caller commits through the configured
backend; failures recorded and retried by `notify send-due`, never lost and never sent twice; opt-out,
quiet hours and the per-person rate limit (emergencies excepted)."""

import datetime
import json
import logging
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from hienmau.core.clock import frozen
from hienmau.notify import backends
from hienmau.notify.backends import ConsoleBackend, FileBackend, SmsHttpBackend, get_backend
from hienmau.notify.models import Message, OptOut, Status
from hienmau.notify.services import deliver, send, send_due

TZ = datetime.timezone(datetime.timedelta(hours=7))
NOON = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=TZ)


@pytest.fixture
def file_backend(settings, tmp_path):
    settings.HIENMAU_NOTIFY_BACKEND = "file"
    settings.VAR_DIR = tmp_path
    return tmp_path / "outbox"


def test_send_delivers_once_per_purpose_after_commit(db, file_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first, sent = send("sms", "0912345678", "Nhắc lịch hiến máu", "drive:1:reminder:7")
    assert sent is True and len(callbacks) == 1
    first.refresh_from_db()
    assert first.status == Status.SENT and first.sent_at is not None and first.error == "" and first.backend == "file"
    assert first.recipient == "+84912345678"  # one form per person, for opt-out and rate limits
    with django_capture_on_commit_callbacks(execute=True):
        again, sent_again = send("sms", "0912345678", "Nhắc lịch hiến máu (lần 2)", "drive:1:reminder:7")
    assert sent_again is False
    assert again.pk == first.pk and again.body == "Nhắc lịch hiến máu"
    assert Message.objects.count() == 1
    files = list(file_backend.iterdir())
    assert [f.name for f in files] == [f"{first.pk:08d}-sms.txt"]
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("To: +84912345678\nPurpose: drive:1:reminder:7\n") and "Nhắc lịch hiến máu" in text


def test_nothing_leaves_when_the_callers_transaction_rolls_back(db, file_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message, _sent = send("sms", "0912345678", "Cần máu gấp", "standby:1:1", urgent=True)
    assert len(callbacks) == 1  # delivery waits for the commit
    message.refresh_from_db()
    assert message.status == Status.QUEUED and not file_backend.exists()


def test_console_backend_logs_the_message(db, settings, caplog, django_capture_on_commit_callbacks):
    settings.HIENMAU_NOTIFY_BACKEND = "console"
    with caplog.at_level(logging.INFO, logger="hienmau.notify"), django_capture_on_commit_callbacks(execute=True):
        message, sent = send("email", "A@Example.vn", "Cảm ơn bạn", "donation:5:thanks")
    assert sent and message.backend == "console"
    assert "[email → a@example.vn] Cảm ơn bạn" in caplog.text


def test_email_backend_uses_django_mail(db, settings, django_capture_on_commit_callbacks):
    settings.HIENMAU_NOTIFY_BACKENDS = {"email": "email"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send("email", "donor@example.vn", "Bạn có thể hiến lại từ 01/06", "eligible:9:2026-06-01")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["donor@example.vn"]
    assert Message.objects.get().status == Status.SENT


def test_sms_goes_through_the_http_gateway_with_its_key(db, fake_gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("sms", "0912 345 678", "Cần máu O Rh− gấp", "standby:3:9", urgent=True)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.provider_id == "fake-1" and message.attempts == 1
    assert fake_gateway.delivered == [
        {"id": "fake-1", "to": "+84912345678", "text": "Cần máu O Rh− gấp", "key": "standby:3:9", "path": "/sms"}
    ]


def test_zalo_goes_through_the_official_account_api(db, fake_gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("zalo", "84123456789012", "Bạn có thể hiến lại từ 01/06", "eligible:zalo:1")
    message.refresh_from_db()
    assert message.status == Status.SENT and message.provider_id == "fake-1"
    assert fake_gateway.delivered[0]["to"] == "84123456789012" and fake_gateway.delivered[0]["path"] == "/zalo"


def test_a_5xx_answer_is_retried_by_send_due_and_sent_once(db, fake_gateway, django_capture_on_commit_callbacks):
    fake_gateway.state.fail_next = [503, 500]
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("sms", "0912345678", "Cần máu gấp", "standby:4:1", urgent=True)
    message.refresh_from_db()
    assert message.status == Status.RETRYING and "503" in message.error and message.attempts == 1
    assert message.next_attempt_at == NOON + datetime.timedelta(minutes=1)
    assert send_due(NOON) == {"sent": 0, "retrying": 0, "failed": 0, "opted_out": 0}  # not due yet
    later = NOON + datetime.timedelta(minutes=1)
    assert send_due(later)["retrying"] == 1
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == later + datetime.timedelta(minutes=5)
    assert send_due(later + datetime.timedelta(minutes=5))["sent"] == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and message.error == "" and message.attempts == 3
    assert len(fake_gateway.delivered) == 1 and fake_gateway.state.requests == 3


def test_a_timeout_is_recorded_and_retried(db, fake_gateway, django_capture_on_commit_callbacks):
    fake_gateway.state.stall_next = 1
    fake_gateway.state.stall_seconds = 1.5
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("sms", "0912345678", "Cần máu gấp", "standby:5:1", urgent=True)
    message.refresh_from_db()
    assert message.status == Status.RETRYING and "Không kết nối được cổng gửi" in message.error
    call_command("notify", "send-due")  # the real clock is long past the retry time
    message.refresh_from_db()
    assert message.status == Status.SENT and len(fake_gateway.delivered) == 1


def test_an_unreachable_gateway_is_retried_then_given_up(db, settings, django_capture_on_commit_callbacks):
    settings.HIENMAU_NOTIFY_BACKENDS = {"sms": "sms_http"}
    settings.HIENMAU_SMS_URL = "http://127.0.0.1:9/sms"  # the discard port: connection refused
    settings.HIENMAU_NOTIFY_MAX_ATTEMPTS = 3
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("sms", "0912345678", "Cần máu gấp", "standby:6:1", urgent=True)
    moment = NOON
    for _ in range(2):
        moment += datetime.timedelta(hours=5)
        send_due(moment)
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 3 and message.next_attempt_at is None
    assert send_due(moment + datetime.timedelta(days=1))["failed"] == 0  # given up: not tried again


def test_a_refused_message_is_not_retried(db, fake_gateway, django_capture_on_commit_callbacks):
    fake_gateway.state.fail_next = [400]
    with django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("sms", "0912345678", "x", "standby:7:1", urgent=True)
    message.refresh_from_db()
    assert message.status == Status.FAILED and "mã 400" in message.error


def test_a_worker_that_died_mid_send_is_taken_over_and_the_gateway_delivers_once(db, fake_gateway):
    """A restart: the message was claimed and perhaps posted, then the worker died. After the claim goes
    stale another worker sends it again with the same key; the gateway does not deliver it twice."""
    message = Message.objects.create(
        channel="sms", recipient="+84912345678", body="Cần máu gấp", purpose="standby:8:1", urgent=True,
        backend="sms_http", next_attempt_at=NOON,
    )  # fmt: skip
    assert deliver(message.pk, NOON).status == Status.SENT
    Message.objects.filter(pk=message.pk).update(status=Status.SENDING, claimed_at=NOON)  # died before saving
    assert send_due(NOON + datetime.timedelta(minutes=5))["sent"] == 0  # the claim is still fresh
    assert send_due(NOON + datetime.timedelta(minutes=11))["sent"] == 1
    assert len(fake_gateway.delivered) == 1 and fake_gateway.state.duplicates == 1


def test_a_claimed_message_is_not_delivered_by_a_second_worker(db, fake_gateway):
    message = Message.objects.create(
        channel="sms", recipient="+84912345678", body="b", purpose="p:claim", backend="sms_http", next_attempt_at=NOON
    )
    Message.objects.filter(pk=message.pk).update(status=Status.SENDING, claimed_at=NOON)
    assert deliver(message.pk, NOON + datetime.timedelta(minutes=1)) is None
    assert fake_gateway.delivered == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_one_message_once(fake_gateway):
    if connection.vendor != "postgresql":
        pytest.skip("threads sharing a SQLite file lock each other out; the claim is one UPDATE on both")
    message = Message.objects.create(
        channel="sms", recipient="+84912345678", body="b", purpose="p:race", backend="sms_http", next_attempt_at=NOON
    )
    results = []

    def work():
        results.append(deliver(message.pk, NOON))
        connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is not None for r in results) == 1
    assert len(fake_gateway.delivered) == 1 and fake_gateway.state.requests == 1


def test_opt_out_is_honoured_even_for_emergencies(db, file_backend, django_capture_on_commit_callbacks):
    with frozen(NOON):
        waiting, _sent = send("sms", "0912345678", "Nhắc lịch", "drive:1:reminder:1")
    Message.objects.filter(pk=waiting.pk).update(next_attempt_at=NOON + datetime.timedelta(hours=1))
    call_command("notify", "opt-out", "sms", "+84 912 345 678", "--reason", "Nhắn STOP")
    assert OptOut.objects.get().recipient == "+84912345678"
    waiting.refresh_from_db()
    assert waiting.status == Status.OPTED_OUT
    with django_capture_on_commit_callbacks(execute=True):
        urgent, created = send("sms", "0912345678", "Cần máu gấp", "standby:1:1", urgent=True)
    assert created and urgent.status == Status.OPTED_OUT and not file_backend.exists()
    call_command("notify", "opt-in", "sms", "0912345678")
    with django_capture_on_commit_callbacks(execute=True):
        later, _created = send("sms", "0912345678", "Cần máu gấp", "standby:2:1", urgent=True)
    later.refresh_from_db()
    assert later.status == Status.SENT


def test_quiet_hours_hold_ordinary_messages_but_not_emergencies(db, settings, file_backend):
    settings.HIENMAU_QUIET_HOURS = (21, 7)
    night = datetime.datetime(2026, 5, 4, 23, 30, tzinfo=TZ)
    with frozen(night):
        reminder, _sent = send("sms", "0912345678", "Bạn có thể hiến lại từ 05/05", "eligible:1:2026-05-05")
        emergency, _sent = send("sms", "0912345678", "Cần máu gấp", "standby:9:1", urgent=True)
    assert timezone.localtime(reminder.next_attempt_at) == datetime.datetime(2026, 5, 5, 7, 0, tzinfo=TZ)
    assert emergency.next_attempt_at == night
    assert send_due(night) == {"sent": 1, "retrying": 0, "failed": 0, "opted_out": 0}
    assert send_due(datetime.datetime(2026, 5, 5, 7, 0, tzinfo=TZ))["sent"] == 1


def test_the_rate_limit_spreads_ordinary_messages_but_not_emergencies(db, settings, file_backend):
    settings.HIENMAU_NOTIFY_RATE_LIMIT = (2, 24)
    with frozen(NOON):
        first = [send("sms", "0912345678", f"Tin {n}", f"drive:{n}:reminder:1")[0] for n in range(3)]
        urgent, _sent = send("sms", "0912345678", "Cần máu gấp", "standby:9:2", urgent=True)
        other, _sent = send("sms", "0987654321", "Tin", "drive:1:reminder:2")
    assert [m.next_attempt_at for m in first[:2]] == [NOON, NOON]
    assert first[2].next_attempt_at == NOON + datetime.timedelta(hours=24)
    assert urgent.next_attempt_at == NOON and other.next_attempt_at == NOON


def test_send_due_command_reports_counts(db, file_backend, capsys):
    with frozen(NOON):
        send("sms", "0912345678", "Nhắc lịch", "drive:1:reminder:3")
    call_command("notify", "send-due", "--json")
    assert json.loads(capsys.readouterr().out) == {"sent": 1, "retrying": 0, "failed": 0, "opted_out": 0}
    call_command("notify", "send-due")
    assert "Đã gửi 0 tin" in capsys.readouterr().out


def test_a_broken_backend_is_recorded_not_raised(db, settings, monkeypatch, django_capture_on_commit_callbacks):
    class Broken:
        name = "broken"

        def deliver(self, message):
            raise RuntimeError("gateway down " + "x" * 400)

    monkeypatch.setitem(backends.BACKENDS, "broken", Broken)
    settings.HIENMAU_NOTIFY_BACKEND = "broken"
    with django_capture_on_commit_callbacks(execute=True):
        message, sent = send("sms", "0912345678", "Nhắc lịch", "drive:2:reminder:1")
    assert sent is True
    message.refresh_from_db()
    assert message.sent_at is None and message.status == Status.RETRYING
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
    with pytest.raises(ValueError, match=r"'pigeon': expected one of \['console', 'email', 'file'"):
        get_backend()


def test_backends_are_chosen_by_name_and_channel(settings):
    settings.HIENMAU_NOTIFY_BACKEND = "file"
    assert isinstance(get_backend(), FileBackend)
    settings.HIENMAU_NOTIFY_BACKEND = "console"
    assert isinstance(get_backend(), ConsoleBackend)
    settings.HIENMAU_NOTIFY_BACKENDS = {"sms": "sms_http"}
    assert isinstance(get_backend("sms"), SmsHttpBackend) and isinstance(get_backend("email"), ConsoleBackend)


def test_message_str_names_channel_and_purpose():
    assert str(Message(channel="zalo", purpose="drive:3:reminder:9")) == "Zalo — drive:3:reminder:9"
