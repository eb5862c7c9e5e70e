import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Uploaded files and uploads awaiting confirmation go to temporary folders; rate-limit
    counters start empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORTS_PENDING_DIR = tmp_path / "pending-imports"
    cache.clear()
    yield
    cache.clear()
