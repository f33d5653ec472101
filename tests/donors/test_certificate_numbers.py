"""Certificate numbers come from one locked counter per facility (or none) and year."""

import datetime
import threading

import pytest
from django.db import connection

from hienmau.donors.models import CertificateCounter, Donation
from hienmau.donors.recording import Visit, record_donation
from hienmau.donors.services import issue_certificate


def visit(donor, day, facility, **fields):
    return record_donation(donor, Visit(date=day, facility=facility, volume_ml=350, **fields))


def test_a_deleted_donation_does_not_make_the_next_number_collide(donors, hospital):
    first = visit(donors["an"], datetime.date(2025, 3, 1), hospital)
    second = visit(donors["binh"], datetime.date(2025, 3, 1), hospital)
    assert (first.certificate_number, second.certificate_number) == ("TTYT-AT-2025-000001", "TTYT-AT-2025-000002")
    first.delete()  # entered by mistake

    third = visit(donors["an"], datetime.date(2025, 9, 1), hospital)

    assert third.certificate_number == "TTYT-AT-2025-000003"


def test_numbers_without_a_facility_are_counted_and_locked_too(donors):
    numbers = [visit(donor, datetime.date(2025, 3, 1), None).certificate_number for donor in donors.values()]
    assert numbers == ["HM-2025-000001", "HM-2025-000002", "HM-2025-000003"]
    assert CertificateCounter.objects.get(facility=None, year=2025).last == 3


def test_each_facility_and_year_has_its_own_counter(donors, hospital, tree):
    other = type(hospital).objects.create(
        name="Bệnh viện Đa khoa Phù Ứng", kind="organisation", category="hospital", parent=tree.an_thi, code="BV-PU"
    )
    assert visit(donors["an"], datetime.date(2024, 6, 1), hospital).certificate_number == "TTYT-AT-2024-000001"
    assert visit(donors["an"], datetime.date(2025, 9, 1), hospital).certificate_number == "TTYT-AT-2025-000001"
    assert visit(donors["binh"], datetime.date(2025, 9, 1), other).certificate_number == "BV-PU-2025-000001"
    assert CertificateCounter.objects.count() == 3


def test_the_counter_starts_after_numbers_issued_before_it_existed_and_skips_typed_ones(donors, hospital):
    """Numbers given before the counter existed (or typed in from a paper register) are never reissued."""
    earlier, later = Donation.objects.filter(donor=donors["duc"]).order_by("date")
    Donation.objects.filter(pk=earlier.pk).update(certificate_number="TTYT-AT-2025-000041")

    assert visit(donors["an"], datetime.date(2025, 9, 1), hospital).certificate_number == "TTYT-AT-2025-000042"
    Donation.objects.filter(pk=later.pk).update(certificate_number="TTYT-AT-2025-000043")
    assert visit(donors["binh"], datetime.date(2025, 9, 1), hospital).certificate_number == "TTYT-AT-2025-000044"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stem", ["TTYT-AT-2025-", "HM-2025-"])
def test_two_devices_issuing_at_once_get_different_numbers(donors, hospital, stem):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's IMMEDIATE transactions serialise the writers")
    Donation.objects.update(certificate_number=None)
    if stem.startswith("HM"):
        Donation.objects.update(facility=None)  # no facility: there was no lock at all
    CertificateCounter.objects.all().delete()
    donations = list(Donation.objects.all())
    barrier = threading.Barrier(len(donations))
    numbers, errors = [], []

    def issue(donation):
        try:
            barrier.wait()
            numbers.append(issue_certificate(donation).certificate_number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(d,)) for d in donations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [f"{stem}000001", f"{stem}000002"]
