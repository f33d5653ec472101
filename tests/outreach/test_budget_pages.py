"""A plan's budget on the web: estimate lines, spending with receipts and sponsors recorded by the issuing
side; donors' benefits (Circular 15/2023) and the blood units collected come from the data; the page and
its .xlsx/.docx exports show estimate against actual; units given a target and other provinces see no money."""

import datetime
import io
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from hienmau.donors.models import Donation, Donor
from hienmau.humanitarian.models import Sponsor
from hienmau.outreach.models import BudgetLine, Contribution, Expense
from tests.factories import member

pytestmark = pytest.mark.django_db


def words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def budgeted(tree, people, client_for, district_plan):
    client = client_for(people.district_officer)
    url = lambda name: reverse(f"outreach:{name}", args=[district_plan.pk])  # noqa: E731
    posts = [
        (
            url("budget_line_add"),
            {"category": "printing", "source": "state", "description": "Tờ rơi", "amount": "8.000.000"},
        ),
        (url("budget_line_add"), {"category": "donor_benefits", "source": "state", "amount": "1.000.000"}),
        (
            url("expense_add"),
            {
                "category": "printing",
                "source": "state",
                "date": "04/03/2024",
                "description": "In 2.000 tờ rơi",
                "amount": "9.200.000",
                "receipt": SimpleUploadedFile("hoa-don.pdf", b"%PDF-1.4 hoa don", "application/pdf"),
            },
        ),
        (
            url("contribution_add"),
            {
                "sponsor_name": "Công ty TNHH may Fore Mat",
                "date": "08/03/2024",
                "source": "sponsorship",
                "amount": "15.000.000",
            },
        ),
    ]
    for target, data in posts:
        response = client.post(target, data)
        assert response.status_code == 302, response.content.decode()[:500]
    person = Donor.objects.create(full_name="Phạm Thị Hoa", commune=tree.van_du)
    Donation.objects.create(
        donor=person,
        date=datetime.date(2024, 3, 15),
        volume_ml=350,
        mobilised_by=tree.van_du,
        benefit_kind="gift",
        benefit_amount=150_000,
    )
    Donation.objects.create(
        donor=person,
        date=datetime.date(2023, 3, 15),
        volume_ml=350,
        mobilised_by=tree.van_du,
        benefit_kind="cash",
        benefit_amount=150_000,
    )  # before the plan's year
    return district_plan


def test_the_budget_page_shows_estimate_against_actual_with_the_donors_benefits(people, client_for, budgeted):
    assert BudgetLine.objects.count() == 2 and Sponsor.objects.get().name == "Công ty TNHH may Fore Mat"
    expense = Expense.objects.get()
    assert expense.amount == 9_200_000 and expense.recorded_by == people.district_officer and expense.receipt
    page = words(client_for(people.district_officer).get(reverse("outreach:plan_budget", args=[budgeted.pk])))
    assert "Dự toán 9.000.000" in page
    assert "Thực hiện 9.350.000" in page  # 9.200.000 spent + one gift of 150.000 in 2024
    assert "In ấn tờ rơi, áp phích, băng rôn 8.000.000 9.200.000 1.200.000 115,0%" in page
    assert "Hỗ trợ người hiến máu (Thông tư 15/2023/TT-BYT) 1.000.000 150.000 -850.000 15,0%" in page
    assert "Tài trợ bằng tiền 0 15.000.000 0" in page
    receipt = client_for(people.district_officer).get(
        reverse("outreach:budget_receipt", args=[budgeted.pk, "expense", expense.pk])
    )
    assert b"".join(receipt.streaming_content) == b"%PDF-1.4 hoa don"


def test_the_estimate_against_actual_exports_in_the_official_format(people, client_for, budgeted):
    client = client_for(people.district_officer)
    xlsx = client.get(reverse("outreach:budget_export", args=[budgeted.pk, "xlsx"]))
    assert xlsx.status_code == 200
    values = [c for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row if c]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values and "Độc lập - Tự do - Hạnh phúc" in values
    assert "BẢNG SO SÁNH DỰ TOÁN VÀ THỰC HIỆN KINH PHÍ" in values
    assert any(str(v).startswith("Ân Thi, ngày") for v in values)
    assert {"In ấn tờ rơi, áp phích, băng rôn", "8.000.000", "9.200.000", "115,0"} <= set(values)
    docx = client.get(reverse("outreach:budget_export", args=[budgeted.pk, "docx"]))
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "BẢNG SO SÁNH DỰ TOÁN VÀ THỰC HIỆN KINH PHÍ" in text and "9.350.000" in text
    assert "Thông tư số 182/2009/TT-BTC" in text
    assert client.get(reverse("outreach:budget_export", args=[budgeted.pk, "odt"])).status_code == 404


def test_a_steering_committees_budget_prints_its_three_line_heading_in_every_format(people, client_for, budgeted):
    budgeted.suffix = "KH-BCĐ"
    budgeted.save()
    client = client_for(people.district_officer)
    xlsx = client.get(reverse("outreach:budget_export", args=[budgeted.pk, "xlsx"]))
    values = [c for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row if c]
    assert values[:3] == ["BAN CHỈ ĐẠO VẬN ĐỘNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "HIẾN MÁU TÌNH NGUYỆN"]
    assert "HUYỆN ÂN THI" in values
    pdf = client.get(reverse("outreach:budget_export", args=[budgeted.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "BẢNG SO SÁNH DỰ TOÁN VÀ THỰC HIỆN KINH PHÍ" in text and "HIẾN MÁU TÌNH NGUYỆN" in text
    assert "9.350.000" in text and "Độc lập - Tự do - Hạnh phúc" in text


def test_units_given_a_target_and_other_provinces_see_no_money(people, client_for, budgeted):
    expense = Expense.objects.get()
    for user, status in ((people.van_du_focal, 404), (people.province_officer, 404)):
        client = client_for(user)
        assert client.get(reverse("outreach:plan_budget", args=[budgeted.pk])).status_code == status
        assert client.get(reverse("outreach:budget_export", args=[budgeted.pk, "xlsx"])).status_code == status
        receipt = reverse("outreach:budget_receipt", args=[budgeted.pk, "expense", expense.pk])
        assert client.get(receipt).status_code == status
        data = {"category": "other", "source": "state", "amount": "1"}
        assert client.post(reverse("outreach:budget_line_add", args=[budgeted.pk]), data).status_code == status
    assert BudgetLine.objects.count() == 2
    panel = words(client_for(people.van_du_focal).get(reverse("plans:plan_detail", args=[budgeted.pk])))
    assert "Kinh phí: dự toán và thực hiện" not in panel


def test_a_read_only_role_reads_the_budget_but_cannot_record(tree, people, client_for, budgeted):
    leader = member("ld.anthi", tree.an_thi, "leader")
    client = client_for(leader)
    assert client.get(reverse("outreach:plan_budget", args=[budgeted.pk])).status_code == 200
    line = BudgetLine.objects.first()
    assert client.post(reverse("outreach:budget_item_delete", args=[budgeted.pk, "line", line.pk])).status_code == 403
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_bad_amount_is_refused_with_the_form(people, client_for, budgeted):
    client = client_for(people.district_officer)
    response = client.post(
        reverse("outreach:expense_add", args=[budgeted.pk]),
        {"category": "printing", "source": "state", "date": "04/03/2024", "description": "x", "amount": "nhiều"},
    )
    assert response.status_code == 400 and Expense.objects.count() == 1
    assert Contribution.objects.count() == 1
