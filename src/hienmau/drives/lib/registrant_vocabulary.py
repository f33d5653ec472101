"""What a registrant list may write, as data: column titles, verdicts and the words for the kind of
registration (folded, `hienmau.core.lib.text.fold_words`). The words for sex and blood components are
shared by every importer (`core.lib.identity.SEX_WORDS`, `core.lib.blood.COMPONENT_WORDS`)."""

from hienmau.core import labels

VERDICTS = (
    "ok",
    "missing_name",
    "invalid_date",
    "cccd_length",
    "cccd_sex_century",
    "cccd_year",
    "invalid_phone",
    "duplicate_line",
    "under_18_on_drive_day",
    "over_60_on_drive_day",
    "too_soon_since_last_donation",
)
PROBLEM_ORDER = VERDICTS[1:]

# Their words live with every other code's words (one table per kind).
VERDICT_LABELS = labels.VERDICT_LABELS

# Column key → accepted titles (fold_words form, bracketed notes removed); earlier titles win.
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("stt", "tt", "so tt", "so thu tu", "no"),
    "full_name": (
        "ho va ten",
        "ho ten",
        "ho va ten nguoi hien",
        "ho va ten nguoi hien mau",
        "ho ten nguoi hien",
        "ho ten nguoi dang ky",
        "ten nguoi hien",
        "full name",
        "name",
    ),
    "date_of_birth": (
        "ngay sinh",
        "ngay thang nam sinh",
        "ngay sinh dd mm yyyy",
        "nam sinh",
        "sinh ngay",
        "date of birth",
        "birth date",
        "dob",
    ),
    "sex": ("gioi tinh", "gioi", "nam nu", "sex", "gender"),
    "cccd": (
        "cccd",
        "so cccd",
        "cmnd cccd",
        "cccd cmnd",
        "so cmnd cccd",
        "so cccd cmnd",
        "can cuoc cong dan",
        "so can cuoc cong dan",
        "can cuoc",
        "so can cuoc",
        "so dinh danh",
        "so dinh danh ca nhan",
        "cmnd",
        "so cmnd",
        "citizen id",
        "id number",
    ),
    "phone": (
        "so dien thoai",
        "sdt",
        "dien thoai",
        "so dt",
        "dt",
        "so di dong",
        "di dong",
        "dien thoai lien he",
        "phone",
        "mobile",
        "phone number",
    ),
    "unit": (
        "don vi",
        "co quan",
        "don vi cong tac",
        "co quan don vi",
        "co quan cong tac",
        "noi cong tac",
        "don vi co quan",
        "unit",
        "organisation",
        "organization",
    ),
    "blood_group": ("nhom mau", "blood group", "blood type"),
    "kind": (
        "hinh thuc",
        "truc tiep hay du bi",
        "truc tiep du bi",
        "hien truc tiep hay du bi",
        "loai",
        "hinh thuc hien",
        "hinh thuc dang ky",
        "loai dang ky",
        "kind",
        "direct or reserve",
    ),
    "last_donation": (
        "lan hien gan nhat",
        "ngay hien gan nhat",
        "lan hien mau gan nhat",
        "ngay hien mau gan nhat",
        "ngay hien lan truoc",
        "lan hien truoc",
        "last donation",
        "last donation date",
    ),
    "last_component": (
        "thanh phan lan truoc",
        "thanh phan hien lan truoc",
        "loai hien lan truoc",
        "thanh phan lan hien gan nhat",
        "thanh phan",
        "last component",
    ),
}
REQUIRED = ("full_name", "date_of_birth")
COLUMN_LABELS = {
    "number": "STT",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "cccd": "Số CCCD",
    "phone": "Số điện thoại",
    "unit": "Đơn vị",
    "blood_group": "Nhóm máu",
    "kind": "Hình thức (trực tiếp/dự bị)",
    "last_donation": "Lần hiến gần nhất",
    "last_component": "Thành phần lần trước",
}

KINDS = {
    "": "direct",
    "truc tiep": "direct",
    "tt": "direct",
    "hien truc tiep": "direct",
    "hien": "direct",
    "chinh thuc": "direct",
    "direct": "direct",
    "du bi": "reserve",
    "db": "reserve",
    "hien du bi": "reserve",
    "reserve": "reserve",
    "standby": "reserve",
}
KIND_LABELS = {"direct": "trực tiếp", "reserve": "dự bị"}
