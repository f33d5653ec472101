"""The per unit × day table follows every save path in the same transaction, and never counts a drive's
figures twice (the facility's result sheet replaces the individual records)."""

import datetime

import pytest

from hienmau.drives import services as drive_services
from hienmau.drives.models import Drive, TimeSlot
from hienmau.results.models import ResultEntry, UnitDayResult
from hienmau.results.services import FIELDS
from tests.drives.test_checkin import DRIVE_DAY, _race, postgres_only, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(tree):
    drive = Drive.objects.create(
        organiser=tree.an_thi,
        title="Ngày hội hiến máu",
        date=DRIVE_DAY,
        start_time=datetime.time(7, 0),
        site_name="Nhà văn hoá huyện",
    )
    TimeSlot.objects.create(
        drive=drive, unit=tree.van_du, start_time=datetime.time(7, 0), end_time=datetime.time(8, 0), quota=5
    )
    return drive


def table():
    return {
        (row.unit_id, row.day, row.source): tuple(getattr(row, f) for f in FIELDS)
        for row in UnitDayResult.objects.all()
    }


def donate(registration, volume, event):
    drive_services.record_outcome(
        registration, drive_services.CheckIn("donated", volume_ml=volume, bag_number=event), event, None
    )


def test_checkin_donations_count_for_the_registrants_unit_and_the_organiser_otherwise(drive, tree):
    van_du = register(drive, tree.van_du, "Nguyễn Văn Đức")
    walk_in = register(drive, None, "Trần Thị An", sex="F")
    donate(van_du, 350, "e1")
    donate(walk_in, 250, "e2")
    drive_services.record_outcome(
        register(drive, tree.van_du, "Lê Bình", dob=datetime.date(1991, 1, 1)),
        drive_services.CheckIn("deferred", deferral_reason="Huyết áp"),
        "e3",
        None,
    )
    assert table() == {
        (tree.van_du.pk, DRIVE_DAY, "checkin"): (1, 0, 1, 0, 2, 1),
        (tree.an_thi.pk, DRIVE_DAY, "checkin"): (1, 1, 0, 0, 1, 0),
    }


def test_a_result_sheet_replaces_the_individual_records_of_that_drive(drive, tree):
    donate(register(drive, tree.van_du, "Nguyễn Văn Đức"), 350, "e1")
    drive_services.set_aggregate(drive, tree.van_du, donated=40, deferred=3, volume_ml=40 * 350)
    assert table() == {(tree.van_du.pk, DRIVE_DAY, "sheet"): (40, 0, 0, 0, 0, 3)}
    assert ResultEntry.objects.filter(drive=drive).count() == 1


def test_moving_a_drive_moves_its_figures_and_deleting_it_removes_them(drive, tree):
    donate(register(drive, tree.van_du, "Nguyễn Văn Đức"), 450, "e1")
    drive.date = DRIVE_DAY + datetime.timedelta(days=1)
    drive.save()
    assert list(table()) == [(tree.van_du.pk, drive.date, "checkin")]
    drive.registrations.all().delete()
    drive.delete()
    assert table() == {}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_drives_of_one_unit_and_day_recording_at_once_lose_nothing(tree):
    drives = [
        Drive.objects.create(
            organiser=tree.an_thi, title=f"Điểm {n}", date=DRIVE_DAY, start_time=datetime.time(7, 0), site_name="X"
        )
        for n in (1, 2)
    ]
    for number in (1, 2, 3):  # the first round creates the day's row from both sides at once
        outcomes = _race(
            [lambda d=d, n=number: drive_services.set_aggregate(d, tree.van_du, 10 * n, n, 0) for d in drives]
        )
        assert all(kind == "ok" for kind, _ in outcomes), outcomes
        assert table() == {(tree.van_du.pk, DRIVE_DAY, "sheet"): (20 * number, 0, 0, 0, 0, 2 * number)}
