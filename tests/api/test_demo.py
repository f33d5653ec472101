import pytest

from hienmau.api import demo
from hienmau.api.models import ApiToken
from hienmau.orgs.models import Role
from tests.api.conftest import api_client
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_hospital_one_working_token_printed_once(tree):
    member(demo.DEMO_USER, tree.an_giang, Role.FACILITY_STAFF)
    lines: list[str] = []
    assert demo.load_demo(lines.append) == 1
    secret = lines[0].rsplit(" ", 1)[-1]
    assert api_client(secret).get("/api/v1/units/").status_code == 200
    assert demo.load_demo(lines.append) == 0 and len(lines) == 1
    assert ApiToken.objects.filter(name=demo.DEMO_TOKEN_NAME).count() == 1
