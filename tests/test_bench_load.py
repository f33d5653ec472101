"""The load scenario (`python -m bench load`) cannot rot silently: every endpoint it requests is a URL the
project routes, and its locust file imports, with each user class requesting only endpoints it lists.
No timing here: the run itself lives under bench/."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from bench.load import CHECKIN_CLIENTS, DASHBOARD_READERS, ENDPOINTS

ROOT = Path(__file__).resolve().parents[1]


def test_every_endpoint_of_the_scenario_is_a_routed_url():
    for key, (url_name, template) in ENDPOINTS.items():
        fields = {field: 7 if field == "pk" else "Abc123_-Abc123_-xy" for field in re.findall(r"{(\w+)}", template)}
        assert reverse(url_name, kwargs=fields) == template.format(**fields), key


def test_the_locust_users_import_and_request_only_endpoints_they_list():
    source = (ROOT / "bench" / "loadfile.py").read_text(encoding="utf-8")
    requested = set(re.findall(r'self\.(?:url|get)\("([^"]+)"', source))
    assert requested and requested <= set(ENDPOINTS)
    # locust patches the standard library for gevent on import: a child process, never this one
    code = (
        "import json, locust, bench.loadfile as m\n"
        "users = [c for c in vars(m).values() if isinstance(c, type) and issubclass(c, locust.HttpUser)"
        " and not c.abstract]\n"
        "print(json.dumps({c.__name__: [list(c.endpoints), c.fixed_count] for c in users}))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    users = json.loads(done.stdout.strip().splitlines()[-1])
    assert users["CheckInClient"][1] == CHECKIN_CLIENTS
    assert users["DashboardReader"][1] == DASHBOARD_READERS
    assert {"SignUpVisitor", "OneAddress"} <= set(users)
    for name, (endpoints, _count) in users.items():
        assert endpoints and set(endpoints) <= set(ENDPOINTS), name
