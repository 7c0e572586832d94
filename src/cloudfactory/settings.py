"""Settings, all read from the environment (see README's configuration table)."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cloudfactory.web.private_files import generated_secret_key, is_local_host

VAR_DIR = Path(os.environ.get("CLOUDFACTORY_VAR_DIR", Path.cwd() / "var")).resolve()
# It holds the SQLite database (password hashes, session keys) and the
# generated secret key: its owner alone may enter it. (An existing folder keeps
# its mode; web/private_files.py keeps the database files 0600 either way.)
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def _secret_key(hosts: list[str]) -> str:
    """SECRET_KEY from the environment; required unless every allowed host is
    this machine, where one is generated once into var/secret_key."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if beyond := [host for host in hosts if not is_local_host(host)]:
        raise ImproperlyConfigured(
            "Set SECRET_KEY (50 or more random characters): ALLOWED_HOSTS names "
            f"{', '.join(beyond)}, beyond this machine, and every instance must "
            "sign with the same key."
        )
    return generated_secret_key(VAR_DIR / "secret_key")


DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
SECRET_KEY = _secret_key(ALLOWED_HOSTS)
CSRF_TRUSTED_ORIGINS = [
    o.strip()
    for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if o.strip()
]
CLOUDFACTORY_CURRENCY = os.environ.get("CLOUDFACTORY_CURRENCY", "USD").upper()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "csp",
    "cloudfactory.web",
    "cloudfactory.customers",
    "cloudfactory.users",
    "cloudfactory.orders",
    "cloudfactory.invoices",
    "cloudfactory.support",
    "cloudfactory.overview",
    "cloudfactory.activity",
    "cloudfactory.search",
    "cloudfactory.demo",
    # Last: its post-migrate step gives the roles the permissions of the apps above.
    "cloudfactory.staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise: static files get the policies too.
    "csp.middleware.CSPMiddleware",
    "cloudfactory.web.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cloudfactory.web.database.QueryDeadlineMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cloudfactory.web.security.PrivatePagesMiddleware",
    "cloudfactory.staff.middleware.StaffRequiredMiddleware",
    "cloudfactory.staff.middleware.StaffTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (it leaves the reason for the sign-in page); its sign-out
    # comes before StaffRequiredMiddleware's check, which runs per view.
    "cloudfactory.web.security.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cloudfactory.web.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cloudfactory.urls"
ASGI_APPLICATION = "cloudfactory.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cloudfactory.web.context_processors.navigation",
                "cloudfactory.activity.pages.live",
            ],
            "builtins": ["cloudfactory.web.templatetags.cf"],
        },
    }
]

DATABASE_URL = os.environ.get(
    "DATABASE_URL", f"sqlite:///{VAR_DIR / 'cloudfactory.sqlite3'}"
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
# Downloads at once per process, and per staff member (the next gets a 429).
EXPORTS_PER_PROCESS = int(os.environ.get("EXPORTS_PER_PROCESS", "4"))
EXPORTS_PER_MEMBER = int(os.environ.get("EXPORTS_PER_MEMBER", "2"))
# Seconds a download may run, and may wait on a client that stops reading.
EXPORT_STATEMENT_TIMEOUT = int(os.environ.get("EXPORT_STATEMENT_TIMEOUT", "600"))
SEND_DEADLINE = float(os.environ.get("SEND_DEADLINE", "30"))
# Live events (/events): open streams per process and per staff member (the
# next gets a 429), entries queued for a client before it counts as stalled,
# and how far back a reconnecting client is replayed before it must reload.
LIVE_STREAMS_PER_PROCESS = int(os.environ.get("LIVE_STREAMS_PER_PROCESS", "5000"))
LIVE_STREAMS_PER_MEMBER = int(os.environ.get("LIVE_STREAMS_PER_MEMBER", "20"))
LIVE_QUEUE_LIMIT = int(os.environ.get("LIVE_QUEUE_LIMIT", "500"))
# Bytes waiting to reach one client before it counts as stalled.
LIVE_BUFFER_LIMIT = int(os.environ.get("LIVE_BUFFER_LIMIT", "1000000"))
LIVE_REPLAY_LIMIT = int(os.environ.get("LIVE_REPLAY_LIMIT", "10000"))
LIVE_REPLAY_HOURS = float(os.environ.get("LIVE_REPLAY_HOURS", "24"))
# Seconds: a heartbeat after this much silence; a stream ends (and its page
# reconnects, its session checked again) after its lifetime; a client that
# reads nothing this long is dropped; SQLite's log is read this often.
LIVE_HEARTBEAT = float(os.environ.get("LIVE_HEARTBEAT", "15"))
LIVE_STREAM_LIFETIME = float(os.environ.get("LIVE_STREAM_LIFETIME", "900"))
LIVE_SEND_DEADLINE = float(os.environ.get("LIVE_SEND_DEADLINE", "10"))
LIVE_POLL_INTERVAL = float(os.environ.get("LIVE_POLL_INTERVAL", "0.1"))
# Milliseconds a browser waits before reconnecting a dropped stream.
LIVE_RETRY_MS = int(os.environ.get("LIVE_RETRY_MS", "2000"))
# A page's query that gets no answer for this long is given up (PostgreSQL),
# so a hung database answers 503 in under 2 seconds instead of hanging.
DATABASE_QUERY_DEADLINE = float(os.environ.get("DATABASE_QUERY_DEADLINE", "1.2"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _POSTGRES_CONNECTION = {
        "connect_timeout": 2,
        # A peer that stopped answering is noticed in seconds, not hours.
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
    }
    # A connection pool per process: a new connection costs 3-6 ms a request.
    DATABASES["default"]["OPTIONS"] = {
        **_POSTGRES_CONNECTION,
        "application_name": "cloudfactory",
        "pool": {
            "min_size": 2,
            "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")),
            # Waiting longer for a connection only delays the 503.
            "timeout": 1.5,
        },
    }
    # Downloads read through a small pool of their own, so stalled ones never
    # take the connections pages need.
    DATABASES["exports"] = {
        **DATABASES["default"],
        "OPTIONS": {
            **_POSTGRES_CONNECTION,
            "application_name": "cloudfactory-export",
            "options": f"-c statement_timeout={EXPORT_STATEMENT_TIMEOUT * 1000}",
            "pool": {"min_size": 0, "max_size": EXPORTS_PER_PROCESS, "timeout": 1.5},
        },
        "TEST": {"MIRROR": "default"},
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock up front instead of failing on upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON;"
        ),
    }
    # A file, not memory: the browser tests' server process opens the same one.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # Downloads read through a connection of their own (see PostgreSQL's).
    DATABASES["exports"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Indexes that INCLUDE the search column are built without it on SQLite, as
# Django does; its warning says so for each of them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "staff.StaffUser"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cloudfactory.staff.backends.StaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        ),
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "staff:login"


def _trusted_proxies() -> list[str]:
    """TRUSTED_PROXIES: comma-separated addresses or networks of the proxies
    whose X-Forwarded-For is believed; none by default."""
    proxies = []
    for entry in os.environ.get("TRUSTED_PROXIES", "").split(","):
        if entry.strip():
            try:
                network = ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ImproperlyConfigured(
                    f"TRUSTED_PROXIES: {entry.strip()!r} is neither an IP address "
                    "nor a network such as 10.0.0.0/8."
                ) from None
            proxies.append(str(network))
    return proxies


TRUSTED_PROXIES = _trusted_proxies()

# Failed sign-ins (staff/throttle.py, docs/decisions.md), counted by email in
# one spelling and by the client address (staff/addresses.py):
# - one email from one address: after AXES_FAILURE_LIMIT, that pair waits 15 min;
# - one address, any emails: after SIGN_IN_ADDRESS_FAILURE_LIMIT, 15 min;
# - one email, any address: from its SIGN_IN_DELAY_AFTER-th failure on, each
#   next try waits twice as long (1 s, 2 s, 4 s, ...) up to SIGN_IN_DELAY_CAP
#   seconds, except from a browser that has signed in to it before.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the email as `username` (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "cloudfactory.staff.throttle.axes_username"
AXES_CLIENT_IP_CALLABLE = "cloudfactory.staff.addresses.throttled_address"
AXES_HANDLER = "cloudfactory.staff.throttle.SignInAxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_VERBOSE = False
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("SIGN_IN_ADDRESS_FAILURE_LIMIT", "20")
)
SIGN_IN_DELAY_AFTER = int(os.environ.get("SIGN_IN_DELAY_AFTER", "5"))
SIGN_IN_DELAY_CAP = int(os.environ.get("SIGN_IN_DELAY_CAP", "300"))

SESSION_ENGINE = "cloudfactory.staff.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Sessions last a working day from sign-in, and end sooner after an idle
# spell (web/security.py SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_HOURS", "12")) * 3600
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "60")) * 60

# HTTPS: all off for `make run`; docs/deployment.md's production profile sets
# them.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT")
# The load balancer's health checks reach the instance over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD")
# A header by which a proxy says the client came over HTTPS (X-Forwarded-Proto),
# believed from anyone: only where nothing but the proxy reaches the instance.
# `cloudfactory serve` already takes the scheme from TRUSTED_PROXIES alone.
if _proxy_ssl_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )

# Scripts and styles from our own static files only: no inline code, no eval
# (htmx runs with allowEval off, see web/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Static files are served from the apps' folders by WhiteNoise: no collect step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
