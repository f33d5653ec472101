"""Settings for the test suite: the real ones, with a throwaway key and a fast password hasher."""

import os

os.environ.setdefault("HIENMAU_SECRET_KEY", "tests-only-not-a-secret")
# The test client and the live server speak plain HTTP (tests/core/test_security_headers.py checks HTTPS).
os.environ.setdefault("HIENMAU_HTTPS", "0")
# Under pytest-xdist each worker keeps its own var folder (uploads, job files, the SQLite test database), so
# two workers never write the same job's progress file or upload path.
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    from pathlib import Path

    base = Path(os.environ.get("HIENMAU_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    os.environ["HIENMAU_VAR_DIR"] = str(base / f"test-{worker}")

from hienmau.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the shared-cache in-memory database: with the live server's threads, shared cache
    # reports "database table is locked" where a file database waits its turn (timeout above).
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / "test-suite.sqlite3")  # noqa: F405
HIENMAU_QUIET_HOURS = (0, 0)  # the suite runs at any hour; quiet hours have their own tests
# Rate counters in memory, emptied before each test (tests/conftest.py), never in var/.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Background jobs run within the request in the suite (tests/jobs runs the database worker itself).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# The suite signs in with passwords only; tests/orgs/test_second_factor.py turns the requirement on itself.
HIENMAU_SECOND_FACTOR_REQUIRED = False
