"""What people read instead of codes: the one table per kind of code a page or a command may show.

Finding codes (every importer's `Finding.code`), registrant-list verdicts and allocation bucket keys
("month:5", "round:2") are for programs; templates show them through the `labels` filters
(`{% load labels %}`: `finding_label`, `verdict_label`, `bucket_label`), commands through these functions.
A code with no label shows a neutral word, never the code itself.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FINDING_LABELS = {
    # core.lib.findings
    "header": _("Không thấy dòng tiêu đề có đủ các cột cần thiết"),
    "file": _("Không đọc được tệp"),
    "missing": _("Thiếu ô bắt buộc"),
    "invalid_value": _("Ô không đọc được"),
    "inconsistent": _("Các ô trong dòng không khớp nhau"),
    "no_data": _("Không có dữ liệu"),
    "reference": _("Mã hoặc liên kết không tìm thấy"),
    "duplicate": _("Dòng trùng"),
    "negative_number": _("Số âm"),
    # shared by the plan and results importers
    "total_mismatch": _("Tổng cộng trong tệp khác tổng các dòng"),
    "row_sum_mismatch": _("Tổng của dòng không khớp với các cột"),  # plan: months/rounds; results: volumes
    "percent_mismatch": _("Tỉ lệ % ghi trong tệp không khớp"),
    "invalid_date": _("Ngày không hợp lệ (chưa lưu)"),
    "unknown_unit": _("Không nhận ra đơn vị (chưa lưu)"),
    "former_unit": _("Tên đơn vị cũ, tính cho đơn vị kế thừa"),
    # plans.lib.findings
    "schedule_unallocated": _("Lịch có đợt chưa phân bổ chỉ tiêu"),
    "note_instead_of_number": _("Ghi chú thay cho số"),
    "reference_mismatch": _("Số hiệu kế hoạch không khớp"),
    # plans.drafting (next year's draft)
    "source_not_issued": _("Kế hoạch gốc chưa ban hành"),
    "no_result_kept_target": _("Chưa có kết quả: giữ tỉ trọng chỉ tiêu năm trước"),
    "no_population_kept_share": _("Chưa có số dân: giữ tỉ trọng chỉ tiêu năm trước"),
    "no_weights_even_split": _("Không có trọng số: chia đều"),
    "split_across_successors": _("Địa bàn chia cho nhiều đơn vị kế thừa"),
    "merged_into_successor": _("Gộp nhiều đơn vị cũ"),
    "replaced_by_successor": _("Thay bằng đơn vị kế thừa"),
    "issuer_replaced": _("Đơn vị ban hành đã thay đổi"),
    "no_successor_link": _("Chưa có liên kết kế thừa"),
    "unit_unknown": _("Dòng chưa gắn với đơn vị"),
    "draft_review": _("Dự thảo cần rà soát"),
    # results.lib.tally
    "duplicate_row": _("Dòng trùng (không lưu hai lần)"),
    "future_date": _("Ngày ở tương lai (chưa lưu)"),
    "outside_period": _("Ngoài thời gian của kế hoạch (tính cho năm, không tính cho kế hoạch)"),
    "running_total_mismatch": _("Số lũy kế ghi trong tệp không khớp"),
    "invalid_number": _("Số liệu không đọc được (chưa lưu)"),
}

VERDICT_LABELS = {
    "ok": _("Hợp lệ"),
    "missing_name": _("Thiếu họ tên"),
    "invalid_date": _("Ngày tháng không hợp lệ"),
    "cccd_length": _("Số CCCD sai độ dài hoặc có ký tự lạ"),
    "cccd_sex_century": _("Chữ số thế kỷ/giới tính của CCCD không khớp"),
    "cccd_year": _("Năm sinh trong CCCD không khớp"),
    "invalid_phone": _("Số điện thoại không phải số di động Việt Nam"),
    "duplicate_line": _("Trùng với dòng trước"),
    "under_18_on_drive_day": _("Chưa đủ 18 tuổi vào ngày hiến máu"),
    "over_60_on_drive_day": _("Quá 60 tuổi vào ngày hiến máu"),
    "too_soon_since_last_donation": _("Chưa đủ thời gian kể từ lần hiến trước"),
}

ROMAN_NUMERALS = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def finding_label(code: str) -> str:
    return str(FINDING_LABELS.get(code, _("Cần xem lại")))


def verdict_label(code: str) -> str:
    return str(VERDICT_LABELS.get(code, _("Cần xem lại")))


def bucket_label(key: str) -> str:
    """'month:5' → 'Tháng 5'; 'round:2' → 'Đợt II'; anything else is shown as it is (a header read as text)."""
    kind, _sep, number = key.partition(":")
    if not number.isdecimal():
        return key
    n = int(number)
    if kind == "month":
        return gettext("Tháng %(n)s") % {"n": n}
    if kind == "round":
        return gettext("Đợt %(n)s") % {"n": ROMAN_NUMERALS[n] if n < len(ROMAN_NUMERALS) else n}
    return key
