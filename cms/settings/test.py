"""Tests: fast hasher, in-memory mail, django-q2 synchronous, console SMS."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import DATABASES, Q_CLUSTER

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105  # nosec B105 - test settings only; production reads the environment
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
SMS_BACKEND = "console"
SMS_RETRY_BACKOFF = 0.0
CABINET_CACHE = True  # one process: the memory cache is shared by everything a test does
PAGE_CACHE = True
WAGTAILADMIN_BASE_URL = "http://testserver"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# SQLite tests use a WAL file like the product, not Django's shared-cache memory database:
# there a second connection gets "table is locked" at once instead of waiting its turn, so
# the concurrency tests (two workers, two uploads) could not run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"snt-test-{os.getpid()}.sqlite3")}
