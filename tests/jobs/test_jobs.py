"""Background jobs: a large import goes to the worker through the same import service, the page shows
its progress (and keeps showing it after a reload), failures are told in Vietnamese and save nothing,
and the worker checks the starting user's scope again."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from hienmau.donors.models import Donation, Donor
from hienmau.jobs import services
from hienmau.jobs.models import Job, JobKind, JobState
from hienmau.orgs.models import Membership, Unit

pytestmark = pytest.mark.django_db

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày hiến", "Thể tích", "Mã túi máu", "Kết quả"]


@pytest.fixture
def hospital(tree):
    return Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi, code="TTYT-AT"
    )


@pytest.fixture
def background(settings):
    """Every upload counts as large: it goes to the worker."""
    settings.HIENMAU_BACKGROUND_IMPORT_BYTES = 0
    return settings


@pytest.fixture
def database_worker(background, monkeypatch):
    """The real queue (django-tasks-db): enqueued jobs wait until `run_worker()` runs `db_worker --batch`
    here, in the test's transaction (so it must not close the test's connection between tasks)."""
    from django_tasks_db.management.commands import db_worker

    background.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return background


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def history_file(tmp_path, rows: int, bad: bool = False) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH NGƯỜI HIẾN MÁU — TRUNG TÂM Y TẾ HUYỆN ÂN THI"])
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append(
            [
                f"Người Hiến {n:04d}",
                "hôm qua" if bad and n == rows - 1 else datetime.datetime(1990, 1, 1) + datetime.timedelta(days=n),
                "Nam" if n % 2 else "Nữ",
                f"033{n % 2 ^ 1}90{n:06d}",  # province, sex and century, year of birth, serial
                datetime.datetime(2025, 11, 9),
                350,
                f"AT{n:08d}",
                "Đã hiến",
            ]
        )
    path = tmp_path / "lich-su.xlsx"
    book.save(path)
    return path


def send(client, path: Path, hospital):
    with path.open("rb") as upload:
        return client.post(reverse("donors:history_import"), {"file": upload, "facility": hospital.pk})


def test_a_large_history_import_runs_as_a_job_and_its_page_shows_the_result_after_a_reload(
    tmp_path, tree, people, hospital, client_for, background
):
    client = client_for(people.district_officer)
    response = send(client, history_file(tmp_path, 120), hospital)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert (job.kind, job.state, job.user, job.done, job.total) == (
        JobKind.DONATION_HISTORY,
        JobState.DONE,
        people.district_officer,
        120,
        120,
    )
    assert Donation.objects.count() == 120 and Donor.objects.count() == 120
    assert not Path(job.path).exists()  # the kept upload goes when the job ends
    for _ in range(2):  # a reload shows the same stored state
        body = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
        assert "Đã xong" in body and 'value="100"' in body and "120 dòng: thêm 120 lần hiến" in body
        assert "hx-trigger" not in body  # a finished job is not polled any more
    assert job.result_url == reverse("donors:donor_list")


def test_a_failing_job_says_why_in_vietnamese_and_saves_nothing(
    tmp_path, tree, people, hospital, client_for, background
):
    client = client_for(people.district_officer)
    send(client, history_file(tmp_path, 30, bad=True), hospital)
    job = Job.objects.get()
    assert job.state == JobState.FAILED and job.message == "Không nhập gì: 1 lỗi"
    assert any("Dòng 32, cột Ngày sinh" in line for line in job.details)
    assert Donation.objects.count() == 0 and Donor.objects.count() == 0  # all or nothing
    body = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "Không thành công" in body and "Không nhập gì: 1 lỗi" in body and "Dòng 32, cột Ngày sinh" in body


def test_a_small_file_is_still_imported_within_the_request(tmp_path, tree, people, hospital, client_for):
    response = send(client_for(people.district_officer), history_file(tmp_path, 3), hospital)
    assert response.status_code == 200 and not Job.objects.exists() and Donation.objects.count() == 3


def test_the_worker_runs_a_queued_job_and_the_page_polls_until_it_ends(
    tmp_path, tree, people, hospital, client_for, database_worker
):
    client = client_for(people.district_officer)
    send(client, history_file(tmp_path, 40), hospital)
    job = Job.objects.get()
    url = reverse("jobs:job_detail", args=[job.pk])
    waiting = client.get(url).content.decode()
    assert job.state == JobState.QUEUED and "Đang chờ xử lý" in waiting and 'hx-trigger="every 1s"' in waiting
    assert Donation.objects.count() == 0
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.DONE and Donation.objects.count() == 40
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert polled.startswith('<section class="card job-progress job-done"') and "40/40 dòng" in polled


def test_a_running_job_shows_the_progress_the_import_reports(tree, people, client_for, tmp_path):
    job = Job.objects.create(
        kind=JobKind.DONATION_HISTORY, user=people.district_officer, state=JobState.RUNNING, source_name="a.xlsx"
    )
    services.ProgressFile(job.pk)(400, 1000)
    body = client_for(people.district_officer).get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "Đang xử lý" in body and "400/1.000 dòng" in body and 'value="40"' in body
    assert re.search(r"Đã xử lý 40%", body)


def test_the_worker_checks_the_scope_again_and_only_the_starter_sees_the_job(
    tmp_path, tree, people, hospital, client_for, database_worker
):
    client = client_for(people.district_officer)
    send(client, history_file(tmp_path, 10), hospital)
    job = Job.objects.get()
    Membership.objects.filter(user=people.district_officer).delete()  # the role is taken away meanwhile
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "không còn quyền" in job.message
    assert Donation.objects.count() == 0
    other = client_for(people.province_officer)
    assert other.get(reverse("jobs:job_detail", args=[job.pk])).status_code == 404
    assert "Chưa có việc nào chạy nền" in other.get(reverse("jobs:job_list")).content.decode()


def test_a_facility_outside_the_scope_fails_the_job(tree, people, hospital, tmp_path):
    path = history_file(tmp_path, 2)
    membership = Membership.objects.get(user=people.van_du_focal)
    job = Job.objects.create(
        kind=JobKind.DONATION_HISTORY,
        user=people.van_du_focal,
        membership=membership,
        path=str(path),
        params={"facility": hospital.pk},
    )
    assert services.run(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert "không thuộc phạm vi" in job.message and Donation.objects.count() == 0 and not path.exists()


def test_finished_jobs_are_purged_after_their_retention_and_waiting_ones_never(tree, people, settings):
    from django.utils import timezone

    from hienmau.core.retention import purge_all

    settings.HIENMAU_RETAIN_JOB_DAYS = 30
    old = timezone.now() - datetime.timedelta(days=31)
    user = people.district_officer
    Job.objects.create(kind=JobKind.RESULT_TALLY, user=user, state=JobState.DONE, finished_at=old)
    Job.objects.create(kind=JobKind.RESULT_TALLY, user=user, state=JobState.FAILED, finished_at=timezone.now())
    Job.objects.create(kind=JobKind.RESULT_TALLY, user=user, state=JobState.QUEUED)
    removed = {key: n for key, _label, n in purge_all()}
    assert removed["jobs.finished"] == 1
    assert sorted(Job.objects.values_list("state", flat=True)) == [JobState.FAILED, JobState.QUEUED]


def test_erasing_a_person_scrubs_their_name_from_a_jobs_error_lines(tree, people):
    from hienmau.core.erasure import Identity
    from hienmau.jobs.erasure import erase_jobs

    job = Job.objects.create(
        kind=JobKind.DONATION_HISTORY,
        user=people.district_officer,
        state=JobState.FAILED,
        message="Không nhập gì: 1 lỗi",
        details=["Dòng 7, cột Ngày sinh: Nguyễn Văn Đức, ngày sinh sai", "Dòng 9: thiếu ngày hiến"],
    )
    erase_jobs(Identity(donor_ids=frozenset({1}), reference="Người hiến máu #1", names=frozenset({"Nguyễn Văn Đức"})))
    job.refresh_from_db()
    assert job.details == ["Dòng 7, cột Ngày sinh: Người hiến máu #1, ngày sinh sai", "Dòng 9: thiếu ngày hiến"]
