"""Fixtures the export tests share with the import tests and the results tests."""

from tests.jobs.test_jobs import background, database_worker  # noqa: F401 -- fixtures
from tests.results.conftest import campaign  # noqa: F401 -- a fixture
