import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, PlotFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Uploaded files, uploads awaiting confirmation, archives of акты, meter photos and copies of
    documents go to temporary folders; rate-limit counters start empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORTS_PENDING_DIR = tmp_path / "pending-imports"
    settings.RECONCILIATION_ARCHIVE_DIR = tmp_path / "reconciliation"
    settings.READING_PHOTO_DIR = tmp_path / "reading-photos"
    settings.DOCUMENT_REQUEST_DIR = tmp_path / "document-requests"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plot_269(db):
    return PlotFactory(number=269, owner_email="member269@example.org", owner_phone="89031221105")


@pytest.fixture
def plot_270(db):
    return PlotFactory(number=270, owner_email="", owner_phone="")


@pytest.fixture
def make_member(db):
    """make_member(...) builds a member account as allauth leaves it after signup (verified or not)."""

    def make(username="269", email="member269@example.org", password=PASSWORD, verified=True):
        return UserFactory(username=username, email=email, password=password, verified=verified)

    return make


@pytest.fixture
def member(make_member, plot_269):
    """Member 269, signed up with a verified email; plot 269 exists but is not yet claimed."""
    return make_member()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def treasurer(db):
    """The treasurer: a staff account in the «Казначей» group, no email."""
    return UserFactory(username="kassir", password="secret-123", email="", is_staff=True, groups=["Казначей"])


@pytest.fixture
def treasurer_client(client, treasurer):
    client.force_login(treasurer)
    return client


@pytest.fixture
def editor(db):
    """The secretary who edits the site: a staff account in Wagtail's «Editors» group, no email."""
    return UserFactory(username="secretary", password="secret-123", email="", is_staff=True, groups=["Editors"])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
