"""Local development: debug on, a fixed insecure key, mail to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = ["*"]
