import pytest


@pytest.fixture(autouse=True)
def _site_settings(db):
    """Signature and due day come from the public site's settings."""
    from wagtail.models import Site

    from home.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:  # a transactional test after a flush: the default signature applies
        return
    SiteSettings.objects.update_or_create(site=site, defaults={"short_name": "СНТ Аникино"})
