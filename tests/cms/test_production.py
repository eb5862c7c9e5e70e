"""Production: settings from the environment, the CSP and security headers, JSON logs, Procfile.

`check --deploy` and the missing secret key are covered in test_production_settings.py.
"""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from cms.csp import SiteCSPMiddleware
from cms.logging import JsonFormatter, RequestIdMiddleware, request_id

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = secrets.token_urlsafe(64)


def ok_view(request):
    return HttpResponse("<p>ok</p>")


# The production middleware stack runs in a subprocess against these two views: no database needed.
urlpatterns = [path("", ok_view), path("admin/probe/", ok_view)]


def run_production(code: str, **env: str | None) -> subprocess.CompletedProcess:
    """Run `code` under the production settings; an env value of None removes the variable."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SMSRU_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "snt.example.org,testserver",
            "DATABASE_URL": "sqlite:///:memory:",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    for key, value in env.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    prelude = "import json, django; django.setup(); from django.conf import settings\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_settings(*names: str, **env: str) -> dict:
    code = f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}, default=str))"
    result = run_production(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_come_from_the_environment():
    values = production_settings(
        "DEBUG",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DATABASES",
        "CACHES",
        "SESSION_ENGINE",
        "Q_CLUSTER",
        "STORAGES",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
        "RATELIMIT_TRUSTED_PROXIES",
        "ALLAUTH_TRUSTED_PROXY_COUNT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        DATABASE_URL="postgres://snt:pw@db.internal:5432/snt",
        REDIS_URL="redis://cache.internal:6379/2",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://snt.example.org",
        DJANGO_EMAIL_URL="smtp+tls://mailer:mail-pw@smtp.example.org:587",
        DJANGO_TRUSTED_PROXIES="2",
    )
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["snt.example.org", "testserver"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://snt.example.org"]
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"]) == ("db.internal", "snt")
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert values["Q_CLUSTER"]["redis"] == "redis://cache.internal:6379/2"
    assert "orm" not in values["Q_CLUSTER"]
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == ("smtp.example.org", 587, True)
    assert values["RATELIMIT_TRUSTED_PROXIES"] == values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000


def test_without_redis_sessions_stay_in_the_database():
    values = production_settings("SESSION_ENGINE", "Q_CLUSTER")
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["Q_CLUSTER"]["orm"] == "default"


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_production("print(settings.ALLOWED_HOSTS)", DJANGO_ALLOWED_HOSTS=None)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_middleware_sends_the_security_headers_and_csp():
    code = """
from django.test import Client
settings.ROOT_URLCONF = "tests.cms.test_production"
client = Client(HTTP_X_FORWARDED_PROTO="https")
out = {}
for url in ["/", "/admin/probe/"]:
    response = client.get(url, headers={"X-Request-ID": "proxy-id-12345"})
    out[url] = {"status": response.status_code, **{key: value for key, value in response.headers.items()}}
print(json.dumps(out))
"""
    result = run_production(code)
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    site, admin = pages["/"], pages["/admin/probe/"]
    assert site["status"] == admin["status"] == 200
    site_csp = dict(part.strip().split(" ", 1) for part in site["Content-Security-Policy"].split(";"))
    admin_csp = dict(part.strip().split(" ", 1) for part in admin["Content-Security-Policy"].split(";"))
    assert site_csp["default-src"] == "'self'"
    assert site_csp["script-src"] == "'self'"
    assert site_csp["object-src"] == "'none'"
    assert "frame-ancestors" in site_csp
    assert admin_csp["script-src"] == "'self' 'unsafe-inline'"
    assert {key: value for key, value in admin_csp.items() if key != "script-src"} == {
        key: value for key, value in site_csp.items() if key != "script-src"
    }
    assert "max-age=31536000" in site["Strict-Transport-Security"]
    assert "includeSubDomains" in site["Strict-Transport-Security"]
    assert site["X-Content-Type-Options"] == "nosniff"
    assert site["Referrer-Policy"] == "same-origin"
    assert site["X-Frame-Options"] == "SAMEORIGIN"
    assert site["X-Request-ID"] == "proxy-id-12345"


def test_production_logs_are_json_lines_on_stdout():
    code = """
import logging
logging.getLogger("members.sms").warning("sent with api_id=%s", settings.SECRET_KEY)
"""
    result = run_production(code, DJANGO_LOG_LEVEL="INFO")
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "members.sms"
    assert entry["message"] == "sent with api_id=***"
    assert SECRET_KEY not in result.stdout


@pytest.fixture
def log_record():
    def make(message: str, *args, **attributes) -> logging.LogRecord:
        record = logging.LogRecord("members.auth", logging.WARNING, __file__, 1, message, args, None)
        record.__dict__.update(attributes)
        return record

    return make


def test_json_formatter_masks_secrets_and_leaves_out_the_request(settings, log_record):
    settings.SMSRU_API_ID = "F00D-SMS-API-ID-1234"
    request = RequestFactory().get("/", HTTP_COOKIE="sessionid=very-secret-session")
    record = log_record(
        "gateway %s answered; password=%s", settings.SMSRU_API_ID, "Hunter2-pass", request=request, status_code=200
    )
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message"}
    assert entry["message"] == "gateway *** answered; password=***"
    for secret in ("F00D-SMS-API-ID-1234", "Hunter2-pass", "very-secret-session", settings.SECRET_KEY):
        assert secret not in line


def test_json_formatter_adds_the_request_id_and_the_traceback(log_record):
    try:
        raise ValueError("broken import")
    except ValueError:
        record = log_record("failed")
        record.exc_info = sys.exc_info()
    token = request_id.set("abc123def456")
    try:
        entry = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert entry["request_id"] == "abc123def456"
    assert "ValueError: broken import" in entry["exception"]
    assert entry["time"].endswith("+00:00")


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [("req-0123456789", True), ("bad id\nforged log line", False), ("", False)],
)
def test_request_id_middleware_reuses_only_a_sane_proxy_id(incoming, kept, caplog):
    middleware = RequestIdMiddleware(lambda request: HttpResponse(status=204))
    request = RequestFactory().get("/accounts/password/reset/key/1-set-password-key/", HTTP_X_REQUEST_ID=incoming)
    with caplog.at_level(logging.INFO, logger="cms.request"):
        response = middleware(request)
    assert (response["X-Request-ID"] == incoming) is kept
    assert len(response["X-Request-ID"]) >= 8
    assert "\n" not in response["X-Request-ID"]
    assert request_id.get() == ""
    [record] = caplog.records
    assert record.status == 204
    assert record.path == "/accounts/password/reset/key/***/"
    assert "set-password-key" not in record.getMessage()


def test_csp_middleware_relaxes_scripts_in_the_admin_only(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'"]}}
    settings.ADMIN_CONTENT_SECURITY_POLICY_PREFIXES = ("/admin/",)
    settings.ADMIN_CONTENT_SECURITY_POLICY_UPDATE = {"script-src": "'unsafe-inline'"}

    def view(request):
        response = HttpResponse()
        response._csp_update = {"img-src": "https://maps.example.org"}
        return response

    middleware = SiteCSPMiddleware(view)
    factory = RequestFactory()
    site = middleware(factory.get("/cabinet/"))["Content-Security-Policy"]
    admin = middleware(factory.get("/admin/pages/"))["Content-Security-Policy"]
    assert "script-src 'self';" in site
    assert "'unsafe-inline'" not in site
    assert "script-src 'self' 'unsafe-inline'" in admin
    assert "img-src https://maps.example.org" in admin


def test_procfile_runs_every_process_with_production_settings():
    processes = dict(line.split(": ", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines() if line.strip())
    assert set(processes) == {"web", "worker", "release"}
    assert processes["web"].startswith("gunicorn cms.wsgi ")
    assert "--workers ${WEB_CONCURRENCY:-3}" in processes["web"]
    assert "manage.py qcluster --settings=cms.settings.production" in processes["worker"]
    release = processes["release"]
    assert "migrate --noinput --settings=cms.settings.production" in release
    assert "collectstatic --noinput --settings=cms.settings.production" in release
    wsgi = (BASE_DIR / "cms" / "wsgi.py").read_text()
    assert '"DJANGO_SETTINGS_MODULE", "cms.settings.production"' in wsgi
