"""The outbox in the background worker: a queued message is handed to the worker's queue when the caller
commits (no gateway call in the request), a held one is queued for the moment quiet hours end, the
worker sends each message once however many tasks name it, and the every-minute command still sweeps."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hienmau.core.clock import frozen
from hienmau.notify.models import Status
from hienmau.notify.services import deliver_message, send, send_due

TZ = datetime.timezone(datetime.timedelta(hours=7))
NOON = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=TZ)
NIGHT = datetime.datetime(2026, 5, 4, 23, 30, tzinfo=TZ)
MORNING = datetime.datetime(2026, 5, 5, 7, 0, tzinfo=TZ)


@pytest.fixture
def outbox(settings, tmp_path):
    settings.HIENMAU_NOTIFY_BACKEND = "file"
    settings.VAR_DIR = tmp_path
    return tmp_path / "outbox"


@pytest.fixture
def queue(settings, monkeypatch):
    """The real queue (django-tasks-db), run by `db_worker --batch` within the test's transaction."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return settings


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def sent_files(outbox):
    return sorted(f.name for f in outbox.iterdir()) if outbox.exists() else []


def test_a_message_is_queued_for_the_worker_on_commit_and_the_worker_sends_it(
    db, outbox, queue, django_capture_on_commit_callbacks
):
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("sms", "0912345678", "Nhắc lịch hiến máu", "drive:1:reminder:7")
    message.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert message.status == Status.QUEUED and not outbox.exists()  # nothing left within the request
    assert task.task_path == "hienmau.notify.services.deliver_message" and task.args_kwargs["args"] == [message.pk]
    with frozen(NOON):
        run_worker()
    message.refresh_from_db()
    assert message.status == Status.SENT and sent_files(outbox) == [f"{message.pk:08d}-sms.txt"]


def test_two_tasks_for_one_message_send_it_once(db, outbox, queue, django_capture_on_commit_callbacks):
    with frozen(NOON), django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("sms", "0912345678", "Nhắc lịch hiến máu", "drive:1:reminder:8")
    deliver_message.enqueue(message.pk)  # a second worker, or a repeated enqueue, names the same message
    with frozen(NOON):
        run_worker()
        assert send_due(NOON)["sent"] == 0  # the sweep finds nothing left to send
    message.refresh_from_db()
    assert DBTaskResult.objects.finished().count() == 2
    assert message.status == Status.SENT and message.attempts == 1 and len(sent_files(outbox)) == 1


def test_a_message_held_by_quiet_hours_is_queued_for_the_morning_and_not_sent_before(
    db, settings, outbox, queue, django_capture_on_commit_callbacks
):
    settings.HIENMAU_QUIET_HOURS = (21, 7)
    with frozen(NIGHT), django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("sms", "0912345678", "Bạn có thể hiến lại từ 05/05", "eligible:1:2026-05-05")
    task = DBTaskResult.objects.get()
    assert timezone.localtime(task.run_after) == MORNING
    with frozen(NIGHT):  # a worker that picked the task up early still respects quiet hours
        deliver_message.call(message.pk)
    message.refresh_from_db()
    assert message.status == Status.QUEUED and not outbox.exists()
    with frozen(MORNING):
        run_worker()
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1


def test_within_the_request_a_held_message_waits_for_the_sweep(
    db, settings, outbox, django_capture_on_commit_callbacks
):
    """The immediate backend (HIENMAU_TASKS_IMMEDIATE, the tests) cannot wait: the command sends it."""
    settings.HIENMAU_QUIET_HOURS = (21, 7)
    with frozen(NIGHT), django_capture_on_commit_callbacks(execute=True):
        message, _sent = send("sms", "0912345678", "Nhắc lịch", "eligible:2:2026-05-05")
    message.refresh_from_db()
    assert message.status == Status.QUEUED and not DBTaskResult.objects.exists()
    with frozen(MORNING):
        call_command("notify", "send-due", verbosity=0)
    message.refresh_from_db()
    assert message.status == Status.SENT
