"""Demo data for seed 004, part 2 (Kiên Giang, now part of An Giang): the 2024 humanitarian-address plan
of the former province with its targets split across six former districts, the five districts the
conclusions name (Giang Thành, Kiên Lương, Hà Tiên, Tân Hiệp, Giồng Riềng: low health-insurance coverage)
marked as priority areas of the plan, made-up households in former communes of those districts, sponsors,
pledges and deliveries. Every person and sponsor here is made up ("dữ liệu mẫu"). vp.angiang reads them
through the Kiên Giang → An Giang link."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from hienmau.humanitarian import services
from hienmau.humanitarian.models import (
    Beneficiary,
    BeneficiaryKind,
    BeneficiaryStatus,
    Frequency,
    Need,
    PriorityArea,
    Sponsor,
)
from hienmau.orgs.models import Unit, UnitCategory, UnitKind
from hienmau.plans.models import Allocation, Metric, Plan, PlanKind, PlanStatus, Target

D = datetime.date
DISTRICTS_END = D(2025, 7, 1)
REASON = "Tỷ lệ bao phủ bảo hiểm y tế còn thấp (Thông báo kết luận tháng 3/2024 của UBND tỉnh Kiên Giang)"
PRIORITY_CODES = ("914", "902", "900", "904", "906")
# (district code, commune, category, addresses target, sponsors target)
DISTRICTS = {"914": (8, 4), "902": (8, 4), "900": (6, 3), "904": (6, 3), "906": (8, 4), "903": (4, 2)}
COMMUNES = (
    ("914", "Phú Mỹ", UnitCategory.RURAL_COMMUNE),
    ("914", "Vĩnh Điều", UnitCategory.RURAL_COMMUNE),
    ("902", "Hòa Điền", UnitCategory.RURAL_COMMUNE),
    ("900", "Mỹ Đức", UnitCategory.RURAL_COMMUNE),
    ("904", "Thạnh Đông", UnitCategory.RURAL_COMMUNE),
    ("906", "Bàn Tân Định", UnitCategory.RURAL_COMMUNE),
    ("903", "Mỹ Lâm", UnitCategory.RURAL_COMMUNE),
)
SPONSORS = (
    ("Công ty cổ phần Xi măng Biển Xanh (dữ liệu mẫu)", Sponsor.Kind.ORGANISATION, "902", D(2024, 4, 2)),
    ("Hội doanh nhân trẻ Hà Tiên (dữ liệu mẫu)", Sponsor.Kind.ORGANISATION, "900", D(2024, 4, 15)),
    ("Ngân hàng mẫu chi nhánh Rạch Giá (dữ liệu mẫu)", Sponsor.Kind.ORGANISATION, "", D(2024, 5, 6)),
    ("Nhà hảo tâm Lâm Văn Mẫu (dữ liệu mẫu)", Sponsor.Kind.PERSON, "906", D(2024, 6, 1)),
)
# (commune, name, kind, members, needs, situation, status, pledges: (sponsor index, need, amount, qty, freq,
#  start, end, deliveries: (date, value, qty)))
HOUSEHOLDS: tuple[tuple, ...] = (
    (
        "Phú Mỹ",
        "Thạch Thị Mẫu Một",
        BeneficiaryKind.HOUSEHOLD,
        4,
        ["health_insurance", "house_repair"],
        "Hộ nghèo, chồng mất, nuôi hai con nhỏ; nhà lá dột nát.",
        [
            (
                0,
                Need.HEALTH_INSURANCE,
                4_422_600,
                4,
                Frequency.YEARLY,
                D(2024, 5, 1),
                D(2026, 4, 30),
                [(D(2024, 5, 20), 4_422_600, 4), (D(2025, 5, 12), 4_422_600, 4)],
            ),
            (
                2,
                Need.HOUSE_REPAIR,
                50_000_000,
                1,
                Frequency.ONCE,
                D(2024, 7, 1),
                None,
                [(D(2024, 9, 5), 50_000_000, 1)],
            ),
        ],
    ),
    (
        "Vĩnh Điều",
        "Danh Văn Mẫu Hai",
        BeneficiaryKind.HOUSEHOLD,
        5,
        ["health_insurance", "goods"],
        "Hộ cận nghèo, lao động chính bị tai nạn lao động.",
        [
            (
                0,
                Need.HEALTH_INSURANCE,
                5_528_250,
                5,
                Frequency.ONCE,
                D(2024, 6, 1),
                None,
                [(D(2024, 6, 20), 5_528_250, 5)],
            ),
        ],
    ),
    (
        "Vĩnh Điều",
        "Lý Thị Mẫu Ba",
        BeneficiaryKind.PERSON,
        1,
        ["money", "medical"],
        "Người cao tuổi sống một mình, bệnh mãn tính.",
        [],
    ),
    (
        "Hòa Điền",
        "Trần Văn Mẫu Bốn",
        BeneficiaryKind.HOUSEHOLD,
        3,
        ["livelihood"],
        "Hộ nghèo thiếu vốn sản xuất.",
        [
            (0, Need.LIVELIHOOD, 10_000_000, 1, Frequency.ONCE, D(2024, 8, 1), None, [(D(2024, 8, 16), 10_000_000, 1)]),
        ],
    ),
    (
        "Mỹ Đức",
        "Nguyễn Thị Mẫu Năm",
        BeneficiaryKind.HOUSEHOLD,
        4,
        ["scholarship", "health_insurance"],
        "Mẹ đơn thân, hai con đang đi học.",
        [
            (
                1,
                Need.SCHOLARSHIP,
                500_000,
                1,
                Frequency.MONTHLY,
                D(2024, 9, 1),
                D(2025, 5, 31),
                [(D(2024, 9, 5), 500_000, 1), (D(2024, 10, 5), 500_000, 1), (D(2024, 11, 5), 500_000, 1)],
            ),
        ],
    ),
    (
        "Thạnh Đông",
        "Võ Văn Mẫu Sáu",
        BeneficiaryKind.HOUSEHOLD,
        6,
        ["health_insurance", "goods"],
        "Hộ đông con, không có đất sản xuất.",
        [
            (2, Need.GOODS, 1_000_000, 1, Frequency.QUARTERLY, D(2024, 7, 1), None, [(D(2024, 7, 10), 1_000_000, 1)]),
        ],
    ),
    (
        "Bàn Tân Định",
        "Huỳnh Thị Mẫu Bảy",
        BeneficiaryKind.PERSON,
        1,
        ["health_insurance"],
        "Người khuyết tật, chưa có thẻ bảo hiểm y tế.",
        [
            (
                3,
                Need.HEALTH_INSURANCE,
                1_105_650,
                1,
                Frequency.ONCE,
                D(2024, 6, 15),
                None,
                [(D(2024, 6, 30), 1_105_650, 1)],
            ),
        ],
    ),
    (
        "Bàn Tân Định",
        "Đặng Văn Mẫu Tám",
        BeneficiaryKind.HOUSEHOLD,
        3,
        ["house_repair"],
        "Nhà tạm, xuống cấp nặng.",
        [],
    ),
    (
        "Mỹ Lâm",
        "Phạm Thị Mẫu Chín",
        BeneficiaryKind.HOUSEHOLD,
        2,
        ["money"],
        "Hộ có người bệnh hiểm nghèo.",
        [
            (
                2,
                Need.MONEY,
                1_000_000,
                1,
                Frequency.MONTHLY,
                D(2024, 10, 1),
                D(2024, 12, 31),
                [(D(2024, 10, 3), 1_000_000, 1)],
            ),
        ],
    ),
)


def _commune(district: Unit, name: str, category: str) -> Unit:
    """The former commune under its former district (loaded by the official lists), or made here the way the
    demo's former units are (no code; the official import later finds it by name under the district)."""
    found = Unit.objects.filter(parent=district, kind=UnitKind.COMMUNE, name=name).first()
    return found or Unit.objects.create(
        name=name, kind=UnitKind.COMMUNE, category=category, parent=district, valid_until=DISTRICTS_END
    )


def load_demo(write=None) -> int:
    kien_giang = Unit.objects.filter(code="91", kind=UnitKind.PROVINCE, valid_until__isnull=False).first()
    if kien_giang is None or Plan.objects.filter(issuing_unit=kien_giang, kind=PlanKind.HUMANITARIAN).exists():
        return 0
    districts = {
        u.code: u for u in Unit.objects.filter(parent=kien_giang, kind=UnitKind.DISTRICT, code__in=list(DISTRICTS))
    }
    if len(districts) < len(DISTRICTS):
        return 0
    officer = get_user_model().objects.filter(username="vp.angiang").first()
    plan = Plan.objects.create(
        issuing_unit=kien_giang,
        title="Thực hiện Cuộc vận động “Mỗi tổ chức, mỗi cá nhân gắn với một địa chỉ nhân đạo” năm 2024 (dữ liệu mẫu)",
        kind=PlanKind.HUMANITARIAN,
        date=D(2024, 3, 20),
        period_start=D(2024, 1, 1),
        period_end=D(2024, 12, 31),
        status=PlanStatus.DRAFT,
        implements_text="Thông báo kết luận của Phó Chủ tịch UBND tỉnh tại buổi họp ngày 06/3/2024",
    )
    Target.objects.create(plan=plan, metric=Metric.HUMANITARIAN_ADDRESSES, value=sum(a for a, _ in DISTRICTS.values()))
    Target.objects.create(plan=plan, metric=Metric.SPONSORS, value=sum(s for _, s in DISTRICTS.values()))
    position = 0
    for code, (addresses, sponsor_target) in DISTRICTS.items():
        district = districts[code]
        for metric, total in ((Metric.HUMANITARIAN_ADDRESSES, addresses), (Metric.SPONSORS, sponsor_target)):
            position += 1
            Allocation.objects.create(
                plan=plan, unit=district, unit_name=district.full_name, metric=metric, total=total, position=position
            )
        if code in PRIORITY_CODES:
            PriorityArea.objects.create(unit=district, plan=plan, reason=REASON)
    communes = {name: _commune(districts[code], name, category) for code, name, category in COMMUNES}
    sponsors = [
        Sponsor.objects.create(
            unit=districts.get(code, kien_giang), kind=kind, name=name, joined_on=joined, note="Dữ liệu mẫu"
        )
        for name, kind, code, joined in SPONSORS
    ]
    for commune, name, kind, members, needs, situation, pledges in HOUSEHOLDS:
        beneficiary = services.save_beneficiary(
            Beneficiary(
                unit=communes[commune],
                kind=kind,
                full_name=name,
                members=members,
                needs=needs,
                situation=f"{situation} (Dữ liệu mẫu, không phải người thật.)",
                address="Ấp mẫu",
                status=BeneficiaryStatus.SURVEYED,
                created_by=officer,
            ),
            officer,
        )
        for sponsor, need, amount, quantity, frequency, start, end, deliveries in pledges:
            pledge = services.add_pledge(
                beneficiary,
                sponsors[sponsor],
                officer,
                need=need,
                amount=amount,
                quantity=quantity,
                frequency=frequency,
                start=start,
                end=end,
            )
            for day, value, count in deliveries:
                services.record_delivery(pledge, officer, date=day, value=value, quantity=count)
    if write is not None:
        write(
            f"Địa chỉ nhân đạo: {len(HOUSEHOLDS)} hộ mẫu ở Kiên Giang cũ, {len(sponsors)} nhà tài trợ, kế hoạch năm 2024."
        )
    return len(HOUSEHOLDS)
