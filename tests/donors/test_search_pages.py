"""Donor list pages in Vietnamese order: every way of finding a page (probe of the first rows, given
name / other names merged, sorting the matches) gives what sorting all matches would give."""

import datetime
import random

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hienmau.core.bulk import insert_with_history
from hienmau.core.lib.text import fold
from hienmau.donors import search
from hienmau.donors.models import Donor, is_number_query, name_has_words
from hienmau.donors.search import DonorListResults

pytestmark = pytest.mark.django_db

FAMILY = ["Nguyễn", "Trần", "Lê", "Yên", "Hoàng", "Đặng"]
MIDDLE = ["Văn", "Thị", "Yến", "Hoàng", "Ngọc", ""]
GIVEN = ["An", "Anh", "Yến", "Hoa", "Hoàng", "Đức", "Dũng", "Nguyên"]
QUERIES = [
    "an",
    "yen",
    "hoa",
    "hoang",
    "nguyen",
    "ng",
    "d",
    "duc",
    "thi",
    "tran",
    "nguyen thi",
    "yen yen",
    "hoang an",
    "le van dung",
    "x",
    "0912345678",
]


@pytest.fixture
def registry(db):
    rng = random.Random(3)
    rows = []
    for n in range(240):
        name = " ".join(word for word in (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)) if word)
        rows.append(
            Donor.name_columns(name)
            | {
                "date_of_birth": datetime.date(1980, 1, 1) + datetime.timedelta(days=n),
                "abo": rng.choice("OAB"),
                "phone": f"+849123456{n:02d}"[:12],
            }
        )
    keys = insert_with_history(Donor, rows)
    Donor.objects.filter(pk__in=keys[::40]).update(merged_into=keys[1])  # merged records are never listed
    return Donor.objects.all()


def expected(donors, query, offset, limit):
    """Every match, sorted in Python: names by their words, numbers by the registry's own lookup."""
    words = fold(query).split()
    by_number = set(donors.search(query).values_list("pk", flat=True)) if is_number_query(query) else None
    rows = donors.values_list("given_name_folded", "name_folded", "pk", "other_names_search")
    matching = sorted(
        row[:3]
        for row in rows
        if (row[2] in by_number if by_number is not None else name_has_words(row[0], row[3], words))
    )
    return [pk for *_, pk in matching][offset : offset + limit]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.sampled_from(QUERIES + [""]),
    page=st.integers(0, 6),
    per_page=st.sampled_from([5, 12]),
    walk=st.sampled_from([30, 120, 5000]),
    candidates=st.sampled_from([20, 1000]),
    count_limit=st.sampled_from([10, 1000]),
    group=st.sampled_from(["", "O"]),
)
def test_every_strategy_gives_the_page_a_full_sort_gives(
    registry, monkeypatch, query, page, per_page, walk, candidates, count_limit, group
):
    monkeypatch.setattr(search, "WALK_ROWS", walk)
    monkeypatch.setattr(search, "MAX_CANDIDATES", candidates)
    monkeypatch.setattr(search, "COUNT_LIMIT", count_limit)
    donors = Donor.objects.active()
    if group:
        donors = donors.filter(abo=group)
    offset = page * per_page
    assert DonorListResults(donors, query).page_keys(offset, per_page) == expected(donors, query, offset, per_page)


def test_pages_are_donors_with_what_the_page_decorates_and_counts_stop_at_the_limit(registry, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 10)
    results = DonorListResults(Donor.objects.all(), "an", decorate=lambda rows: rows.only("full_name"))
    page = results[0:5]
    assert [donor.pk for donor in page] == expected(Donor.objects.active(), "an", 0, 5)
    assert results.count() == 11
    assert DonorListResults(Donor.objects.all(), "0912345601").count() == 1
    assert DonorListResults(Donor.objects.all(), "0912345600").count() == 0  # merged away


def test_the_list_page_says_more_than_when_the_count_stops(registry, people, client_for, monkeypatch):
    from hienmau.donors import views

    monkeypatch.setattr(search, "COUNT_LIMIT", 10)
    monkeypatch.setattr(views, "COUNT_LIMIT", 10)
    client = client_for(people.admin)
    body = client.get(reverse("donors:donor_list"), {"q": "an"}).content.decode()
    assert "Hơn 10 người — gõ thêm" in body
    body = client.get(reverse("donors:donor_list"), {"q": "le van dung"}).content.decode()
    shown = len(expected(Donor.objects.active(), "le van dung", 0, 50))
    assert f"{shown} người" in body
