import datetime
from dataclasses import dataclass

import pytest

from hienmau.humanitarian.models import PriorityArea, Sponsor
from hienmau.orgs.models import Unit, UnitCategory, UnitKind
from hienmau.orgs.services import link_successor
from tests.conftest import DISTRICTS_END


@dataclass
class Places:
    giang_thanh: Unit  # a former district of Kiên Giang, named a priority area
    phu_my: Unit  # a former commune under it
    hon_dat: Unit  # a former district not named
    my_lam: Unit  # a former commune under it
    today_commune: Unit  # a commune of today's An Giang that took over Phú Mỹ
    sponsor: Sponsor


@pytest.fixture
def places(tree) -> Places:
    def district(name, code):
        return Unit.objects.create(
            name=name,
            kind=UnitKind.DISTRICT,
            category=UnitCategory.RURAL_DISTRICT,
            parent=tree.kien_giang,
            code=code,
            valid_until=DISTRICTS_END,
        )

    def commune(name, parent, **extra):
        return Unit.objects.create(
            name=name, kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=parent, **extra
        )

    giang_thanh, hon_dat = district("Giang Thành", "914"), district("Hòn Đất", "903")
    phu_my = commune("Phú Mỹ", giang_thanh, valid_until=DISTRICTS_END)
    my_lam = commune("Mỹ Lâm", hon_dat, valid_until=DISTRICTS_END)
    today_commune = commune("Giang Thành", tree.an_giang, valid_from=DISTRICTS_END)
    link_successor(phu_my, today_commune)
    PriorityArea.objects.create(unit=giang_thanh, reason="Tỷ lệ bao phủ bảo hiểm y tế còn thấp")
    sponsor = Sponsor.objects.create(
        unit=tree.an_giang,
        kind=Sponsor.Kind.ORGANISATION,
        name="Công ty Thử Nghiệm",
        joined_on=datetime.date(2026, 1, 5),
    )
    return Places(giang_thanh, phu_my, hon_dat, my_lam, today_commune, sponsor)
