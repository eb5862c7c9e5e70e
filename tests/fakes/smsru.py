"""A stand-in for the SMS.ru HTTP API on 127.0.0.1, over real HTTP.

It speaks the API's request format (form-encoded POST /sms/send with api_id, json=1 and
to[7XXXXXXXXXX]=text; POST /sms/status with sms_id) and its JSON answers, and can be told
to be slow, to fail with HTTP 500, to answer an error code, or to hang past the client's
timeout after accepting the messages (the case that must not double-send).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

TO_FIELD = re.compile(r"^to\[(\d+)\]$")


@dataclass
class FakeSmsRu:
    api_id: str = "test-api-id"
    latency: float = 0.0
    hang: float = 0.0  # how long "hang" requests sleep after accepting the messages
    # One entry consumed per /sms/send request: "ok", "http500", "hang", or an int top-level code (e.g. 220).
    script: list = field(default_factory=list)
    number_codes: dict[str, int] = field(default_factory=dict)  # 7XXXXXXXXXX -> error code, every time
    number_codes_once: dict[str, int] = field(default_factory=dict)  # ... only on the first request for it
    send_requests: list[dict] = field(default_factory=list)
    status_requests: list[dict] = field(default_factory=list)
    accepted: dict[str, tuple[str, str]] = field(default_factory=dict)  # sms_id -> (number, text)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeSmsRu:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
                status, body, delay = fake.handle(self.path.split("?")[0], form)
                if delay:
                    time.sleep(delay)
                data = json.dumps(body, ensure_ascii=False).encode() if isinstance(body, dict) else body
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def sent_texts(self) -> list[tuple[str, str]]:
        """(number, text) of every accepted message, in order."""
        return list(self.accepted.values())

    def handle(self, path: str, form: dict) -> tuple[int, dict | bytes, float]:
        with self._lock:
            if path == "/sms/send":
                return self._send(form)
            if path == "/sms/status":
                return self._status(form)
        return 404, b"not found", 0

    def _send(self, form: dict) -> tuple[int, dict | bytes, float]:
        self.send_requests.append(form)
        step = self.script.pop(0) if self.script else "ok"
        if step == "http500":
            return 500, b"Internal Server Error", self.latency
        if form.get("api_id") != self.api_id:
            return 200, {"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"}, self.latency
        if isinstance(step, int):
            return 200, {"status": "ERROR", "status_code": step, "status_text": "Ошибка"}, self.latency
        answers = {}
        for key, text in form.items():
            match = TO_FIELD.match(key)
            if not match:
                continue
            number = match.group(1)
            code = self.number_codes.get(number) or self.number_codes_once.pop(number, None)
            if code:
                answers[number] = {"status": "ERROR", "status_code": code, "status_text": "Ошибка"}
                continue
            sms_id = f"{next(self._ids):06d}-{len(self.accepted) + 1}"
            self.accepted[sms_id] = (number, text)
            answers[number] = {"status": "OK", "status_code": 100, "sms_id": sms_id}
        delay = self.latency + (self.hang if step == "hang" else 0)
        return 200, {"status": "OK", "status_code": 100, "sms": answers, "balance": 100.0}, delay

    def _status(self, form: dict) -> tuple[int, dict | bytes, float]:
        self.status_requests.append(form)
        if form.get("api_id") != self.api_id:
            return 200, {"status": "ERROR", "status_code": 200}, self.latency
        answers = {}
        for sms_id in filter(None, form.get("sms_id", "").split(",")):
            if sms_id in self.accepted:
                answers[sms_id] = {"status": "OK", "status_code": 103, "status_text": "Сообщение доставлено"}
            else:
                answers[sms_id] = {"status": "ERROR", "status_code": -1, "status_text": "Сообщение не найдено"}
        return 200, {"status": "OK", "status_code": 100, "sms": answers}, self.latency
