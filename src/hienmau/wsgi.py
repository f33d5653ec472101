import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hienmau.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (settings are ready only after the application)

if not settings.DEBUG:
    for required in ("HIENMAU_SECRET_KEY", "DATABASE_URL"):
        if not os.environ.get(required):
            raise ImproperlyConfigured(f"{required} must be set to serve with HIENMAU_DEBUG off.")
