"""Structured logs for production: one JSON object a line on stdout, tagged with the request id.

Only named fields leave the process: Django attaches the whole request (cookies, session id) to
some records, and none of it is copied. Known secrets that slip into a message are masked.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache
from urllib.parse import urlsplit

import pythonjsonlogger.json
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str] = ContextVar("request_id", default="")

MASK = "***"
# A proxy's id is reused only when it looks like one; anything else could forge log lines.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
PASSWORD_PAIR = re.compile(r"(?i)((?:password|passwd|api_id|secret)\w*['\"]?\s*[:=]\s*['\"]?)[^\s'\",;&]+")
# Keys of password resets and email confirmations travel in the path.
PATH_KEY = re.compile(r"(/(?:key|confirm-email)/)[^/]+")
SECRET_SETTINGS = ("SECRET_KEY", "SMSRU_API_ID", "EMAIL_HOST_PASSWORD")
URL_SETTINGS = ("REDIS_URL",)
REQUEST_LINE_FIELDS = ("method", "path", "status", "duration_ms")
# All a log line may hold, in this order.
LOG_FIELDS = ("time", "level", "logger", "message", "request_id", *REQUEST_LINE_FIELDS, "exception")

request_log = logging.getLogger("cms.request")


@cache
def _secrets() -> tuple[str, ...]:
    """Values from the settings that must never appear in a log, longest first."""
    values = [str(getattr(settings, name, "") or "") for name in SECRET_SETTINGS]
    values += [urlsplit(str(getattr(settings, name, "") or "")).password or "" for name in URL_SETTINGS]
    values += [str(database.get("PASSWORD") or "") for database in settings.DATABASES.values()]
    return tuple(sorted({value for value in values if len(value) >= 4}, key=len, reverse=True))


@receiver(setting_changed)
def _forget_secrets(**kwargs: object) -> None:
    _secrets.cache_clear()


def redact(text: str) -> str:
    """Mask the configured secrets and any `password=…`-like pair in a piece of log text."""
    for secret in _secrets():
        text = text.replace(secret, MASK)
    return PASSWORD_PAIR.sub(rf"\g<1>{MASK}", text)


class JsonFormatter(pythonjsonlogger.json.JsonFormatter):
    """python-json-logger's formatter under our names: time (UTC), level, logger, message,
    request_id, the request line's fields and the traceback as `exception`.

    The library copies every extra attribute of a record (Django's `request`, with its cookies)
    and knows no secrets: only `LOG_FIELDS` are kept, and the message and traceback are masked.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            ["levelname", "name", "message"],
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            timestamp="time",
            json_ensure_ascii=False,
            **kwargs,
        )

    def process_log_record(self, log_data: dict[str, object]) -> dict[str, object]:
        if current := request_id.get():
            log_data["request_id"] = current
        for field in ("message", "exception"):
            if field in log_data:
                log_data[field] = redact(str(log_data[field]))
        return {field: log_data[field] for field in LOG_FIELDS if field in log_data}


class RequestIdMiddleware:
    """Give each request an id (the proxy's X-Request-ID when sane), echo it back, log one line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        token = request_id.set(incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            path = PATH_KEY.sub(rf"\g<1>{MASK}", request.path)
            request_log.info(
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)
