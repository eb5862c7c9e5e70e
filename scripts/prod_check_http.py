"""The HTTP half of `make prod-check`: security headers and cookies of three kinds of page.

requests talks to gunicorn over plain http on 127.0.0.1 with `X-Forwarded-Proto: https`, as a
TLS-terminating proxy would; the home page anonymously, the cabinet as member 269, the admin
as the treasurer, each with the headers and cookies production must send.
"""

import re
from http.cookies import SimpleCookie
from typing import Protocol
from urllib.parse import urlsplit

import requests

HTTPS = {"X-Forwarded-Proto": "https"}
DEMO_PASSWORD = "anikino-demo"  # noqa: S105 - printed by load_demo, see demo/members.py
MEMBER, MEMBER_PASSWORD = "269", "Sad-demo-2022"  # demo/members.py
HSTS_MIN_SECONDS = 31_536_000
REQUEST_TIMEOUT = 30


class Report(Protocol):
    def check(self, ok: bool, name: str, detail: str = "") -> bool: ...


class Client:
    """requests would not send Secure cookies back over plain http to 127.0.0.1: keep them here."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self.set_cookies: dict[str, dict[str, str | bool]] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {**HTTPS, "Referer": f"https://{urlsplit(self.base_url).netloc}{path}", **kwargs.pop("headers", {})}
        response = requests.request(
            method,
            self.base_url + path,
            headers=headers,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
            **kwargs,
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.set_cookies[name] = {
                    "secure": bool(morsel["secure"]),
                    "httponly": bool(morsel["httponly"]),
                    "samesite": morsel["samesite"],
                }
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def login(self, username: str, password: str) -> requests.Response:
        self.request("GET", "/accounts/login/")
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), "login": username, "password": password}
        return self.request("POST", "/accounts/login/", data=data)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def check_headers(report: Report, where: str, response: requests.Response, *, admin: bool = False) -> None:
    headers = response.headers
    report.check(response.status_code == 200, f"{where}: ответ 200", f"получен {response.status_code}")
    hsts = headers.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    report.check(
        bool(max_age) and int(max_age.group(1)) >= HSTS_MIN_SECONDS and "includeSubDomains" in hsts,
        f"{where}: Strict-Transport-Security",
        hsts or "нет заголовка",
    )
    csp = csp_directives(headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src", ["*"]))
    script_ok = "*" not in scripts and "'unsafe-eval'" not in scripts and (admin or "'unsafe-inline'" not in scripts)
    report.check(
        csp.get("default-src") == ["'self'"]
        and csp.get("object-src") == ["'none'"]
        and "frame-ancestors" in csp
        and "base-uri" in csp
        and script_ok,
        f"{where}: Content-Security-Policy",
        headers.get("Content-Security-Policy", "нет заголовка"),
    )
    report.check(headers.get("X-Content-Type-Options") == "nosniff", f"{where}: X-Content-Type-Options: nosniff")
    report.check(
        headers.get("Referrer-Policy")
        in {"same-origin", "strict-origin", "strict-origin-when-cross-origin", "no-referrer"},
        f"{where}: Referrer-Policy",
        headers.get("Referrer-Policy", "нет заголовка"),
    )
    report.check(
        headers.get("X-Frame-Options") in {"DENY", "SAMEORIGIN"},
        f"{where}: X-Frame-Options",
        headers.get("X-Frame-Options", "нет заголовка"),
    )
    report.check(bool(headers.get("X-Request-ID")), f"{where}: X-Request-ID")


def check_cookies(report: Report, where: str, client: Client, names: tuple[str, ...]) -> None:
    for name in names:
        cookie = client.set_cookies.get(name)
        ok = bool(cookie) and cookie["secure"] and cookie["httponly"] and cookie["samesite"] in {"Lax", "Strict"}
        report.check(ok, f"{where}: cookie {name} Secure, HttpOnly, SameSite", str(cookie))


def http_checks(report: Report, base_url: str) -> None:
    print("== заголовки и cookie", flush=True)  # noqa: T201
    anonymous = Client(base_url)
    home = anonymous.request("GET", "/")
    check_headers(report, "главная", home)
    static = re.search(r'href="(/static/[^"]+\.css)"', home.text)
    if report.check(bool(static), "главная: ссылка на CSS со статикой"):
        css = anonymous.request("GET", static.group(1), headers={"Accept-Encoding": "gzip, br"})
        report.check(
            css.status_code == 200
            and "immutable" in css.headers.get("Cache-Control", "")
            and css.headers.get("Content-Encoding") in {"gzip", "br"},
            "статика: whitenoise, хешированное имя, сжатие, immutable",
            f"{css.status_code} {css.headers.get('Cache-Control')} {css.headers.get('Content-Encoding')}",
        )

    member = Client(base_url)
    login = member.login(MEMBER, MEMBER_PASSWORD)
    report.check(
        login.status_code == 302 and "sessionid" in member.cookies,
        f"вход садовода {MEMBER}",
        f"{login.status_code} {login.headers.get('Location')}",
    )
    cabinet = member.request("GET", "/cabinet/payments/")
    check_headers(report, "кабинет /cabinet/payments/", cabinet)
    report.check("Статус моих оплат" in cabinet.text, "кабинет: «Статус моих оплат» на странице")
    report.check(
        "Cookie" in cabinet.headers.get("Vary", "") or "private" in cabinet.headers.get("Cache-Control", ""),
        "кабинет: не кешируется общими кешами (Vary: Cookie)",
        f"Vary: {cabinet.headers.get('Vary')}; Cache-Control: {cabinet.headers.get('Cache-Control')}",
    )
    check_cookies(report, "кабинет", member, ("sessionid", "csrftoken"))

    treasurer = Client(base_url)
    login = treasurer.login("treasurer", DEMO_PASSWORD)
    report.check(
        login.status_code == 302 and "sessionid" in treasurer.cookies, "вход казначея", str(login.status_code)
    )
    admin = treasurer.request("GET", "/admin/")
    check_headers(report, "админка /admin/", admin, admin=True)
    check_cookies(report, "админка", treasurer, ("sessionid", "csrftoken"))
