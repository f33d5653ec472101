import datetime

import pytest

from hienmau.donors.models import Donation, Donor
from hienmau.orgs.models import Unit


@pytest.fixture
def hospital(tree):
    return Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi, code="TTYT-AT"
    )


@pytest.fixture
def donors(tree, hospital):
    """Two residents of Vân Du, one of Phù Ứng; the first has given twice."""
    duc = Donor.objects.create(
        full_name="Nguyễn Văn Đức",
        date_of_birth=datetime.date(1990, 5, 12),
        sex="M",
        cccd="033090012345",
        phone="+84912345678",
        commune=tree.van_du,
        abo="O",
        rh="+",
    )
    an = Donor.objects.create(
        full_name="Trần Thị An",
        date_of_birth=datetime.date(1995, 2, 1),
        sex="F",
        phone="+84987654321",
        commune=tree.van_du,
        abo="A",
        rh="-",
    )
    binh = Donor.objects.create(
        full_name="Lê Bình", date_of_birth=datetime.date(1988, 8, 8), sex="M", commune=tree.phu_ung
    )
    for day in (datetime.date(2025, 3, 15), datetime.date(2025, 7, 18)):
        Donation.objects.create(
            donor=duc,
            date=day,
            facility=hospital,
            volume_ml=350,
            component="whole_blood",
            bag_number=f"AT{day:%Y%m%d}01",
        )
    return {"duc": duc, "an": an, "binh": binh}
