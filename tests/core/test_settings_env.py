import pytest
from django.core.exceptions import ImproperlyConfigured

from hienmau.core.env import env_bool, env_list


def test_env_bool_reads_usual_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_env_bool_rejects_a_value_it_does_not_understand(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.vn, b.vn ,,")
    assert env_list("X_HOSTS", []) == ["a.vn", "b.vn"]


def test_serving_without_secret_key_refuses_to_start(tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "hienmau.settings", "HIENMAU_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import hienmau.wsgi"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "HIENMAU_SECRET_KEY must be set" in result.stderr
