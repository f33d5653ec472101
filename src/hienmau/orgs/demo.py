"""Demo data: the units the seed documents name, and one user per role with a printed password."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from hienmau.orgs.importer import ImportResult, import_units_file
from hienmau.orgs.models import Membership, Role, Unit

DATA_DIR = Path(__file__).resolve().parent / "data"
UNIT_FILES = ("units_vn.csv", "units_seed_organisations.csv")


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    full_name: str
    role: str
    unit_code: str = ""
    unit_name: str = ""


DEMO_USERS = (
    DemoUser("admin", "hienmau-admin", "Quản trị hệ thống", Role.ADMIN, unit_code="VN"),
    DemoUser("vp.angiang", "hienmau-demo", "Trần Thị Hồng", Role.OFFICER, unit_code="91"),
    DemoUser("ld.angiang", "hienmau-demo", "Nguyễn Văn Bình", Role.LEADER, unit_code="91"),
    DemoUser("ctd.anthi", "hienmau-demo", "Phạm Thị Lan", Role.OFFICER, unit_code="329"),
    DemoUser("dm.vandu", "hienmau-demo", "Lê Văn Du", Role.FOCAL_POINT, unit_name="Vân Du"),
    DemoUser("dm.phuung", "hienmau-demo", "Đỗ Thị Ứng", Role.FOCAL_POINT, unit_name="Phù Ứng"),
    DemoUser("bv.kiengiang", "hienmau-demo", "Võ Minh Tâm", Role.FACILITY_STAFF, unit_name="Bệnh viện Đa khoa tỉnh"),
)


def _unit_for(demo: DemoUser) -> Unit:
    """The current unit with that code, or, for the seeds' former units, the latest that held it."""
    units = Unit.objects.filter(code=demo.unit_code) if demo.unit_code else Unit.objects.filter(name=demo.unit_name)
    unit = units.order_by(F("valid_until").desc(nulls_first=True)).first()
    if unit is None:
        raise LookupError(f"demo user's unit {demo.unit_code or demo.unit_name} is not loaded")
    return unit


@transaction.atomic
def load_demo(write=None) -> tuple[list[ImportResult], list[DemoUser]]:
    results = [import_units_file(DATA_DIR / name) for name in UNIT_FILES]
    User = get_user_model()
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(username=demo.username)
        if created:
            # Vietnamese names are written family name first; keep them whole rather than split.
            user.first_name = demo.full_name
            user.is_staff = user.is_superuser = demo.role == Role.ADMIN
            user.set_password(demo.password)
            user.save()
        Membership.objects.get_or_create(user=user, unit=_unit_for(demo), role=demo.role)
    if write is not None:
        for result in results:
            write(result.summary())
        write("")
        write("Tài khoản mẫu (tên đăng nhập / mật khẩu — vai trò, đơn vị):")
        for demo in DEMO_USERS:
            write(f"  {demo.username:<14} / {demo.password:<14} — {Role(demo.role).label}, {_unit_for(demo).full_name}")
    return results, list(DEMO_USERS)
