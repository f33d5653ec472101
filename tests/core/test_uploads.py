"""Uploaded previews (core/uploads.py): readable by the service's account only, removed on confirm or
cancel, and removed by `hienmau uploads purge` once a day old."""

import datetime
import os
import stat
import time

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from hienmau.core import uploads
from hienmau.drives.models import Drive, Registration, TimeSlot

LIST = (
    "STT\tHọ và tên\tNgày sinh\tGiới tính\tSố CCCD\tSố điện thoại\tĐơn vị\tTrực tiếp / Dự bị\n"
    "1\tNguyễn Văn Hùng\t12/05/1990\tNam\t033090012345\t0912345678\tXã Vân Du\tTrực tiếp\n"
)


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def kept(var_dir):
    folder = var_dir / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_kept_files_are_readable_by_the_owner_only(var_dir, rf):
    old_umask = os.umask(0o022)
    try:
        request = rf.post("/")
        request.session = SessionStore()
        _token, uploaded, _name = uploads.stash(request, "k", upload=SimpleUploadedFile("list.CSV", b"a,b\n"))
        _token, pasted, _name = uploads.stash(request, "k", text="Họ và tên\n", pasted_name="dán")
    finally:
        os.umask(old_umask)
    assert uploaded.suffix == ".csv" and mode(uploaded) == 0o600 and mode(pasted) == 0o600
    assert mode(var_dir / "imports") == 0o700


@pytest.fixture
def drive(tree):
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu",
        date=datetime.date.today() + datetime.timedelta(days=30),
        start_time=datetime.time(7),
        site_name="Nhà văn hoá",
    )
    TimeSlot.objects.create(
        drive=drive, unit=tree.van_du, start_time=datetime.time(7), end_time=datetime.time(9), quota=9
    )
    return drive


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["confirm", "cancel"])
def test_a_list_preview_file_is_removed_on_confirm_and_on_cancel(action, drive, tree, people, client_for, var_dir):
    client = client_for(people.district_officer)
    url = reverse("drives:list_submit", args=[drive.pk])
    upload = SimpleUploadedFile("danh-sach.csv", LIST.replace("\t", ",").encode("utf-8"), "text/csv")
    preview = client.post(url, {"unit": tree.van_du.pk, "file": upload})
    assert preview.status_code == 200 and len(kept(var_dir)) == 1
    data = {"token": preview.context["token"], "unit": tree.van_du.pk, "line": ["1"]}
    response = client.post(url, {**data, "cancel": "1"} if action == "cancel" else data)
    assert response.status_code == 302
    assert kept(var_dir) == []
    assert Registration.objects.count() == (1 if action == "confirm" else 0)
    assert client.post(url, data).status_code == 404  # the token opens nothing any more


@pytest.mark.django_db
def test_a_list_that_cannot_be_read_leaves_no_file(drive, tree, people, client_for, var_dir):
    client = client_for(people.district_officer)
    broken = SimpleUploadedFile("danh-sach.xlsx", b"not a workbook", "application/octet-stream")
    response = client.post(reverse("drives:list_submit", args=[drive.pk]), {"unit": tree.van_du.pk, "file": broken})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert kept(var_dir) == []


def test_purge_removes_files_older_than_a_day(var_dir, capsys):
    folder = uploads.imports_dir()
    old, fresh = folder / "old.xlsx", folder / "fresh.txt"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    day_and_more = time.time() - 25 * 3600
    os.utime(old, (day_and_more, day_and_more))
    call_command("uploads", "purge")
    assert kept(var_dir) == [fresh]
    assert "Đã xoá 1 tệp" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_plan_preview_file_is_removed_on_cancel(tree, people, client_for, var_dir):
    from pathlib import Path

    from hienmau.plans.models import Plan

    client = client_for(people.district_officer)
    text = Path("src/hienmau/plans/data/seed-001-an-thi-14-KH-UBND-2024.txt").read_text(encoding="utf-8")
    preview = client.post(reverse("plans:plan_import"), {"text": text})
    assert preview.status_code == 200 and len(kept(var_dir)) == 1
    response = client.post(reverse("plans:plan_import"), {"token": preview.context["token"], "cancel": "1"})
    assert response.status_code == 302 and kept(var_dir) == [] and Plan.objects.count() == 0


@pytest.mark.django_db
def test_messages_written_to_the_outbox_are_owner_only(var_dir, settings, django_capture_on_commit_callbacks):
    from hienmau.notify.services import send

    settings.HIENMAU_NOTIFY_BACKEND = "file"
    # Urgent, so quiet hours never hold it back; delivered when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        send("sms", "+84912345678", "Nhắc lịch hiến máu", "test:1", urgent=True)
    (path,) = (var_dir / "outbox").iterdir()
    assert path.read_text(encoding="utf-8").startswith("To: +84912345678") and mode(path) == 0o600
