"""Settings for every environment, read from the environment (django-environ).

Production differs from the embedded default only by environment variables:
``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` (broker and cache), ``SECRET_KEY``,
``DEBUG``, ``ALLOWED_HOSTS``, ``EMAIL_URL``.
"""
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=True)
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DEBUG=false needs a SECRET_KEY of its own (50 random characters): the portal "
                               "refuses to start with the development key.")
# behind nginx (or another TLS proxy of ours): trust its X-Forwarded-Proto and the client address in X-Real-IP
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "treebeard",
    "rules",
    "simple_history",
    "axes",
    "django_celery_beat",
    "django_celery_results",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # ours, in layer order (an app imports only those above it)
    "units",
    "audit",
    "accounts",
    "campaign",
    "supervision",
    "feedback",
    "dashboards",
    "api",
    "reports",
    "web",
]

MIDDLEWARE = [
    "config.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ChineseFirstLocaleMiddleware",
    "api.middleware.ApiBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.AuditMiddleware",
    "config.security.IdleTimeoutMiddleware",
    "config.security.PrivateResponsesMiddleware",
    "units.middleware.PasswordChangeRequiredMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "web.middleware.NotAllowedPageMiddleware",
    # axes last: it turns a locked-out login into its lockout response
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.roles",
                "campaign.context_processors.notifications",
                "campaign.context_processors.campaign_menu",
            ],
        },
    },
]

# --- database: SQLite (WAL, busy timeout) by default, PostgreSQL through DATABASE_URL
# issue 13: the cadre list's index includes ``post`` so that PostgreSQL answers a search from the index alone;
# SQLite has no included columns and builds the index without it, which is all its warning (models.W040) says
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and broker: Redis through REDIS_URL, otherwise in-process / filesystem
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# issue 13: public pages drawn once and kept in each web process for a minute (the board's page, once for every
# unit, the unit's name and trail kept per unit and the per-visitor tokens filled in on the way out:
# feedback.views.board); in the process, not Redis: a round trip and 8 KB unpickled would cost what the cache saves.
# Room for the units a minute's citizens pick (a few hundred bytes each), culled by a third when full. A change to
# a unit or a campaign empties it in the process that made the change; the other processes draw the page again
# within PAGE_CACHE_SECONDS.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dudao-pages",
                   "TIMEOUT": PAGE_CACHE_SECONDS, "OPTIONS": {"MAX_ENTRIES": 20000}}

# --- public message board (R4.4): a math captcha sealed in its token (feedback.captcha), per-IP rate limits
# on the default cache
CAPTCHA_TIMEOUT = 30  # minutes: typing a long message on a phone must not outlast the sum
RATELIMIT_USE_CACHE = "default"
# behind a reverse proxy every request comes from the proxy: count the client address it passes on
RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP" if BEHIND_PROXY else None
FEEDBACK_BOARD_POST_RATE = env("FEEDBACK_BOARD_POST_RATE", default="5/h")
FEEDBACK_TRACK_RATE = env("FEEDBACK_TRACK_RATE", default="120/h")

# --- authentication
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend for passwords, without model permissions: the rules above decide (issue 13)
    "accounts.backends.PasswordBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)}},  # issue 15: at least 10
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
# issue 15: failures count per username *and* client address together, so nobody locks another user out from
# elsewhere; the address is the real client's behind the trusted proxy (config.security.client_ip)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# --- language and time: Chinese first, English complete (X4)
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# issue 15: what a spreadsheet may unpack to (an .xlsx is a zip) and its longest sheet, checked before reading
IMPORT_MAX_EXPANDED_BYTES = env.int("IMPORT_MAX_EXPANDED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_EXPANSION_RATIO = env.int("IMPORT_MAX_EXPANSION_RATIO", default=100)
# days a checked spreadsheet waits for its uploader's confirmation before beat forgets it (issue 12)
IMPORT_PENDING_DAYS = env.int("IMPORT_PENDING_DAYS", default=7)

# --- forms, tables
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "web/table.html"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- e-mail: console by default, SMTP through EMAIL_URL (smtp://user:pass@host:587)
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dudao@localhost")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # for links in e-mails

# --- Celery: Redis in production, the filesystem transport in the embedded default
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _celery_dir = Path(env("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):  # the transport expects its folders to exist
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="django-db")
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- security: the same code path everywhere, switched by environment. Secure by default (issue 15): with
# DEBUG=false, HTTPS redirect, HSTS and secure cookies are on unless turned off explicitly (e.g.
# SECURE_SSL_REDIRECT=false behind a TLS proxy that redirects itself)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)  # issue 15: never fewer than 180
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)  # issue 15: idle timeout (config.security)
LOGIN_URL_PATH = "/accounts/login/"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (issue 15, django-csp): no inline scripts or styles anywhere; scripts and styles
# come from our own static files (vendored under static/vendor/)
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- second factor (issue 15, django-otp): TOTP for the roles the site setting names (accounts/). Secure by
# default: with DEBUG=false office staff, leaders and administrators must set it up at their next log-in; the
# embedded `make run` (DEBUG=true) asks nobody unless SECOND_FACTOR_ROLES says so. Anyone may turn it on for
# themselves on "My account"; once on, it is asked at every log-in.
SECOND_FACTOR_ROLES = env.list("SECOND_FACTOR_ROLES", default=[] if DEBUG else ["office", "leader", "admin"])
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="督导通")
# no back-off inside django-otp: a wrong code counts toward the lock below (AXES_FAILURE_LIMIT codes in a row
# lock the second step for AXES_COOLOFF_HOURS, like wrong passwords), which a fresh password log-in never resets
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# --- LDAP single sign-on (issue 15, optional; accounts/ldap.py) — on only when LDAP_SERVER_URI is set
# python-ldap is imported only then (requirements-ldap.txt): `make run` needs neither it nor libldap. The directory
# is asked after axes and before the portal's passwords (accounts.backends.PasswordBackend); a local account (one with
# a portal password) is never taken over by a directory entry of the same name, and logs in with its password also
# while the directory does not answer.
LDAP_SERVER_URI = env("LDAP_SERVER_URI", default="")
# directory group (its cn) → "role" or "role@unit code", e.g. dudao-office=office,dudao-leaders=leader@130000; a
# role without "@code" goes on the unit whose code is in the person's LDAP_USER_UNIT_ATTR. Synced at each log-in.
LDAP_GROUP_ROLES = env.dict("LDAP_GROUP_ROLES", default={})
LDAP_USER_UNIT_ATTR = env("LDAP_USER_UNIT_ATTR", default="departmentNumber")
if LDAP_SERVER_URI:
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

    AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
    AUTH_LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
    AUTH_LDAP_BIND_DN = env("LDAP_BIND_DN", default="")
    AUTH_LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD", default="")
    if env("LDAP_USER_DN_TEMPLATE", default=""):  # bind straight as uid=%(user)s,ou=people,… (no search)
        AUTH_LDAP_USER_DN_TEMPLATE = env("LDAP_USER_DN_TEMPLATE")
    else:
        AUTH_LDAP_USER_SEARCH = LDAPSearch(env("LDAP_USER_SEARCH_BASE"), ldap.SCOPE_SUBTREE,
                                           env("LDAP_USER_FILTER", default="(uid=%(user)s)"))
    AUTH_LDAP_GROUP_SEARCH = LDAPSearch(env("LDAP_GROUP_SEARCH_BASE"), ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)")
    AUTH_LDAP_GROUP_TYPE = GroupOfNamesType(name_attr="cn")
    # the portal keeps a person's whole name in first_name (as an office's new account does): cn, not givenName+sn,
    # which Django would show in the Western order
    AUTH_LDAP_USER_ATTR_MAP = env.dict("LDAP_USER_ATTR_MAP", default={"first_name": "cn", "email": "mail"})
    AUTH_LDAP_ALWAYS_UPDATE_USER = True
    # a directory that does not answer costs a log-in LDAP_TIMEOUT seconds, not minutes
    AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_NETWORK_TIMEOUT: env.float("LDAP_TIMEOUT", default=3.0),
                                    ldap.OPT_TIMEOUT: env.float("LDAP_TIMEOUT", default=3.0), ldap.OPT_REFERRALS: 0}
    AUTHENTICATION_BACKENDS.insert(AUTHENTICATION_BACKENDS.index("accounts.backends.PasswordBackend"),
                                   "accounts.ldap.DirectoryBackend")

# --- personal data at rest (issue 15): citizens' phone numbers encrypted with keys from the environment
# FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys (web/fields.py). The first encrypts, every one decrypts. To
# rotate: put a new key first, run `manage.py rotate_encryption_keys`, then remove the old key.
FIELD_ENCRYPTION_KEYS = [k.strip() for k in env.list("FIELD_ENCRYPTION_KEYS", default=[]) if k.strip()]
_NEW_KEY_HOWTO = ('make one with: python -c "from cryptography.fernet import Fernet; '
                  'print(Fernet.generate_key().decode())"')
if not FIELD_ENCRYPTION_KEYS and not DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DEBUG=false needs FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, the first "
                               "encrypts citizens' phone numbers): the portal refuses to start without it; "
                               + _NEW_KEY_HOWTO)
if not FIELD_ENCRYPTION_KEYS:
    # development only (DEBUG on, e.g. `make run`): a key derived from SECRET_KEY, so nothing needs setting up;
    # data encrypted with it is lost when SECRET_KEY changes
    import base64
    import hashlib

    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(
        hashlib.sha256(b"dudao field encryption\0" + SECRET_KEY.encode()).digest()).decode()]
for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
    try:
        from cryptography.fernet import Fernet

        Fernet(_key)
    except (ValueError, TypeError):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key number {_position} is not a Fernet key (32 "
                                   f"url-safe base64-encoded bytes); {_NEW_KEY_HOWTO}") from None

# LOG_FORMAT=json in production: one JSON object per line with the request id (config/logging.py)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"},
                "one_line_4xx": {"()": "config.logging.OneLineFor4xxFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": env("LOG_FORMAT", default="plain"),
                             "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # a 403 (and any refused request) is one line, not a traceback (issue 12)
    "loggers": {"django.db.backends": {"level": "WARNING"},
                "django.request": {"filters": ["one_line_4xx"]},
                "django.security": {"filters": ["one_line_4xx"]}},
}

PAGE_SIZE = 50
# Uploaded import files wait here between preview and confirmation; not under MEDIA (never served).
IMPORT_DIR = Path(env("IMPORT_DIR", default=str(VAR_DIR / "imports")))

# --- the REST API (issue 14): personal tokens or the browser's session; scoped as the pages; problem details
API_TOKEN_RATE = env("API_TOKEN_RATE", default="600/min")  # requests per token (per user for a session)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend",
                                "rest_framework.filters.OrderingFilter"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dudao (督导通) API",
    "DESCRIPTION": "The campaign portal's data for other systems and the liaison's phone: every list and "
                   "record is limited to the token owner's subtree, exactly as the pages are. Errors are RFC 9457 "
                   "problem details in the language of the Accept-Language header.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # no deep links: Swagger UI puts their <a> inside the operation's <button> (axe: nested-interactive)
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "persistAuthorization": False, "displayOperationId": False},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_problem_responses"],
    "ENUM_NAME_OVERRIDES": {
        "CardStatusEnum": "supervision.models.cards.CardStatus",
        "StepStatusEnum": "supervision.models.escalation.StepStatus",
        "StepChannelEnum": "supervision.models.escalation.Channel",
        "MessageStatusEnum": "feedback.models.MessageStatus",
        "MessageChannelEnum": "feedback.models.Channel",
    },
}
