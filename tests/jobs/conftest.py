"""Fixtures the export tests share with the import, results and check-in tests."""

from tests.drives.test_checkin import drive, registrants  # noqa: F401 -- fixtures
from tests.jobs.test_jobs import background, database_worker, hospital  # noqa: F401 -- fixtures
from tests.results.conftest import campaign  # noqa: F401 -- a fixture
