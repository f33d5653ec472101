"""scripts/facility_push.py against a running server: a facility pushes its day, reads its drive's
results, pushes the same day again (nothing changes) and a conflicting one (refused, rows named)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hienmau.donors.models import Donation
from tests.api.conftest import DRIVE_DAY

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "facility_push.py"


def run(live_server, world, csv_path) -> tuple[int, dict]:
    side = world.hung_yen
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            str(csv_path),
            f"--url={live_server.url}",
            f"--facility={side.hospital.pk}",
            f"--date={DRIVE_DAY.isoformat()}",
            f"--drive={side.drive.pk}",
        ],
        env={"HIENMAU_API_TOKEN": world.tokens["facility"], "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(["bag_number,registration,outcome,component,volume_ml,deferral_reason", *lines]) + "\n")
    return path


def test_the_facility_script_pushes_a_day_and_reads_the_drives_results(live_server, world, tmp_path):
    first, second = (r.pk for r in world.hung_yen.registrations[:2])
    day = write(
        tmp_path / "day.csv",
        [f"AT-101,{first},donated,whole_blood,350,", f"AT-102,{second},deferred,,,Huyết áp cao"],
    )
    code, report = run(live_server, world, day)
    assert code == 0, report
    assert report["push"]["created"] == 2
    assert report["results"]["total"]["donated"] == 1 and report["results"]["total"]["deferred"] == 1

    code, report = run(live_server, world, day)
    assert code == 0 and report["push"] == {**report["push"], "created": 0, "unchanged": 2}
    assert Donation.objects.filter(bag_number__in=["AT-101", "AT-102"]).count() == 2

    conflicting = write(tmp_path / "wrong.csv", [f"AT-101,{second},donated,whole_blood,450,"])
    code, report = run(live_server, world, conflicting)
    assert code == 1 and report["push"]["code"] == "conflict"
    assert [row["bag_number"] for row in report["push"]["rows"]] == ["AT-101"]
