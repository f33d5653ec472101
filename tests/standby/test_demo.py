import datetime

import pytest
from django.contrib.auth import get_user_model

from hienmau.donors.demo import load_demo as load_donors
from hienmau.orgs.demo import load_demo as load_units
from hienmau.orgs.scoping import build_scope
from hienmau.standby.demo import load_demo
from hienmau.standby.matching import match
from hienmau.standby.models import Club, EmergencyRequest

pytestmark = pytest.mark.django_db


def test_the_kien_giang_hospital_raises_an_o_negative_request_with_donors_to_call():
    load_units()
    load_donors()
    assert load_demo() == 6
    assert load_demo() == 0  # loading again adds nothing
    request = EmergencyRequest.objects.get()
    assert (request.abo, request.rh, request.facility.name) == ("O", "-", "Bệnh viện Đa khoa tỉnh")
    user = get_user_model().objects.get(username="bv.kiengiang")
    scope = build_scope(user.memberships.get())
    result = match(scope, ("O", "-"), "red_cells", 2, datetime.date(2026, 5, 4), request.facility, urgent=True)
    assert len(result.candidates) == 5 and len(result.wave) == 4  # one member said "not now"
    assert all(c.group == ("O", "-") for c in result.candidates)
    club = Club.objects.get()
    assert club.chair.username == "clb.rhkiengiang" and club.members.count() == 5
