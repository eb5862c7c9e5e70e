"""The production settings as the load benchmark runs them: only the URLconf (a trivial
authenticated view for the baseline) and the static root (a temporary folder) differ."""

from cms.settings.production import *  # noqa: F403
from cms.settings.production import env

ROOT_URLCONF = "tests.perf.load.urls"
STATIC_ROOT = env.path("BENCH_STATIC_ROOT")
