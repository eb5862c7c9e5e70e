"""Production: every secret from the environment, fail fast when one is missing.

PostgreSQL via DATABASE_URL, Redis via REDIS_URL (cache, sessions, django-q2 broker),
whitenoise with compressed manifest static files, HTTPS-only cookies and HSTS.
"""

from .base import *  # noqa: F403
from .base import REDIS_URL, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

EMAIL_CONFIG = env.email("DJANGO_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)

# X_FRAME_OPTIONS stays SAMEORIGIN (base.py): Wagtail's admin shows page previews in a
# same-origin iframe, which DENY would break.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# Behind this many reverse proxies the client's address is taken from X-Forwarded-For
# (home.ratelimit); without it every visitor would share the proxy's address.
RATELIMIT_TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=1)
