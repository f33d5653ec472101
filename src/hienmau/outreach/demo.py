"""Demo outreach for the seed plans (made-up activities, people and money, marked as such):

- seed 000 (Kiên Giang 66/KH-BCĐ, 2022): leaflets with the plan's slogans, banners and the launch in An
  Minh on 08/5/2022, news items in the province's press, radio broadcasts and posts; a roster of 36
  student volunteers at two colleges with their hours at the campaign's drives, against the plan's 300
  volunteers and its news items (stated without a figure);
- seed 001 (Ân Thi 14/KH-UBND, 2024): the district radio, leaflets, a talk with donors and counselling at
  the rounds, volunteers of Vân Du and Phù Ứng.

Both plans get a budget: seed 000's funding (state budget under Circular 182/2009/TT-BTC, sponsorship and
gifts), seed 001's estimate drawn up by the district Red Cross; spending, sponsors (organisations the
seeds name, amounts made up) and, for Ân Thi, the donors' gifts or cash recorded on the demo donations."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from hienmau.core.lib.identity import sex_century_digit
from hienmau.donors.models import Donor
from hienmau.drives.models import Drive
from hienmau.orgs.models import Unit
from hienmau.outreach import budget, services
from hienmau.outreach.models import Activity, BudgetLine, Volunteer
from hienmau.plans.models import Plan

SYNTHETIC = "dữ liệu mẫu"
D = datetime.date

KIEN_GIANG = (
    # (unit name as the appendix writes it, kind, date, title, quantity, reach)
    ("", "leaflets", D(2022, 5, 2), "Tờ rơi “Mỗi giọt máu cho đi - Một cuộc đời ở lại”", 5000, 5000),
    ("", "posters", D(2022, 5, 3), "Áp phích Chiến dịch những giọt máu hồng - hè 2022", 400, None),
    ("BCĐ. huyện An Minh", "banners", D(2022, 5, 6), "Băng rôn lễ ra quân tại huyện An Minh", 15, None),
    ("BCĐ. huyện An Minh", "talk", D(2022, 5, 8), "Lễ ra quân Chiến dịch và Tháng Nhân đạo năm 2022", 1, 300),
    ("", "news", D(2022, 5, 9), "Báo Kiên Giang: Ra quân Chiến dịch những giọt máu hồng - hè", 1, None),
    ("", "radio", D(2022, 5, 10), "Đài Phát thanh - Truyền hình tỉnh: bản tin hiến máu an toàn", 4, None),
    ("BCĐ. thành phố Rạch Giá", "radio", D(2022, 6, 1), "Loa truyền thanh phường: lịch ngày hội hiến máu", 6, 12000),
    ("", "news", D(2022, 6, 14), "Tin, bài tôn vinh người hiến máu nhân ngày 14/6", 3, None),
    ("", "social", D(2022, 6, 15), "Trang Hội Chữ thập đỏ tỉnh: Hành trình đỏ qua các huyện", 5, 8200),
    ("Trường Đại học Kiên Giang", "counselling", D(2022, 8, 20), "Tư vấn trước hiến máu cho sinh viên", 2, 450),
)
AN_THI = (
    ("", "radio", D(2024, 3, 1), "Hệ thống truyền thanh huyện: vận động hiến máu đợt I", 10, None),
    ("", "leaflets", D(2024, 3, 4), "Tờ rơi tiêu chuẩn sức khỏe người hiến máu (Bộ Y tế)", 2000, 2000),
    ("", "banners", D(2024, 3, 5), "Pa nô “Ngày Toàn dân hiến máu - 7/4”", 6, None),
    ("Vân Du", "talk", D(2024, 4, 7), "Tọa đàm giao lưu với người hiến máu nhiều lần", 1, 120),
    ("", "counselling", D(2024, 3, 15), "Tư vấn trực tiếp tại đợt tiếp nhận máu I", 1, 539),
    ("", "news", D(2024, 6, 14), "Bản tin huyện: tôn vinh người hiến máu tình nguyện 14/6", 2, None),
    ("Phù Ứng", "social", D(2024, 7, 10), "Trang Đoàn xã: lịch hiến máu đợt II", 3, 1500),
)


def _unit(plan: Plan, name: str) -> Unit:
    if not name:
        return plan.issuing_unit
    allocation = plan.allocations.filter(unit_name=name, unit__isnull=False).select_related("unit").first()
    return allocation.unit if allocation and allocation.unit else plan.issuing_unit


def _activities(plan: Plan, rows) -> int:
    for name, kind, day, title, quantity, reach in rows:
        Activity.objects.create(
            plan=plan,
            unit=_unit(plan, name),
            kind=kind,
            date=day,
            title=f"{title} ({SYNTHETIC})",
            quantity=quantity,
            reach=reach,
        )
    return len(rows)


FAMILY = ("Nguyễn", "Trần", "Lê", "Danh", "Thạch", "Huỳnh", "Lâm", "Phạm")
GIVEN = ("An", "Bảo", "Châu", "Duy", "Hân", "Khang", "Ly", "Ngọc", "Phúc", "Quyên", "Tâm", "Vy")


def _students(school: Unit, count: int, rng: random.Random) -> list[Donor]:
    people = []
    for _n in range(count):
        sex = rng.choice("MF")
        born = D(rng.randint(2000, 2003), rng.randint(1, 12), rng.randint(1, 28))
        people.append(
            Donor.objects.create(
                full_name=f"{rng.choice(FAMILY)} {'Văn' if sex == 'M' else 'Thị'} {rng.choice(GIVEN)}",
                date_of_birth=born,
                sex=sex,
                cccd=f"091{sex_century_digit(born.year, sex)}{born.year % 100:02d}{rng.randint(0, 999999):06d}",
                phone=f"+849{rng.randint(10000000, 99999999)}",
                workplace=school,
                is_synthetic=True,
            )
        )
    return people


def _volunteers(plan: Plan, rosters, rng: random.Random) -> int:
    added = 0
    for unit, people in rosters:
        drives = list(Drive.objects.filter(plan=plan).order_by("date"))
        for person in people:
            volunteer = services.add_volunteer(unit, person, plan.date or D(2022, 1, 1), "Hướng dẫn, đón tiếp")
            added += 1
            for drive in rng.sample(drives, k=min(len(drives), rng.randint(1, 2))):
                services.record_service(
                    volunteer, date=drive.date, hours=Decimal(rng.choice((4, 5, 6))), drive=drive, task="Đón tiếp"
                )
            if not drives:
                services.record_service(volunteer, date=plan.date or D(2022, 5, 8), hours=Decimal(4), plan=plan)
    return added


M = 1_000_000
BUDGETS = {
    "66": {
        "lines": (
            ("communication", "state", "Tuyên truyền trên báo, đài tỉnh và các huyện", 30 * M),
            ("printing", "state", "In tờ rơi, áp phích, băng rôn", 25 * M),
            ("events", "sponsorship", "Lễ ra quân tại huyện An Minh, ngày hội hiến máu", 40 * M),
            ("honours", "in_kind", "Quà tôn vinh người hiến máu nhân ngày 14/6", 20 * M),
            ("administration", "state", "Văn phòng phẩm, thông tin liên lạc", 5 * M),
        ),
        "expenses": (
            ("communication", "state", D(2022, 5, 9), "Đăng tin, bài trên Báo Kiên Giang", 12 * M),
            ("communication", "state", D(2022, 6, 14), "Phát sóng bản tin trên Đài PT-TH tỉnh", 9_500_000),
            ("printing", "state", D(2022, 5, 2), "In 5.000 tờ rơi, 400 áp phích", 21_600_000),
            ("events", "sponsorship", D(2022, 5, 8), "Sân khấu, âm thanh lễ ra quân tại An Minh", 36 * M),
            ("honours", "in_kind", D(2022, 6, 14), "Quà tôn vinh người hiến máu tiêu biểu", 18 * M),
        ),
        "contributions": (
            ("Công ty Cổ phần Đầu tư và Phát triển du lịch Vinpearl Phú Quốc", "sponsorship", D(2022, 5, 3), 30 * M),
            ("Liên đoàn Lao động tỉnh", "in_kind", D(2022, 6, 10), 12 * M),
        ),
    },
    "14": {
        "lines": (
            ("communication", "state", "Truyền thanh huyện, xã; tọa đàm giao lưu", 12 * M),
            ("printing", "state", "In tờ rơi, pa nô, áp phích", 8 * M),
            ("events", "sponsorship", "Ba đợt tiếp nhận máu tập trung tại Nhà Văn hoá huyện", 18 * M),
            ("donor_benefits", "state", "Quà tặng người hiến máu (Thông tư 15/2023/TT-BYT)", 40 * M),
            ("honours", "in_kind", "Tôn vinh người hiến máu nhân ngày 14/6", 6 * M),
            ("training", "state", "Tập huấn kỹ năng tuyên truyền vận động", 4 * M),
        ),
        "expenses": (
            ("communication", "state", D(2024, 3, 1), "Bồi dưỡng phát thanh viên, tọa đàm tại Vân Du", 7_500_000),
            ("printing", "state", D(2024, 3, 4), "In 2.000 tờ rơi, 6 pa nô", 9_200_000),
            ("events", "sponsorship", D(2024, 3, 15), "Khánh tiết, nước uống đợt I", 6_800_000),
            ("events", "sponsorship", D(2024, 7, 18), "Khánh tiết, nước uống đợt II", 6_300_000),
            ("training", "state", D(2024, 2, 27), "Tập huấn cho Ban Chỉ đạo các xã, thị trấn", 3_600_000),
        ),
        "contributions": (
            ("Công ty TNHH may Fore Mat", "sponsorship", D(2024, 3, 8), 15 * M),
            ("Công ty Mây tre đan Yên Hưng", "in_kind", D(2024, 6, 10), 5 * M),
        ),
    },
}


def _budget(plan: Plan, data: dict) -> None:
    for category, source, description, amount in data["lines"]:
        BudgetLine.objects.create(
            plan=plan, category=category, source=source, description=f"{description} ({SYNTHETIC})", amount=amount
        )
    for category, source, day, description, amount in data["expenses"]:
        budget.record_expense(
            plan, category=category, source=source, date=day, description=f"{description} ({SYNTHETIC})", amount=amount
        )
    for sponsor, source, day, amount in data["contributions"]:
        budget.record_contribution(plan, sponsor, source=source, date=day, amount=amount, description=SYNTHETIC)


@transaction.atomic
def load_demo(write=None) -> int:
    if Activity.objects.exists() or Volunteer.objects.exists():
        return 0
    rng = random.Random(2022)
    count = 0
    kien_giang = Plan.objects.filter(number="66", issuing_unit__code="91").first()
    if kien_giang is not None:
        count += _activities(kien_giang, KIEN_GIANG)
        rosters = []
        for name, size in (("Trường Đại học Kiên Giang", 20), ("Trường Cao đẳng Y tế", 16)):
            school = _unit(kien_giang, name)
            if school != kien_giang.issuing_unit:
                rosters.append((school, _students(school, size, rng)))
        volunteers = _volunteers(kien_giang, rosters, rng)
        _budget(kien_giang, BUDGETS["66"])
        # The campaign's drives announced with one of the plan's slogans.
        Drive.objects.filter(plan=kien_giang, slogan="").update(slogan="Mỗi giọt máu cho đi - Một cuộc đời ở lại")
        if write:
            write(
                f"Tuyên truyền và kinh phí (KH 66/KH-BCĐ): {len(KIEN_GIANG)} hoạt động, {volunteers} tình nguyện "
                "viên mẫu, dự toán và thực hiện kinh phí."
            )
    an_thi = Plan.objects.filter(number="14", suffix="KH-UBND").first()
    if an_thi is not None:
        count += _activities(an_thi, AN_THI)
        rosters = []
        for commune in ("Vân Du", "Phù Ứng"):
            unit = _unit(an_thi, commune)
            people = list(Donor.objects.filter(is_synthetic=True, commune=unit, merged_into__isnull=True)[:4])
            if unit != an_thi.issuing_unit and people:
                rosters.append((unit, people))
        with_hours = _volunteers(an_thi, rosters, rng)
        _budget(an_thi, BUDGETS["14"])
        if write:
            write(
                f"Tuyên truyền và kinh phí (KH 14/KH-UBND): {len(AN_THI)} hoạt động, {with_hours} tình nguyện viên, "
                "dự toán của Hội Chữ thập đỏ huyện và thực hiện."
            )
    return count
