"""SMS gateways behind one small interface, chosen by the SMS_BACKEND setting.

`console` logs the message and reports it sent; `smsru` speaks the SMS.ru HTTP API through
`requests`. Settings are read when a message is sent, so credentials come from the
environment of the process that sends, and tests can point the gateway at a local server.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import requests
from django.conf import settings

logger = logging.getLogger("members.sms")

# SMS.ru error codes: what the treasurer reads, and whether trying again can help.
SMSRU_ERRORS = {
    200: "неверный ключ API SMS.ru",
    201: "на счёте SMS.ru недостаточно средств",
    202: "неправильный номер телефона",
    203: "пустой текст сообщения",
    204: "имя отправителя не согласовано",
    205: "сообщение слишком длинное",
    206: "превышен дневной лимит сообщений",
    207: "на этот номер отправлять нельзя",
    208: "неверное время отправки",
    209: "номер в стоп-листе",
    220: "сервис SMS.ru временно недоступен",
    230: "превышен лимит сообщений на этот номер в день",
    231: "превышен лимит одинаковых сообщений на этот номер в минуту",
    232: "превышен лимит одинаковых сообщений на этот номер в день",
    300: "неверный токен SMS.ru",
    301: "неверный ключ API SMS.ru",
    302: "учётная запись SMS.ru не подтверждена",
    500: "ошибка на сервере SMS.ru",
}
TRANSIENT_CODES = frozenset({220, 500})
NO_FUNDS_CODE = 201
# /sms/status codes: which mean delivered and which mean the message is lost for good.
DELIVERED_CODES = frozenset({103, 110})
UNDELIVERED_CODES = frozenset({104, 105, 106, 107, 108, 150})


@dataclass(frozen=True)
class OutgoingSms:
    key: int  # the outbox row id
    phone: str  # 11 digits starting with 8
    text: str


@dataclass(frozen=True)
class SendResult:
    key: int
    outcome: str  # "sent" | "failed" (permanent) | "retry" (transient)
    gateway_id: str = ""
    code: int | None = None
    error: str = ""


@dataclass(frozen=True)
class DeliveryStatus:
    gateway_id: str
    outcome: str  # "delivered" | "undelivered" | "pending" | "unknown"
    code: int | None = None
    error: str = ""


class GatewayError(Exception):
    """The whole request failed. `maybe_sent` is true when the request may have reached the
    gateway (a read timeout): such messages must be checked before any resend."""

    def __init__(self, message: str, *, transient: bool, maybe_sent: bool = False, code: int | None = None):
        super().__init__(message)
        self.transient = transient
        self.maybe_sent = maybe_sent
        self.code = code


class Gateway(Protocol):
    batch_size: int

    def send(self, messages: Sequence[OutgoingSms]) -> list[SendResult]: ...

    def status(self, gateway_ids: Sequence[str]) -> list[DeliveryStatus]: ...


class ConsoleGateway:
    """Logs each message and reports it sent; the default for development and demos."""

    batch_size = 100
    _ids = itertools.count(1)

    def send(self, messages: Sequence[OutgoingSms]) -> list[SendResult]:
        results = []
        for message in messages:
            gateway_id = f"console-{next(self._ids)}"
            logger.info("SMS (console) %s: %s", mask_phone(message.phone), message.text)
            results.append(SendResult(key=message.key, outcome="sent", gateway_id=gateway_id))
        return results

    def status(self, gateway_ids: Sequence[str]) -> list[DeliveryStatus]:
        return [DeliveryStatus(gateway_id=gid, outcome="delivered") for gid in gateway_ids]


class SmsRuGateway:
    """SMS.ru HTTP API: POST /sms/send with per-number texts, up to 100 numbers a request."""

    batch_size = 100

    def _config(self) -> tuple[str, str, bool]:
        api_id = getattr(settings, "SMSRU_API_ID", "")
        if not api_id:
            raise GatewayError("не задан ключ SMSRU_API_ID", transient=False)
        return settings.SMSRU_API_URL.rstrip("/"), api_id, bool(getattr(settings, "SMSRU_TEST", False))

    def _post(self, path: str, data: dict[str, str]) -> dict:
        url, _, _ = self._config()
        try:
            timeout = float(getattr(settings, "SMSRU_TIMEOUT", 20))
            response = requests.post(f"{url}{path}", data=data, timeout=(min(timeout, 5), timeout))
        except requests.ConnectTimeout as exc:
            raise GatewayError("SMS.ru не отвечает (соединение)", transient=True) from exc
        except requests.Timeout as exc:
            raise GatewayError("SMS.ru не ответил вовремя", transient=True, maybe_sent=True) from exc
        except requests.RequestException as exc:
            raise GatewayError("нет связи с SMS.ru", transient=True) from exc
        if response.status_code >= 500:
            raise GatewayError(f"SMS.ru ответил ошибкой HTTP {response.status_code}", transient=True)
        if response.status_code != 200:
            raise GatewayError(f"SMS.ru ответил HTTP {response.status_code}", transient=False)
        try:
            payload = response.json()
        except ValueError as exc:
            raise GatewayError("SMS.ru прислал непонятный ответ", transient=True, maybe_sent=True) from exc
        if payload.get("status") != "OK":
            code = _int(payload.get("status_code"))
            raise GatewayError(
                SMSRU_ERRORS.get(code, f"ошибка SMS.ru {code}"),
                transient=code in TRANSIENT_CODES,
                code=code,
            )
        return payload

    def send(self, messages: Sequence[OutgoingSms]) -> list[SendResult]:
        if len(messages) > self.batch_size:
            raise ValueError(f"не больше {self.batch_size} сообщений за запрос")
        _, api_id, test = self._config()
        by_number = {international(m.phone): m for m in messages}
        if len(by_number) != len(messages):
            raise ValueError("в одном запросе — не больше одного сообщения на номер")
        data = {"api_id": api_id, "json": "1"}
        if test:
            data["test"] = "1"
        for number, message in by_number.items():
            data[f"to[{number}]"] = message.text
        payload = self._post("/sms/send", data)
        answers = payload.get("sms") or {}
        results = []
        for number, message in by_number.items():
            answer = answers.get(number)
            if answer is None:
                results.append(SendResult(key=message.key, outcome="retry", error="SMS.ru не ответил по этому номеру"))
                continue
            code = _int(answer.get("status_code"))
            if answer.get("status") == "OK":
                results.append(SendResult(key=message.key, outcome="sent", gateway_id=str(answer.get("sms_id", ""))))
            else:
                results.append(
                    SendResult(
                        key=message.key,
                        outcome="retry" if code in TRANSIENT_CODES else "failed",
                        code=code,
                        error=SMSRU_ERRORS.get(code, answer.get("status_text") or f"ошибка SMS.ru {code}"),
                    )
                )
        return results

    def status(self, gateway_ids: Sequence[str]) -> list[DeliveryStatus]:
        _, api_id, _ = self._config()
        payload = self._post("/sms/status", {"api_id": api_id, "json": "1", "sms_id": ",".join(gateway_ids)})
        answers = payload.get("sms") or {}
        statuses = []
        for gateway_id in gateway_ids:
            answer = answers.get(gateway_id) or {}
            code = _int(answer.get("status_code"))
            if code in DELIVERED_CODES:
                outcome = "delivered"
            elif code in UNDELIVERED_CODES:
                outcome = "undelivered"
            elif code in (100, 101, 102):
                outcome = "pending"
            else:
                outcome = "unknown"
            statuses.append(
                DeliveryStatus(gateway_id=gateway_id, outcome=outcome, code=code, error=answer.get("status_text", ""))
            )
        return statuses


GATEWAYS: dict[str, type] = {"console": ConsoleGateway, "smsru": SmsRuGateway}


def get_gateway() -> Gateway:
    """The gateway named by SMS_BACKEND, read now (not at import)."""
    name = getattr(settings, "SMS_BACKEND", "console")
    try:
        return GATEWAYS[name]()
    except KeyError:
        raise GatewayError(f"неизвестный SMS_BACKEND: {name}", transient=False) from None


def international(phone: str) -> str:
    """8XXXXXXXXXX → 7XXXXXXXXXX, the form SMS.ru expects."""
    return "7" + phone[1:] if phone.startswith("8") and len(phone) == 11 else phone


def mask_phone(phone: str) -> str:
    """Phones never go to the logs whole."""
    return phone[:2] + "*" * max(len(phone) - 4, 0) + phone[-2:] if len(phone) > 4 else "***"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
