"""One settings module, driven by the environment (see .env.example)."""

import json
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "kotopolku"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="dev-only-insecure-key-change-me" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Identity codes: Fernet key(s) for encryption at rest (comma-separated, newest first, for
# rotation) and a separate key for the keyed lookup hash. Required unless DEBUG is on.
FIELD_ENCRYPTION_KEY = [k for k in env.list("FIELD_ENCRYPTION_KEY", default=[]) if k] or (
    ["S9_c_hhcjNAcAJ1ERimLVZ8mjQjW7z6QDvTDCxo0mbk="] if DEBUG else []
)
HETU_HASH_KEY = env.str("HETU_HASH_KEY", default="") or ("dev-only-hetu-hash" if DEBUG else "")

INSTALLED_APPS = [
    "modeltranslation",
    "kotopolku.config.apps.KotopolkuAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "kotopolku.common",
    "kotopolku.rules",
    "kotopolku.organisations",
    "kotopolku.municipalities",
    "kotopolku.access",
    "kotopolku.audit",
    "kotopolku.demo",
    "kotopolku.clients",
    "kotopolku.catalogue",
    "kotopolku.programme",
    "kotopolku.documents",
    "kotopolku.casework",
    "kotopolku.compensation",
    "kotopolku.courses",
    "kotopolku.governance",
    "kotopolku.security",
    "kotopolku.statistics",
    "kotopolku.privacy",
    "kotopolku.jobs",
    "kotopolku.notifications",
    "kotopolku.calendar",
]

MIDDLEWARE = [
    "kotopolku.common.middleware.RequestIdMiddleware",
    "kotopolku.common.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kotopolku.common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kotopolku.common.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kotopolku.common.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kotopolku.privacy.middleware.RestrictedClientMiddleware",
    "kotopolku.access.middleware.SessionLimitsMiddleware",
    "kotopolku.access.otp.AdminOTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kotopolku.config.urls"
WSGI_APPLICATION = "kotopolku.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kotopolku.access.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": environ.Env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A connection kept per worker thread for a minute, checked before each request's first
    # query (so a restarted server costs one failed check, not an error page): opening one took
    # several ms of every request (bench/README.md, "Serving").
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    server_settings = []  # PostgreSQL settings of Kotopolku's connections (ADR 0011)
    # The planner's cost of a random page read. PostgreSQL's default (4) is for spinning disks;
    # on SSDs or with the data in memory it made the worklist's page a full scan of the clients'
    # primary key (12 ms against 0.5 ms) when a caseload was small (ops/README.md).
    page_cost = env.float("DB_RANDOM_PAGE_COST", default=1.1)
    if page_cost > 0:
        server_settings.append(f"random_page_cost={page_cost}")
    # The worklist's statements prepared per connection (common/prepared.py); off behind a
    # pooler that does not keep prepared statements. Django's own cursors bind in the client
    # and never prepare, whatever the threshold; only the statements prepared there have a plan
    # cache, and each is planned once.
    if env.bool("DB_PREPARED", default=True):
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
        server_settings.append("plan_cache_mode=force_generic_plan")
    if server_settings:
        options = DATABASES["default"].setdefault("OPTIONS", {})
        given = [options["options"]] if options.get("options") else []
        options["options"] = " ".join(given + [f"-c {s}" for s in server_settings])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits, and IMMEDIATE transactions take the write
    # lock up front, so two gunicorn workers never meet "database is locked" half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after five failures of one username from one client address (kotopolku/security/
# lockout.py): failures elsewhere cannot lock a user out, and no user agent is involved.
# Unknown usernames from one address are throttled for every username after
# LOGIN_UNKNOWN_USERNAME_LIMIT failures. The responses are the same for known and unknown names.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_HANDLER = "kotopolku.security.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "kotopolku.security.lockout.client_ip"
LOGIN_UNKNOWN_USERNAME_LIMIT = env.int("LOGIN_UNKNOWN_USERNAME_LIMIT", default=20)
# PostgreSQL: the role that owns the audit table, and the application's role, which may only
# INSERT and SELECT there (empty: the role that runs the migrations). See ops/README.md.
AUDIT_OWNER_ROLE = env.str("AUDIT_OWNER_ROLE", default="kotopolku_audit")
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")
# The client's address: REMOTE_ADDR, or behind a reverse proxy the header it sets (for example
# X-Forwarded-For or X-Real-IP), believed only from the proxies' own addresses (IPs or CIDRs).
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])

# Session: 30 minutes idle, 12 hours absolute (enforced in access.middleware).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
# Saved when changed; SessionLimitsMiddleware renews the last-seen time once a minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
# English dates in day-month order (kotopolku/formats/en); fi and sv use Django's own.
FORMAT_MODULE_PATH = ["kotopolku.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Each app may keep its own catalogue in <app>/locale; `make messages` then sorts every string
# into the catalogue of the app it comes from. The project catalogue holds the shared templates.
LOCALE_PATHS = [*sorted(PACKAGE_DIR.glob("*/locale")), PACKAGE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi",)
MODELTRANSLATION_REQUIRED_LANGUAGES = ("fi",)
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Security headers. Production (DEBUG off) is strict and passes check --deploy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
CSRF_COOKIE_HTTPONLY = True

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous API call gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kotopolku.access.api.DenyByDefault"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "kotopolku.common.pagination.LimitOffsetPagination",
    # Filter sets (`filterset_class`) narrow the scoped queryset and are documented in the schema.
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "kotopolku.common.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
# /api/schema/ and /api/docs/ need a log-in when DEBUG is off, unless published on purpose.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)
SPECTACULAR_SETTINGS = {
    "TITLE": "Kotopolku API",
    "DESCRIPTION": "Integration services workspace. Errors are RFC 7807 JSON with a stable `code`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Choice sets that share a field name across apps get explicit, stable schema names.
    "ENUM_NAME_OVERRIDES": {
        "CefrLevelEnum": "kotopolku.common.choices.CefrLevel",
        "ClosureReasonEnum": "kotopolku.casework.models.IntegrationPlan.Closure",
        "OrganisationKindEnum": "kotopolku.organisations.models.Organisation.Kind",
        "ChannelKindEnum": "kotopolku.catalogue.models.ServiceChannel.Kind",
        "CourseKindEnum": "kotopolku.courses.models.Course.Kind",
        "WorkingGroupKindEnum": "kotopolku.governance.models.WorkingGroup.Kind",
        "AssessmentStatusEnum": "kotopolku.casework.models.Assessment.Status",
        "PlanServiceStatusEnum": "kotopolku.casework.models.PlanService.Status",
        "ReferralStatusEnum": "kotopolku.casework.models.Referral.Status",
        "ClaimStatusEnum": "kotopolku.compensation.models.ActualCostClaim.Status",
        "EnrolmentStatusEnum": "kotopolku.courses.models.Enrolment.Status",
        "PlacementOutcomeEnum": "kotopolku.courses.models.WorkPlacement.Outcome",
        "FollowUpStatusEnum": "kotopolku.governance.models.FollowUpTask.Status",
        "GroupMembershipRoleEnum": "kotopolku.governance.models.GroupMembership.Role",
        "AnnualReportStatusEnum": "kotopolku.governance.models.AnnualReport.Status",
        "VersionStatusEnum": "kotopolku.programme.models.ProgrammeVersion.Status",
        "MeasureStatusEnum": "kotopolku.programme.models.Measure.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kotopolku.common.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SILENCED_SYSTEM_CHECKS: list[str] = []

# Optional single sign-on with the municipality's identity provider (docs/security.md, V2).
# On only when the client id and the provider's endpoints are set. Users are matched by e-mail;
# roles come from memberships unless OIDC_ROLE_CLAIM and OIDC_ROLE_MAP are set.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="") or "RS256"
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="") or "openid email"
OIDC_CREATE_USERS = env.bool("OIDC_CREATE_USERS", default=False)
OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="")
OIDC_ROLE_MAP = json.loads(env.str("OIDC_ROLE_MAP", default="") or "{}")
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "security:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "login"

# Two-factor: TOTP devices for administrators (django-otp), issuer name shown in the app.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Kotopolku")
# Re-authentication: how old a log-in may be before sensitive actions ask for it again.
REAUTH_MAX_AGE_SECONDS = env.int("REAUTH_MAX_AGE_SECONDS", default=5 * 60)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kotopolku@localhost")

# Referrals (docs/security.md): the receiver reads the client until the response is due plus this many
# days (the length of the service referred to); after that the referral expires.
REFERRAL_SERVICE_DAYS = env.int("REFERRAL_SERVICE_DAYS", default=180)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
"""The address e-mails link to (a mail has no request to take the host from)."""

# Background work: Django's task framework (the django-tasks backport). `database` (default)
# keeps the queue in the application database and needs no other server: `manage.py db_worker`
# runs it. `rq` puts it in Redis for several worker machines (`manage.py rqworker`). `immediate`
# runs each task inside the call that enqueues it (tests, one-off scripts).
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 30 * 60}}
    # Workers run jobs as django-tasks Tasks (signals, context), so `rqworker` needs no flag.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured("TASKS_BACKEND: give database, rq or immediate")
# Job results (documents, exports) are files under MEDIA_ROOT, kept this many hours.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media-not-served/"
JOB_RESULT_HOURS = env.int("JOB_RESULT_HOURS", default=24)
# A job still waiting this many minutes after its task was queued is queued again (its task was
# lost with a worker that died), at most JOB_REQUEUE_MAX times; a job still running after
# JOB_RUNNING_MAX_MINUTES was interrupted and is marked failed. `jobs_recover`, every 5 minutes.
JOB_REQUEUE_MINUTES = env.int("JOB_REQUEUE_MINUTES", default=15)
JOB_REQUEUE_MAX = env.int("JOB_REQUEUE_MAX", default=3)
JOB_RUNNING_MAX_MINUTES = env.int("JOB_RUNNING_MAX_MINUTES", default=120)
# Uploads from this size on are read by a background job; smaller ones answer at once.
JOB_UPLOAD_THRESHOLD_BYTES = env.int("JOB_UPLOAD_THRESHOLD_BYTES", default=256 * 1024)
# A what-if preview of a draft rule table (docs/data-formats.md, rules_whatif) over more clients than this is made by a
# background job (its page shows the progress per municipality and offers the file); smaller
# ones, such as the demo region, are computed in the request.
WHATIF_BACKGROUND_CLIENTS = env.int("WHATIF_BACKGROUND_CLIENTS", default=2000)
# The nightly publication writes the approved programme document here.
PUBLISH_DIR = env.path("PUBLISH_DIR", default=BASE_DIR / "var" / "published")
# The personal deadline digest lists what is overdue and what falls due within this many days.
DEADLINE_DIGEST_DAYS = env.int("DEADLINE_DIGEST_DAYS", default=14)
if env.str("EMAIL_FILE_PATH", default=""):
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
# National interfaces (docs/adr/0008-interoperability.md). PTV: the open API of the national service catalogue, version 11.
PTV_API_URL = env.str("PTV_API_URL", default="https://api.palvelutietovaranto.suomi.fi/api/v11/")
# The nightly PTV read (schedule `ptv_sync`): these organisation ids (comma-separated UUIDs) and
# every one an earlier run matched to a local organisation.
PTV_ORGANISATIONS = env.list("PTV_ORGANISATIONS", default=[])
# Sotkanet (THL) and Statistics Finland's PxWeb; only used when an import names no file.
SOTKANET_API_URL = env.str("SOTKANET_API_URL", default="https://sotkanet.fi/rest/1.1/")
