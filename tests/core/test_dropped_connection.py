"""What a person is told when the database connection fails in the middle of a request
(core/middleware.DatabaseFaultMiddleware): a Vietnamese 503 with Retry-After, saying nothing was saved
and what to do again, as a page, the check-in outbox's JSON or the API's JSON; never a 500.

Here the failure is raised by hand, so these run on SQLite too; the tests that really terminate the
PostgreSQL backend in the middle of a save, and count every table afterwards, are the
test_dropped_connection.py modules of plans, donors, drives, api and reports."""

import datetime
import json
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from hienmau.drives.models import Drive, Registration
from hienmau.orgs.models import Unit
from hienmau.plans.models import Bucket
from tests.plans.conftest import make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.drives.checkin_test_urls")]

LOST = OperationalError("server closed the connection unexpectedly")


def unavailable(answer) -> str:
    assert answer.status_code == 503, answer.status_code
    assert answer["Retry-After"] == "10"
    return answer.content.decode()


def test_a_page_whose_connection_fails_says_to_reload_it(tree, people, client_for):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29])])
    client = client_for(people.district_officer)
    with mock.patch("hienmau.plans.services.build_grid", side_effect=LOST):
        body = unavailable(client.get(reverse("plans:plan_grid", args=[plan.pk])))
    assert "Mất kết nối tới cơ sở dữ liệu khi đang tải trang. Hãy tải lại trang sau ít phút." in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert client.get(reverse("plans:plan_grid", args=[plan.pk])).status_code == 200  # the next request works


def test_a_form_whose_save_fails_says_nothing_was_saved_and_to_do_it_again(tree, people, client_for):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29])])
    client = client_for(people.district_officer)
    form = {"kind": "month", "number": "3"}
    with mock.patch("hienmau.plans.services.add_bucket", side_effect=LOST):
        body = unavailable(client.post(reverse("plans:grid_add_bucket", args=[plan.pk]), form))
    assert "Mất kết nối tới cơ sở dữ liệu giữa chừng nên thao tác vừa rồi chưa được lưu" in body
    assert "Hãy quay lại trang trước và làm lại thao tác sau ít phút." in body
    assert "<nav" in body  # the signed-in layout, with its way back
    assert '<p id="fault-message">' in body  # where the grid's script finds the message of an htmx save
    assert not Bucket.objects.filter(plan=plan, key="month:3").exists()


def test_a_file_whose_import_fails_says_to_choose_it_again(tree, people, client_for):
    hospital = Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi
    )
    client = client_for(people.district_officer)
    upload = SimpleUploadedFile("lich-su.csv", "Họ và tên,Ngày sinh\n".encode(), content_type="text/csv")
    with mock.patch("hienmau.donors.views.import_history", side_effect=InterfaceError("connection already closed")):
        body = unavailable(client.post(reverse("donors:history_import"), {"file": upload, "facility": hospital.pk}))
    assert "Hãy chọn lại tệp và bấm “Nhập” lần nữa" in body


def test_the_check_in_outbox_gets_json_it_keeps_and_sends_again(tree, people, client_for):
    drive = Drive.objects.create(
        organiser=tree.an_thi, title="Đợt Ân Thi", date=datetime.date(2021, 7, 9), start_time=datetime.time(7)
    )
    registration = Registration.objects.create(drive=drive, unit=tree.van_du, full_name="Nguyễn Văn Đức")
    body = {"registration": registration.pk, "client_event_id": "evt-lost-0001", "outcome": "no_show"}
    client = client_for(people.district_officer)
    with mock.patch("hienmau.drives.services.record_outcome", side_effect=LOST):
        answer = client.post(
            reverse("drive_checkin:checkin_outcome", args=[drive.pk]), json.dumps(body), "application/json"
        )
    unavailable(answer)
    assert answer.json() == {
        "ok": False,
        "error": "Mất kết nối tới cơ sở dữ liệu giữa chừng nên thao tác vừa rồi chưa được lưu: không có gì được "
        "ghi dở dang. Kết quả vẫn được giữ trên máy và sẽ được gửi lại khi kết nối ổn định.",
    }


def test_an_api_caller_gets_the_api_error_shape(tree, people):
    from django.test import Client

    from hienmau.api.tokens import create_token
    from hienmau.orgs.models import Membership

    user = people.district_officer
    token = create_token(user, Membership.objects.get(user=user), "Kết nối thử")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with mock.patch("hienmau.orgs.scoping.scoped_units", side_effect=LOST):
        answer = client.get("/api/v1/units/")
    unavailable(answer)
    assert answer.json()["code"] == "database_unavailable"
    assert answer.json()["message"].startswith("Mất kết nối tới cơ sở dữ liệu khi đang tải trang.")


# --- before the view ---------------------------------------------------------------------------------
# A connection lost while a middleware reads the session never reaches the view, so process_exception
# does not see it; handler500 (core.middleware.server_error) answers the same 503.


@pytest.mark.urls("hienmau.urls")
def test_a_connection_lost_while_reading_the_session_is_the_same_503(tree, people, client):
    client.force_login(people.district_officer)
    client.raise_request_exception = False
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=LOST):
        body = unavailable(client.get(reverse("home")))
    assert "Mất kết nối tới cơ sở dữ liệu khi đang tải trang." in body
    assert "Traceback" not in body and "Server Error" not in body


@pytest.mark.urls("hienmau.urls")
def test_any_other_server_error_is_a_vietnamese_page_that_reads_nothing(tree, people, client):
    client.force_login(people.district_officer)
    client.raise_request_exception = False
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=RuntimeError("boom")):
        answer = client.get(reverse("home"))
    assert answer.status_code == 500
    body = answer.content.decode()
    assert "Hệ thống gặp lỗi" in body and "Server Error" not in body and "boom" not in body
