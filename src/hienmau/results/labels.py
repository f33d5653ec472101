"""What people read instead of the finding codes of the command-line contract."""

from django.utils.translation import gettext_lazy as _

from hienmau.results.lib import tally

FINDING_LABELS = {
    tally.TOTAL_MISMATCH: _("Tổng cộng trong tệp khác tổng các dòng"),
    tally.ROW_SUM_MISMATCH: _("Tổng theo thể tích khác số đơn vị máu"),
    tally.DUPLICATE_ROW: _("Dòng trùng (không lưu hai lần)"),
    tally.INVALID_DATE: _("Ngày không hợp lệ (chưa lưu)"),
    tally.FUTURE_DATE: _("Ngày ở tương lai (chưa lưu)"),
    tally.UNKNOWN_UNIT: _("Không nhận ra đơn vị (chưa lưu)"),
    tally.OUTSIDE_PERIOD: _("Ngoài thời gian của kế hoạch (tính cho năm, không tính cho kế hoạch)"),
    tally.PERCENT_MISMATCH: _("Tỉ lệ % ghi trong tệp không khớp"),
    tally.RUNNING_TOTAL_MISMATCH: _("Số lũy kế ghi trong tệp không khớp"),
    tally.INVALID_NUMBER: _("Số liệu không đọc được (chưa lưu)"),
}
