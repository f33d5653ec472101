"""Donations partitioned by year on PostgreSQL (donors/partitions.py): the yearly and DEFAULT partitions,
pruning to one year, `hienmau partitions` moving a year out of DEFAULT, the migration with rows present
both ways, and the links to a donation that have no database constraint kept true by Django."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hienmau.core.clock import today
from hienmau.donors import partitions
from hienmau.donors.models import Donation, Donor, HeldDonation, TransferRequest
from hienmau.drives.models import Drive, Registration

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


def give(donor, day, **extra):
    return Donation.objects.create(donor=donor, date=day, volume_ml=350, component="whole_blood", **extra)


def table_of(donation) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM donors_donation WHERE id = %s", [donation.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def donor(db):
    return Donor.objects.create(full_name="Nguyễn Văn Đức", date_of_birth=datetime.date(1990, 5, 12), sex="M")


@postgresql_only
def test_each_year_has_its_partition_and_default_takes_the_rest(donor):
    this_year = today().year
    names = [p.name for p in partitions.partitions(connection)]
    assert {partitions.partition_name(this_year), partitions.partition_name(this_year + 1)} <= set(names)
    assert names[-1] == partitions.DEFAULT

    recent = give(donor, datetime.date(this_year, 3, 15))
    old = give(donor, datetime.date(1999, 7, 1))  # no partition for 1999: the insert still succeeds

    assert table_of(recent) == partitions.partition_name(this_year)
    assert table_of(old) == partitions.DEFAULT
    assert list(Donation.objects.filter(donor=donor).values_list("pk", flat=True)) == [recent.pk, old.pk]


@postgresql_only
def test_a_query_on_one_year_reads_only_that_years_partition(donor):
    year = today().year
    give(donor, datetime.date(year, 2, 1))
    give(donor, datetime.date(year + 1, 2, 1))

    plan = Donation.objects.filter(date__year=year, outcome="donated").explain()

    assert partitions.partition_name(year) in plan
    assert partitions.partition_name(year + 1) not in plan and partitions.DEFAULT not in plan


@postgresql_only
def test_the_command_moves_a_year_out_of_default_and_keeps_its_rows(donor):
    old = give(donor, datetime.date(1999, 7, 1), certificate_number="TTYT-1999-000001", source_key="1:bag:X")

    call_command("partitions")

    assert partitions.partition_name(1999) in [p.name for p in partitions.partitions(connection)]
    assert table_of(old) == partitions.partition_name(1999)
    moved = Donation.objects.get(pk=old.pk)
    assert (moved.date, moved.certificate_number, moved.source_key) == (old.date, old.certificate_number, "1:bag:X")
    call_command("partitions")  # a second run finds nothing to do
    assert Donation.objects.filter(date__year=1999).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_rows_both_ways():
    donor = Donor.objects.create(full_name="Trần Thị An", date_of_birth=datetime.date(1995, 2, 1), sex="F")
    days = [datetime.date(2019, 5, 1), datetime.date(2024, 2, 2), datetime.date(2024, 12, 31)]
    given = [
        give(donor, day, certificate_number=f"HM-{day:%Y}-00000{i}", source_key=f"k{i}") for i, day in enumerate(days)
    ]
    before = sorted(Donation.objects.values_list("pk", "date", "certificate_number", "source_key"))
    definitions = table_definitions()
    assert {"donors_unique_source_key_date", "donors_donated_has_volume", "donors_donation_donor_date"} <= set(
        definitions
    )
    executor = MigrationExecutor(connection)
    latest = [
        ("donors", "0014_donation_partitioned_by_year"),
        ("drives", "0007_registration_donation_no_db_constraint"),
    ]
    try:
        executor.migrate([("donors", "0013_reveallog_append_only"), ("drives", "0006_registration_recruited_by")])
        assert not partitions.is_partitioned(connection)
        assert sorted(Donation.objects.values_list("pk", "date", "certificate_number", "source_key")) == before
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)

    assert partitions.is_partitioned(connection)
    assert sorted(Donation.objects.values_list("pk", "date", "certificate_number", "source_key")) == before
    assert [table_of(d) for d in given] == ["donors_donation_y2019", "donors_donation_y2024", "donors_donation_y2024"]
    later = give(donor, today())  # the identity goes on after the highest id copied
    assert later.pk > max(d.pk for d in given)
    assert table_definitions() == definitions  # every key, check, foreign key and index came back


def table_definitions() -> dict:
    """The donation table's constraints and indexes as PostgreSQL describes them, by name."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Donation._meta.db_table)
    keys = ("columns", "primary_key", "unique", "foreign_key", "check", "index", "type")
    return {name: tuple(str(info.get(key)) for key in keys) for name, info in found.items()}


def test_deleting_a_donation_unlinks_its_registration_and_held_row(tree, donor):
    drive = Drive.objects.create(
        organiser=tree.an_thi, title="Ngày hội", date=today(), start_time=datetime.time(7), site_name="Nhà văn hoá"
    )
    donation = give(donor, today())
    registration = Registration.objects.create(
        drive=drive, unit=tree.an_thi, donor=donor, full_name=donor.full_name, donation=donation
    )
    transfer = TransferRequest.objects.create(
        donor=donor, asking_unit=tree.van_du, deciding_unit=tree.an_thi, source="manual"
    )
    held = HeldDonation.objects.create(transfer=transfer, values={}, donation=donation)

    donation.delete()

    registration.refresh_from_db()
    held.refresh_from_db()
    assert registration.donation_id is None and held.donation_id is None
