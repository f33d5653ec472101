"""The database connection dropped while an appendix is saved (PostgreSQL): nothing of the plan is kept,
the person is told to press “Lưu kế hoạch” again (or, for a large file saved by the background worker,
to upload it again), and the second try saves the plan once."""

import pytest
from django.urls import reverse

from hienmau.jobs.models import Job, JobState
from hienmau.plans import importer
from hienmau.plans.models import Allocation, Plan
from tests.dropped import changed_tables, drop_connection_at, postgres_only, row_counts
from tests.plans.test_plan_reimport import HEAD, TABLE_V1

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def preview(client, tree):
    answer = client.post(reverse("plans:plan_import"), {"text": HEAD + TABLE_V1, "issuing_unit": tree.an_thi.pk})
    assert answer.status_code == 200
    return answer.context["token"]


def test_a_connection_dropped_in_the_middle_of_an_appendix_import_keeps_nothing(tree, people, client_for):
    client = client_for(people.district_officer)
    token = preview(client, tree)
    confirm = {"token": token, "issuing_unit": tree.an_thi.pk}
    before = row_counts()

    with drop_connection_at(importer, "_save_row", call=2) as dropped:  # the plan and its first row written
        answer = client.post(reverse("plans:plan_import"), confirm)

    assert dropped == [2]
    assert answer.status_code == 503 and answer["Retry-After"]
    body = answer.content.decode()
    assert "Mất kết nối tới cơ sở dữ liệu giữa chừng" in body and "không có gì được ghi dở dang" in body
    assert "bấm “Lưu kế hoạch” lần nữa" in body
    assert changed_tables(before) == {}

    again = client.post(reverse("plans:plan_import"), confirm)  # the kept file, saved this time
    plan = Plan.objects.get(number="14", issuing_unit=tree.an_thi)
    assert again.status_code == 302 and again["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    assert sorted(Allocation.objects.values_list("unit_name", "total")) == [
        ("Trường THPT Ân Thi", 30), ("Xã Phù Ứng", 61), ("Xã Vân Du", 54)
    ]  # fmt: skip
    saved = row_counts()

    client.post(reverse("plans:plan_import"), {"token": preview(client, tree), "issuing_unit": tree.an_thi.pk})
    assert changed_tables(saved) == {}  # the same file once more: the same plan, nothing added


def test_a_connection_dropped_while_the_worker_saves_a_large_appendix_fails_the_job_saying_so(
    tree, people, client_for, settings
):
    settings.HIENMAU_BACKGROUND_IMPORT_BYTES = 0  # every file counts as large
    client = client_for(people.district_officer)
    confirm = {"token": preview(client, tree), "issuing_unit": tree.an_thi.pk}
    before = row_counts()

    with drop_connection_at(importer, "_save_row", call=2) as dropped:
        answer = client.post(reverse("plans:plan_import"), confirm)

    job = Job.objects.get()
    assert dropped == [2] and answer["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.state == JobState.FAILED
    assert "Mất kết nối tới cơ sở dữ liệu giữa chừng" in job.message and "Hãy tải tệp lên lại" in job.message
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "Hãy tải tệp lên lại" in page
    assert changed_tables(before) == {"jobs_job": (0, 1)}  # the job's own row, saying what happened

    client.post(reverse("plans:plan_import"), {"token": preview(client, tree), "issuing_unit": tree.an_thi.pk})
    assert Job.objects.latest("pk").state == JobState.DONE
    assert Plan.objects.get(number="14").allocations.count() == 3
