"""Settings shared by every environment; safe by default (DEBUG off, no secret key).

dev.py, test.py and production.py import this and add what differs. Every value an
operator may change comes from the environment through django-environ.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cms",
    "home",
    "billing",
    "members",
    "members.meetings",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail_modeladmin",
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
    "django_filters",
    "allauth",
    "allauth.account",
    "django_q",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "home.cache.PageCacheMiddleware",  # anonymous Wagtail pages, before sessions and routing
    "cms.middleware.PersonalPagesNoStoreMiddleware",  # Cache-Control: no-store on /cabinet/, /accounts/…
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.routing.PageRouteMiddleware",  # Wagtail pages routed in one query (process_view only)
]

ROOT_URLCONF = "cms.urls"
# URL namespaces of the members' cabinet: «Мои данные» is the open menu section on their pages
CABINET_URL_NAMESPACES = ("cabinet", "meetings")
# Other apps' parts of «Мои персональные данные» (export and erasure): members does not import them
PERSONAL_DATA_SECTIONS = ("members.meetings.privacy",)
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "members.context_processors.cabinet",
            ],
        },
    },
]

# Database: SQLite in WAL mode unless DATABASE_URL points elsewhere (PostgreSQL).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: a page's joined query on a small, not yet analysed table is estimated so high that
        # PostgreSQL compiles it, 260 ms of JIT for a 1 ms query (seen on the demo's announcements).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (rate limits, page cache) and the django-q2 broker: Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="snt"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The members' cabinet page cache needs a cache every process shares (members.cabinet_cache).
CABINET_CACHE = env.bool("CABINET_CACHE", default=bool(REDIS_URL))
# The anonymous page cache (home.cache) likewise: a per-process cache could serve stale pages.
PAGE_CACHE = env.bool("PAGE_CACHE", default=bool(REDIS_URL))

Q_CLUSTER = {
    "name": "snt",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 600,
    "retry": 900,
    "max_attempts": 3,
    "catch_up": False,
    "label": "Очередь задач",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

AUTH_USER_MODEL = "members.User"
# allauth's backend alone: it extends ModelBackend (permissions), and with ModelBackend listed
# too a wrong password was hashed twice (each backend checks it).
# allauth's backend, loading the session's user with what every page asks of them (members.backends).
AUTHENTICATION_BACKENDS = ["members.backends.MemberBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "members.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 6}},
    {"NAME": "members.validators.LatinCharactersValidator"},
    {"NAME": "members.validators.NotAllDigitsValidator"},
    {"NAME": "members.validators.NotUsernameValidator"},
    {"NAME": "members.validators.CommonRussianPasswordValidator"},
]
LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"  # private pages use the one login too
LOGIN_REDIRECT_URL = "/cabinet/"

# django-allauth: login by plot number (username), mandatory email confirmation.
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "members.forms.LoginForm", "signup": "members.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# The link opens a page with one «Подтвердить» button (a POST), not a confirmation on GET: mail
# scanners and link previews open links, and a confirmed address can open a plot's data to an account.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
# Counters live in the cache (Redis in production). login_failed's "key" is login + client
# address (members.adapters), never the login alone: nobody elsewhere can lock a member out, and
# a new password (the emailed reset) clears the login's counts from every address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,30/h/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",  # nosec B105 - a rate-limit spec, not a password
    "reset_password_from_key": "20/m/ip",  # nosec B105 - a rate-limit spec, not a password
    "change_password": "5/m/user",  # nosec B105 - a rate-limit spec, not a password
    "manage_email": "10/m/user",
}
# Password checks (PBKDF2, seconds of CPU each) running at once across the site (counted in the
# cache: with Redis for all processes, without it per process); a login beyond them is refused
# at once, so a burst of wrong passwords cannot occupy every worker.
# Password checks at once, site-wide: one fewer than the web processes, so a flood of logins
# always leaves one free; each client address gets one check at a time, and waits this long for a slot.
LOGIN_PASSWORD_CHECKS_AT_ONCE = env.int(
    "LOGIN_PASSWORD_CHECKS_AT_ONCE", default=max(1, env.int("WEB_CONCURRENCY", default=3) - 1)
)
LOGIN_PASSWORD_CHECK_WAIT_SECONDS = env.float("LOGIN_PASSWORD_CHECK_WAIT_SECONDS", default=1.0)
# Behind a reverse proxy set the number of proxies so rate limits see the client's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# The Wagtail admin has no door of its own: /admin/login/ leads to the allauth login.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"  # private pages use the one login too
WAGTAIL_PASSWORD_RESET_ENABLED = False

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The treasurer's imports (billing.services.imports): limits against hostile files, and where an
# upload waits between preview and confirmation. That folder must stay outside MEDIA_ROOT: a proxy
# serving /media/ would hand the files out. Default: beside the SQLite database, never served.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_ERRORS = env.int("IMPORT_MAX_ERRORS", default=200)
BANK_ACCOUNTS = env.list("BANK_ACCOUNTS", default=[])  # the partnership's accounts; else the first statement's
IMPORTS_PENDING_DIR = env.path("IMPORTS_PENDING_DIR", default=BASE_DIR / "private" / "imports")
# The board's ZIPs of акты сверки (members.reconciliation.batch), written by the worker and handed to
# the treasurer by a view that checks the permission: outside MEDIA_ROOT too, on a disk web and worker share.
RECONCILIATION_ARCHIVE_DIR = env.path("RECONCILIATION_ARCHIVE_DIR", default=BASE_DIR / "private" / "reconciliation")
# Members' meter photos (members.readings.photos): outside MEDIA_ROOT, handed out only by a view that
# checks the viewer is a confirmed member of the plot or the treasurer.
READING_PHOTO_DIR = env.path("READING_PHOTO_DIR", default=BASE_DIR / "private" / "readings")
# Copies of documents the board sends a member (members.meetings.request_files, 217-ФЗ ст. 11): outside
# MEDIA_ROOT, handed out only to the member who asked and to the board.
DOCUMENT_REQUEST_DIR = env.path("DOCUMENT_REQUEST_DIR", default=BASE_DIR / "private" / "document-requests")

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="СНТ <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Wagtail
WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", default="СНТ")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ru", "Русский")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "csv", "jpg", "png", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# A small PNG can declare 11000×11000 pixels and take ~1 GiB to decode: refuse it on upload.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 25_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "home.image_forms.ImageForm"  # the refusal in Russian
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}  # nosec B105 - turns shared passwords off
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}  # nosec B105 - turns shared passwords off
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests from the admin (and a strict CSP)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # a line per page laid out, at INFO
        "fontTools": {"level": "WARNING"},
    },
}

# SMS (read again at send time by the gateways; credentials only from the environment).
SMS_BACKEND = env("SMS_BACKEND", default="console")
SMSRU_API_URL = env("SMSRU_API_URL", default="https://sms.ru")
SMSRU_API_ID = env("SMSRU_API_ID", default="")
SMSRU_TEST = env.bool("SMSRU_TEST", default=False)
SMSRU_TIMEOUT = env.float("SMSRU_TIMEOUT", default=20.0)
SMS_RETRY_ATTEMPTS = env.int("SMS_RETRY_ATTEMPTS", default=4)  # tries of a batch within one run
SMS_RETRY_BACKOFF = env.float("SMS_RETRY_BACKOFF", default=2.0)  # seconds, doubled each try
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=12)  # over all runs, then the row fails
SMS_SEND_DAY = env.int("SMS_SEND_DAY", default=1)  # the monthly run: day of month and hour
SMS_SEND_HOUR = env.int("SMS_SEND_HOUR", default=10)

# Backups (cms.backups, manage.py backup/restore). BACKUP_KEEP: how many newest archives stay in
# the folder and in the offsite storage (0 keeps all). BACKUP_S3_URL sends every archive to
# S3-compatible storage as well: s3://KEY:SECRET@host[:port]/bucket[/folder][?region=…]
# (s3+http:// for a server without TLS; KEY and SECRET percent-encoded). It becomes the named
# storage "backups"; the URL itself is not kept in settings, and the error page masks *_key.
BACKUP_KEEP = env.int("BACKUP_KEEP", default=30)
# Where web processes hold their "serving" lock (cms/backups/serving.py); shared by all web machines.
SERVING_LOCK_DIR = env.path("SERVING_LOCK_DIR", default=BASE_DIR / "private")


def _backup_storage(url: str) -> dict:
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme not in {"s3", "s3+http"} or not parts.hostname or not parts.path.strip("/"):
        raise ValueError("BACKUP_S3_URL: ожидается s3://KEY:SECRET@host[:port]/bucket[/folder][?region=…]")
    bucket, _slash, folder = parts.path.strip("/").partition("/")
    address = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
    region = parse_qs(parts.query).get("region", [None])[0]
    options = {
        "access_key": unquote(parts.username or ""),
        "secret_key": unquote(parts.password or ""),
        "bucket_name": bucket,
        "location": folder,
        "endpoint_url": f"{'http' if parts.scheme == 's3+http' else 'https'}://{address}",
        "region_name": region,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


BACKUP_STORAGE = _backup_storage(env("BACKUP_S3_URL")) if env("BACKUP_S3_URL", default="") else None
if BACKUP_STORAGE:
    STORAGES = {**STORAGES, "backups": BACKUP_STORAGE}
