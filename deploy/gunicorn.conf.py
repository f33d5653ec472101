"""gunicorn settings for hienmau: `gunicorn -c deploy/gunicorn.conf.py` (what `make serve-prod` runs).

Every value can be overridden from the environment, so one file serves a laptop and a provincial server:
HIENMAU_BIND (default 127.0.0.1:8000, behind nginx or another reverse proxy), HIENMAU_WORKERS (default
2 × cores + 1, at most 9), HIENMAU_TIMEOUT (seconds, default 120; uploads of HIENMAU_BACKGROUND_IMPORT_BYTES or more
are imported by the background worker, `hienmau db_worker`, not in the request).
"""

import multiprocessing
import os

wsgi_app = "hienmau.wsgi:application"
bind = os.environ.get("HIENMAU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HIENMAU_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
timeout = int(os.environ.get("HIENMAU_TIMEOUT", 120))
graceful_timeout = 30
# Recycle workers now and then so a slow leak in a long-running import cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("HIENMAU_FORWARDED_ALLOW_IPS", "127.0.0.1")
