"""The messages the system sends, in Vietnamese, one template per purpose. An SMS should stay short (one
or two 70-character Unicode segments), so templates say only what the person needs to act."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TEMPLATES = {
    "emergency_call": _(
        "%(facility)s cần gấp máu nhóm %(group)s (%(component)s) trước %(needed_by)s tại %(place)s. "
        "Nếu bạn hiến được, xin trả lời CÓ hoặc gọi %(contact)s. Xin cảm ơn!"
    ),
    "eligibility_reminder": _(
        "Chào %(name)s, bạn có thể hiến máu lại từ %(date)s. Cảm ơn bạn đã chia sẻ giọt máu hồng!"
    ),
    "drive_reminder": _(
        "Nhắc lịch hiến máu: %(name)s, hẹn bạn lúc %(time)s ngày %(date)s tại %(site)s. "
        "Ngủ đủ giấc, ăn nhẹ, mang theo giấy tờ tùy thân. Cảm ơn bạn!"
    ),
    "report_deadline": _("%(unit)s: hạn gửi báo cáo %(report)s là ngày %(date)s."),
}


def render(name: str, **values: object) -> str:
    """The template filled in; a missing value raises KeyError naming it (a template is never sent half-filled)."""
    return str(TEMPLATES[name]) % values
