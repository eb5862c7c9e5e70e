"""Production: every secret from the environment, fail fast when one is missing.

PostgreSQL via DATABASE_URL, Redis via REDIS_URL (cache, sessions, rate limits, django-q2
broker), whitenoise with compressed manifest static files, HTTPS-only cookies, HSTS, a
Content-Security-Policy and JSON logs on stdout.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE

from .base import *  # noqa: F403
from .base import BACKUP_STORAGE, INSTALLED_APPS, LOGGING, MIDDLEWARE, REDIS_URL, STATIC_ROOT, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=STATIC_ROOT)

# Sessions are read from Redis and written through to PostgreSQL: a Redis restart or an
# eviction costs one query, not everyone's login. Without Redis every worker would hold its
# own local cache, so sessions then live in the database alone.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

EMAIL_CONFIG = env.email("DJANGO_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)

# X_FRAME_OPTIONS stays SAMEORIGIN (base.py): Wagtail's admin shows page previews in a
# same-origin iframe, which DENY would break.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# The number of reverse proxies in front of gunicorn, one setting for both rate limits: the
# client is the Nth address from the right of X-Forwarded-For (home.ratelimit and allauth).
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=1)
RATELIMIT_TRUSTED_PROXIES = TRUSTED_PROXIES
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES

# Content-Security-Policy (django-csp 4). Scripts only from our origin; inline styles stay
# allowed because templates carry small <style> blocks and style attributes. No gravatar:
# the admin would otherwise send hashes of members' emails to a third party.
INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
ADMIN_CONTENT_SECURITY_POLICY_PREFIXES = ("/admin/",)
ADMIN_CONTENT_SECURITY_POLICY_UPDATE = {"script-src": [UNSAFE_INLINE]}
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# The request id wraps everything, so even a redirect or a static file is logged with one.
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [
    "cms.logging.RequestIdMiddleware",
    *MIDDLEWARE[:_after_security],
    "cms.csp.SiteCSPMiddleware",
    *MIDDLEWARE[_after_security:],
]

# One JSON object a line on stdout (see cms/logging.py), for whatever collects the logs.
LOGGING = {
    **LOGGING,
    "formatters": {"json": {"()": "cms.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
}

# The offsite backup storage from BACKUP_S3_URL (base.py), kept beside the STORAGES set above.
if BACKUP_STORAGE:
    STORAGES = {**STORAGES, "backups": BACKUP_STORAGE}
