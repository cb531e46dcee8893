"""Project wiring. Everything that differs between deployments comes from the environment (12-factor).

Variables (all optional; the defaults run the demo on one machine):

- ``LAWTRACE_VAR_DIR``: folder for the SQLite database, the media folder, the generated secret key and the
  ledger signing keys (default ``./var``). Never committed.
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/lawtrace``
  (default: SQLite ``$LAWTRACE_VAR_DIR/lawtrace.sqlite3``).
- ``LAWTRACE_S3_BUCKET`` (+ ``LAWTRACE_S3_ENDPOINT_URL``, ``LAWTRACE_S3_ACCESS_KEY``, ``LAWTRACE_S3_SECRET_KEY``,
  ``LAWTRACE_S3_REGION``): store media in S3-compatible object storage instead of ``$LAWTRACE_VAR_DIR/media``.
- ``LAWTRACE_SECRET_KEY``: overrides the generated key (set it when several app servers share one database).
- ``LAWTRACE_REDIS_URL`` (or ``REDIS_URL``): e.g. ``redis://cache.internal:6379/0`` — the cache the app servers
  share (the public correction form's rate limit counts there); default: each process's own memory.
  ``LAWTRACE_CACHE_PREFIX`` (default ``lawtrace``) prefixes its keys, for a Redis shared with other deployments.
- ``LAWTRACE_DEBUG``, ``LAWTRACE_ALLOWED_HOSTS``, ``LAWTRACE_HOST`` (the deployment's host name, used in ledger
  origins), ``LAWTRACE_CSRF_TRUSTED_ORIGINS``; ``LAWTRACE_PUBLIC_URL`` (the public portal's address, printed in the
  verification QR code of every final document); ``LAWTRACE_PADES_DIR`` and ``LAWTRACE_PADES_PASSPHRASE``: PAdES
  signatures on final documents, from a folder of ``<统一社会信用代码>.p12`` files (``lawtrace.documents.pades``).
- ``LAWTRACE_REQUIRE_OTP`` (default true): heads, administrators, supervisors, publishers and superusers must sign
  in with a second factor (TOTP authenticator app); ``LAWTRACE_OTP_ISSUER`` names the service in the app.
- ``LAWTRACE_SECURE_COOKIES=true`` (production, HTTPS): secure cookies, HTTPS redirect and HSTS
  (``LAWTRACE_HSTS_SECONDS``, default one year; ``LAWTRACE_HSTS_PRELOAD``, default false).
- Behind a load balancer or reverse proxy: ``LAWTRACE_PROXY_SSL_HEADER`` (e.g. ``X-Forwarded-Proto``: the header
  in which the proxy says the client used HTTPS) and ``LAWTRACE_TRUSTED_PROXIES`` (the proxies' addresses or
  networks, comma-separated, e.g. ``10.0.0.0/24``: the client address is then read from ``X-Forwarded-For``,
  see ``lawtrace/security.py``). Leave both unset when clients connect directly: the headers could be forged.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env.str("LAWTRACE_VAR_DIR", default=str(Path.cwd() / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Generated once per installation into ``var/secret_key`` (mode 0600), so that no key is ever committed."""
    if key := env.str("LAWTRACE_SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("LAWTRACE_DEBUG", default=False)
ALLOWED_HOSTS = env.list("LAWTRACE_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("LAWTRACE_CSRF_TRUSTED_ORIGINS", default=[])
LAWTRACE_HOST = env.str("LAWTRACE_HOST", default="lawtrace.local")
# The public address printed on documents (their verification QR code leads to /gongshi/verify/<code>/).
LAWTRACE_PUBLIC_URL = env.str("LAWTRACE_PUBLIC_URL", default="http://127.0.0.1:8000")
# PAdES signatures on final documents (lawtrace.documents.pades): a folder of <统一社会信用代码>.p12, its passphrase.
LAWTRACE_PADES_DIR = env.str("LAWTRACE_PADES_DIR", default="")
LAWTRACE_PADES_PASSPHRASE = env.str("LAWTRACE_PADES_PASSPHRASE", default="")
# The organisation whose ledger takes events that belong to none (its 统一社会信用代码); default: the first root.
LAWTRACE_HOST_ORGANISATION = env.str("LAWTRACE_HOST_ORGANISATION", default="")
# Ledger signing keys live outside the database (see lawtrace/ledger/keys.py).
LAWTRACE_KEY_DIR = env.str("LAWTRACE_KEY_DIR", default=str(VAR_DIR / "keys"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # static files through WhiteNoise in `lawtrace run` too, as in production
    "django.contrib.staticfiles",
    "django_htmx",
    "django_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",  # the second factor: TOTP authenticator apps (lawtrace/orgs/second_factor.py)
    "ninja",  # its Swagger UI from our own static files (no CDN): /api/docs
    "lawtrace.orgs",
    "lawtrace.ledger",
    "lawtrace.rulebook",
    "lawtrace.cases",
    "lawtrace.leads",
    "lawtrace.records",
    "lawtrace.documents",
    "lawtrace.disclosure",
    "lawtrace.evidence",
]

MIDDLEWARE = [
    "lawtrace.security.ClientAddressMiddleware",  # first: everything after it sees the client's own address
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed the second factor
    "lawtrace.security.SecondFactorMiddleware",  # an unverified session reaches only the code or enrolment page
    "lawtrace.security.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lawtrace.urls"
WSGI_APPLICATION = "lawtrace.wsgi.application"
ASGI_APPLICATION = "lawtrace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lawtrace.orgs.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lawtrace.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and the periodic loop write at once: transactions take the write lock when they
    # begin (IMMEDIATE) instead of failing on upgrade, readers never block writers (WAL), and a writer waits up to
    # 20 s for the lock rather than erroring.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"].setdefault("TEST", {})
    if name := env.str("LAWTRACE_TEST_SQLITE_NAME", default=""):
        DATABASES["default"]["TEST"]["NAME"] = name
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Storage ----------------------------------------------------------------------------------------------------
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
if bucket := env.str("LAWTRACE_S3_BUCKET", default=""):
    _default_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.str("LAWTRACE_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("LAWTRACE_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("LAWTRACE_S3_SECRET_KEY", default="") or None,
            "region_name": env.str("LAWTRACE_S3_REGION", default="") or None,
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Evidence uploads (lawtrace.evidence, tus 1.0): the largest file accepted, and how long an upload may sit
# untouched before the periodic cleanup removes its partial data.
LAWTRACE_UPLOAD_MAX_BYTES = env.int("LAWTRACE_UPLOAD_MAX_BYTES", default=64 * 1024**3)
LAWTRACE_UPLOAD_EXPIRY_HOURS = env.int("LAWTRACE_UPLOAD_EXPIRY_HOURS", default=24)
# Evidence fixity (lawtrace.evidence.fixity): files up to this size are re-hashed before their first byte is
# served; larger ones are served only if checked within the cycle, in which the whole store is re-hashed.
LAWTRACE_FIXITY_HASH_ON_SERVE_BYTES = env.int("LAWTRACE_FIXITY_HASH_ON_SERVE_BYTES", default=64 * 1024**2)
LAWTRACE_FIXITY_CYCLE_DAYS = env.int("LAWTRACE_FIXITY_CYCLE_DAYS", default=30)
# Serve the vendored assets straight from the package in development and in the one-command demo; a production
# deployment runs `collectstatic` and the same middleware serves STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Cache -------------------------------------------------------------------------------------------------------
# What several app servers must count together (the public correction form's rate limit, django-ratelimit) lives in
# the cache: Redis when one is configured, otherwise each process's own memory (fine for one process, not more).
if redis_url := env.str("LAWTRACE_REDIS_URL", default="") or env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": env.str("LAWTRACE_CACHE_PREFIX", default="lawtrace"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lawtrace"}}
RATELIMIT_USE_CACHE = "default"  # django-ratelimit's counters (add + atomic INCR on Redis)

# --- Authentication ---------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Issue 16: at least 12 characters, none of Django's 20,000 common passwords, and none of the Chinese patterns
# (a common or pinyin word with digits and symbols stuck on, keyboard walks, padding with spaces).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "lawtrace.orgs.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "lawtrace.orgs.passwords.NoPaddingValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lawtrace.orgs.passwords.CharacterClassValidator"},
    {"NAME": "lawtrace.orgs.passwords.CommonPatternValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"

# The second factor (two-step sign-in, lawtrace/orgs/second_factor.py): required of heads, administrators,
# supervisors, publishers and superusers unless LAWTRACE_REQUIRE_OTP=false (the demo's `make run` sets it false;
# anyone with a device is asked for a code either way). Each wrong code doubles the wait before the next try.
LAWTRACE_REQUIRE_OTP = env.bool("LAWTRACE_REQUIRE_OTP", default=True)
OTP_TOTP_ISSUER = env.str("LAWTRACE_OTP_ISSUER", default="lawtrace")
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions end after 2 hours without activity, and when the browser closes.
SESSION_COOKIE_AGE = int(timedelta(hours=2).total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("LAWTRACE_SECURE_COOKIES", default=False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if SESSION_COOKIE_SECURE:  # production over HTTPS: plain HTTP is redirected and browsers remember to use HTTPS
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("LAWTRACE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("LAWTRACE_HSTS_PRELOAD", default=False)
# The proxy's header saying the client used HTTPS (without it, behind the load balancer every request looks like
# plain HTTP: redirect loops, and CSRF refuses every POST against the https:// origin).
if proxy_ssl_header := env.str("LAWTRACE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
# The proxies whose X-Forwarded-For is believed (lawtrace/security.py): the rate limit, the sign-in records and axes
# then count the client, not the balancer.
LAWTRACE_TRUSTED_PROXIES = env.list("LAWTRACE_TRUSTED_PROXIES", default=[])

# Content-Security-Policy (django-csp): scripts, styles, fonts and media only from this site — every script and style
# is a static file (no inline script or style attribute in any template); nothing may frame the pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Lockout: 5 failed sign-ins for one account lock it for 30 minutes. Counted per account (not per address), since
# officers often share one office network address.
AXES_FAILURE_LIMIT = env.int("LAWTRACE_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LAWTRACE_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that per-account counting lets an attacker rotate addresses; that is the point here: the account is
# what we protect, and a lockout per address would lock a whole bureau out behind one NAT.
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # HSTS preloading is a commitment the deployment's owner makes at hstspreload.org (LAWTRACE_HSTS_PRELOAD=true);
    # it cannot be undone quickly, so it is not a default.
    "security.W021",
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Our own sign-in records (orgs.SignInRecord) are the audit trail; axes keeps only its failure counters, which hold
# the typed account name and are deleted when they expire or on success.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# axes reads the same client address as the rest (REMOTE_ADDR, rewritten only for trusted proxies).
AXES_CLIENT_IP_CALLABLE = "lawtrace.security.client_address"

# --- Internationalisation ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Logging: personal data never goes to logs (no request bodies, no form values) -----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LAWTRACE_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its INFO lines narrate every rendering step
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}
