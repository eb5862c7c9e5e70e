import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Uploaded files go to a temporary folder; rate-limit counters start empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()
