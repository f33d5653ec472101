"""`hienmau purge` removes what outlived its retention period and nothing else."""

import datetime
import io
import json
import os

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from hienmau.core.retention import purge_all
from hienmau.core.uploads import imports_dir
from hienmau.donors.models import Donor, RevealLog
from hienmau.notify.backends import outbox_dir
from hienmau.notify.models import Message, Status

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=200)


def _file(path, age: datetime.timedelta):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    stamp = (NOW - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _message(purpose, status):
    message = Message.objects.create(
        channel="sms", recipient="+84912345678", body="Nhắc lịch hiến máu", purpose=purpose, backend="file"
    )
    Message.objects.filter(pk=message.pk).update(status=status)
    return message


def test_what_outlived_its_period_is_removed_and_the_rest_kept(settings, tmp_path, people):
    settings.VAR_DIR = tmp_path
    old_upload = _file(imports_dir() / "old.xlsx", datetime.timedelta(hours=25))
    fresh_upload = _file(imports_dir() / "fresh.xlsx", datetime.timedelta(hours=1))
    old_copy = _file(outbox_dir() / "00000001-sms.txt", datetime.timedelta(days=91))
    fresh_copy = _file(outbox_dir() / "00000002-sms.txt", datetime.timedelta(days=1))

    expired, live = SessionStore(), SessionStore()
    expired.create()
    live.create()
    Session.objects.filter(pk=expired.session_key).update(expire_date=NOW - datetime.timedelta(minutes=1))

    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=3)
    AccessAttempt.objects.update(attempt_time=LONG_AGO)
    AccessAttempt.objects.create(username="y", ip_address="10.0.0.2", failures_since_start=1)

    sent_old, queued_old, _sent_new = (
        _message("a", Status.SENT),
        _message("b", Status.RETRYING),
        _message("c", Status.SENT),
    )
    Message.objects.filter(pk__in=[sent_old.pk, queued_old.pk]).update(created_at=LONG_AGO)

    donor = Donor.objects.create(full_name="Nguyễn Văn Đức", date_of_birth=datetime.date(1990, 5, 12), sex="M")
    RevealLog.objects.create(user=people.district_officer, donor=donor, field="cccd", reason="Gọi mời")

    counts = {key: count for key, _label, count in purge_all(NOW)}

    assert counts == {
        "core.uploads": 1,
        "core.sessions": 1,
        "core.logins": 1,
        "notify.outbox": 2,
        "jobs.finished": 0,
        "jobs.exports": 0,
    }
    assert not old_upload.exists() and fresh_upload.exists()
    assert not old_copy.exists() and fresh_copy.exists()
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["y"]
    assert set(Message.objects.values_list("purpose", flat=True)) == {"b", "c"}  # waiting ones are kept
    assert RevealLog.objects.count() == 1  # the access log is never purged


def test_periods_come_from_the_settings(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.HIENMAU_RETAIN_UPLOAD_HOURS = 2
    upload = _file(imports_dir() / "two-hours.csv", datetime.timedelta(hours=3))
    message = _message("d", Status.FAILED)
    Message.objects.filter(pk=message.pk).update(created_at=NOW - datetime.timedelta(days=10))
    settings.HIENMAU_RETAIN_OUTBOX_DAYS = 7
    purge_all(NOW)
    assert not upload.exists() and not Message.objects.exists()


def test_the_command_says_what_it_removed(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("purge", stdout=out)
    assert "tệp tải lên chờ xác nhận: đã xoá 0" in out.getvalue()
    out = io.StringIO()
    call_command("purge", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "core.uploads": 0,
        "core.sessions": 0,
        "core.logins": 0,
        "notify.outbox": 0,
        "jobs.finished": 0,
        "jobs.exports": 0,
    }
