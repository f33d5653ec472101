"""Demo reports on plans: seed 000 (Kiên Giang 66/KH-BCĐ) asks its units to report "trước ngày
10/9/2022", read from its text. Two districts reported (prefilled from the hospital's tally, completed
with made-up volunteers, media items and difficulties): An Minh approved, Rạch Giá returned with a
comment; the others are missing. The campaign is then drafted for 2023 from its results. The An Thi plan (seed 001) gets a synthetic deadline so that the
commune focal points of Vân Du and Phù Ứng have a report to send and the district one to approve."""

import datetime

from django.contrib.auth import get_user_model

from hienmau.core.clock import frozen
from hienmau.core.lib.numbers import format_int
from hienmau.jobs import services as jobs
from hienmau.jobs.models import JobKind
from hienmau.plans import drafting
from hienmau.plans.models import Plan
from hienmau.reports import background, demo_outlook, submissions
from hienmau.reports.models import UnitReport

SYNTHETIC = "Dữ liệu mẫu tự tạo (không có trong văn bản gốc)"
AN_THI_DEADLINE = datetime.date(2024, 12, 10)


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _report(plan: Plan, unit_name: str):
    allocation = plan.allocations.filter(unit_name=unit_name, unit__isnull=False).select_related("unit").first()
    if (
        allocation is None
        or allocation.unit is None
        or UnitReport.objects.filter(plan=plan, unit=allocation.unit).exists()
    ):
        return None
    return submissions.open_report(plan, allocation.unit)


def load_demo(write=None) -> None:
    officer, van_du = _user("vp.angiang"), _user("dm.vandu")
    kien_giang = Plan.objects.filter(number="66", suffix="KH-BCĐ", report_deadline__isnull=False).first()
    if kien_giang is not None:
        an_minh = _report(kien_giang, "BCĐ. huyện An Minh")
        if an_minh is not None:
            with frozen(datetime.date(2022, 9, 6)):
                extra = {"volunteers": 45, "media_items": 6, "reserve_donors": 30}
                notes = {"difficulties": f"Mùa mưa, nhiều điểm lấy máu bị ngập ({SYNTHETIC})."}
                submissions.submit(an_minh, officer, {**extra, **notes})
            with frozen(datetime.date(2022, 9, 9)):
                submissions.approve(an_minh, officer)
        rach_gia = _report(kien_giang, "BCĐ. thành phố Rạch Giá")
        if rach_gia is not None:
            with frozen(datetime.date(2022, 9, 12)):
                submissions.submit(
                    rach_gia, officer, {"volunteers": 30, "proposals": f"Thêm một đợt tháng 10 ({SYNTHETIC})."}
                )
            with frozen(datetime.date(2022, 9, 13)):
                submissions.return_report(rach_gia, officer, "Số đơn vị máu chưa khớp bảng tổng hợp của bệnh viện.")
    an_thi = Plan.objects.filter(number="14", suffix="KH-UBND").first()
    if an_thi is not None:
        if an_thi.report_deadline is None:
            an_thi.report_deadline = AN_THI_DEADLINE
            an_thi.save(update_fields=["report_deadline"])
        report = _report(an_thi, "Vân Du")
        if report is not None and van_du is not None:
            with frozen(datetime.date(2024, 12, 6)):
                submissions.submit(report, van_du, {"volunteers": 12, "media_items": 2})
    if write is not None:
        write(f"Báo cáo của đơn vị: {UnitReport.objects.count()} báo cáo mẫu (kế hoạch 66/KH-BCĐ và 14/KH-UBND).")
    _next_year_draft(write)
    demo_outlook.load(write)  # the supply outlook's history, demand and bookings
    if officer is not None and kien_giang is not None:
        _comparison_job(officer, kien_giang, write)


def _comparison_job(officer, plan: Plan, write) -> None:
    """Plan 66's comparison table made by the background-job runner as vp.angiang, so the account's
    /jobs/ page shows a finished export with its file to download."""
    params = {"plan": plan.pk, "fmt": "pdf"}
    name = background.comparison_name(plan, params)
    job = jobs.run_as(officer, JobKind.COMPARISON, source_name=name, params=params)
    if write is not None:
        write(
            f"Việc chạy nền mẫu của {officer.username}: {job.get_kind_display()} ({name}), {job.get_state_display()}."
        )


def _next_year_draft(write=None) -> None:
    """Seed 000's campaign drafted for 2023 from its 2022 results (the hospital's tally): 8.000 units
    shared by what each unit achieved, in steps of 5, each in its own months. Once; a draft to review."""
    source = Plan.objects.filter(number="66", suffix="KH-BCĐ", issuing_unit__code="91").first()
    if source is None or Plan.objects.filter(previous_plan=source).exists():
        return
    with frozen(datetime.date(2022, 12, 15)):
        plan = drafting.save_draft(drafting.build_draft(source, year=2023, total=8000))
    if write is not None:
        write(
            f"Dự thảo kế hoạch năm 2023 lập từ kế hoạch {source.reference}: {plan.allocations.count()} đơn vị, "
            f"tổng {format_int(plan.allocated_total())} đơn vị máu."
        )
