import re

import pytest
from django.urls import reverse

from hienmau.plans.models import AllocationCell, Plan, PlanStatus
from tests.orgs.test_scoping import urls_taking
from tests.plans.conftest import make_plan

pytestmark = pytest.mark.django_db


def plan_urls(plan_pk):
    return urls_taking(plan_pk, "plans", kwargs=("pk",))


def test_every_plan_url_is_404_outside_the_scope(tree, people, district_plan, client_for):
    client = client_for(people.province_officer)  # An Giang: Hưng Yên's plans are none of its business
    urls = plan_urls(district_plan.pk)
    assert len(urls) == 13  # the export and attachment URLs take a second id; checked below
    for url in urls:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url
    for fmt in ("xlsx", "docx", "pdf"):
        assert client.get(reverse("plans:plan_export", args=[district_plan.pk, fmt])).status_code == 404


def test_a_commune_reads_the_district_plan_that_allocates_to_it_but_cannot_edit(
    tree, people, district_plan, client_for
):
    client = client_for(people.van_du_focal)
    assert client.get(reverse("plans:plan_detail", args=[district_plan.pk])).status_code == 200
    assert client.get(reverse("plans:plan_grid", args=[district_plan.pk])).status_code == 403
    assert client.post(reverse("plans:grid_cell", args=[district_plan.pk]), {}).status_code == 403
    listing = client.get(reverse("plans:plan_list")).content.decode()
    assert "Kế hoạch 14" in listing


def test_a_plan_not_touching_the_commune_is_invisible_to_it(tree, people, client_for):
    other = make_plan(tree.an_thi, "15", [(tree.school, 10, [10, None])])
    client = client_for(people.van_du_focal)
    assert client.get(reverse("plans:plan_detail", args=[other.pk])).status_code == 404
    assert "Kế hoạch 15" not in client.get(reverse("plans:plan_list")).content.decode()


def test_leader_reads_but_cannot_edit(tree, people, client_for):
    plan = make_plan(tree.an_giang, "9", [])
    client = client_for(people.province_leader)
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:plan_edit", args=[plan.pk])).status_code == 403
    assert client.get(reverse("plans:plan_import")).status_code == 403


def test_detail_shows_the_appendix_with_vietnamese_numbers_and_the_target_check(
    tree, people, district_plan, client_for
):
    body = (
        client_for(people.district_officer).get(reverse("plans:plan_detail", args=[district_plan.pk])).content.decode()
    )
    assert "xã Vân Du" in body and "Tổng phân bổ so với chỉ tiêu của kế hoạch: 175 / 175" in body


def test_grid_cell_saves_and_returns_the_new_totals(tree, people, district_plan, client_for):
    client = client_for(people.district_officer)
    allocation = district_plan.allocations.get(unit=tree.school)
    bucket = district_plan.buckets.get(key="round:1")
    response = client.post(
        reverse("plans:grid_cell", args=[district_plan.pk]),
        {"allocation": allocation.pk, "bucket": bucket.pk, "value": "1.030"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="rowsum-{allocation.pk}"' in body and "1.060" in body  # 1.030 + 30
    assert 'data-mismatch="1"' in body  # 1.060 ≠ total 60
    assert AllocationCell.objects.get(allocation=allocation, bucket=bucket).value == 1030
    history = allocation.cells.get(bucket=bucket).history.first()
    assert history.history_user == people.district_officer


def test_grid_cell_rejects_words_and_changes_nothing(tree, people, district_plan, client_for):
    client = client_for(people.district_officer)
    allocation = district_plan.allocations.get(unit=tree.van_du)
    bucket = district_plan.buckets.get(key="round:1")
    response = client.post(
        reverse("plans:grid_cell", args=[district_plan.pk]),
        {"allocation": allocation.pk, "bucket": bucket.pk, "value": "hai mươi"},
    )
    assert response.status_code == 422
    assert "không phải số nguyên" in response.content.decode()
    assert AllocationCell.objects.get(allocation=allocation, bucket=bucket).value == 25


def test_grid_cell_of_another_plan_is_404(tree, people, district_plan, client_for):
    other = make_plan(tree.an_thi, "16", [(tree.van_du, 5, [5, None])])
    client = client_for(people.district_officer)
    foreign = other.allocations.get()
    response = client.post(
        reverse("plans:grid_cell", args=[district_plan.pk]), {"allocation": foreign.pk, "bucket": "total", "value": "7"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.total == 5


def test_emptying_a_cell_deletes_it_and_total_can_be_changed(tree, people, district_plan, client_for):
    client = client_for(people.district_officer)
    allocation = district_plan.allocations.get(unit=tree.van_du)
    bucket = district_plan.buckets.get(key="round:2")
    client.post(
        reverse("plans:grid_cell", args=[district_plan.pk]),
        {"allocation": allocation.pk, "bucket": bucket.pk, "value": ""},
    )
    client.post(
        reverse("plans:grid_cell", args=[district_plan.pk]),
        {"allocation": allocation.pk, "bucket": "total", "value": "25"},
    )
    allocation.refresh_from_db()
    assert allocation.total == 25 and not allocation.cells.filter(bucket=bucket).exists()


def test_add_row_and_bucket(tree, people, district_plan, client_for):
    from hienmau.orgs.models import Unit

    extra = Unit.objects.create(name="Trường THCS Vân Du", kind="organisation", category="school", parent=tree.van_du)
    client = client_for(people.district_officer)
    client.post(reverse("plans:grid_add_row", args=[district_plan.pk]), {"unit": extra.pk, "total": "12"})
    client.post(
        reverse("plans:grid_add_bucket", args=[district_plan.pk]),
        {"kind": "round", "number": "3", "date": "09/11/2024"},
    )
    assert district_plan.allocations.get(unit=extra).total == 12
    assert district_plan.buckets.get(key="round:3").date.isoformat() == "2024-11-09"


def test_issue_once(tree, people, district_plan, client_for):
    client = client_for(people.district_officer)
    form = {"number": "14/KH-UBND", "date": "17/01/2024", "signer": "Nguyễn Văn A, Phó Chủ tịch"}
    client.post(reverse("plans:plan_issue", args=[district_plan.pk]), form)
    district_plan.refresh_from_db()
    assert district_plan.status == PlanStatus.ISSUED
    response = client.post(reverse("plans:plan_issue", args=[district_plan.pk]), form, follow=True)
    assert "đã được ban hành trước đó" in response.content.decode()


def test_targets_formset(tree, people, district_plan, client_for):
    client = client_for(people.district_officer)
    target = district_plan.targets.get()
    data = {
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "1",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-id": target.pk,
        "targets-0-plan": district_plan.pk,
        "targets-0-metric": "blood_units",
        "targets-0-value": "1.921",
        "targets-0-counting_basis": "donations",
        "targets-0-note": "",
        "targets-1-plan": district_plan.pk,
        "targets-1-metric": "population_percent",
        "targets-1-value": "1,5",
        "targets-1-counting_basis": "",
        "targets-1-note": "",
        "targets-2-plan": district_plan.pk,
        "targets-2-metric": "",
        "targets-2-value": "",
        "targets-2-counting_basis": "",
        "targets-2-note": "",
    }
    response = client.post(reverse("plans:plan_targets", args=[district_plan.pk]), data)
    assert response.status_code == 302, response.context["formset"].errors
    values = {t.metric: t.value for t in district_plan.targets.all()}
    assert str(values["blood_units"]) == "1921.00" and str(values["population_percent"]) == "1.50"


SEED_001 = "src/hienmau/plans/data/seed-001-an-thi-14-KH-UBND-2024.txt"


def test_import_previews_findings_then_saves_once(tree, people, client_for):
    from pathlib import Path

    from hienmau.orgs.demo import load_demo

    load_demo()
    from hienmau.orgs.models import Membership, Unit

    officer = people.district_officer
    real_an_thi = Unit.objects.get(code="329", name="Ân Thi")
    Membership.objects.filter(user=officer).update(unit=real_an_thi)
    client = client_for(officer)
    text = Path(SEED_001).read_text(encoding="utf-8")
    preview = client.post(reverse("plans:plan_import"), {"text": text})
    body = preview.content.decode()
    assert preview.status_code == 200 and "Số hiệu kế hoạch không khớp" in body and "Ghi chú thay cho số" in body
    # Words, not codes or bucket keys (issue 12).
    assert not re.search(r"\b(reference_mismatch|note_instead_of_number|row_sum_mismatch|(month|round):\d+)\b", body)
    token = preview.context["token"]
    saved = client.post(reverse("plans:plan_import"), {"token": token, "issuing_unit": real_an_thi.pk})
    plan = Plan.objects.get(number="14", issuing_unit=real_an_thi)
    assert saved.status_code == 302 and plan.allocations.count() == 41
    assert plan.import_findings.filter(code="row_sum_mismatch").count() == 2
    smart = plan.allocations.get(unit_name="Công ty TNHH may Smart Shirts")
    assert smart.total is None and smart.delegated_to.name == "Liên đoàn lao động huyện"
    second = client.post(reverse("plans:plan_import"), {"text": text})
    client.post(reverse("plans:plan_import"), {"token": second.context["token"], "issuing_unit": real_an_thi.pk})
    assert Plan.objects.filter(number="14").count() == 1
    assert plan.history.count() == 1  # the second import changed nothing


def test_import_of_something_that_is_not_a_table_says_so_and_saves_nothing(tree, people, client_for):
    client = client_for(people.district_officer)
    response = client.post(reverse("plans:plan_import"), {"text": "Kính gửi các đơn vị.\nĐề nghị báo cáo."})
    assert "Không tìm thấy bảng phụ lục" in response.content.decode()
    assert Plan.objects.count() == 0


def test_import_refuses_an_oversized_upload(tree, people, client_for, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hienmau.plans import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 1000)
    client = client_for(people.district_officer)
    upload = SimpleUploadedFile("big.xlsx", b"x" * 2000)
    response = client.post(reverse("plans:plan_import"), {"file": upload})
    assert "Tệp quá lớn" in response.content.decode() and Plan.objects.count() == 0


def test_import_token_of_another_session_is_404(tree, people, client_for, client):
    other = client_for(people.district_officer)
    response = other.post(reverse("plans:plan_import"), {"token": "0" * 32, "issuing_unit": tree.an_thi.pk})
    assert response.status_code == 404


def test_attachments_are_uploaded_by_the_issuer_and_served_only_in_scope(
    tree, people, district_plan, client_for, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    officer = client_for(people.district_officer)
    officer.post(
        reverse("plans:plan_attach", args=[district_plan.pk]),
        {"file": SimpleUploadedFile("14-KH-UBND.pdf", b"%PDF-1.4 signed scan")},
    )
    attachment = district_plan.attachments.get()
    url = reverse("plans:plan_attachment", args=[district_plan.pk, attachment.pk])
    assert b"".join(officer.get(url).streaming_content) == b"%PDF-1.4 signed scan"
    outsider = client_for(people.province_officer)
    assert outsider.get(url).status_code == 404


def test_a_large_appendix_is_saved_by_the_worker_through_the_same_import(tree, people, client_for, settings):
    from pathlib import Path

    from hienmau.jobs.models import Job, JobState
    from hienmau.orgs.demo import load_demo
    from hienmau.orgs.models import Membership, Unit

    settings.HIENMAU_BACKGROUND_IMPORT_BYTES = 0  # every file counts as large
    load_demo()
    officer = people.district_officer
    real_an_thi = Unit.objects.get(code="329", name="Ân Thi")
    Membership.objects.filter(user=officer).update(unit=real_an_thi)
    client = client_for(officer)
    preview = client.post(reverse("plans:plan_import"), {"text": Path(SEED_001).read_text(encoding="utf-8")})
    saved = client.post(
        reverse("plans:plan_import"), {"token": preview.context["token"], "issuing_unit": real_an_thi.pk}
    )
    job = Job.objects.get()
    plan = Plan.objects.get(number="14", issuing_unit=real_an_thi)
    assert saved["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.state == JobState.DONE and (job.done, job.total) == (41, 41) and plan.allocations.count() == 41
    assert job.result_url == reverse("plans:plan_detail", args=[plan.pk]) and "Đã nhập phụ lục" in job.message
    assert preview.context["token"] not in client.session.get("hienmau.plan_imports", {})  # handed to the job
