"""Fixtures of the admin tests, shared with the statement tests."""

from tests.billing.test_admin_import import treasurer, treasurer_client  # noqa: F401 - fixtures
