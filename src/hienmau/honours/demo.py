"""Demo data: Hưng Yên's own tiers (5, 10, 15 donations); an old list of Ân Thi's 2023 honours (made-up
people of the demo registry, one of them written with a birth year only and one nobody has, both waiting
for ctd.anthi to choose); two families of the demo registry (households); the three 2024 drives the demo
donations were given at, their registrations naming a made-up recruiter (more than 100 donations
recruited); a commune's extra 2024 tally that takes it past its target; the year-end 2024 round approved
(its list and certificates print, with a family, the recruiter and the commune) and the 14/6/2025 round as
a draft to review."""

from __future__ import annotations

import datetime
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from django.db import transaction
from django.db.models import Count
from simple_history.utils import bulk_create_with_history

from hienmau.donors.models import Donation, Donor, Household
from hienmau.drives.models import Drive, DriveStatus, Registration, RegistrationStatus
from hienmau.honours.importer import import_past
from hienmau.honours.models import HonourRound, LocalTier, Occasion
from hienmau.honours.services import approve_round, create_round
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import unit_scope
from hienmau.results.lib.rules import Counts
from hienmau.results.models import ResultEntry
from hienmau.results.services import set_tally_entry

LOCAL = (
    (5, "Giấy khen của Hội Chữ thập đỏ tỉnh"),
    (10, "Giấy khen của Ban Chỉ đạo vận động hiến máu tình nguyện tỉnh"),
    (15, "Giấy khen của Ban Chỉ đạo vận động hiến máu tình nguyện tỉnh"),
)


def _old_list(donors: Sequence[Donor]) -> str:
    lines = [
        "BAN CHỈ ĐẠO VẬN ĐỘNG HIẾN MÁU TÌNH NGUYỆN HUYỆN ÂN THI\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "",
        "DANH SÁCH NGƯỜI HIẾN MÁU TÌNH NGUYỆN TIÊU BIỂU ĐƯỢC TÔN VINH NĂM 2023",
        "(dữ liệu mẫu tự tạo, không phải người thật)",
        "STT\tHọ và tên\tNăm sinh\t\tĐịa chỉ\tSố lần hiến\tGhi chú",
        "\t\tNam\tNữ\t\t\t",
    ]
    counts = (14, 16, 27, 26)  # by the end of 2023; each has given 4 more times since
    for number, (donor, count) in enumerate(zip(donors, counts, strict=False), start=1):
        assert donor.date_of_birth is not None and donor.commune is not None  # chosen so above
        born = f"{donor.date_of_birth:%d/%m/%Y}"
        male, female = (born, "") if donor.sex == "M" else ("", born)
        lines.append(f"{number}\t{donor.full_name}\t{male}\t{female}\t{donor.commune.full_name}\t{count}\t")
    if len(donors) > 4:  # written with a birth year only: an officer chooses
        d = donors[4]
        assert d.date_of_birth is not None and d.commune is not None
        lines.append(f"5\t{d.full_name}\t{d.date_of_birth.year}\t\t{d.commune.full_name}\t16\t")
    lines.append("6\tTrương Văn Mẫu\t1975\t\tXã Văn Nhuệ\t21\tchưa có trong sổ")
    lines.append("\tTổng cộng: 06 người\t\t\t\t\t")
    return "\n".join(lines) + "\n"


@transaction.atomic
def load_demo(write=None) -> int:
    an_thi = Unit.objects.filter(code="329").first()
    if an_thi is None or an_thi.parent is None or HonourRound.objects.filter(unit=an_thi).exists():
        return 0
    for count, award in LOCAL:
        LocalTier.objects.get_or_create(
            unit=an_thi.parent,
            subject="individual",
            count=count,
            defaults={"award": award, "citation": "Mốc tôn vinh của tỉnh (dữ liệu mẫu)"},
        )
    given = (
        Donor.objects.filter(is_synthetic=True, commune__parent=an_thi, date_of_birth__isnull=False)
        .annotate(n=Count("donations"))
        .filter(n=4)
        .order_by("pk")
    )
    twins = {
        key for key, n in Counter(Donor.objects.active().values_list("name_folded", "date_of_birth")).items() if n > 1
    }
    donors = [d for d in given if (d.name_folded, d.date_of_birth) not in twins][:5]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ton-vinh-2023.txt"
        path.write_text(_old_list(donors), encoding="utf-8")
        imported = import_past(path, an_thi, unit_scope(an_thi))
    families = _families(an_thi, exclude=[d.pk for d in donors])
    recruiter = _recruiter(an_thi, exclude=[d.pk for d in donors])
    commune = _commune_past_target(an_thi)
    year_end = create_round(an_thi, Occasion.YEAR_END, datetime.date(2024, 12, 31), None)
    approve_round(year_end, None, "18/QĐ-BCĐ", datetime.date(2025, 1, 10))
    june = create_round(an_thi, Occasion.JUNE_14, datetime.date(2025, 6, 14), None)
    if write:
        write(
            f"Tôn vinh: mốc 5, 10, 15 lần của tỉnh Hưng Yên; danh sách tôn vinh năm 2023 của huyện Ân Thi "
            f"({imported.count('linked')} dòng đã gắn, {imported.count('review')} dòng chờ chọn người); "
            f"đợt cuối năm 2024 đã duyệt ({year_end.honours.count()} được tôn vinh), đợt 14/6/2025 đang lập "
            f"({june.honours.count()} đề xuất); {len(families)} gia đình, người vận động "
            f"{recruiter.full_name if recruiter else '(không có)'}, tập thể {commune.full_name if commune else '(không có)'} "
            "(dữ liệu mẫu tự tạo)."
        )
    return 1


def _families(an_thi: Unit, exclude: list[int]) -> list[Household]:
    """Two households of demo donors of one commune each (the first member names the family)."""
    made: list[Household] = []
    given = (
        Donor.objects.filter(is_synthetic=True, commune__parent=an_thi, household__isnull=True)
        .exclude(pk__in=exclude)
        .annotate(n=Count("donations"))
        .filter(n__gte=2)
        .order_by("commune_id", "pk")
    )
    by_commune: dict[int, list[Donor]] = {}
    for donor in given:
        assert donor.commune_id is not None  # filtered above
        by_commune.setdefault(donor.commune_id, []).append(donor)
    for members in [m for m in by_commune.values() if len(m) >= 2][:2]:
        head = members[0]
        household = Household.objects.create(
            name=head.full_name, commune=head.commune, note="Hộ gia đình mẫu (dữ liệu tự tạo)"
        )
        Donor.objects.filter(pk__in=[d.pk for d in members[:3]]).update(household=household)
        made.append(household)
    return made


def _recruiter(an_thi: Unit, exclude: list[int]) -> Donor | None:
    """The 2024 demo donation days as the drives they were (one per day, closed), each donation registered
    through its commune; a made-up recruiter of the registry (found by CCCD, as a list would) named on them."""
    recruiter = (
        Donor.objects.filter(is_synthetic=True, commune__parent=an_thi, cccd__isnull=False)
        .exclude(pk__in=exclude)
        .order_by("-pk")
        .first()
    )
    if recruiter is None:
        return None
    donations = list(
        Donation.objects.filter(
            donor__is_synthetic=True, donor__commune__parent=an_thi, date__year=2024, registration__isnull=True
        )
        .exclude(donor=recruiter)
        .select_related("donor")
        .order_by("date", "pk")
    )
    drives: dict[datetime.date, Drive] = {}
    registrations = []
    for donation in donations:
        drive = drives.get(donation.date)
        if drive is None:
            drive = drives[donation.date] = Drive.objects.create(
                organiser=an_thi,
                title=f"Đợt hiến máu {donation.date:%d/%m/%Y} (dữ liệu mẫu)",
                date=donation.date,
                start_time=datetime.time(7),
                end_time=datetime.time(11, 30),
                site_name="Trung tâm Y tế huyện",
                status=DriveStatus.CLOSED,
            )
        registrations.append(
            Registration(
                drive=drive,
                unit=donation.donor.commune,
                donor=donation.donor,
                full_name=donation.donor.full_name,
                status=RegistrationStatus.DONATED,
                donation=donation,
                recruited_by=recruiter,
            )
        )
    bulk_create_with_history(registrations, Registration, batch_size=1000)
    return recruiter


def _commune_past_target(an_thi: Unit) -> Unit | None:
    """Xã Cẩm Ninh's tally of 20/12/2024 (made up): 18 more units, past its 2024 target."""
    commune = an_thi.children.filter(name="Cẩm Ninh").first()
    day = datetime.date(2024, 12, 20)
    if commune is None or ResultEntry.objects.filter(unit=commune, day=day).exists():
        return None
    set_tally_entry(commune.pk, day, Counts(collected=18), note="Bảng kiểm đếm mẫu (dữ liệu tự tạo)")
    return commune
