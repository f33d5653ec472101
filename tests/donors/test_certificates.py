"""Donation certificates: the PDF, its QR code, the public check page and the printable donor card."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.core.lib.documents import document_date, place_date_line
from hienmau.donors import certificates
from hienmau.donors.lib.certificate_text import component_phrase, masked_name
from hienmau.donors.models import BloodGroupSource, Component, Donation, Donor, Outcome
from hienmau.orgs.models import Role, Unit, UnitCategory, UnitKind
from tests.factories import member

pytestmark = pytest.mark.urls("tests.donors.certificate_test_urls")

CCCD = "033090012345"
PHONE = "+84912345678"
DOB = datetime.date(1990, 4, 7)
DONATED_ON = datetime.date(2025, 3, 15)


@pytest.fixture
def hospital(tree):
    return Unit.objects.create(
        name="Bệnh viện Đa khoa Ân Thi",
        kind=UnitKind.ORGANISATION,
        category=UnitCategory.HOSPITAL,
        parent=tree.an_thi,
        code="BVAT",
    )


@pytest.fixture
def donor(tree):
    return Donor.objects.create(
        full_name="Nguyễn Văn Đức",
        date_of_birth=DOB,
        sex="M",
        cccd=CCCD,
        phone=PHONE,
        address="Thôn Đông, xã Vân Du",
        commune=tree.van_du,
        abo="O",
        rh="+",
        blood_group_source=BloodGroupSource.FACILITY,
        weight_kg=62,
    )


@pytest.fixture
def donation(donor, hospital):
    return Donation.objects.create(
        donor=donor, date=DONATED_ON, facility=hospital, volume_ml=350, component=Component.WHOLE_BLOOD
    )


@pytest.fixture
def outsider(tree):
    """Lives, works and gave blood in An Giang: nobody in Hưng Yên can see them."""
    facility = Unit.objects.create(
        name="Bệnh viện Đa khoa An Giang",
        kind=UnitKind.ORGANISATION,
        category=UnitCategory.HOSPITAL,
        parent=tree.an_giang,
        code="BVAG",
    )
    person = Donor.objects.create(full_name="Trần Thị Mai", commune=None, workplace=facility)
    visit = Donation.objects.create(donor=person, date=DONATED_ON, facility=facility, volume_ml=250)
    return person, visit


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout


# --- wording ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn Đức", "Nguyễn V. Đ."),
        ("Lê Thị Ánh Tuyết", "Lê T. Á. T."),
        ("  Trần   Mai ", "Trần M."),
        ("Đức", "Đ."),
        ("", ""),
        ("nguyễn ứng", "nguyễn Ứ."),
    ],
)
def test_masked_name_keeps_the_family_name_and_initials(name, masked):
    assert masked_name(name) == masked


def test_dates_and_volumes_are_written_as_documents_write_them():
    assert document_date(datetime.date(2025, 3, 5)) == "ngày 05 tháng 3 năm 2025"
    assert document_date(datetime.date(2024, 2, 17)) == "ngày 17 tháng 02 năm 2024"
    assert place_date_line("Ân Thi", datetime.date(2025, 12, 1)) == "Ân Thi, ngày 01 tháng 12 năm 2025"
    assert place_date_line("", datetime.date(2025, 12, 1)) == "Ngày 01 tháng 12 năm 2025"
    assert component_phrase(350, "Máu toàn phần") == "350 ml máu toàn phần"
    assert component_phrase(1200, "Huyết tương (gạn tách)") == "1.200 ml huyết tương (gạn tách)"


# --- the PDF ------------------------------------------------------------------------------------


def test_certificate_pdf_issues_a_number_and_prints_the_certificate(donation, tmp_path):
    assert donation.certificate_number is None

    content = certificates.certificate_pdf(donation)

    donation.refresh_from_db()
    assert donation.certificate_number == "BVAT-2025-000001"
    assert len(donation.certificate_token) == 24
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    for expected in (
        "GIẤY CHỨNG NHẬN",
        "HIẾN MÁU TÌNH NGUYỆN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BỆNH VIỆN ĐA KHOA ÂN THI",
        "Số: BVAT-2025-000001",
        "Nguyễn Văn Đức",
        "Năm sinh: 1990",
        "O Rh+",
        "350 ml máu toàn phần",
        "15/03/2025",
        "1995/2004/QĐ-BYT",
        "Ân Thi, ngày 15 tháng 3 năm 2025",
    ):
        assert expected in text, expected
    for private in (CCCD, "0912345678", "07/04/1990", "Thôn Đông"):
        assert private not in text


def test_certificate_is_one_page(donation):
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(
        ["pdfinfo", "-"], input=certificates.certificate_pdf(donation), capture_output=True, check=True, text=False
    ).stdout.decode()
    assert "Pages:           1" in info
    assert "595.276 x 419.528" in info or "595.28 x 419.53" in info  # A5 landscape in points


def test_certificate_without_facility_or_birth_date_still_reads_well(donor, tmp_path):
    donor.date_of_birth = None
    donor.blood_group_source = BloodGroupSource.SELF_DECLARED  # a told group is not certified
    donor.save()
    visit = Donation.objects.create(
        donor=donor, date=datetime.date(2025, 1, 9), volume_ml=250, drive_name="Ngày hội hiến máu xã Vân Du"
    )

    text = pdf_text(certificates.certificate_pdf(visit), tmp_path)

    assert "CƠ SỞ TIẾP NHẬN MÁU" in text and "Số: HM-2025-000001" in text
    assert "Ngày 09 tháng 01 năm 2025" in text and "Ngày hội hiến máu xã Vân Du" in text
    assert "Năm sinh" not in text and "Nhóm máu" not in text


def test_the_qr_code_encodes_the_public_check_address(donation, monkeypatch, rf, settings):
    settings.ALLOWED_HOSTS = ["hienmau.example.vn"]
    encoded = []
    real = certificates.qr_svg
    monkeypatch.setattr(certificates, "qr_svg", lambda data: encoded.append(data) or real(data))

    certificates.certificate_html(donation, rf.get("/", HTTP_HOST="hienmau.example.vn"))

    donation.refresh_from_db()
    assert encoded == [f"http://hienmau.example.vn/c/{donation.certificate_token}/"]


def test_a_configured_public_address_wins_over_the_request(donation, settings, rf):
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    settings.HIENMAU_PUBLIC_BASE_URL = "https://hienmau.hungyen.gov.vn/"
    donation = certificates.ensure_issued(donation)

    url = certificates.verification_url(rf.get("/", HTTP_HOST="10.0.0.5"), donation)

    assert url == f"https://hienmau.hungyen.gov.vn/c/{donation.certificate_token}/"


def test_an_old_number_without_a_token_gets_a_token_and_keeps_its_number(donation):
    Donation.objects.filter(pk=donation.pk).update(certificate_number="GCN-123/2019")
    donation.refresh_from_db()

    issued = certificates.ensure_issued(donation)

    donation.refresh_from_db()
    assert donation.certificate_number == "GCN-123/2019"
    assert issued.certificate_token == donation.certificate_token and len(donation.certificate_token) == 24


# --- the staff PDF view -------------------------------------------------------------------------


def certificate_url(visit):
    return reverse("donor_documents:donation_certificate", args=[visit.pk])


def test_officer_gets_the_pdf_inline(donation, people, client_for):
    response = client_for(people.district_officer).get(certificate_url(donation))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="giay-chung-nhan-BVAT-2025-000001.pdf"'
    assert response.content.startswith(b"%PDF")
    donation.refresh_from_db()
    assert donation.certificate_number == "BVAT-2025-000001"
    assert donation.history.first().history_user == people.district_officer


def test_printing_twice_keeps_the_same_number(donation, people, client_for):
    client = client_for(people.district_officer)
    client.get(certificate_url(donation))
    client.get(certificate_url(donation))

    donation.refresh_from_db()
    assert donation.certificate_number == "BVAT-2025-000001"
    assert Donation.objects.exclude(certificate_number=None).count() == 1


def test_anonymous_visitor_is_sent_to_login(donation, client):
    response = client.get(certificate_url(donation))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_user_without_a_role_is_refused(donation, people, client_for):
    assert client_for(people.nobody).get(certificate_url(donation)).status_code == 403


def test_donation_of_a_donor_outside_the_scope_is_a_404(outsider, people, client_for):
    _, visit = outsider

    assert client_for(people.district_officer).get(certificate_url(visit)).status_code == 404
    visit.refresh_from_db()
    assert visit.certificate_number is None


def test_a_deferred_visit_has_no_certificate(donor, hospital, people, client_for):
    deferred = Donation.objects.create(
        donor=donor,
        date=DONATED_ON,
        facility=hospital,
        outcome=Outcome.DEFERRED,
        deferral_reason="Huyết áp cao",
        deferral_until=datetime.date(2025, 4, 15),
    )

    assert client_for(people.district_officer).get(certificate_url(deferred)).status_code == 404


def test_read_only_role_may_reprint_but_not_issue(donation, people, client_for, tree):
    leader = member("ld.hungyen", tree.hung_yen, Role.LEADER)
    client = client_for(leader)

    assert client.get(certificate_url(donation)).status_code == 403
    donation.refresh_from_db()
    assert donation.certificate_number is None

    certificates.ensure_issued(donation)
    assert client.get(certificate_url(donation)).status_code == 200


def test_erased_donor_has_no_certificate(donation, people, client_for):
    from hienmau.donors.privacy import erase_donor

    erase_donor(donation.donor, people.admin)

    assert client_for(people.district_officer).get(certificate_url(donation)).status_code == 404


# --- the public check page ----------------------------------------------------------------------


def verify_url(token):
    return reverse("public_certificates:certificate_verify", args=[token])


def test_public_page_confirms_the_certificate_and_hides_personal_data(donation, client):
    donation = certificates.ensure_issued(donation)

    response = client.get(verify_url(donation.certificate_token))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Giấy chứng nhận hợp lệ" in html
    assert "BVAT-2025-000001" in html and "15/03/2025" in html and "350 ml máu toàn phần" in html
    assert "Bệnh viện Đa khoa Ân Thi" in html
    assert "Nguyễn V. Đ." in html and "Nguyễn Văn Đức" not in html
    for private in (CCCD, CCCD[-6:], PHONE, "0912345678", "912345678", "07/04/1990", "1990-04-07", "Thôn Đông"):
        assert private not in html, private
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert "Đăng xuất" not in html  # the anonymous layout: no staff navigation


def test_unknown_token_is_a_404_page(donation, client):
    certificates.ensure_issued(donation)

    response = client.get(verify_url("A" * 24))

    assert response.status_code == 404
    assert "Không tìm thấy giấy chứng nhận" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"


def test_tokens_are_compared_exactly(donation, client):
    token = certificates.ensure_issued(donation).certificate_token
    near_misses = {token.swapcase(), token[:-1], token + "x", f" {token}"} - {token}

    for wrong in near_misses:
        assert client.get(verify_url(wrong)).status_code == 404, wrong


def test_the_token_of_an_erased_donor_no_longer_verifies(donation, people, client):
    from hienmau.donors.privacy import erase_donor

    token = certificates.ensure_issued(donation).certificate_token
    erase_donor(donation.donor, people.admin)

    assert client.get(verify_url(token)).status_code == 404


def test_public_page_only_answers_reads(donation, client):
    token = certificates.ensure_issued(donation).certificate_token

    assert client.post(verify_url(token)).status_code == 405


# --- the donor card -----------------------------------------------------------------------------


def card_url(person):
    return reverse("donor_documents:donor_card", args=[person.pk])


def test_card_shows_group_count_last_date_next_date_and_the_latest_certificate(donation, people, client_for):
    older = Donation.objects.create(
        donor=donation.donor, date=datetime.date(2024, 11, 2), facility=donation.facility, volume_ml=350
    )
    certificates.ensure_issued(older)
    donation = certificates.ensure_issued(donation)

    with frozen(datetime.date(2025, 4, 1)):
        response = client_for(people.district_officer).get(card_url(donation.donor))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn Đức" in html and "In thẻ" in html
    card = response.context["card"]
    assert card.donation_count == 2 and card.last_donation == DONATED_ON
    assert card.blood_group == "O Rh+" and not card.rare_group
    assert not card.eligible_now and card.eligible_from == DONATED_ON + datetime.timedelta(weeks=12)
    assert "07/06/2025" in html and "15/03/2025" in html
    assert card.certificate_number == donation.certificate_number
    assert card.verify_url == f"http://testserver/c/{donation.certificate_token}/"
    assert '<svg viewBox="0 0' in html
    assert CCCD not in html and "0912345678" not in html


def test_card_highlights_a_rare_group_and_never_prints_a_deferral_reason(donor, hospital, people, client_for):
    donor.rh = "-"
    donor.save()
    Donation.objects.create(
        donor=donor,
        date=datetime.date(2025, 3, 1),
        facility=hospital,
        outcome=Outcome.DEFERRED,
        deferral_reason="Viêm gan B",
        deferral_until=datetime.date(2025, 9, 1),
    )

    with frozen(datetime.date(2025, 4, 1)):
        response = client_for(people.district_officer).get(card_url(donor))

    html = response.content.decode()
    assert response.context["card"].rare_group and "Nhóm máu hiếm Rh−" in html and 'class="group rare"' in html
    assert "Viêm gan" not in html
    assert "Chưa có giấy chứng nhận" in html and response.context["card"].qr is None


def test_card_of_a_donor_outside_the_scope_is_a_404(outsider, people, client_for):
    person, _ = outsider

    assert client_for(people.district_officer).get(card_url(person)).status_code == 404
    response = client_for(people.province_officer).get(card_url(person))
    assert response.status_code == 200
    assert "Hỏi cơ sở y tế" in response.content.decode()  # no date of birth: eligibility is not guessed
