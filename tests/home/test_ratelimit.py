from django.test import RequestFactory

from home.ratelimit import client_ip, rate_limit_exceeded


def test_limit_counts_per_key():
    hits = [rate_limit_exceeded(scope="t", key="a", limit=2, window_seconds=60) for _ in range(3)]
    assert hits == [False, False, True]
    assert rate_limit_exceeded(scope="t", key="b", limit=2, window_seconds=60) is False


def test_client_ip_ignores_forwarded_for_without_trusted_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_ip(request) == "127.0.0.1"


def test_client_ip_behind_one_trusted_proxy(settings):
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"
