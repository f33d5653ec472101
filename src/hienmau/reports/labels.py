"""Vietnamese names of the indicators (reports.lib.indicators keys) for pages and commands."""

from django.utils.translation import gettext_lazy as _

INDICATOR_NAMES = {
    "population": _("Đơn vị máu trên dân số"),
    "donors_population": _("Người hiến (ghi từng người) trên dân số"),
    "staff": _("Đơn vị máu của cơ quan, đơn vị trên số cán bộ, nhân viên"),
    "units_taking_part": _("Đơn vị cấp dưới tham gia"),
    "repeat": _("Người hiến nhắc lại (đã hiến trước năm)"),
    "first_time": _("Người hiến lần đầu"),
    "repeat_donations": _("Lượt hiến máu nhắc lại"),
    "deferral": _("Tỉ lệ tạm hoãn"),
    "campaign": _("Thu qua các chiến dịch"),
    "rare": _("Người hiến nhóm máu hiếm Rh(−)"),
    "demand": _("Đáp ứng nhu cầu máu của cơ sở tiếp nhận"),
}

INDICATOR_BASES = {
    "population": _("đơn vị máu / dân số"),
    "donors_population": _("người / dân số"),
    "staff": _("đơn vị máu / cán bộ, nhân viên"),
    "units_taking_part": _("đơn vị có kết quả / đơn vị cấp dưới"),
    "repeat": _("người / người hiến trong năm"),
    "first_time": _("người / người hiến trong năm"),
    "repeat_donations": _("lượt của người đã từng hiến / lượt hiến ghi từng người"),
    "deferral": _("người tạm hoãn / người được khám"),
    "campaign": _("đơn vị máu / tổng số"),
    "rare": _("người / người hiến trong năm"),
    "demand": _("đơn vị máu tiếp nhận / nhu cầu, trong các tháng có nhu cầu"),
}
