"""A round on the web: proposals, review, approval, the list (PDF, .xlsx read back by the importer) and the
certificates; the donor and unit pages; old list rows waiting for an officer; local tiers."""

import datetime
import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hienmau.donors.models import Donation, Donor
from hienmau.honours.importer import import_past
from hienmau.honours.models import Honour, HonourRound, HonourStatus, LocalTier, MatchStatus

pytestmark = pytest.mark.django_db
CUTOFF = datetime.date(2025, 6, 14)


def donor(name, dob, commune, sex="M", times=0) -> Donor:
    person = Donor.objects.create(full_name=name, date_of_birth=dob, commune=commune, sex=sex)
    Donation.objects.bulk_create(
        Donation(donor=person, date=CUTOFF - datetime.timedelta(days=90 * i), volume_ml=350) for i in range(times)
    )
    return person


@pytest.fixture
def givers(tree):
    return {
        "hung": donor("Nguyễn Văn Hùng", datetime.date(1980, 5, 12), tree.van_du, times=21),
        "hoa": donor("Trần Thị Hoa", datetime.date(1985, 9, 3), tree.phu_ung, sex="F", times=32),
        "tam": donor("Lê Văn Tám", datetime.date(1979, 1, 1), tree.van_du, times=12),
        "far": donor("Châu Thị Bé Ngọc", datetime.date(1990, 4, 4), tree.an_giang, sex="F", times=40),
    }


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_round_from_proposal_to_certificates(givers, people, client_for, tmp_path):
    client = client_for(people.district_officer)
    response = client.post(reverse("honours:round_create"), {"occasion": "june14", "cutoff": "14/06/2025"})
    honour_round = HonourRound.objects.get()
    assert response.url == reverse("honours:round_detail", args=[honour_round.pk])
    assert honour_round.title == "Tôn vinh người hiến máu tình nguyện 14/6/2025, huyện Ân Thi"
    proposed = {h.name: (h.tier, h.count, h.status) for h in honour_round.honours.all()}
    assert proposed == {"Nguyễn Văn Hùng": (20, 21, "proposed"), "Trần Thị Hoa": (30, 32, "proposed")}
    page = client.get(reverse("honours:round_detail", args=[honour_round.pk])).content.decode()
    assert "Mốc 20 lần (1 người)" in page and "Châu Thị" not in page
    hung = honour_round.honours.get(donor=givers["hung"])
    client.post(reverse("honours:honour_toggle", args=[honour_round.pk, hung.pk]), {"exclude": "1"})
    hung.refresh_from_db()
    assert hung.status == HonourStatus.EXCLUDED
    # A refresh keeps the officer's choice.
    client.post(reverse("honours:round_refresh", args=[honour_round.pk]))
    hung.refresh_from_db()
    assert hung.status == HonourStatus.EXCLUDED
    client.post(reverse("honours:honour_toggle", args=[honour_round.pk, hung.pk]), {"exclude": "0"})
    client.post(
        reverse("honours:round_approve", args=[honour_round.pk]),
        {"decision_number": "25/QĐ-BCĐ", "decision_date": "10/06/2025"},
    )
    honour_round.refresh_from_db()
    assert not honour_round.is_draft
    assert sorted(honour_round.honours.values_list("certificate_number", flat=True)) == ["001/2025", "002/2025"]

    listing = client.get(reverse("honours:round_export", args=[honour_round.pk, "pdf"]))
    assert listing["Content-Type"] == "application/pdf"
    text = pdf_text(listing.content, tmp_path)
    assert "DANH SÁCH NGƯỜI HIẾN MÁU TÌNH NGUYỆN ĐƯỢC TÔN VINH" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Nguyễn Văn Hùng" in text and "Trần Thị Hoa" in text and "Kèm theo Quyết định số 25/QĐ-BCĐ" in text

    certificates = client.get(reverse("honours:round_export", args=[honour_round.pk, "certificates"]))
    text = pdf_text(certificates.content, tmp_path)
    assert text.count("GIẤY KHEN") == 2 and "\f" in text
    assert "Ông Nguyễn Văn Hùng" in text and "Bà Trần Thị Hoa" in text and "Đã hiến máu tình nguyện 32 lần" in text

    sheet = client.get(reverse("honours:round_export", args=[honour_round.pk, "xlsx"]))
    rows = [list(row) for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)]
    assert ["NGƯỜI HIẾN MÁU ĐẠT 20 LẦN" in (r[1] or "") for r in rows].count(True) == 1
    # The list reads back as an old list: everyone attached, already honoured at their tier.
    path = tmp_path / "list.xlsx"
    path.write_bytes(sheet.content)
    readback = import_past(path, people.district_officer.memberships.get().unit, dry_run=True)
    assert [(o.row.full_name, o.row.tier, o.row.count, o.row.year) for o in readback.outcomes] == [
        ("Nguyễn Văn Hùng", 20, 21, 2025),
        ("Trần Thị Hoa", 30, 32, 2025),
    ]

    # Received now: the next round proposes neither again.
    client.post(reverse("honours:round_create"), {"occasion": "year_end", "cutoff": "31/12/2025"})
    assert not HonourRound.objects.exclude(pk=honour_round.pk).get().honours.exists()
    donor_page = client.get(reverse("donors:donor_detail", args=[givers["hoa"].pk])).content.decode()
    assert "30 lần" in donor_page and "Mốc tiếp theo: 40 lần" in donor_page and "122/QĐ-BCĐQG" in donor_page
    unit_page = client.get(reverse("orgs:unit_detail", args=[honour_round.unit.pk])).content.decode()
    assert honour_round.title in unit_page


def test_a_draft_is_not_printed_and_another_district_sees_no_round(givers, people, client_for, tree):
    from hienmau.orgs.models import Role, Unit, UnitCategory, UnitKind
    from tests.factories import member

    client = client_for(people.district_officer)
    client.post(reverse("honours:round_create"), {"occasion": "june14", "cutoff": "14/06/2025"})
    honour_round = HonourRound.objects.get()
    draft = client.get(reverse("honours:round_export", args=[honour_round.pk, "pdf"]))
    assert draft.status_code == 302
    other = Unit.objects.create(
        name="Kim Động", kind=UnitKind.DISTRICT, category=UnitCategory.RURAL_DISTRICT, parent=tree.hung_yen
    )
    outsider = member("ctd.kimdong", other, Role.OFFICER)
    client.force_login(outsider)
    for name in ("round_detail", "round_refresh", "round_approve"):
        method = client.get if name == "round_detail" else client.post
        assert method(reverse(f"honours:{name}", args=[honour_round.pk])).status_code == 404
    assert honour_round.title not in client.get(reverse("honours:round_list")).content.decode()
    client.force_login(people.van_du_focal)  # a focal point reads but does not change
    assert client.post(reverse("honours:round_refresh", args=[honour_round.pk])).status_code in (403, 404)


def test_old_list_rows_wait_for_an_officer_who_chooses_among_the_scopes_donors(givers, people, client_for, tree):
    twin = donor("Nguyễn Văn Hùng", datetime.date(1980, 5, 12), tree.phu_ung)
    client = client_for(people.district_officer)
    text = "DANH SÁCH TÔN VINH NĂM 2019\nHọ và tên\tNgày sinh\tSố lần hiến\nNguyễn Văn Hùng\t12/05/1980\t20\n"
    upload = io.BytesIO(text.encode())
    upload.name = "2019.txt"
    page = client.post(reverse("honours:past_import"), {"file": upload, "dry_run": ""}).content.decode()
    assert "cần chọn người hiến máu" in page
    honour = Honour.objects.get()
    assert honour.donor is None and honour.match == MatchStatus.REVIEW
    review = client.get(reverse("honours:review")).content.decode()
    assert f"/donors/{twin.pk}/" in review and f"/donors/{givers['hung'].pk}/" in review
    # A donor outside the choices is refused.
    refused = client.post(reverse("honours:review_choose", args=[honour.pk]), {"donor": givers["far"].pk})
    assert refused.status_code == 404
    client.post(reverse("honours:review_choose", args=[honour.pk]), {"donor": twin.pk})
    honour.refresh_from_db()
    assert honour.donor == twin and honour.match == MatchStatus.LINKED


def test_local_tiers_are_added_by_the_unit_and_used_by_its_rounds(givers, people, client_for):
    client = client_for(people.district_officer)
    client.post(reverse("honours:tiers"), {"count": "10", "award": "Giấy khen của Ban Chỉ đạo huyện", "citation": ""})
    assert LocalTier.objects.get().count == 10
    page = client.get(reverse("honours:tiers")).content.decode()
    assert "Giấy khen của Ban Chỉ đạo huyện" in page and "Bằng khen của Thủ tướng Chính phủ" in page
    client.post(reverse("honours:round_create"), {"occasion": "year_end", "cutoff": "31/12/2025"})
    proposed = {h.name: h.tier for h in HonourRound.objects.get().honours.all()}
    assert proposed == {"Nguyễn Văn Hùng": 20, "Trần Thị Hoa": 30, "Lê Văn Tám": 10}
