"""deploy/install.sh in its dry-run mode: the units it would install, filled in, and nothing run."""

import shutil
import stat
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
INSTALL = PROJECT / "deploy" / "install.sh"
SERVICES = {
    "web",
    "worker",
    "notify",
    "report-remind",
    "outlook-alerts",
    "uploads-purge",
    "purge",
    "partitions",
    "backup",
}
TIMERS = SERVICES - {"web", "worker"}


def install(tmp_path, *extra):
    root = tmp_path / "root"
    done = subprocess.run(
        ["sh", str(INSTALL), "--dry-run", "--root", str(root), "--app-dir", str(PROJECT), *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    return root, done.stdout


def test_the_dry_run_writes_every_unit_filled_in_under_the_root_and_runs_nothing(tmp_path):
    root, out = install(tmp_path, "--user", "hienmau-test-nobody", "--backup-dir", "/srv/backups")
    units = root / "etc" / "systemd" / "system"
    assert {p.name for p in units.iterdir()} == {f"hienmau-{n}.service" for n in SERVICES} | {
        f"hienmau-{n}.timer" for n in TIMERS
    }
    texts = {p.name: p.read_text() for p in units.iterdir()}
    assert not [name for name, text in texts.items() if "@" in text]  # every value filled in
    web, worker = texts["hienmau-web.service"], texts["hienmau-worker.service"]
    assert f"ExecStart={PROJECT}/.venv/bin/gunicorn -c {PROJECT}/deploy/gunicorn.conf.py" in web
    assert f"ExecStart={PROJECT}/.venv/bin/hienmau db_worker --no-reload" in worker
    assert all(
        "User=hienmau-test-nobody" in t and "EnvironmentFile=/etc/hienmau/hienmau.env" in t
        for t in texts.values()
        if "[Service]" in t
    )
    assert (
        "notify send-due" in texts["hienmau-notify.service"]
        and "OnCalendar=*-*-* *:*:00" in texts["hienmau-notify.timer"]
    )
    assert "report remind" in texts["hienmau-report-remind.service"]
    assert "report outlook-alerts" in texts["hienmau-outlook-alerts.service"]
    assert (
        "uploads purge" in texts["hienmau-uploads-purge.service"]
        and "OnCalendar=hourly" in texts["hienmau-uploads-purge.timer"]
    )
    assert "hienmau partitions" in texts["hienmau-partitions.service"]
    assert 'backup "/srv/backups/hienmau-$$(date +%%F).tar"' in texts["hienmau-backup.service"]
    env = root / "etc" / "hienmau" / "hienmau.env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600 and "HIENMAU_SECRET_KEY=" in env.read_text()
    # Nothing outside the root: the account and systemctl are only printed.
    assert "would run: useradd --system" in out and "would run: systemctl daemon-reload" in out
    assert "would run: systemctl enable --now hienmau-web.service hienmau-worker.service" in out
    assert all(f"would run: systemctl enable --now hienmau-{n}.timer" in out for n in TIMERS)
    assert (root / "srv" / "backups").is_dir()


def test_no_start_enables_nothing_and_a_second_run_keeps_the_filled_in_environment(tmp_path):
    root, _ = install(tmp_path, "--no-start")
    env = root / "etc" / "hienmau" / "hienmau.env"
    env.write_text("HIENMAU_SECRET_KEY=kept\n")
    _, out = install(tmp_path, "--no-start")
    assert env.read_text() == "HIENMAU_SECRET_KEY=kept\n" and "systemctl enable" not in out


def test_systemd_accepts_the_units(tmp_path):
    root, _ = install(tmp_path, "--user", "root", "--group", "root")
    units = sorted((root / "etc" / "systemd" / "system").iterdir())
    if shutil.which("systemd-analyze") is None:  # not on every machine: the schedules are checked above
        assert units
        return
    verify = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    calendars = [
        line.split("=", 1)[1] for u in units for line in u.read_text().splitlines() if line.startswith("OnCalendar=")
    ]
    assert subprocess.run(["systemd-analyze", "calendar", *calendars], capture_output=True).returncode == 0
