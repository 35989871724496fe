"""Settings shared by every environment, read from the environment through django-environ.

dev.py, test.py and production.py only adjust what differs; every variable is listed with a
comment in .env.example.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue
from wagtail.embeds.oembed_providers import vimeo, youtube

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The development default: public, so production refuses it (lms/settings/production.py).
DEV_SECRET_KEY = "dev-insecure-key-change-me-9c1f0e7a2b4d4f7e8a6c"  # noqa: S105
# Read as it is: django-environ would take a random key starting with "$" for a reference.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our apps come first so that their templates override the packages' ones.
    "lms.core",
    "lms.akun",
    "lms.organisasi",
    "lms.beranda",
    "integrasi",
    "laporan",
    "program",
    "kursus",
    "kuesioner",
    "sertifikat",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.core.middleware.ContentSecurityPolicyMiddleware",
    "lms.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.core.middleware.SiteLanguageMiddleware",
    "lms.core.middleware.RejectNulBytesMiddleware",
    "lms.core.site_cache.CachedSiteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.akun.middleware.RequireStaffMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lms.context_processors.site",
            ],
        },
    },
]

# Database: SQLite by default so that `make run` needs no server; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the web process and the Celery worker read and write the same file.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The report indexes that carry extra columns (INCLUDE) are a PostgreSQL optimisation; on
    # SQLite they index their key columns only, which is all a development database needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis in production (DJANGO_CACHE_URL). Without it, files under var/cache: the web process
# and the Celery worker must share one cache, since what the worker writes (a certificate it
# issued) replaces stamps that the web process's entries are checked against.
CACHES = {
    "default": env.cache("DJANGO_CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}")
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, reusing its Redis client instead of building one per call.
    CACHES["default"]["BACKEND"] = "lms.core.cache.RedisCache"
# Raised whenever a class whose instances are cached moves or changes shape: entries written by
# the earlier code are then never read by the new (2: the layout of issue 9).
CACHES["default"]["VERSION"] = 2

AUTH_USER_MODEL = "akun.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, reading the signed-in user from the cache.
    "lms.akun.backends.ModelBackend",
    "lms.akun.backends.AuthenticationBackend",
]
# How long a signed-in user (and their roles) may be served from the cache; every change to
# them through the ORM invalidates it at once (lms/akun/user_cache.py).
LMS_USER_CACHE_SECONDS = env.int("LMS_USER_CACHE_SECONDS", default=300)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/dasbor/"  # trainers and admins: AccountAdapter.get_login_redirect_url

# django-allauth: email and password only; accounts come from admins and the bulk import.
ACCOUNT_ADAPTER = "lms.akun.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "lms.organisasi.signup.SignupForm"
ACCOUNT_FORMS = {
    "login": "lms.akun.forms.LoginForm",
    "reauthenticate": "lms.akun.forms.ReauthenticateForm",
    "signup": "lms.akun.forms.SignupForm",
    "set_password": "lms.akun.forms.SetPasswordForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# The emailed reset link signs its owner in (through the MFA stage for those with TOTP), so a
# stranger who keeps failing logins on someone's address cannot keep its owner out: the lock
# only guards the login form, and the link does not use it.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LMS Bawaslu] "
ACCOUNT_PREVENT_ENUMERATION = True

# Proxies in front of the site that append to X-Forwarded-For (0: use the peer address). Every
# rate limit (allauth's and ours) and every logged address takes the client address from
# lms.core.http.client_address, which trusts exactly this many entries from the end.
LMS_TRUSTED_PROXY_COUNT = env.int("LMS_TRUSTED_PROXY_COUNT", default=0)
# allauth reads its own setting; AccountAdapter.get_client_ip answers from client_address.
ALLAUTH_TRUSTED_PROXY_COUNT = LMS_TRUSTED_PROXY_COUNT

# allauth's rate limits. "ip" means the client address above; an office behind one NAT address
# shares it, so the per-address budgets fit a class logging in together (docs/deploy.md).
# Logins (any outcome) per client address and minute.
LMS_LOGIN_RATE_PER_ADDRESS = env.int("LMS_LOGIN_RATE_PER_ADDRESS", default=60)
# Failed logins per client address and minute; past it every login from there fails a minute.
LMS_LOGIN_FAILURES_PER_ADDRESS = env.int("LMS_LOGIN_FAILURES_PER_ADDRESS", default=20)
ACCOUNT_RATE_LIMITS = {
    "login": f"{LMS_LOGIN_RATE_PER_ADDRESS}/m/ip",
    # Five failures in five minutes lock one email address's login form. Its owner is never
    # kept out: the emailed reset link signs them in whatever the lock
    # (ACCOUNT_LOGIN_ON_PASSWORD_RESET) and a successful reset clears it, although anyone who
    # knows the address may set it again with five more failures.
    "login_failed": f"{LMS_LOGIN_FAILURES_PER_ADDRESS}/m/ip,5/5m/key",
}
# Single sign-on through one OpenID Connect provider (allauth's openid_connect), configured
# from the environment only: the app lives in this setting, never in a SocialApp row, so the
# client secret never reaches the database. An empty issuer turns SSO off (no button, and its
# URLs answer 404). SSO signs in existing accounts only, matched by the NIP claim or a verified
# email (lms.akun.sso); it never creates one.
LMS_OIDC_ISSUER = env("LMS_OIDC_ISSUER", default="")
LMS_OIDC_CLIENT_ID = env("LMS_OIDC_CLIENT_ID", default="")
# Read as it is (a secret starting with "$" is not a reference), like DJANGO_SECRET_KEY.
LMS_OIDC_CLIENT_SECRET = os.environ.get("LMS_OIDC_CLIENT_SECRET", "")
# The provider's name on the login button ("Masuk dengan SSO").
LMS_OIDC_NAME = env("LMS_OIDC_NAME", default="SSO")
# The claim (in the ID token or userinfo) that carries the employee's NIP.
LMS_OIDC_NIP_CLAIM = env("LMS_OIDC_NIP_CLAIM", default="nip")
# Staff skip the LMS's own TOTP after SSO only when the ID token asserts MFA: an `amr` value in
# this list (RFC 8176), or an `acr` value in the next one (empty: acr is not trusted). Only "mfa"
# by default: it alone means more than one factor; "otp", "hwk", "swk" name one method, which
# may have been the only one used.
LMS_OIDC_MFA_AMR = env.list("LMS_OIDC_MFA_AMR", default=["mfa"])
LMS_OIDC_MFA_ACR = env.list("LMS_OIDC_MFA_ACR", default=[])
# The id in the SSO URLs: /akun/oidc/sso/login/ and /akun/oidc/sso/login/callback/ (the
# redirect URI to register at the provider).
LMS_OIDC_PROVIDER_ID = "sso"
if LMS_OIDC_ISSUER and not LMS_OIDC_CLIENT_ID:
    raise ImproperlyConfigured("LMS_OIDC_ISSUER is set: LMS_OIDC_CLIENT_ID is required too.")


def oidc_socialaccount_providers(*, issuer: str, client_id: str, secret: str, name: str) -> dict:
    """allauth's provider settings for one OpenID Connect app (none without an issuer): PKCE
    on, the userinfo endpoint read, the token endpoint's client authentication as the
    provider's discovery document offers it."""
    apps = []
    if issuer:
        apps.append(
            {
                "provider_id": LMS_OIDC_PROVIDER_ID,
                "name": name,
                "client_id": client_id,
                "secret": secret,
                "settings": {
                    "server_url": issuer,
                    "oauth_pkce_enabled": True,
                    "fetch_userinfo": True,
                },
            }
        )
    return {"openid_connect": {"APPS": apps}}


SOCIALACCOUNT_PROVIDERS = oidc_socialaccount_providers(
    issuer=LMS_OIDC_ISSUER,
    client_id=LMS_OIDC_CLIENT_ID,
    secret=LMS_OIDC_CLIENT_SECRET,
    name=LMS_OIDC_NAME,
)
SOCIALACCOUNT_ADAPTER = "lms.akun.adapters.SocialAccountAdapter"
# No sign-up through SSO, no matching by allauth's own email rule (lms.akun.sso decides), no
# provider tokens kept, and a provider that does not answer within 10 s fails the login.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

MFA_ADAPTER = "lms.akun.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LMS Bawaslu"

# Open sign-up is off; when on, only these email domains may register.
LMS_OPEN_SIGNUP = env.bool("LMS_OPEN_SIGNUP", default=False)
LMS_SIGNUP_EMAIL_DOMAINS = env.list("LMS_SIGNUP_EMAIL_DOMAINS", default=["bawaslu.go.id"])
# Roles that must have MFA. Until such a user has turned on TOTP, every request goes to the
# MFA setup page, except those under these prefixes: what setting it up needs (the MFA pages,
# re-authentication, logout, an email link), static files and media, /healthz, the language
# switch. A new staff-only page is covered without being listed anywhere.
LMS_MFA_REQUIRED_GROUPS = ["Pengajar", "Supervisor", "Admin LMS"]
LMS_MFA_EXEMPT_PATHS = [
    "/akun/2fa/",
    "/akun/reauthenticate/",
    "/akun/logout/",
    "/akun/confirm-email/",
    "/akun/password/reset/",
    "/static/",
    "/media/",
    "/healthz",
    "/favicon.ico",
]
# The yearly competency-development target of PP 11/2017 Pasal 203 (as amended).
LMS_JP_TARGET_PER_YEAR = env.int("LMS_JP_TARGET_PER_YEAR", default=20)
# Uploaded spreadsheets (the employee import, question files in CSV or XLSX) are read within
# these limits (lms.core.spreadsheets); a file past one is refused with a message naming it.
# Rows count blank ones and the header. An XLSX may unpack to MAX_UNPACKED_BYTES in all; its
# first sheet to MAX_SHEET_BYTES; shared strings and every other part to
# MAX_SHARED_STRINGS_BYTES; a part above 1 MB may not compress more than MAX_COMPRESSION_RATIO.
LMS_IMPORT_MAX_FILE_BYTES = env.int("LMS_IMPORT_MAX_FILE_BYTES", default=20 * 1024 * 1024)
LMS_IMPORT_MAX_UNPACKED_BYTES = env.int("LMS_IMPORT_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
LMS_IMPORT_MAX_SHEET_BYTES = env.int("LMS_IMPORT_MAX_SHEET_BYTES", default=80 * 1024 * 1024)
LMS_IMPORT_MAX_SHARED_STRINGS_BYTES = env.int(
    "LMS_IMPORT_MAX_SHARED_STRINGS_BYTES", default=16 * 1024 * 1024
)
LMS_IMPORT_MAX_COMPRESSION_RATIO = env.int("LMS_IMPORT_MAX_COMPRESSION_RATIO", default=100)
LMS_IMPORT_MAX_ROWS = env.int("LMS_IMPORT_MAX_ROWS", default=200_000)
LMS_IMPORT_MAX_COLUMNS = env.int("LMS_IMPORT_MAX_COLUMNS", default=64)
LMS_IMPORT_MAX_CELL_CHARS = env.int("LMS_IMPORT_MAX_CELL_CHARS", default=32_767)
LMS_IMPORT_MAX_LINE_CHARS = env.int("LMS_IMPORT_MAX_LINE_CHARS", default=100_000)
# Reports: how many years the summaries and filters cover; exports above this many rows run as
# a Celery job.
LMS_REPORT_YEARS = env.int("LMS_REPORT_YEARS", default=3)
LMS_REPORT_EXPORT_SYNC_MAX_ROWS = env.int("LMS_REPORT_EXPORT_SYNC_MAX_ROWS", default=2000)

# Certificates: the PKCS#12 key that signs them (PAdES) and its passphrase. `make run` makes a
# self-signed demo key there on first start; production points it at a CA-issued one (BSrE).
LMS_CERT_SIGNING_P12 = env.path(
    "LMS_CERT_SIGNING_P12", default=VAR_DIR / "signing" / "demo-signing.p12"
)
LMS_CERT_SIGNING_PASSPHRASE = env("LMS_CERT_SIGNING_PASSPHRASE", default="demo-lms-bawaslu")
# Create a self-signed demo key when the file above is missing (dev and test only).
LMS_CERT_SIGNING_AUTOCREATE = env.bool("LMS_CERT_SIGNING_AUTOCREATE", default=False)
# A certificate pending longer than this since its render was last requested is enqueued
# again by the beat sweeper (every minute).
LMS_CERT_PENDING_GRACE_SECONDS = env.int("LMS_CERT_PENDING_GRACE_SECONDS", default=60)
LMS_CERT_SWEEP_BATCH = 5000
# Render attempts (a worker process that dies mid-render counts as one) before a certificate
# is marked failed; the first retry waits this long, each next one twice as long.
LMS_CERT_RENDER_MAX_ATTEMPTS = env.int("LMS_CERT_RENDER_MAX_ATTEMPTS", default=5)
LMS_CERT_RETRY_BACKOFF_SECONDS = env.int("LMS_CERT_RETRY_BACKOFF_SECONDS", default=30)
# An RFC 3161 timestamp authority: when set, signatures get its timestamp (PAdES B-T). Optional
# HTTP basic credentials and the seconds to wait for it; if it fails, the certificate is
# signed without a timestamp and a warning is logged.
LMS_CERT_TSA_URL = env("LMS_CERT_TSA_URL", default="")
LMS_CERT_TSA_USERNAME = env("LMS_CERT_TSA_USERNAME", default="")
LMS_CERT_TSA_PASSWORD = env("LMS_CERT_TSA_PASSWORD", default="")
LMS_CERT_TSA_TIMEOUT_SECONDS = env.int("LMS_CERT_TSA_TIMEOUT_SECONDS", default=10)
# Public verification checks per client address and minute.
LMS_CERT_VERIFY_RATE_PER_MINUTE = env.int("LMS_CERT_VERIFY_RATE_PER_MINUTE", default=30)

# Programme session attendance (program/services/attendance.py). Codes are accepted from
# LMS_ATTENDANCE_OPENS_MINUTES_BEFORE minutes before a session starts until it ends; a check-in
# later than LMS_ATTENDANCE_LATE_AFTER_MINUTES after the start counts as late. The QR token and
# the typed code change every LMS_ATTENDANCE_CODE_STEP_SECONDS (the current and the previous
# one are accepted). A meeting report counts a participant present from this share of the
# session's length (the facilitator may change it per upload).
LMS_ATTENDANCE_OPENS_MINUTES_BEFORE = env.int("LMS_ATTENDANCE_OPENS_MINUTES_BEFORE", default=30)
LMS_ATTENDANCE_LATE_AFTER_MINUTES = env.int("LMS_ATTENDANCE_LATE_AFTER_MINUTES", default=15)
LMS_ATTENDANCE_CODE_STEP_SECONDS = env.int("LMS_ATTENDANCE_CODE_STEP_SECONDS", default=30)
LMS_ATTENDANCE_MIN_SHARE_PERCENT = env.int("LMS_ATTENDANCE_MIN_SHARE_PERCENT", default=50)
LMS_ATTENDANCE_CODE_TRIES_PER_MINUTE = env.int("LMS_ATTENDANCE_CODE_TRIES_PER_MINUTE", default=10)

LANGUAGE_CODE = "id"
# One language: the site, the Wagtail admin and its emails speak Indonesian (our own catalogue
# in locale/ completes Wagtail's). An English choice that translated only part of the site was
# removed (issue 23).
LANGUAGES = [("id", _("Bahasa Indonesia"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Media on disk (MEDIA_ROOT, shared by every node) or, with LMS_MEDIA_STORAGE=s3, in a private
# bucket of S3-compatible object storage. Links to its files are signed and expire; a file that
# is not an image is stored and linked as a download (lms.core.storage).
LMS_MEDIA_STORAGE = env("LMS_MEDIA_STORAGE", default="filesystem")
if LMS_MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "lms.core.storage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="") or None,
            # Empty: boto3 looks for credentials itself (instance role, ~/.aws).
            "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env("AWS_LOCATION", default=""),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            "file_overwrite": False,
        },
    }
elif LMS_MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(
        f"LMS_MEDIA_STORAGE must be 'filesystem' or 's3', not {LMS_MEDIA_STORAGE!r}."
    )
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: EMAIL_URL such as smtp+tls://user:pass@host:587 or consolemail://.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="LMS Bawaslu <noreply@lms.bawaslu.go.id>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail
WAGTAIL_SITE_NAME = "LMS Bawaslu"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# The admin logs in through allauth so that MFA and rate limits apply there too: Wagtail's
# login URL is lms.urls.AdminLoginRedirect, which sends there (and answers a signed-in user
# who may not enter the admin with 403).
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("id", "Bahasa Indonesia")]
WAGTAIL_USER_CUSTOM_FIELDS = ["full_name"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "csv", "txt", "odt", "ods", "odp", "zip"]
# Documents go through Wagtail's view (permissions, nosniff, a CSP that blocks embedded content);
# only PDF opens in the browser, everything else downloads. On S3 the view redirects to a signed
# link, never to a public one ("direct").
WAGTAILDOCS_SERVE_METHOD = "redirect" if LMS_MEDIA_STORAGE == "s3" else "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
# Raster images only: an SVG is a document that can run script from the site's own origin.
# The same limits hold for images that arrive another way (lms.core.images).
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_IMAGE_FORM_BASE = "lms.core.image_forms.CleanImageForm"  # re-encodes every upload
# All the images embedded in one question file (Moodle XML) together, counted before decoding.
LMS_QUESTION_IMPORT_MAX_TOTAL_PIXELS = env.int(
    "LMS_QUESTION_IMPORT_MAX_TOTAL_PIXELS", default=100_000_000
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Celery: JSON only; a filesystem broker by default so that `make run` needs no server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")


def filesystem_broker_options(folder: Path) -> dict:
    """Kombu's filesystem transport: a broker that needs no server, for `make run`."""
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "control_folder": str(folder / "control"),
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
    }


if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(
        Path(env("CELERY_FILESYSTEM_BROKER_DIR", default=str(VAR_DIR / "broker")))
    )
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless told to reuse
# it: a new PostgreSQL connection per certificate costs ~15 ms. Tasks still drop a broken or
# aged connection first (close_old_connections, as Django does per request).
CELERY_DB_REUSE_MAX = 100
CELERY_TASK_DEFAULT_QUEUE = "default"
# Slow CPU work (PDF rendering) has a queue of its own so it never delays quick jobs.
CELERY_TASK_QUEUES = [Queue("default"), Queue("pdf")]
CELERY_TASK_ROUTES = {"sertifikat.tasks.*": {"queue": "pdf"}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "organisasi-sweep-stale-imports": {
        "task": "lms.organisasi.tasks.employee_import_sweep_task",
        "schedule": crontab(minute="*/15"),
    },
    "kursus-expire-overdue-attempts": {
        "task": "kursus.tasks.quiz_attempts_expire_task",
        "schedule": crontab(minute="*"),
    },
    "kursus-reconcile-enrolment-units": {
        "task": "kursus.tasks.enrollment_units_reconcile_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "laporan-refresh-summaries": {
        "task": "lms.laporan.tasks.report_summary_refresh_task",
        "schedule": crontab(minute="*/15"),
    },
    "laporan-send-subscriptions": {
        "task": "lms.laporan.tasks.report_subscriptions_send_due_task",
        "schedule": crontab(hour=6, minute=0),
    },
    "laporan-overdue-reminders": {
        "task": "lms.laporan.tasks.overdue_reminders_send_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "sertifikat-sweep-pending": {
        "task": "sertifikat.tasks.certificate_sweep_pending_task",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "program-followup-questionnaires": {
        "task": "program.tasks.followup_due_task",
        "schedule": crontab(hour=7, minute=30),
    },
    "core-sweep-outbox": {
        "task": "lms.core.tasks.outbox_sweep_task",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "program-session-reminders": {
        "task": "program.tasks.session_reminders_queue_task",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000},
    },
}
# The outbox (lms.core.outbox): an unsent message is published by the sweeper this long after
# its commit, in batches, at most LMS_OUTBOX_SWEEP_MAX a minute; sent ones are kept a while.
LMS_OUTBOX_GRACE_SECONDS = env.int("LMS_OUTBOX_GRACE_SECONDS", default=30)
LMS_OUTBOX_BATCH = 100
# The Kirkpatrick level 3 follow-up (program): a supervisor who has not answered is reminded
# once, this many days after the first email.
LMS_FOLLOWUP_REMINDER_DAYS = env.int("LMS_FOLLOWUP_REMINDER_DAYS", default=14)
LMS_OUTBOX_SWEEP_MAX = env.int("LMS_OUTBOX_SWEEP_MAX", default=2000)
LMS_OUTBOX_KEEP_SENT_HOURS = env.int("LMS_OUTBOX_KEEP_SENT_HOURS", default=48)

# Programme sessions: the meeting link shows on the session page to the cohort's participants
# from this many minutes before the start until the end; the reminder email goes out (hourly
# beat) to each participant once a session starts within this many hours.
LMS_SESSION_LINK_LEAD_MINUTES = env.int("LMS_SESSION_LINK_LEAD_MINUTES", default=30)
LMS_SESSION_REMINDER_HOURS = env.int("LMS_SESSION_REMINDER_HOURS", default=24)

# One line per record on stdout, so that any log collector can read it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s",
        },
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["stdout"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO: noise, and time, per certificate.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Sessions are read on every request: from the cache (Redis in production), written through to
# the database so that a cache flush logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A form sent without a valid CSRF token gets the site's 403 page (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "lms.core.views.csrf_failure"

# Content-Security-Policy (django-csp): scripts and styles only from the site's own files, no
# inline script, nothing may frame the site. Inline style attributes stay allowed (a progress
# bar's width); they cannot run code. Lesson videos come from the embed providers below.
LMS_EMBED_FRAME_SOURCES = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]


def media_origins() -> list[str]:
    """Where the browser loads uploaded images from when media live in S3 (signed links to
    the bucket's own host); nothing extra when the site serves them under /media/."""
    if LMS_MEDIA_STORAGE != "s3":
        return []
    options = STORAGES["default"]["OPTIONS"]
    bucket = options["bucket_name"]
    if options["endpoint_url"]:
        endpoint = urlsplit(options["endpoint_url"])
        origins = [f"{endpoint.scheme}://{endpoint.netloc}"]
        if options["addressing_style"] != "path":
            origins.append(f"{endpoint.scheme}://{bucket}.{endpoint.netloc}")
        return origins
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if options["region_name"]:
        origins.append(f"https://{bucket}.s3.{options['region_name']}.amazonaws.com")
    return origins


# Extra origins of uploaded images and media (default: the S3 bucket's, see above).
LMS_CSP_MEDIA_SOURCES = env.list("LMS_CSP_MEDIA_SOURCES", default=media_origins())
# The SSO provider's origin (its authorization endpoint is expected there), when SSO is on.
LMS_OIDC_FORM_ACTION_SOURCES = (
    ["{0.scheme}://{0.netloc}".format(urlsplit(LMS_OIDC_ISSUER))] if LMS_OIDC_ISSUER else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", *LMS_CSP_MEDIA_SOURCES],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", *LMS_CSP_MEDIA_SOURCES],
        "frame-src": ["'self'", *LMS_EMBED_FRAME_SOURCES],
        "frame-ancestors": ["'none'"],
        # The SSO button posts to the site, which redirects to the provider: browsers check
        # that redirect against form-action, so the provider's origin is allowed with SSO on.
        "form-action": ["'self'", *LMS_OIDC_FORM_ACTION_SOURCES],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    },
}
# The Wagtail admin's templates and widgets (inline panels, date pickers, choosers) still use
# inline scripts and styles, and its bundled accessibility checker compiles templates with
# `new Function`; its previews frame the admin's own pages and image uploads preview as blob:
# URLs. Its own looser policy applies under LMS_ADMIN_PATH_PREFIX only, where every user is
# staff behind MFA (lms.core.middleware.ContentSecurityPolicyMiddleware).
LMS_ADMIN_PATH_PREFIX = "/admin/"
LMS_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *LMS_CSP_MEDIA_SOURCES],
        "frame-ancestors": ["'self'"],
    },
}
# Staff avatars from Gravatar would send each admin user's email hash to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Lesson videos: only the providers LMS_EMBED_FRAME_SOURCES lets the browser frame.
WAGTAILEMBEDS_FINDERS = [
    {
        "class": "wagtail.embeds.finders.oembed",
        "providers": [youtube, vimeo],
    },
]
# Permissions-Policy (lms.core.middleware.PermissionsPolicyMiddleware): browser features no
# page uses, off for the site and anything it frames. Lesson videos keep fullscreen.
LMS_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "usb": [],
    "fullscreen": ["self", *(f'"{source}"' for source in LMS_EMBED_FRAME_SOURCES)],
}


# Integration (integrasi/, docs/api.md) ---------------------------------------------------
# The REST API under /api/v1/: the default page size of its lists, and how long its call log
# (client, path, status, duration) is kept.
LMS_API_PAGE_SIZE = env.int("LMS_API_PAGE_SIZE", default=100)
LMS_API_LOG_DAYS = env.int("LMS_API_LOG_DAYS", default=90)
# Calls under this prefix are logged (ApiCall) and every error there is a problem detail
# (integrasi.middleware.ApiCallMiddleware, placed right after SecurityMiddleware so that it
# times and sees the answer of every layer below it).
LMS_API_PATH_PREFIX = "/api/"
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "integrasi.middleware.ApiCallMiddleware",
)
# A request body above this many bytes is refused (413) before it is read: a batch of 1,000
# employees is about 300 KB.
LMS_API_MAX_BODY_BYTES = env.int("LMS_API_MAX_BODY_BYTES", default=2 * 1024 * 1024)
# Calls refused for a missing or wrong token, per caller address and minute: past this many
# they answer 429 and are no longer written to the call log.
LMS_API_REFUSED_PER_MINUTE = env.int("LMS_API_REFUSED_PER_MINUTE", default=30)
# django-ninja as an app only for its bundled Swagger UI files (static/ninja/), so that the
# interactive docs at /api/v1/docs load from the site itself, under the site's CSP, not a CDN.
INSTALLED_APPS.append("ninja")
CELERY_BEAT_SCHEDULE["integrasi-purge-api-calls"] = {
    "task": "integrasi.tasks.api_calls_purge_task",
    "schedule": crontab(hour=3, minute=15),
}


# SIASN (integrasi/siasn/, docs/api.md) ----------------------------------------------------
# Completions of PNS and PPPK sent to BKN's SIASN as a record of competency development ("riwayat
# kursus") with the signed certificate. Off by default: nothing is queued until it is switched
# on. The contract (two tokens, the fields, the 881 document) comes from public client
# libraries, not from BKN: every address below is configurable (a training environment exists).
LMS_SIASN_ENABLED = env.bool("LMS_SIASN_ENABLED", default=False)
LMS_SIASN_BASE_URL = env("LMS_SIASN_BASE_URL", default="https://apimws.bkn.go.id:8243/apisiasn/1.0")
# The API gateway's token (client credentials, about an hour) and the SSO token of the operator
# account (password grant, about twelve hours).
LMS_SIASN_GATEWAY_TOKEN_URL = env(
    "LMS_SIASN_GATEWAY_TOKEN_URL", default="https://apimws.bkn.go.id/oauth2/token"
)
LMS_SIASN_SSO_TOKEN_URL = env(
    "LMS_SIASN_SSO_TOKEN_URL",
    default="https://sso-siasn.bkn.go.id/auth/realms/public-siasn/protocol/openid-connect/token",
)
# The credentials are NOT settings: integrasi/siasn/client.py reads them from the environment
# at each token request (LMS_SIASN_CLIENT_ID, LMS_SIASN_CLIENT_SECRET, LMS_SIASN_SSO_CLIENT_ID,
# LMS_SIASN_SSO_USERNAME, LMS_SIASN_SSO_PASSWORD), so that they never sit in the settings a
# debug page, `diffsettings` or an error report may show, nor in the database or a queue.
LMS_SIASN_INSTANSI_ID = env("LMS_SIASN_INSTANSI_ID", default="")
LMS_SIASN_LOKASI_ID = env("LMS_SIASN_LOKASI_ID", default="")
LMS_SIASN_INSTITUSI_PENYELENGGARA = env(
    "LMS_SIASN_INSTITUSI_PENYELENGGARA", default="Badan Pengawas Pemilihan Umum Republik Indonesia"
)
# SIASN's document reference of the certificate attached to a course record (881, "Dok
# Sertifikat Kursus").
LMS_SIASN_DOCUMENT_REF_ID = env("LMS_SIASN_DOCUMENT_REF_ID", default="881")
# Seconds to open a connection to SIASN and to wait for its answer (every call has both).
LMS_SIASN_CONNECT_TIMEOUT = env.float("LMS_SIASN_CONNECT_TIMEOUT", default=5.0)
LMS_SIASN_READ_TIMEOUT = env.float("LMS_SIASN_READ_TIMEOUT", default=30.0)
# A send that SIASN could not take (down, slow, 5xx) is tried again after 5 minutes, then twice
# as long each time (at most 6 hours apart), 10 attempts in all: about a day. Then "Gagal".
LMS_SIASN_MAX_ATTEMPTS = env.int("LMS_SIASN_MAX_ATTEMPTS", default=10)
LMS_SIASN_RETRY_BASE_SECONDS = env.int("LMS_SIASN_RETRY_BASE_SECONDS", default=300)
LMS_SIASN_RETRY_MAX_SECONDS = env.int("LMS_SIASN_RETRY_MAX_SECONDS", default=6 * 3600)
# A send in progress holds its record this long; a worker that died mid-send leaves it to the
# sweeper after that. The lease is renewed before every call to SIASN and each call is bounded
# as a whole (its tokens, one retry on 401, the answer read against a deadline): at most about
# 8 x (connect + read) = 280 s with the defaults, well under the lease. A send that still
# outlived it (a paused worker) finds its lease taken at the next renewal and stops.
LMS_SIASN_LEASE_SECONDS = env.int("LMS_SIASN_LEASE_SECONDS", default=900)
# Whether the SIASN calls take proxies and .netrc from the worker's environment (off: the
# connector talks to SIASN directly and nothing of the environment rides along).
LMS_SIASN_TRUST_ENV = env.bool("LMS_SIASN_TRUST_ENV", default=False)
CELERY_BEAT_SCHEDULE["integrasi-siasn-sweep"] = {
    "task": "integrasi.siasn.tasks.siasn_sweep_task",
    "schedule": crontab(minute="*/10"),
    "options": {"expires": 500},
}

# Webhooks (integrasi/webhooks/, docs/api.md) ----------------------------------------------
# Each delivery is one POST with short timeouts and no redirects followed; a failed one is
# tried again after 30 s, 1, 2, 4 ... minutes (at most LMS_WEBHOOK_RETRY_MAX_SECONDS apart)
# until LMS_WEBHOOK_RETRY_HOURS after its first attempt, then given up (the admin may resend).
LMS_WEBHOOK_CONNECT_TIMEOUT_SECONDS = env.float("LMS_WEBHOOK_CONNECT_TIMEOUT_SECONDS", default=3)
LMS_WEBHOOK_READ_TIMEOUT_SECONDS = env.float("LMS_WEBHOOK_READ_TIMEOUT_SECONDS", default=5)
LMS_WEBHOOK_RETRY_BASE_SECONDS = env.int("LMS_WEBHOOK_RETRY_BASE_SECONDS", default=30)
LMS_WEBHOOK_RETRY_MAX_SECONDS = env.int("LMS_WEBHOOK_RETRY_MAX_SECONDS", default=3600)
LMS_WEBHOOK_RETRY_HOURS = env.int("LMS_WEBHOOK_RETRY_HOURS", default=24)
# An attempt holds its delivery this long (a worker that dies mid-send lets go after it);
# a published delivery is not published again by the sweeper before LMS_WEBHOOK_REQUEUE_SECONDS.
LMS_WEBHOOK_CLAIM_SECONDS = 120
LMS_WEBHOOK_REQUEUE_SECONDS = 600
# The sweeper (beat, every minute) publishes at most this many due deliveries per run.
LMS_WEBHOOK_SWEEP_MAX = env.int("LMS_WEBHOOK_SWEEP_MAX", default=5000)
# Finished deliveries (sent or given up) and their events are deleted after this many days.
LMS_WEBHOOK_KEEP_DAYS = env.int("LMS_WEBHOOK_KEEP_DAYS", default=90)
# Receivers must use https; plain http only to this machine (127.0.0.1, ::1, localhost), and
# only where this is on (development, tests).
LMS_WEBHOOK_ALLOW_HTTP_LOOPBACK = env.bool("LMS_WEBHOOK_ALLOW_HTTP_LOOPBACK", default=DEBUG)
CELERY_BEAT_SCHEDULE["integrasi-webhooks-sweep"] = {
    "task": "integrasi.webhooks.tasks.webhook_deliveries_sweep_task",
    "schedule": crontab(minute="*"),
    "options": {"expires": 50},
}
