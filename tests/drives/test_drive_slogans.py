"""Announcing a drive offers slogans: the plan's own messages (read from its text), then the seed plans'
(`plans/data/slogans.json`, read from the seeds by the one parser); the chosen one shows on the drive page
and the public registration page."""

import pytest
from django.urls import reverse

from hienmau.drives.models import Drive
from hienmau.plans import slogans
from tests.plans.conftest import make_plan

pytestmark = pytest.mark.django_db


def test_the_shipped_slogans_are_the_seeds_own_words():
    assert slogans.seed_slogans() == tuple(entry["text"] for entry in slogans.extract())
    assert "Mỗi giọt máu cho đi - Một cuộc đời ở lại" in slogans.seed_slogans()


def test_the_plans_messages_come_first_and_nothing_twice(tree):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 10, [5, 5])])
    plan.messages = "Hiến máu cứu người - Một nghĩa cử cao đẹp.\nGiọt máu hồng Ân Thi"
    offered = slogans.offered([plan])
    assert offered[:2] == ["Hiến máu cứu người - Một nghĩa cử cao đẹp", "Giọt máu hồng Ân Thi"]
    assert len(offered) == len(set(offered)) == 1 + len(slogans.seed_slogans())


def test_a_drive_is_announced_with_an_offered_slogan(tree, people, client_for):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 10, [5, 5])])
    plan.messages = "Giọt máu hồng Ân Thi"
    plan.save()
    client = client_for(people.district_officer)
    form = client.get(reverse("drives:drive_create"))
    page = form.content.decode()
    assert 'list="slogans"' in page and '<option value="Giọt máu hồng Ân Thi">' in page
    assert '<option value="Mỗi giọt máu cho đi - Một cuộc đời ở lại">' in page
    data = {
        "title": "Ngày hội mới",
        "organiser": tree.an_thi.pk,
        "plan": plan.pk,
        "date": "20/07/2024",
        "start_time": "07:00",
        "site_name": "Nhà văn hoá",
        "expected_direct": "10",
        "expected_reserve": "0",
        "slogan": "Mỗi giọt máu cho đi - Một cuộc đời ở lại",
        "public_registration": "on",
    }
    assert client.post(reverse("drives:drive_create"), data).status_code == 302
    drive = Drive.objects.get(title="Ngày hội mới")
    assert drive.slogan == "Mỗi giọt máu cho đi - Một cuộc đời ở lại"
    assert (
        "“Mỗi giọt máu cho đi - Một cuộc đời ở lại”"
        in client.get(reverse("drives:drive_detail", args=[drive.pk])).content.decode()
    )
    client.logout()
    public = client.get(reverse("public_drives:register", args=[drive.public_token]))
    assert "“Mỗi giọt máu cho đi - Một cuộc đời ở lại”" in public.content.decode()
