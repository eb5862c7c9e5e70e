from tests.home.factories import site_pages  # noqa: F401 - fixture
