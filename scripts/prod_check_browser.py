"""The Chromium half of `make prod-check`: pages must work under the Content-Security-Policy.

Every page is opened in headless Chromium with `X-Forwarded-Proto: https`; the browser's
`securitypolicyviolation` events and CSP console errors of each page are collected, and any
of them is a failure. Admin pages are opened as the superuser so that the page editor (date
pickers, inline panels, choosers, the rich text editor) and the userbar on the public home
page are covered too.
"""

import contextlib
import os
import shutil

import psycopg
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from prod_check_http import DEMO_PASSWORD, MEMBER, MEMBER_PASSWORD, Report

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.violatedDirective} ${event.blockedURI || "inline"} ${event.sourceFile || ""}:${event.lineNumber}`
    );
});
"""
PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/search/?q=взносы"]
MEMBER_PAGES = ["/cabinet/", "/cabinet/edit/", "/cabinet/payments/", "/cabinet/electricity/"]
ADMIN_PAGES = [
    "/admin/",
    "/admin/pages/",
    "/admin/billing/import/",
    "/admin/claims/",
    "/admin/sms/",
    "/admin/snippets/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/users/",
]


def edit_pages(database_url: str) -> list[str]:
    """The editor of the home page and of one announcement: the admin's heaviest forms."""
    with psycopg.connect(database_url, connect_timeout=10) as connection:
        rows = connection.execute(
            "SELECT p.id FROM wagtailcore_page p JOIN django_content_type t ON t.id = p.content_type_id"
            " WHERE t.app_label = 'home' AND t.model IN ('homepage', 'announcementpage')"
            " ORDER BY t.model DESC, p.id LIMIT 2"
        ).fetchall()
    return [f"/admin/pages/{page_id}/edit/" for (page_id,) in rows]


def chromium(playwright) -> Browser:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    return playwright.chromium.launch(headless=True, executable_path=executable, args=["--no-sandbox"])


def open_and_collect(page: Page, url: str, console: list[str]) -> tuple[int, list[str]]:
    console.clear()
    response = page.goto(url, wait_until="load", timeout=60_000)
    page.wait_for_timeout(500)  # scripts that run after load, e.g. the admin's lazy widgets
    violations = page.evaluate("window.__cspViolations || []")
    return (response.status if response else 0), sorted(set(violations + console))


def new_context(browser: Browser, base_url: str) -> tuple[BrowserContext, Page, list[str]]:
    context = browser.new_context(base_url=base_url, extra_http_headers={"X-Forwarded-Proto": "https"})
    context.set_default_timeout(60_000)
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return context, page, console


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.form--login button[type=submit]")


def canary(report: Report, browser: Browser, base_url: str) -> None:
    """An inline script on a public page must be blocked and seen, or the sweep proves nothing."""
    context, page, console = new_context(browser, base_url)
    try:
        page.goto("/", wait_until="load")
        with contextlib.suppress(PlaywrightError):
            page.add_script_tag(content="window.__canaryRan = true;")
        page.wait_for_timeout(300)
        ran = page.evaluate("window.__canaryRan === true")
        seen = page.evaluate("window.__cspViolations || []")
        report.check(not ran and bool(seen), "браузер: встроенный скрипт на сайте заблокирован и замечен", str(seen))
    finally:
        context.close()


def sweep(report: Report, browser: Browser, base_url: str, who: str, login: tuple[str, str] | None, urls: list[str]):
    context, page, console = new_context(browser, base_url)
    try:
        if login:
            log_in(page, *login)
            report.check("/accounts/login/" not in page.url, f"браузер: вход {who}", page.url)
        for url in urls:
            status, violations = open_and_collect(page, url, console)
            report.check(
                status == 200 and not violations,
                f"браузер, {who}: {url} без нарушений CSP",
                f"статус {status}; " + "; ".join(violations[:5]),
            )
    finally:
        context.close()


def browser_checks(report: Report, base_url: str, database_url: str) -> None:
    print("== Chromium: страницы под Content-Security-Policy", flush=True)  # noqa: T201
    os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", os.path.expanduser("~/.cache/ms-playwright"))
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        try:
            canary(report, browser, base_url)
            sweep(report, browser, base_url, "гость", None, PUBLIC_PAGES)
            sweep(report, browser, base_url, "садовод 269", (MEMBER, MEMBER_PASSWORD), MEMBER_PAGES)
            sweep(report, browser, base_url, "казначей", ("treasurer", DEMO_PASSWORD), ADMIN_PAGES[:5])
            sweep(
                report,
                browser,
                base_url,
                "суперпользователь",
                ("admin", DEMO_PASSWORD),
                ["/", *ADMIN_PAGES, *edit_pages(database_url)],
            )
        finally:
            browser.close()
