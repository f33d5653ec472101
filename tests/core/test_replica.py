"""Reports and dashboards read from a streaming replica (core/replica.py): the router's choices, read
your writes, a replica that does not answer, and on PostgreSQL a real hot standby started by
scripts/replica, stopped in the middle."""

import subprocess
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import dj_database_url
import pytest
from django.db import DatabaseError, connection, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from hienmau.core import replica
from hienmau.orgs.models import Role, Unit, UnitCategory, UnitKind
from tests.factories import member

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "replica"


@contextmanager
def replica_at(settings_dict):
    """A "replica" database alias at `settings_dict` for the duration of the block (made here, not in
    the settings, so that the test database setup does not know it)."""
    configured = connections.configure_settings(
        {"default": dict(connections.settings["default"]), replica.REPLICA: dict(settings_dict)}
    )[replica.REPLICA]
    connections[replica.REPLICA] = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, replica.REPLICA)
    replica._down_until = 0.0
    try:
        yield
    finally:
        with suppress(DatabaseError):
            connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
        replica._down_until = 0.0


def dead_replica():
    """A replica address nobody listens on."""
    return replica_at(dj_database_url.parse("postgres://postgres@127.0.0.1:1/hienmau", conn_max_age=60))


def province_officer(client, username="vp.replica"):
    nation = Unit.objects.create(name="Việt Nam", kind=UnitKind.NATIONAL, category=UnitCategory.NATIONAL, code="VN")
    province = Unit.objects.create(
        name="Hưng Yên", kind=UnitKind.PROVINCE, category=UnitCategory.PROVINCE, parent=nation, code="33"
    )
    user = member(username, province, Role.OFFICER)
    client.force_login(user)
    return user


def test_without_a_replica_everything_reads_the_primary():
    router = replica.ReplicaRouter()
    assert not replica.configured()
    with replica.replica_reads() as used:
        assert used is False and router.db_for_read(Unit) is None
    assert router.db_for_write(Unit) == "default"
    assert router.allow_migrate("replica", "orgs") is False and router.allow_migrate("default", "orgs") is None


def test_inside_replica_reads_the_router_sends_reads_to_the_replica(monkeypatch):
    monkeypatch.setattr(replica, "available", lambda: True)
    router = replica.ReplicaRouter()
    with replica.replica_reads() as used:
        assert used is True and router.db_for_read(Unit) == "replica" and router.db_for_write(Unit) == "default"
    assert router.db_for_read(Unit) is None


@pytest.mark.django_db
def test_a_replica_that_does_not_answer_leaves_the_dashboard_on_the_primary(client, caplog):
    province_officer(client)
    with dead_replica():
        assert replica.configured()
        response = client.get("/reports/")
        assert response.status_code == 200
        assert not replica.available()  # left alone for a while, without trying again
    assert "replica unavailable" in caplog.text


@pytest.mark.django_db
def test_a_user_who_has_just_saved_reads_the_primary(client, monkeypatch):
    province_officer(client)
    with dead_replica():
        client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
        assert client.session[replica.SESSION_KEY] > time.time() - 5
    monkeypatch.setattr(replica, "available", lambda: True)
    request = type("Request", (), {"session": client.session})()
    with replica.replica_reads(request) as used:
        assert used is False
    monkeypatch.setattr(replica, "sticky_seconds", lambda: 0)
    with replica.replica_reads(request) as used:
        assert used is True


def run_script(*args, timeout=300):
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, check=False)


def replayed(table_query, params, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connections[replica.REPLICA].cursor() as cursor:
            cursor.execute(table_query, params)
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.2)
    return False


@pytest.fixture
def hot_standby():
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL")
    started = run_script("start")
    if started.returncode != 0:
        pytest.skip(f"scripts/replica start: {started.stderr.strip() or started.stdout.strip()}")
    settings_dict = {**connections["default"].settings_dict, "PORT": "5433", "OPTIONS": {"connect_timeout": 2}}
    settings_dict.pop("TEST", None)
    with replica_at(settings_dict):
        yield
    run_script("stop")


@pytest.mark.django_db(transaction=True)
def test_reports_read_the_hot_standby_and_fall_back_when_it_stops(client, hot_standby):
    user = province_officer(client)
    assert replayed("SELECT count(*) FROM auth_user WHERE username = %s", [user.username])
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    with CaptureQueriesContext(connections[replica.REPLICA]) as on_replica:
        assert client.get("/reports/").status_code == 200
    assert any("orgs_unit" in q["sql"] for q in on_replica.captured_queries)

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})  # saved something: read your writes
    with CaptureQueriesContext(connections[replica.REPLICA]) as on_replica:
        assert client.get("/reports/").status_code == 200
    assert on_replica.captured_queries == []

    other = type(client)()
    other.force_login(user)
    assert run_script("stop").returncode == 0
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections[replica.REPLICA]) as on_replica,
    ):
        assert other.get("/reports/").status_code == 200
    assert any("orgs_unit" in q["sql"] for q in on_primary.captured_queries)
    assert on_replica.captured_queries == []
