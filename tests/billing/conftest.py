import pytest


@pytest.fixture(autouse=True)
def _pending_imports(settings, tmp_path):
    """Uploads waiting for confirmation go to a temporary folder, outside the media root."""
    settings.IMPORTS_PENDING_DIR = tmp_path / "pending-imports"
