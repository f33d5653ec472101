"""The outlook page, the dashboard's six months and the office's warning, and the demand pages: scope,
read-only roles, Vietnamese on screen, and what is stored."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.demand.models import Need
from hienmau.notify.models import Message

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 12, 10)


def visible_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_outlook_page_flags_tet_and_shows_how_each_figure_was_made(client_for, people, province, tree):
    with frozen(TODAY):
        response = client_for(people.province_officer).get(
            reverse("reports:unit_outlook", args=[tree.an_giang.pk]) + "?from=2026-01&months=6"
        )
    assert response.status_code == 200
    text = visible_text(response)
    assert "02/2026 (có Tết)" in text and "Có thể thiếu máu" in text
    assert "12 tháng gần nhất tiếp nhận" in text and "trung bình các năm Tết rơi vào cùng tháng" in text
    assert "sai số trung bình" in text and "Mô hình sát thực tế hơn" in text
    assert "None" not in text and "seasonal" not in text and "flag" not in text


def test_a_past_as_of_day_is_a_backtest_on_the_page(client_for, people, province, tree):
    with frozen(TODAY):
        response = client_for(people.province_leader).get(
            reverse("reports:unit_outlook", args=[tree.an_giang.pk]) + "?as_of=2024-12-20&from=2025-01&months=3"
        )
    text = visible_text(response)
    assert response.status_code == 200 and "Đang xem lại như vào ngày 20/12/2024" in text


def test_another_province_gets_404(client_for, people, province, tree):
    client = client_for(people.district_officer)
    assert client.get(reverse("reports:unit_outlook", args=[tree.an_giang.pk])).status_code == 404
    assert client.get(reverse("reports:unit_outlook", args=[tree.kien_giang.pk])).status_code == 404


def test_the_dashboard_charts_six_months_and_warns_the_office_once(client_for, people, province):
    people.province_officer.email = "vp.angiang@example.vn"
    people.province_officer.save()
    client = client_for(people.province_officer)
    with frozen(TODAY):
        first = visible_text(client.get(reverse("reports:overview")))
        sent = Message.objects.filter(purpose__startswith="outlook:").count()
        client.get(reverse("reports:overview"))
    assert "Triển vọng nguồn máu 6 tháng tới" in first and "tháng 02/2026" in first
    messages = list(Message.objects.filter(purpose__startswith="outlook:"))
    assert len(messages) == sent == first.count("thiếu khoảng")  # one per red month, not again on the next visit
    assert {m.recipient for m in messages} == {"vp.angiang@example.vn"}
    assert any("tháng 02/2026" in m.body and "tỉnh An Giang" in m.body for m in messages)


def test_the_officer_enters_a_month_and_a_leader_may_not(client_for, people, province):
    _history, hospital, _average = province
    url = reverse("demand:need_list")
    data = {"facility": hospital.pk, "month": "Tháng 7/2026", "blood_group": "", "units": "480"}
    with frozen(TODAY):
        assert client_for(people.province_leader).post(url, data).status_code == 403
        response = client_for(people.province_officer).post(url, data)
    assert response.status_code == 302
    assert Need.objects.get(facility=hospital, month=datetime.date(2026, 7, 1)).units == 480
    with frozen(TODAY):
        text = visible_text(client_for(people.province_officer).get(url + "?year=2026"))
    assert "Bệnh viện Đa khoa tỉnh" in text and "480" in text and "mọi nhóm" in text


def test_another_province_sees_no_need_of_this_one(client_for, people, province):
    with frozen(TODAY):
        text = visible_text(client_for(people.district_officer).get(reverse("demand:need_list") + "?year=2026"))
    assert "Bệnh viện Đa khoa tỉnh" not in text and "Chưa có nhu cầu nào" in text


def test_the_web_import_previews_then_saves(client_for, people, province):
    book = openpyxl.Workbook()
    for row in (["Cơ sở tiếp nhận", "Tháng", "Số đơn vị máu"], ["BV-KG", "08/2026", 500], ["BV Lạ", "09/2026", 10]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "nhu-cau.xlsx"
    client = client_for(people.province_officer)
    with frozen(TODAY):
        preview = client.post(reverse("demand:need_import"), {"file": upload})
        text = visible_text(preview)
        assert "BV Lạ" in text and "Không nhận ra đơn vị" in text and not Need.objects.filter(units=500).exists()
        token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
        saved = client.post(reverse("demand:need_import"), {"token": token})
    assert saved.status_code == 302 and Need.objects.get(month=datetime.date(2026, 8, 1)).units == 500
    assert client_for(people.province_leader).get(reverse("demand:need_import")).status_code == 403
