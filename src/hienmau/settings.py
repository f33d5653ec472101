"""Settings read from the environment.

Nothing here writes a file. Serving in production (HIENMAU_DEBUG unset) refuses to start without
HIENMAU_SECRET_KEY and DATABASE_URL (see wsgi.py); `make run` sets HIENMAU_DEBUG=1 itself.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from hienmau.core.env import env_bool, env_hours, env_int, env_list, env_map, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("HIENMAU_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("HIENMAU_DEBUG", False)
# Command-line tools that sign nothing run without a key; serving refuses to start without one (wsgi.py).
SECRET_KEY = env_str("HIENMAU_SECRET_KEY", "") or ("development-only-key-not-for-production" if DEBUG else "")

# The address printed in certificate QR codes (e.g. https://hienmau.example.gov.vn); the request's own otherwise.
HIENMAU_PUBLIC_BASE_URL = env_str("HIENMAU_PUBLIC_BASE_URL", "")
ALLOWED_HOSTS = env_list("HIENMAU_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("HIENMAU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "hienmau.core.third_party_apps.AxesConfig",
    "django_otp",
    "hienmau.core.third_party_apps.TotpConfig",
    "hienmau.core.third_party_apps.RecoveryCodesConfig",
    "csp",
    "django_tasks",
    "hienmau.core.third_party_apps.TasksDatabaseConfig",
    "hienmau.core",
    "hienmau.orgs",
    "hienmau.jobs",
    "hienmau.plans",
    "hienmau.demand",
    "hienmau.donors",
    "hienmau.drives",
    "hienmau.notify",
    "hienmau.results",
    "hienmau.standby",
    "hienmau.reports",
    "hienmau.honours",
    "hienmau.humanitarian",
    "hienmau.outreach",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hienmau.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hienmau.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave a TOTP code (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "hienmau.core.middleware.IdleSessionMiddleware",
    "hienmau.core.replica.ReadYourWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "hienmau.core.middleware.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "hienmau.orgs.middleware.ActiveUnitMiddleware",
    # A session of a user with a TOTP device gives its code; roles that reveal or export personal data
    # enrol one first when HIENMAU_SECOND_FACTOR_REQUIRED (orgs/second_factor.py).
    "hienmau.orgs.middleware.SecondFactorMiddleware",
    # Last, so its 400 page has the signed-in layout; it answers before any view runs.
    "hienmau.core.middleware.InputGuardMiddleware",
    # A database connection lost in the middle of a view: a Vietnamese 503 saying what to redo, not a 500.
    "hienmau.core.middleware.DatabaseFaultMiddleware",
    # After everything else (django-axes asks for it last): turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hienmau.urls"
WSGI_APPLICATION = "hienmau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hienmau.orgs.context_processors.active_unit",
                "csp.context_processors.nonce",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'hienmau.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", "") or _default_sqlite, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two requests that both read-then-write
    # (capacity checks, imports) serialise instead of failing with "database is locked" mid-way.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("HIENMAU_TEST_SQLITE", "") or None

# A PostgreSQL streaming replica for reports and dashboards (core/replica.py; scripts/replica starts one).
_replica_url = env_str("HIENMAU_REPLICA_URL", "")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=60)
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["hienmau.core.replica.ReplicaRouter"]
HIENMAU_REPLICA_STICKY_SECONDS = env_int("HIENMAU_REPLICA_STICKY_SECONDS", 30)
HIENMAU_REPLICA_READS = env_bool("HIENMAU_REPLICA_READS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id for new and changed passwords; older hashes still verify and are rehashed at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("HIENMAU_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out (docs/security.md): an account after HIENMAU_LOGIN_FAILURES failed logins for
# HIENMAU_LOGIN_COOLOFF_MINUTES (django-axes, in the database); an address after
# HIENMAU_RATE_LOGIN_FAILURES ("count/seconds") failed logins, whatever the account (core/ratelimit.py).
AXES_FAILURE_LIMIT = env_int("HIENMAU_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HIENMAU_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for "ip_address" among the parameters above: it would lock an address at the accounts'
# limit (5), i.e. a whole office behind one NAT address after five typos of five people. The address has its
# own, higher limit (HIENMAU_RATE_LOGIN_FAILURES), tested in tests/core/test_access_limits.py.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hienmau.core.auth_views.account_locked_out"
AXES_CLIENT_IP_CALLABLE = "hienmau.core.ratelimit.client_ip"
AXES_VERBOSE = False
# The second factor's code never lands in axes' record of a failed attempt.
AXES_SENSITIVE_PARAMETERS = ["otp_token"]
HIENMAU_RATE_LOGIN_FAILURES = env_rate("HIENMAU_RATE_LOGIN_FAILURES", (30, 900))
# Public pages, per address: self-registration submissions and certificate checks.
HIENMAU_RATE_SELF_REGISTRATION = env_rate("HIENMAU_RATE_SELF_REGISTRATION", (20, 600))
HIENMAU_RATE_CERTIFICATE_CHECK = env_rate("HIENMAU_RATE_CERTIFICATE_CHECK", (30, 60))
# Second factor (TOTP, django-otp; docs/security.md): a user with a confirmed device gives its code after
# the password; when required, the roles that may reveal or export personal data (orgs.scoping.
# requires_second_factor) must enrol one. On by default without DEBUG; `make run` (HIENMAU_DEBUG=1) turns it
# off so the demo accounts sign in with their password only.
HIENMAU_SECOND_FACTOR_REQUIRED = env_bool("HIENMAU_SECOND_FACTOR_REQUIRED", not DEBUG)
# Wrong codes count as failed logins in django-axes (same limit and cool-off), so django-otp's own
# back-off is off: one throttle, one unlock command.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0  # recovery codes: the same django-axes count as the app's codes
OTP_TOTP_ISSUER = env_str("HIENMAU_OTP_ISSUER", "Hiến máu tình nguyện")
# The admin's device pages never show a device's secret or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Idle timeout: a session ends after this long without a request (core/middleware.IdleSessionMiddleware).
SESSION_COOKIE_AGE = env_int("HIENMAU_SESSION_IDLE_MINUTES", 60) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Retention (core/retention.py, `hienmau purge`, run daily): how long what is kept only for a while stays.
HIENMAU_RETAIN_UPLOAD_HOURS = env_int("HIENMAU_RETAIN_UPLOAD_HOURS", 24)  # previews nobody confirmed
HIENMAU_RETAIN_OUTBOX_DAYS = env_int("HIENMAU_RETAIN_OUTBOX_DAYS", 90)  # messages sent, failed or refused
HIENMAU_RETAIN_LOGIN_RECORDS_DAYS = env_int("HIENMAU_RETAIN_LOGIN_RECORDS_DAYS", 90)  # django-axes' records
HIENMAU_RETAIN_JOB_DAYS = env_int("HIENMAU_RETAIN_JOB_DAYS", 30)  # finished background jobs and task rows
HIENMAU_RETAIN_EXPORT_DAYS = env_int("HIENMAU_RETAIN_EXPORT_DAYS", 7)  # files large exports made in the worker
# Rate counters, shared by every worker on the machine.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["hienmau.formats"]
# Off: grouping is explicit (templates' vn_int, core.forms number fields), so ids are never printed "3.876".
USE_THOUSAND_SEPARATOR = False

MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Uploads above this are refused before parsing (see plans.readers); Django spools big files to disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Trusted reverse proxies in front of gunicorn (nginx: 1); the client address is read behind them.
HIENMAU_PROXY_COUNT = env_int("HIENMAU_PROXY_COUNT", 0)

# --- Transport and headers (docs/security.md) ---------------------------------------------------------
# Serving without DEBUG means HTTPS: redirect, HSTS, secure cookies. HIENMAU_HTTPS=0 only for a plain-HTTP
# trial on a closed network (`make serve-prod` on loopback); `manage.py check --deploy` then warns.
HIENMAU_HTTPS = env_bool("HIENMAU_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("HIENMAU_SECURE_COOKIES", HIENMAU_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HIENMAU_HTTPS
SECURE_HSTS_SECONDS = env_int("HIENMAU_HSTS_SECONDS", 31_536_000) if HIENMAU_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HIENMAU_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HIENMAU_HSTS_PRELOAD", True)
# Behind a reverse proxy (HIENMAU_PROXY_COUNT > 0) the proxy says whether the client came over HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HIENMAU_PROXY_COUNT else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# core/middleware.SecurityHeadersMiddleware: the camera only for this site's own pages (check-in QR scan).
HIENMAU_PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)
# django-csp: no inline script anywhere (app.js holds the shared behaviours); the few inline <style>
# blocks carry the request's nonce; style attributes are allowed (they cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# How messages leave (notify/backends.py): "console" (logged) or "file" (var/outbox) for every channel
# by default; HIENMAU_NOTIFY_BACKENDS="sms=sms_http,zalo=zalo,email=email" picks a backend per channel.
HIENMAU_NOTIFY_BACKEND = env_str("HIENMAU_NOTIFY_BACKEND", "console")
HIENMAU_NOTIFY_BACKENDS = env_map("HIENMAU_NOTIFY_BACKENDS", {})
HIENMAU_SMS_URL = env_str("HIENMAU_SMS_URL", "")
HIENMAU_SMS_TOKEN = env_str("HIENMAU_SMS_TOKEN", "")
HIENMAU_SMS_SENDER = env_str("HIENMAU_SMS_SENDER", "")
HIENMAU_ZALO_URL = env_str("HIENMAU_ZALO_URL", "https://openapi.zalo.me/v3.0/oa/message/cs")
HIENMAU_ZALO_ACCESS_TOKEN = env_str("HIENMAU_ZALO_ACCESS_TOKEN", "")
HIENMAU_NOTIFY_TIMEOUT = env_int("HIENMAU_NOTIFY_TIMEOUT", 10)  # seconds per gateway request
HIENMAU_NOTIFY_MAX_ATTEMPTS = env_int("HIENMAU_NOTIFY_MAX_ATTEMPTS", 6)
# Quiet hours (start, end) on the local clock: only emergencies go out between them; "0-0" for none.
HIENMAU_QUIET_HOURS = env_hours("HIENMAU_QUIET_HOURS", (21, 7))
# At most N messages per person in H hours (emergencies not counted): "3/24".
HIENMAU_NOTIFY_RATE_LIMIT = env_rate("HIENMAU_NOTIFY_RATE_LIMIT", (3, 24))

# The JSON API (hienmau/api, docs/api.md): tokens only, scoped like the pages, JSON errors in Vietnamese.
HIENMAU_API_REQUESTS_PER_MINUTE = env_int("HIENMAU_API_REQUESTS_PER_MINUTE", 120)  # per token (per address without)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["hienmau.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["hienmau.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["hienmau.api.throttling.PerTokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "hienmau.api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hienmau.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The throttle's client address: REMOTE_ADDR, or behind N trusted proxies the one they saw (without this,
    # DRF would take X-Forwarded-For as the client wrote it, and a new made-up address would dodge the limit).
    "NUM_PROXIES": HIENMAU_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hienmau API",
    "DESCRIPTION": "Read the units, plans, drives, donors (masked), results and honours a token's unit "
    "reaches, and push a facility's day of donations. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hienmau.api.schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HIENMAU_LOG_LEVEL", "INFO")},
}

# Background work (django-tasks, database backend): large imports and exports are queued as jobs (hienmau.jobs),
# notifications as tasks (hienmau.notify), and run
# by `hienmau db_worker` (deploy/hienmau-worker.service; `make run` starts one beside the dev server).
# HIENMAU_TASKS_IMMEDIATE=1 runs them within the request instead (no worker needed).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("HIENMAU_TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Uploads at least this large (bytes) are imported by the worker, with a progress page, not in the request.
HIENMAU_BACKGROUND_IMPORT_BYTES = env_int("HIENMAU_BACKGROUND_IMPORT_BYTES", 256 * 1024)
# Exports of at least this many rows (units of a comparison table or consolidated report, people of an honours list, members of a
# club's list) are made by the worker; measured in docs/scaling.md (about a second of work at 20 rows).
HIENMAU_BACKGROUND_EXPORT_ROWS = env_int("HIENMAU_BACKGROUND_EXPORT_ROWS", 20)
