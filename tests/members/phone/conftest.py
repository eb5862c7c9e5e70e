import pytest

from tests.factories import ProfileFactory
from tests.members.phone.helpers import PHONE


@pytest.fixture(autouse=True)
def _site_settings(db):
    from wagtail.models import Site

    from home.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        SiteSettings.objects.update_or_create(site=site, defaults={"short_name": "СНТ Аникино"})


@pytest.fixture
def stranger(make_member):
    """A member whose email matches no registry entry: only a proven phone can confirm for them."""
    user = make_member(username="500", email="stranger@example.org")
    ProfileFactory(user=user, phone=PHONE)
    return user


@pytest.fixture
def stranger_client(client, stranger):
    client.force_login(stranger)
    return client
