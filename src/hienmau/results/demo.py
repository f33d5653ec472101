"""Demo results for seed 000: the provincial hospital's tally of the 2022 summer campaign (plan
66/KH-BCĐ of Kiên Giang), imported as an officer would. Synthetic figures, marked as such: the seed
gives targets, not results. Four of the rows fall on drives organised by districts, which then carry
the tally's figures as their result sheets; one row names a unit nobody knows and one is a duplicate,
so the import record keeps them for correction. The tally goes through the background-job runner as
vp.angiang (the province's officer), so that account's /jobs/ page shows a finished import."""

import datetime
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model

from hienmau.donors.models import Donation, Donor
from hienmau.donors.recording import Visit, record_donation
from hienmau.drives.models import Drive
from hienmau.jobs import services as jobs
from hienmau.jobs.models import JobKind, JobState
from hienmau.orgs.models import Unit
from hienmau.plans.models import Plan
from hienmau.results import importer
from hienmau.results.models import ResultImport
from hienmau.results.tally_files import TallyLine, tally_xlsx

SYNTHETIC = "Dữ liệu mẫu tự tạo (không có trong văn bản gốc)"
DEMO_OFFICER = "vp.angiang"  # imports the tally through a background job (jobs app)
D = datetime.date

# (unit as the hospital writes it, day, registered, 250, 350, 450); a drive is created for the first four.
ROWS = (
    ("BCĐ. huyện An Minh", D(2022, 5, 8), 430, 30, 290, 45),
    ("BCĐ. thành phố Rạch Giá", D(2022, 5, 22), 180, 20, 120, 15),
    ("BCĐ. huyện Tân Hiệp", D(2022, 6, 12), 150, 10, 105, 10),
    ("BCĐ. huyện Giồng Riềng", D(2022, 7, 3), 210, 25, 140, 20),
    ("Công an tỉnh", D(2022, 6, 15), 200, 20, 150, 10),
    ("Trường Cao đẳng Kiên Giang", D(2022, 5, 19), 260, 60, 150, 0),
    ("Trường Đại học Kiên Giang", D(2022, 6, 2), 300, 80, 170, 0),
    ("Bệnh viện Đa khoa tỉnh", D(2022, 6, 14), 120, 10, 90, 15),
    ("BCĐ. thành phố Rạch Giá", D(2022, 7, 24), 220, 30, 150, 20),
    ("BCĐ. huyện Châu Thành", D(2022, 7, 10), 160, 20, 110, 5),
    ("Liên đoàn Lao động tỉnh", D(2022, 8, 7), 190, 30, 120, 10),
    ("BCĐ. huyện Phú Quốc", D(2022, 8, 14), 140, 10, 95, 15),
    ("Đoàn ủy khối CQ Doanh Nghiệp tỉnh", D(2022, 8, 21), 150, 20, 100, 5),
    ("BCĐ. huyện Kiên Lương", D(2022, 9, 11), 90, 10, 60, 5),  # after the campaign: counts for the year only
    ("Trung tâm Văn hóa tỉnh", D(2022, 7, 17), 60, 10, 40, 0),  # nobody of that name in the unit list
    ("Công an tỉnh", D(2022, 6, 15), 200, 20, 150, 10),  # typed twice
)


def _lines() -> list[TallyLine]:
    lines = []
    for name, day, registered, v250, v350, v450 in ROWS:
        text_day = day if day.month % 2 else f"{day.day}/{day.month}/{day.year}"  # Excel dates and typed ones
        lines.append(TallyLine(name, text_day, registered, v250 + v350 + v450, v250, v350, v450))
    return lines


def _drives(plan: Plan, hospital: Unit | None) -> None:
    for name, day, *_ in ROWS[:4]:
        allocation = plan.allocations.filter(unit_name=name).select_related("unit").first()
        if allocation is None or allocation.unit is None:
            continue
        Drive.objects.get_or_create(
            organiser=allocation.unit,
            date=day,
            defaults={
                "title": f"Ngày hội hiến máu “Những giọt máu hồng” — {allocation.unit.full_name} ({SYNTHETIC})",
                "plan": plan,
                "bucket": plan.buckets.filter(key=f"month:{day.month}").first(),
                "start_time": datetime.time(7, 0),
                "end_time": datetime.time(11, 30),
                "site_name": f"Trung tâm văn hóa {allocation.unit.full_name}",
                "facility": hospital,
                "status": "closed",
            },
        )


# Walk-ins at the hospital (blood given at its blood bank, outside any drive): three on 14/6/2022, a day
# its own tally reports (the tally's figure counts, not these), two on 28/6/2022 (counted one by one).
WALK_INS = (
    ("Danh Thị Huyền", "F", D(1994, 2, 11), D(2022, 6, 14)),
    ("Thạch Văn Sơn", "M", D(1988, 9, 3), D(2022, 6, 14)),
    ("Lâm Quốc Bảo", "M", D(1999, 12, 20), D(2022, 6, 14)),
    ("Trương Mỹ Linh", "F", D(1996, 5, 7), D(2022, 6, 28)),
    ("Huỳnh Văn Tài", "M", D(1985, 1, 30), D(2022, 6, 28)),
)


def _walk_ins(hospital: Unit) -> int:
    if Donation.objects.filter(bag_number__startswith="KG-TC-").exists():
        return 0
    for number, (name, sex, born, day) in enumerate(WALK_INS):
        donor = Donor.objects.create(
            full_name=name, date_of_birth=born, sex=sex, weight_kg=55, commune=None, is_synthetic=True
        )
        record_donation(donor, Visit(date=day, facility=hospital, volume_ml=350, bag_number=f"KG-TC-{number:03d}"))
    return len(WALK_INS)


def load_demo(write=None):
    plan = Plan.objects.filter(number="66", issuing_unit__code="91").first()
    if plan is None:
        return
    hospital = Unit.objects.filter(name="Bệnh viện Đa khoa tỉnh", parent=plan.issuing_unit).first()
    _drives(plan, hospital)
    walk_ins = _walk_ins(hospital) if hospital is not None else 0
    data = tally_xlsx(
        _lines(),
        facility="Bệnh viện Đa khoa tỉnh Kiên Giang",
        plan_line="Thực hiện Kế hoạch số 66/KH-BCĐ ngày 05/4/2022 của Ban Chỉ đạo vận động hiến máu tình nguyện tỉnh",
        period=f"Từ ngày 01/5/2022 đến ngày 30/9/2022 — {SYNTHETIC}",
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ket-qua-tiep-nhan-mau-he-2022.xlsx"
        path.write_bytes(data)
        analysis = importer.analyse(path)
        officer = get_user_model().objects.filter(username=DEMO_OFFICER).first()
        if officer is None:
            record, _changed = importer.save(analysis)
            outcome = ""
        else:
            job = jobs.run_as(officer, JobKind.RESULT_TALLY, source_name=path.name, params={}, path=path)
            if job.state != JobState.DONE:
                raise RuntimeError(f"demo tally import: {job.message}")
            record = ResultImport.objects.filter(source_name=path.name).latest("pk")
            outcome = f" {job.message}"
    if write:
        result = analysis.result()
        write(
            f"Bảng kết quả mẫu của Bệnh viện Đa khoa tỉnh Kiên Giang (kế hoạch {plan.reference}, tự tạo): "
            f"{result['totals']['saved']} đơn vị máu được lưu, {len(record.pending_rows)} dòng giữ lại để sửa.{outcome}"
        )
        if walk_ins:
            write(
                f"Hiến tại cơ sở, không theo đợt (tự tạo): {walk_ins} lượt tại Bệnh viện Đa khoa tỉnh; 3 lượt ngày "
                "14/6/2022 không tính thêm vì bảng tổng hợp của bệnh viện đã báo cáo ngày đó."
            )
