"""Settings for the test suite: the real ones, with a throwaway key and a fast password hasher."""

import os

os.environ.setdefault("HIENMAU_SECRET_KEY", "tests-only-not-a-secret")

from hienmau.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
