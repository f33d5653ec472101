"""Large exports run in the worker through the same export function as the request: the request creates
the job and goes to its page, the worker writes the file (0600) under var, only its owner — still in a
scope that reaches the record — downloads it, personal data is logged in the access log at download, and
the retention registry removes the file."""

import datetime
import io
import stat
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from hienmau.core.retention import purge_all
from hienmau.donors.models import Donor, RevealLog
from hienmau.jobs.models import Job, JobKind, JobState
from hienmau.orgs.models import Membership
from hienmau.standby.models import Club, ClubMember
from tests.jobs.test_jobs import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings):
    """Every export counts as large: it goes to the worker."""
    settings.HIENMAU_BACKGROUND_EXPORT_ROWS = 0
    return settings


def comparison_url(plan, fmt):
    return reverse("reports:plan_comparison", args=[plan.pk, fmt])


def sheet_parts(content: bytes) -> dict[str, bytes]:
    """An .xlsx's parts but the one stamped with the time it was written (docProps/core.xml)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def test_a_large_comparison_table_is_made_by_the_worker_and_is_the_file_the_request_would_send(
    client_for, people, campaign, large
):
    client = client_for(people.province_officer)
    response = client.get(comparison_url(campaign.plan, "xlsx"))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert (job.kind, job.state, job.user, job.done, job.total) == (
        JobKind.COMPARISON,
        JobState.DONE,
        people.province_officer,
        3,
        3,
    )
    path = Path(job.output_path)
    assert path.parent == Path(django_settings.VAR_DIR) / "jobs" / "exports"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    download_url = reverse("jobs:job_download", args=[job.pk])
    assert "Xuất bảng so sánh kết quả và kế hoạch" in page and f'href="{download_url}"' in page
    assert "Tải về so-sanh-66kh-bc.xlsx" in page and 'value="100"' in page
    download = client.get(download_url)
    kept = b"".join(download.streaming_content)
    assert download.status_code == 200 and 'filename="so-sanh-66kh-bc.xlsx"' in download["Content-Disposition"]
    assert kept == path.read_bytes()
    large.HIENMAU_BACKGROUND_EXPORT_ROWS = 1000  # the same export made within the request
    immediate = client.get(comparison_url(campaign.plan, "xlsx"))
    assert immediate.status_code == 200 and Job.objects.count() == 1
    assert sheet_parts(kept) == sheet_parts(immediate.content)


def test_a_pdf_made_by_the_worker_has_the_pages_of_the_immediate_one(client_for, people, campaign, large):
    client = client_for(people.province_officer)
    client.get(comparison_url(campaign.plan, "pdf"))
    job = Job.objects.get()
    kept = Path(job.output_path).read_bytes()
    large.HIENMAU_BACKGROUND_EXPORT_ROWS = 1000
    immediate = client.get(comparison_url(campaign.plan, "pdf")).content
    assert kept.startswith(b"%PDF") and job.output_type == "application/pdf"
    assert kept == immediate


def test_a_small_export_is_still_sent_within_the_request(client_for, people, campaign):
    response = client_for(people.province_officer).get(comparison_url(campaign.plan, "docx"))
    assert response.status_code == 200 and response.content.startswith(b"PK") and not Job.objects.exists()


def test_only_the_owner_in_a_scope_that_still_reaches_the_plan_downloads_it(client_for, people, campaign, large, tree):
    client_for(people.province_officer).get(comparison_url(campaign.plan, "xlsx"))
    job = Job.objects.get()
    url = reverse("jobs:job_download", args=[job.pk])
    for other in (people.province_leader, people.district_officer, people.admin):  # same province, another, national
        assert client_for(other).get(url).status_code == 404
        assert client_for(other).get(reverse("jobs:job_detail", args=[job.pk])).status_code == 404
    owner = client_for(people.province_officer)
    assert owner.get(url).status_code == 200
    Membership.objects.filter(user=people.province_officer).update(unit=tree.hung_yen)  # moved to another province
    assert owner.get(url).status_code == 404


def test_the_worker_makes_a_queued_export_and_the_page_polls_until_the_link_appears(
    client_for, people, campaign, database_worker
):
    database_worker.HIENMAU_BACKGROUND_EXPORT_ROWS = 1
    client = client_for(people.province_officer)
    client.get(comparison_url(campaign.plan, "docx"))
    job = Job.objects.get()
    url = reverse("jobs:job_detail", args=[job.pk])
    waiting = client.get(url).content.decode()
    assert job.state == JobState.QUEUED and "Đang chờ xử lý" in waiting and 'hx-trigger="every 1s"' in waiting
    assert f"jobs/{job.pk}/download" not in waiting
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404
    run_worker()
    job.refresh_from_db()
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert job.state == JobState.DONE and "Tải về so-sanh-66kh-bc.docx" in polled and "hx-trigger" not in polled


def test_the_worker_checks_the_scope_again_before_making_the_file(client_for, people, campaign, database_worker):
    database_worker.HIENMAU_BACKGROUND_EXPORT_ROWS = 1
    client_for(people.province_officer).get(comparison_url(campaign.plan, "pdf"))
    Membership.objects.filter(user=people.province_officer).delete()
    run_worker()
    job = Job.objects.get()
    assert job.state == JobState.FAILED and not job.output_path
    assert job.message == "Tài khoản không còn quyền ở đơn vị đã chọn khi bắt đầu; không tạo tệp."


@pytest.fixture
def club(tree):
    club = Club.objects.create(name="CLB Rh âm Ân Thi", kind="rare", unit=tree.an_thi)
    for n, name in enumerate(["Trần Văn Một", "Lê Thị Hai", "Phạm Văn Ba"]):
        donor = Donor.objects.create(full_name=name, commune=tree.van_du, phone=f"+8491234560{n}" if n < 2 else "")
        ClubMember.objects.create(club=club, donor=donor, joined_on=datetime.date(2024, 1, 1))
    return club


def test_a_large_club_list_is_logged_in_the_access_log_at_each_download_as_the_request_logs_it(
    client_for, people, club, large
):
    client = client_for(people.district_officer)
    url = reverse("standby:club_export", args=[club.pk])
    client.get(url)
    job = Job.objects.get()
    assert job.kind == JobKind.CLUB_LIST and job.state == JobState.DONE
    assert not RevealLog.objects.exists()  # nothing has left yet
    client.get(reverse("jobs:job_download", args=[job.pk]))
    logged = list(RevealLog.objects.values_list("user", "field", "reason").order_by("donor"))
    assert logged == [(people.district_officer.pk, "phone", "Xuất danh sách CLB Rh âm Ân Thi")] * 2
    client.get(reverse("jobs:job_download", args=[job.pk]))
    assert RevealLog.objects.count() == 4
    large.HIENMAU_BACKGROUND_EXPORT_ROWS = 1000
    immediate = client.get(url)
    assert immediate.status_code == 200 and RevealLog.objects.count() == 6
    assert sheet_parts(immediate.content) == sheet_parts(Path(job.output_path).read_bytes())


def test_the_retention_registry_removes_the_file_then_the_job(client_for, people, campaign, large):
    client = client_for(people.province_officer)
    client.get(comparison_url(campaign.plan, "xlsx"))
    job = Job.objects.get()
    path = Path(job.output_path)
    later = timezone.now() + datetime.timedelta(days=django_settings.HIENMAU_RETAIN_EXPORT_DAYS + 1)
    assert ("jobs.exports", "tệp xuất do việc chạy nền tạo", 1) in purge_all(later)
    assert not path.exists() and Job.objects.filter(pk=job.pk, output_path="").exists()
    client = client_for(people.province_officer)  # the purge also ended the session
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "Tệp đã quá hạn lưu và đã bị xoá" in page and "download" not in page
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404
    much_later = timezone.now() + datetime.timedelta(days=django_settings.HIENMAU_RETAIN_JOB_DAYS + 1)
    assert ("jobs.finished", "việc chạy nền đã xong", 1) in purge_all(much_later)
    assert not Job.objects.exists()


def test_a_large_honours_list_is_made_by_the_worker(client_for, people, tree, large):
    from hienmau.honours.models import HonourRound

    honour_round = HonourRound.objects.create(
        unit=tree.an_thi, cutoff=datetime.date(2024, 12, 31), status="approved", title="Tôn vinh năm 2024"
    )
    client = client_for(people.district_officer)
    response = client.get(reverse("honours:round_export", args=[honour_round.pk, "xlsx"]))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.kind == JobKind.HONOUR_LIST and job.state == JobState.DONE
    assert job.output_name.startswith("ton-vinh-20241231-") and job.output_name.endswith(".xlsx")


def test_an_erasure_removes_every_kept_export_file(client_for, people, club, large):
    from hienmau.donors.privacy import erase_donor

    client = client_for(people.district_officer)
    client.get(reverse("standby:club_export", args=[club.pk]))
    job = Job.objects.get()
    path = Path(job.output_path)
    listing = client.get(reverse("jobs:job_list")).content.decode()
    assert f'href="{reverse("jobs:job_download", args=[job.pk])}"' in listing
    erase_donor(club.members.first().donor, people.district_officer)
    job.refresh_from_db()
    assert not path.exists() and job.output_path == ""
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_a_large_consolidated_report_is_made_by_the_worker_as_the_request_makes_it(client_for, people, campaign, large):
    client = client_for(people.province_officer)
    url = reverse("reports:consolidated_export", args=[campaign.plan.pk, "pdf"])
    response = client.get(url)
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert (job.kind, job.state, job.output_name) == (
        JobKind.CONSOLIDATED,
        JobState.DONE,
        "bao-cao-tong-hop-66kh-bc.pdf",
    )
    large.HIENMAU_BACKGROUND_EXPORT_ROWS = 1000
    assert client.get(url).content == Path(job.output_path).read_bytes()
    assert client_for(people.van_du_focal).get(url).status_code == 404  # outside the scope: no job, no file
    assert Job.objects.count() == 1


def test_a_long_registrant_list_is_made_by_the_worker_for_who_records_outcomes(
    client_for, people, drive, registrants, large
):
    client = client_for(people.district_officer)
    url = reverse("drive_checkin:facility_list", args=[drive.pk])
    client.get(url)
    job = Job.objects.get()
    assert (job.kind, job.state, job.total) == (JobKind.REGISTRANT_LIST, JobState.DONE, len(registrants))
    large.HIENMAU_BACKGROUND_EXPORT_ROWS = 1000
    assert sheet_parts(client.get(url).content) == sheet_parts(Path(job.output_path).read_bytes())
    assert client_for(people.van_du_focal).get(reverse("jobs:job_download", args=[job.pk])).status_code == 404
