"""deploy/gunicorn.conf.py: the app it serves exists and the environment overrides its values."""

import importlib.util
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def test_defaults_serve_the_wsgi_app_locally():
    conf = runpy.run_path(str(CONF))
    module, name = conf["wsgi_app"].split(":")
    spec = importlib.util.find_spec(module)
    assert spec and spec.origin and f"\n{name} = " in Path(spec.origin).read_text()
    assert conf["bind"] == "127.0.0.1:8000"
    assert 3 <= conf["workers"] <= 9 and conf["timeout"] == 120


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("HIENMAU_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("HIENMAU_WORKERS", "2")
    monkeypatch.setenv("HIENMAU_TIMEOUT", "300")
    conf = runpy.run_path(str(CONF))
    assert (conf["bind"], conf["workers"], conf["timeout"]) == ("0.0.0.0:9000", 2, 300)
