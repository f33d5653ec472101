"""`hienmau donor import-history FILE --facility CODE [--dry-run] [--json]` over the one history importer."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hienmau.donors.models import Donation, Donor

from .test_history_import import GOOD, HEADER, workbook

pytestmark = pytest.mark.django_db

CONSENT_HEADER = [*HEADER, "Đồng ý liên hệ khi cần máu gấp"]


def _rows(answers):
    return [[*row, answer] for row, answer in zip(GOOD, answers, strict=True)]


def _run(path, *extra):
    from io import StringIO

    out = StringIO()
    call_command("donor", "import-history", str(path), "--facility", "TTYT-AT", "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def _book(tmp_path, rows, monkeypatch):
    monkeypatch.setattr("tests.donors.test_history_import.HEADER", CONSENT_HEADER)
    return workbook(tmp_path, rows)


def test_command_imports_group_and_emergency_consent(tmp_path, donors, hospital, monkeypatch):
    path = _book(tmp_path, _rows(["Có", "Không", ""]), monkeypatch)
    answer = _run(path)
    assert answer["saved"] is True
    assert (answer["rows"], answer["donations_created"], answer["donors_created"]) == (3, 3, 2)
    donors["duc"].refresh_from_db()
    assert donors["duc"].consent_emergency is True  # linked by CCCD, the file's answer recorded
    hoa = Donor.objects.get(full_name="Phạm Thị Hoa")
    assert (hoa.abo, hoa.rh, hoa.consent_emergency) == ("AB", "-", False)
    assert _run(path)["already_imported"] == 3


def test_dry_run_saves_nothing(tmp_path, donors, hospital, monkeypatch):
    before = Donation.objects.count(), Donor.objects.count()
    answer = _run(_book(tmp_path, _rows(["Có", "", ""]), monkeypatch), "--dry-run")
    assert (answer["saved"], answer["donations_created"]) == (False, 3)
    assert (Donation.objects.count(), Donor.objects.count()) == before
    donors["duc"].refresh_from_db()
    assert donors["duc"].consent_emergency is False


def test_unreadable_consent_is_a_finding_naming_row_and_column(tmp_path, donors, hospital, monkeypatch):
    path = _book(tmp_path, _rows(["Có", "có lẽ", ""]), monkeypatch)
    with pytest.raises(CommandError):
        _run(path)
    assert Donation.objects.count() == 2  # the fixture's only


def test_unknown_facility_is_refused(tmp_path, hospital):
    path = workbook(tmp_path, GOOD)
    with pytest.raises(CommandError, match="mã “KHONG-CO”"):
        call_command("donor", "import-history", str(path), "--facility", "KHONG-CO")


def test_a_facility_group_confirms_replaces_a_declared_one_and_flags_disagreement(
    tmp_path, donors, hospital, monkeypatch
):
    import datetime

    duc = donors["duc"]
    path = _book(tmp_path, _rows(["", "", ""]), monkeypatch)
    duc.abo, duc.rh, duc.blood_group_source = "A", "+", "self"
    duc.save()
    _run(path)
    duc.refresh_from_db()
    assert (duc.abo, duc.rh, duc.blood_group_source) == ("O", "+", "facility")  # the file's facility result
    assert duc.blood_group_date == datetime.date(2025, 11, 9)
    assert "thay cho A Rh+ (tự khai)" in duc.blood_group_conflict


def test_a_facility_group_on_record_is_never_overwritten(tmp_path, donors, hospital, monkeypatch):
    import datetime

    duc = donors["duc"]
    duc.abo, duc.rh, duc.blood_group_source = "B", "+", "facility"
    duc.blood_group_date = datetime.date(2024, 1, 1)
    duc.save()
    _run(_book(tmp_path, _rows(["", "", ""]), monkeypatch))
    duc.refresh_from_db()
    assert (duc.abo, duc.rh, duc.blood_group_date) == ("B", "+", datetime.date(2024, 1, 1))
    assert "khác với B Rh+ (cơ sở y tế xác nhận, 01/01/2024)" in duc.blood_group_conflict
    hoa = Donor.objects.get(full_name="Phạm Thị Hoa")
    assert (hoa.blood_group_source, hoa.blood_group_date) == ("facility", datetime.date(2025, 11, 9))
