"""A small tree shaped like the seeds: the nation, a province that merged into another, its districts
and communes, and users holding each role at different levels."""

import datetime
import importlib
from dataclasses import dataclass

import pytest
from _pytest.nodeid import NodeId
from django.apps import apps
from pytest_django.plugin import blocking_manager_key

from hienmau.orgs.models import Role, Unit, UnitCategory, UnitKind
from hienmau.orgs.services import link_successor
from tests.factories import member

MERGER = datetime.date(2025, 6, 12)
DISTRICTS_END = datetime.date(2025, 7, 1)


@dataclass
class Tree:
    nation: Unit
    an_giang: Unit
    kien_giang: Unit
    an_minh: Unit
    hung_yen: Unit
    an_thi: Unit
    van_du: Unit
    phu_ung: Unit
    school: Unit


def territorial(name, kind, category, parent, code="", **extra):
    return Unit.objects.create(name=name, kind=kind, category=category, parent=parent, code=code, **extra)


@pytest.fixture
def tree(db) -> Tree:
    nation = territorial("Việt Nam", UnitKind.NATIONAL, UnitCategory.NATIONAL, None, "VN")
    an_giang = territorial("An Giang", UnitKind.PROVINCE, UnitCategory.PROVINCE, nation, "91", valid_from=MERGER)
    kien_giang = territorial("Kiên Giang", UnitKind.PROVINCE, UnitCategory.PROVINCE, nation, "91", valid_until=MERGER)
    link_successor(kien_giang, an_giang)
    an_minh = territorial(
        "An Minh", UnitKind.DISTRICT, UnitCategory.RURAL_DISTRICT, kien_giang, "909", valid_until=DISTRICTS_END
    )
    hung_yen = territorial("Hưng Yên", UnitKind.PROVINCE, UnitCategory.PROVINCE, nation, "33")
    an_thi = territorial(
        "Ân Thi", UnitKind.DISTRICT, UnitCategory.RURAL_DISTRICT, hung_yen, "329", valid_until=DISTRICTS_END
    )
    van_du = territorial("Vân Du", UnitKind.COMMUNE, UnitCategory.RURAL_COMMUNE, an_thi, valid_until=DISTRICTS_END)
    phu_ung = territorial("Phù Ứng", UnitKind.COMMUNE, UnitCategory.RURAL_COMMUNE, an_thi, valid_until=DISTRICTS_END)
    school = Unit.objects.create(
        name="Trường THPT Ân Thi", kind=UnitKind.ORGANISATION, category=UnitCategory.SCHOOL, parent=an_thi
    )
    return Tree(nation, an_giang, kien_giang, an_minh, hung_yen, an_thi, van_du, phu_ung, school)


@dataclass
class People:
    admin: object
    province_officer: object
    province_leader: object
    district_officer: object
    van_du_focal: object
    phu_ung_focal: object
    nobody: object


@pytest.fixture
def people(tree) -> People:
    from tests.factories import UserFactory

    return People(
        admin=member("admin", tree.nation, Role.ADMIN),
        province_officer=member("vp.angiang", tree.an_giang, Role.OFFICER),
        province_leader=member("ld.angiang", tree.an_giang, Role.LEADER),
        district_officer=member("ctd.anthi", tree.an_thi, Role.OFFICER),
        van_du_focal=member("dm.vandu", tree.van_du, Role.FOCAL_POINT),
        phu_ung_focal=member("dm.phuung", tree.phu_ung, Role.FOCAL_POINT),
        nobody=UserFactory(username="nobody"),
    )


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def fake_gateway(settings):
    """A local SMS/Zalo gateway (hienmau.notify.fakegateway) that the notify backends post to."""
    from hienmau.notify.fakegateway import FakeGateway

    gateway = FakeGateway().start()
    settings.HIENMAU_NOTIFY_BACKENDS = {"sms": "sms_http", "zalo": "zalo"}
    settings.HIENMAU_SMS_URL = gateway.url
    settings.HIENMAU_ZALO_URL = gateway.zalo_url
    settings.HIENMAU_ZALO_ACCESS_TOKEN = "test-token"
    settings.HIENMAU_NOTIFY_TIMEOUT = 0.5
    yield gateway
    gateway.stop()


@pytest.fixture(autouse=True)
def _empty_rate_counters():
    """Rate limits (core/ratelimit.py) count per address; every test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(items):
    """schemathesis gives every API operation's test the same node id; pytest-xdist schedules by node id and
    would run only the first. Each such test gets its own id, with the operation as pytest shows it."""
    seen: dict[str, int] = {}
    for item in items:
        seen[item.nodeid] = seen.get(item.nodeid, 0) + 1
    for item in items:
        if seen[item.nodeid] > 1 and not item.nodeid.endswith("]"):
            item._id = NodeId.parse(f"{item.parent.nodeid}::{item.name}")


# Rows the migrations put in every database (the Circular 15/2023 benefit rates, the campaign labels). A
# transactional test ends by emptying every table; run in one process, pytest-django puts those tests last,
# but a pytest-xdist worker takes files in turn, so the rows are put back for the tests that follow.
REFERENCE_ROWS = [
    ("hienmau.donors.migrations.0002_benefit_rates", "create_rates"),
    ("hienmau.plans.migrations.0002_campaign_labels", "create_labels"),
]


def _empties_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return transactional or "transactional_db" in item.fixturenames or "live_server" in item.fixturenames


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if nextitem is not None and _empties_the_database(item):
        with item.config.stash[blocking_manager_key].unblock():
            for module, function in REFERENCE_ROWS:
                getattr(importlib.import_module(module), function)(apps, None)
    return result
