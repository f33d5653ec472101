"""Blood given at a facility outside any drive counts once: one by one when the facility has not reported
the day, replaced by the facility's own tally when it has, and taken as the drive's on a day the
facility held a drive."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hienmau.donors.models import Donor, Outcome
from hienmau.donors.recording import Visit, record_donation, record_imported
from hienmau.drives.models import Drive
from hienmau.orgs.models import Unit
from hienmau.results import services
from hienmau.results.lib import rules
from hienmau.results.models import ResultEntry, UnitDayResult

DAY = datetime.date(2024, 3, 12)


@pytest.fixture
def hospital(tree):
    return Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi, code="TTYT-AT"
    )


def person(name, commune=None, dob=datetime.date(1990, 5, 12)):
    return Donor.objects.create(full_name=name, date_of_birth=dob, sex="M", commune=commune, weight_kg=60)


def given_blood(donor, facility, *, day=DAY, volume=350, mobilised_by=None, outcome=Outcome.DONATED):
    return record_donation(
        donor,
        Visit(date=day, facility=facility, volume_ml=volume, mobilised_by=mobilised_by, outcome=outcome),
    )


def table():
    return {
        (row.unit_id, row.day, row.source): (row.collected, row.v250, row.v350, row.v450, row.registered, row.deferred)
        for row in UnitDayResult.objects.all()
    }


@pytest.mark.django_db
def test_walk_ins_count_for_the_mobilising_unit_else_the_facility(tree, hospital):
    given_blood(person("Nguyễn Văn Đức", tree.van_du), hospital, mobilised_by=tree.van_du)
    given_blood(person("Trần Văn An"), hospital, volume=250)
    given_blood(person("Lê Văn Bình"), hospital, outcome=Outcome.DEFERRED, volume=None)
    assert table() == {
        (tree.van_du.pk, DAY, "walkin"): (1, 0, 1, 0, 1, 0),
        (hospital.pk, DAY, "walkin"): (1, 1, 0, 0, 2, 1),
    }


@pytest.mark.django_db
def test_a_visit_with_no_facility_counts_for_the_donors_commune(tree):
    given_blood(person("Nguyễn Văn Đức", tree.phu_ung), None, volume=450)
    assert table() == {(tree.phu_ung.pk, DAY, "walkin"): (1, 0, 0, 1, 1, 0)}


@pytest.mark.django_db
def test_the_facilitys_tally_of_the_day_replaces_its_walk_ins_and_is_counted_once(tree, hospital):
    given_blood(person("Nguyễn Văn Đức", tree.van_du), hospital, mobilised_by=tree.van_du)
    given_blood(person("Trần Văn An"), hospital)
    assert sum(row.collected for row in UnitDayResult.objects.all()) == 2
    services.set_tally_entry(hospital.pk, DAY, rules.Counts(collected=30, v350=30, registered=34, deferred=4))
    assert table() == {(hospital.pk, DAY, "tally"): (30, 0, 30, 0, 34, 4)}
    # A walk-in recorded after the tally does not add to it either.
    given_blood(person("Lê Văn Bình"), hospital)
    assert sum(row.collected for row in UnitDayResult.objects.all()) == 30
    assert not ResultEntry.objects.filter(source="walkin").exists()


@pytest.mark.django_db
def test_on_a_day_the_facility_held_a_drive_its_drive_less_visits_are_the_drives(tree, hospital):
    given_blood(person("Nguyễn Văn Đức"), hospital)
    assert table() == {(hospital.pk, DAY, "walkin"): (1, 0, 1, 0, 1, 0)}
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội",
        date=DAY,
        start_time=datetime.time(7),
        site_name="Nhà văn hoá",
        facility=hospital,
    )
    assert table() == {}
    drive.date = DAY + datetime.timedelta(days=1)
    drive.save()
    assert table() == {(hospital.pk, DAY, "walkin"): (1, 0, 1, 0, 1, 0)}
    drive.delete()
    assert table() == {(hospital.pk, DAY, "walkin"): (1, 0, 1, 0, 1, 0)}


@pytest.mark.django_db
def test_a_history_written_in_bulk_counts_and_moving_or_deleting_a_visit_follows(tree, hospital):
    duc, an = person("Nguyễn Văn Đức"), person("Trần Văn An")
    record_imported(
        [
            (duc.pk, Visit(date=DAY, facility=hospital, volume_ml=350), "TTYT-AT:1"),
            (an.pk, Visit(date=DAY, facility=hospital, volume_ml=250, mobilised_by=tree.school), "TTYT-AT:2"),
        ]
    )
    assert table() == {
        (hospital.pk, DAY, "walkin"): (1, 0, 1, 0, 1, 0),
        (tree.school.pk, DAY, "walkin"): (1, 1, 0, 0, 1, 0),
    }
    donation = duc.donations.get()
    donation.date = DAY - datetime.timedelta(days=1)
    donation.save()
    assert (hospital.pk, DAY - datetime.timedelta(days=1), "walkin") in table()
    assert (hospital.pk, DAY, "walkin") not in table()
    donation.delete()
    assert table() == {(tree.school.pk, DAY, "walkin"): (1, 1, 0, 0, 1, 0)}


visits = st.lists(
    st.builds(
        rules.WalkIn,
        donated=st.booleans(),
        volume_ml=st.sampled_from([None, 250, 350, 450, 300]),
        mobilised_by=st.sampled_from([None, 1, 2]),
        facility=st.sampled_from([None, 3]),
        commune=st.sampled_from([None, 4]),
        workplace=st.sampled_from([None, 5]),
    ),
    max_size=30,
)


@given(visits)
def test_walk_in_figures_count_every_attributable_visit_once(items):
    figures = rules.walk_in_figures(items, facility_reported=False, drive_held=False)
    attributable = [v for v in items if rules.walk_in_unit(v) is not None]
    total = sum(figures.values(), rules.Counts())
    assert total.registered == len(attributable)
    assert total.collected == sum(1 for v in attributable if v.donated)
    assert total.deferred == sum(1 for v in attributable if not v.donated)
    assert total.v250 + total.v350 + total.v450 <= total.collected


@given(visits, st.booleans())
def test_a_reported_day_or_a_drive_day_counts_no_walk_in(items, reported):
    assert rules.walk_in_figures(items, facility_reported=reported, drive_held=not reported) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_whatever_the_order_of_visits_tallies_and_drives_each_day_is_counted_once(tree, hospital, seed):
    """Random visits, facility tallies and drives over three days: after every step the pre-aggregate
    holds, per day, the facility's tally if it reported, nothing if it held a drive, else its visits."""
    import random

    rng = random.Random(seed)
    days = [DAY + datetime.timedelta(days=n) for n in range(3)]
    tallies: dict[datetime.date, int] = {}
    drives: set[datetime.date] = set()
    visits: dict[datetime.date, int] = dict.fromkeys(days, 0)
    for step in range(14):
        day = rng.choice(days)
        action = rng.choice(["visit", "visit", "visit", "tally", "drive"])
        if action == "visit":
            given_blood(person(f"Người hiến {step}", dob=datetime.date(1990, 1, 1 + step)), hospital, day=day)
            visits[day] += 1
        elif action == "tally":
            tallies[day] = rng.randint(5, 40)
            services.set_tally_entry(hospital.pk, day, rules.Counts(collected=tallies[day]))
        elif day not in drives:
            Drive.objects.create(
                organiser=tree.an_thi,
                title="Ngày hội",
                date=day,
                start_time=datetime.time(7),
                site_name="Nhà văn hoá",
                facility=hospital,
            )
            drives.add(day)
        for each in days:
            expected = tallies.get(each, 0) + (0 if each in tallies or each in drives else visits[each])
            stored = sum(row.collected for row in UnitDayResult.objects.filter(day=each))
            assert stored == expected, (step, action, each)
