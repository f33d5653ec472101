"""The officer's flow (record a household, pair it with a sponsor, record a delivery, read the report),
the scope, the masking and its logged reveal, documents, targets through plans, and the exports."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.donors.models import RevealLog
from hienmau.humanitarian.models import Beneficiary, BeneficiaryStatus, Delivery, Pledge
from hienmau.plans.models import Allocation, Metric, Plan, PlanKind
from hienmau.plans.services import add_allocation
from tests.conftest import DISTRICTS_END

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def today():
    with frozen(TODAY):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def record(client, unit, **extra):
    data = {
        "unit": unit.pk,
        "kind": "household",
        "full_name": "Thạch Thị Thử",
        "cccd": "091186000123",
        "phone": "0912345678",
        "address": "Ấp Cây Gáo",
        "members": "4",
        "situation": "Hộ nghèo, nhà dột.",
        "needs": ["health_insurance", "house_repair"],
        "status": "surveyed",
        **extra,
    }
    return client.post(reverse("humanitarian:beneficiary_create"), data)


def test_officer_records_pairs_delivers_and_the_page_shows_promised_and_arrived(tree, people, places, client_for):
    officer = client_for(people.province_officer)
    response = record(officer, places.phu_my)
    assert response.status_code == 302
    b = Beneficiary.objects.get()
    assert (b.unit, b.cccd, b.phone, b.needs) == (
        places.phu_my,
        "091186000123",
        "+84912345678",
        ["health_insurance", "house_repair"],
    )
    pledge_url = reverse("humanitarian:pledge_create", args=[b.pk])
    answer = officer.post(
        pledge_url,
        {
            "sponsor": places.sponsor.pk,
            "need": "health_insurance",
            "amount": "1.105.650",
            "quantity": "4",
            "frequency": "yearly",
            "start": "01/01/2026",
            "end": "31/12/2026",
        },
    )
    assert answer.status_code == 302
    pledge = Pledge.objects.get()
    b.refresh_from_db()
    assert b.status == BeneficiaryStatus.ESTABLISHED and b.established_on == datetime.date(2026, 1, 1)
    delivered = officer.post(
        reverse("humanitarian:delivery_create", args=[b.pk, pledge.pk]),
        {"date": "15/01/2026", "value": "4.422.600", "quantity": "4"},
    )
    assert delivered.status_code == 302 and Delivery.objects.get().value == 4_422_600
    page = officer.get(reverse("humanitarian:beneficiary_detail", args=[b.pk])).content.decode()
    assert "Công ty Thử Nghiệm" in page and "Thẻ bảo hiểm y tế" in page
    assert "4.422.600" in page  # promised (one yearly instalment of 4 cards) and delivered
    assert "0912345678" not in page and "+84912345678" not in page and "091186000123" not in page


def test_a_delivery_in_the_future_or_before_the_pledge_is_refused(tree, people, places, client_for):
    officer = client_for(people.province_officer)
    record(officer, places.phu_my)
    b = Beneficiary.objects.get()
    officer.post(
        reverse("humanitarian:pledge_create", args=[b.pk]),
        {
            "sponsor": places.sponsor.pk,
            "need": "money",
            "amount": "500000",
            "quantity": "1",
            "frequency": "once",
            "start": "01/06/2026",
        },
    )
    pledge = Pledge.objects.get()
    url = reverse("humanitarian:delivery_create", args=[b.pk, pledge.pk])
    officer.post(url, {"date": "02/12/2026", "value": "1", "quantity": "1"})
    officer.post(url, {"date": "01/05/2026", "value": "1", "quantity": "1"})
    assert not Delivery.objects.exists()


def test_reveal_needs_a_reason_and_is_logged(tree, people, places, client_for):
    officer = client_for(people.province_officer)
    record(officer, places.phu_my)
    b = Beneficiary.objects.get()
    url = reverse("humanitarian:beneficiary_reveal", args=[b.pk, "phone"])
    refused = officer.post(url)
    assert "0912345678" not in refused.content.decode() and not RevealLog.objects.exists()
    shown = officer.post(url, {"reason": "Gọi hẹn ngày trao thẻ"})
    assert "+84912345678" in shown.content.decode()
    log = RevealLog.objects.get()
    assert (log.subject, log.subject_id, log.donor_id, log.field) == ("humanitarian.beneficiary", b.pk, None, "phone")
    assert (
        "Gọi hẹn ngày trao thẻ" in officer.get(reverse("humanitarian:beneficiary_detail", args=[b.pk])).content.decode()
    )


def test_another_provinces_officer_and_a_read_only_role_are_kept_out(tree, people, places, client_for):
    record(client_for(people.province_officer), places.phu_my)
    b = Beneficiary.objects.get()
    outsider = client_for(people.district_officer)  # Ân Thi, Hưng Yên
    for name, args in (
        ("beneficiary_detail", [b.pk]),
        ("beneficiary_edit", [b.pk]),
        ("beneficiary_erase", [b.pk]),
    ):
        assert outsider.get(reverse(f"humanitarian:{name}", args=args)).status_code == 404
    assert (
        outsider.post(reverse("humanitarian:beneficiary_reveal", args=[b.pk, "cccd"]), {"reason": "x"}).status_code
        == 404
    )
    assert "Thạch Thị Thử" not in outsider.get(reverse("humanitarian:beneficiary_list")).content.decode()
    assert "Phú Mỹ" not in outsider.get(reverse("humanitarian:report")).content.decode()
    leader = client_for(people.province_leader)
    assert leader.get(reverse("humanitarian:beneficiary_detail", args=[b.pk])).status_code == 200
    assert leader.get(reverse("humanitarian:beneficiary_edit", args=[b.pk])).status_code == 403
    assert record(leader, places.phu_my).status_code == 403


def test_documents_are_private_and_sent_only_inside_the_scope(tree, people, places, client_for, media):
    officer = client_for(people.province_officer)
    record(officer, places.phu_my)
    b = Beneficiary.objects.get()
    upload = SimpleUploadedFile("giay-xac-nhan-ho-ngheo.pdf", b"%PDF-1.4 hoso", "application/pdf")
    assert officer.post(reverse("humanitarian:document_upload", args=[b.pk]), {"file": upload}).status_code == 302
    document = b.documents.get()
    path = media / document.file.name
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    url = reverse("humanitarian:document_download", args=[b.pk, document.pk])
    assert b"".join(officer.get(url).streaming_content) == b"%PDF-1.4 hoso"
    assert client_for(people.district_officer).get(url).status_code == 404
    refused = SimpleUploadedFile("chay.exe", b"MZ", "application/octet-stream")
    client_for(people.province_officer).post(reverse("humanitarian:document_upload", args=[b.pk]), {"file": refused})
    assert b.documents.count() == 1


def _household(places, unit, name, established=True, cards=0):
    b = Beneficiary.objects.create(
        unit=unit,
        kind="household",
        full_name=name,
        status=BeneficiaryStatus.ESTABLISHED if established else BeneficiaryStatus.SURVEYED,
        established_on=datetime.date(2026, 3, 1) if established else None,
    )
    if cards:
        pledge = Pledge.objects.create(
            beneficiary=b,
            sponsor=places.sponsor,
            need="health_insurance",
            amount=1_000_000,
            quantity=cards,
            start=datetime.date(2026, 3, 1),
        )
        Delivery.objects.create(pledge=pledge, date=datetime.date(2026, 3, 5), value=cards * 1_000_000, quantity=cards)
    return b


def test_report_shows_coverage_by_commune_with_priority_through_the_tree_and_links(tree, people, places, client_for):
    _household(places, places.phu_my, "Hộ A", cards=3)
    _household(places, places.today_commune, "Hộ B")
    _household(places, places.my_lam, "Hộ C", established=False)
    page = client_for(people.province_officer).get(reverse("humanitarian:report"))
    lines = {line.unit.name: line for line in page.context["lines"]}
    assert lines["Phú Mỹ"].priority  # under the former district named a priority area
    assert lines["Giang Thành"].priority  # today's commune that took over Phú Mỹ
    assert not lines["Mỹ Lâm"].priority
    assert lines["Phú Mỹ"].today == ["xã Giang Thành"] and lines["Mỹ Lâm"].today == []
    assert (
        lines["Phú Mỹ"].coverage.cards,
        lines["Phú Mỹ"].coverage.supported,
        lines["Mỹ Lâm"].coverage.established,
    ) == (3, 1, 0)
    total = page.context["total"]
    assert (total.recorded, total.established, total.supported, total.delivered, total.cards) == (3, 2, 1, 3_000_000, 3)
    assert 'class="priority"' in page.content.decode()


def test_targets_are_a_plan_of_the_humanitarian_kind_counted_like_blood_results(tree, people, places, client_for):
    plan = Plan.objects.create(
        issuing_unit=tree.kien_giang,
        title="Địa chỉ nhân đạo 2026",
        kind=PlanKind.HUMANITARIAN,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    add_allocation(plan, places.giang_thanh, 4, metric=Metric.HUMANITARIAN_ADDRESSES)
    add_allocation(plan, places.hon_dat, 2, metric=Metric.HUMANITARIAN_ADDRESSES)
    add_allocation(plan, tree.kien_giang, 3, metric=Metric.SPONSORS)
    _household(places, places.phu_my, "Hộ A")
    _household(places, places.phu_my, "Hộ B")
    _household(places, places.my_lam, "Hộ C", established=False)
    page = client_for(people.province_officer).get(reverse("humanitarian:report"), {"plan": plan.pk})
    addresses, sponsors = page.context["targets"]
    got = {line.name: (line.target, line.result.collected, line.percent) for line in addresses.report.lines}
    assert got["huyện Giang Thành"][:2] == (4, 2) and str(got["huyện Giang Thành"][2]) == "50.0"
    assert got["huyện Hòn Đất"][:2] == (2, 0)
    assert [line.result.collected for line in sponsors.report.lines] == [0]  # the sponsor is An Giang's


def test_the_grid_adds_a_row_of_a_humanitarian_metric(tree, people, places, client_for):
    plan = Plan.objects.create(issuing_unit=tree.an_giang, title="Địa chỉ nhân đạo 2027", kind=PlanKind.HUMANITARIAN)
    officer = client_for(people.province_officer)
    grid = officer.get(reverse("plans:plan_grid", args=[plan.pk])).content.decode()
    assert "Nhà tài trợ, mạnh thường quân được vận động" in grid
    officer.post(
        reverse("plans:grid_add_row", args=[plan.pk]),
        {"unit": places.today_commune.pk, "total": "5", "metric": Metric.SPONSORS},
    )
    assert Allocation.objects.get(plan=plan).metric == Metric.SPONSORS


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_the_report_exports_in_the_official_format(tree, people, places, client_for, fmt):
    _household(places, places.phu_my, "Hộ A", cards=2)
    response = client_for(people.province_officer).get(reverse("humanitarian:report_export", args=[fmt]))
    assert response.status_code == 200
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        assert (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
            and "xã Phú Mỹ (cũ)\n(nay: xã Giang Thành)" in cells
            and "Ưu tiên" in cells
        )
        assert any(c.startswith("An Giang, ngày 01 tháng 12 năm 2026") for c in cells)
    else:
        from docx import Document

        document = Document(io.BytesIO(response.content))
        text = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "xã Phú Mỹ" in text and "Ưu tiên" in text


def test_erasing_a_beneficiary_keeps_the_counts_and_drops_the_person(
    tree, people, places, client_for, media, django_capture_on_commit_callbacks
):
    officer = client_for(people.province_officer)
    record(officer, places.phu_my)
    b = Beneficiary.objects.get()
    officer.post(
        reverse("humanitarian:document_upload", args=[b.pk]),
        {"file": SimpleUploadedFile("ho-so.pdf", b"%PDF Thach Thi Thu", "application/pdf")},
    )
    officer.post(
        reverse("humanitarian:beneficiary_reveal", args=[b.pk, "cccd"]), {"reason": "Đối chiếu cho Thạch Thị Thử"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        erased = officer.post(reverse("humanitarian:beneficiary_erase", args=[b.pk]), {"confirm": "yes"})
    assert erased.status_code == 302
    b.refresh_from_db()
    assert (b.cccd, b.phone, b.address, b.situation, b.erased_at is not None) == ("", "", "", "", True)
    assert "Thạch Thị Thử" not in b.full_name and not b.documents.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]
    assert not b.history.filter(full_name="Thạch Thị Thử").exists()
    assert "Thạch Thị Thử" not in RevealLog.objects.get().reason


def test_list_search_ignores_accents(tree, people, places, client_for):
    _household(places, places.phu_my, "Thạch Thị Đào")
    listing = client_for(people.province_officer).get(reverse("humanitarian:beneficiary_list"), {"q": "thach thi dao"})
    assert "Thạch Thị Đào" in listing.content.decode()


def test_pages_run_no_query_per_row(tree, people, places, client_for, django_assert_max_num_queries):
    from hienmau.orgs.models import Unit
    from hienmau.orgs.services import link_successor
    from tests.test_query_counts import count

    client = client_for(people.province_officer)
    first = _household(places, places.phu_my, "Hộ 0", cards=1)

    def grow():
        for i in range(1, 8):
            commune = Unit.objects.create(
                name=f"Xã Thử {i}", kind="commune", category="xa", parent=places.giang_thanh, valid_until=DISTRICTS_END
            )
            today = Unit.objects.create(name=f"Xã Mới {i}", kind="commune", category="xa", parent=tree.an_giang)
            link_successor(commune, today)
            _household(places, commune, f"Hộ {i}", cards=2)
            _household(places, today, f"Hộ mới {i}", cards=1)
            pledge = first.pledges.first()
            Delivery.objects.create(pledge=pledge, date=datetime.date(2026, 4, i), value=1, quantity=1)

    pages = [
        reverse("humanitarian:beneficiary_list"),
        reverse("humanitarian:sponsor_list"),
        reverse("humanitarian:report"),
        reverse("humanitarian:beneficiary_detail", args=[first.pk]),
    ]
    budgets = {url: count(client, url) for url in pages}
    grow()
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
    report = client.get(reverse("humanitarian:report")).context
    assert len(report["lines"]) == 15 and all(line.priority for line in report["lines"])  # today's communes via links


def test_the_plan_page_names_each_rows_metric_and_totals_them_apart(tree, people, places, client_for):
    plan = Plan.objects.create(issuing_unit=tree.an_giang, title="Địa chỉ nhân đạo 2027", kind=PlanKind.HUMANITARIAN)
    add_allocation(plan, places.today_commune, 6, metric=Metric.HUMANITARIAN_ADDRESSES)
    add_allocation(plan, places.today_commune, 3, metric=Metric.SPONSORS)
    page = client_for(people.province_officer).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Tổng cộng — địa chỉ nhân đạo được xác lập" in page and ">9<" not in page
    assert f"{reverse('humanitarian:report')}?plan={plan.pk}" in page


def test_the_history_shows_changes_with_the_numbers_masked(tree, people, places, client_for):
    officer = client_for(people.province_officer)
    record(officer, places.phu_my)
    b = Beneficiary.objects.get()
    officer.post(
        reverse("humanitarian:beneficiary_edit", args=[b.pk]),
        {
            "unit": places.phu_my.pk,
            "kind": "household",
            "full_name": b.full_name,
            "cccd": "091186000123",
            "phone": "0987654321",
            "status": "surveyed",
            "needs": ["money"],
        },
    )
    page = officer.get(reverse("humanitarian:beneficiary_history", args=[b.pk])).content.decode()
    assert "098****321" in page and "0987654321" not in page and "+84987654321" not in page
    assert (
        client_for(people.district_officer).get(reverse("humanitarian:beneficiary_history", args=[b.pk])).status_code
        == 404
    )
