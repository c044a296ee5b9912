"""Browser tests: Debian's Chromium driven by Playwright, one browser per test session.

Each test gets a fresh browser context (its own storage, service workers and caches) with a
phone viewport of 375×667, against the `live_server` of tests/conftest.py with the demo world
loaded. Playwright never downloads a browser of its own: it starts /usr/bin/chromium.
"""

import json
import os
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from api.demo.service import DEMO_JOIN_CODE, load_demo
from api.dialogues.models import Priority
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

PHONE = {"width": 375, "height": 667}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Demo:
    """The demo world as the browser tests need it."""

    base_url: str
    join_code: str
    session_id: int
    priorities: dict[int, str]  # id → title

    def url(self, path: str = "") -> str:
        return f"{self.base_url}{path}"

    @property
    def join_url(self) -> str:
        return self.url(f"/c/{self.join_code}")


# Package scope: Playwright runs an event loop in the main thread until it is stopped, and
# the tests after these (asyncio.run in the concurrency tests) need that thread free again.
@pytest.fixture(scope="package")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance):
    if not os.path.exists(CHROMIUM):
        pytest.fail(  # a browser test that does not run proves nothing: fail, never skip
            f"Chromium is not installed at {CHROMIUM} (run tests/services/install-chromium.sh)"
        )
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser):
    """Make browser contexts (closed after the test): new_context(locale='ar', ...).

    Service workers are blocked unless a test asks for them (service_workers="allow"): the
    worker's precaching would only slow down tests that are not about it.
    """
    contexts = []

    def make(*, locale: str = "nl-NL", **options: Any):
        options.setdefault("viewport", PHONE)
        options.setdefault("device_scale_factor", 1)
        options.setdefault("service_workers", "block")
        context = browser.new_context(locale=locale, **options)
        # An upper bound on waits for a condition, never a pause: generous, because a loaded
        # machine (CI, or two test runs side by side) can hold a renderer up for seconds.
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh Dutch phone context; page errors fail the test."""
    context = new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def demo(db: Session, live_server: str) -> Demo:
    """The demo municipality, dialogue and open session (join code WVSTAD), on a live server."""
    session = load_demo(db)
    db.commit()
    priorities = {
        p.id: p.title
        for p in db.exec(select(Priority).where(Priority.dialogue_id == session.dialogue_id))
    }
    demo = Demo(
        base_url=live_server,
        join_code=DEMO_JOIN_CODE,
        session_id=session.id,
        priorities=priorities,
    )
    db.commit()
    return demo


# ---------- Helpers ----------


def wait_ready(page) -> None:
    """Wait until the app has drawn its first screen."""
    page.wait_for_selector("html[data-wg-ready]")


def open_session(page, demo: Demo, query: str = "") -> None:
    page.goto(demo.join_url + query)
    wait_ready(page)
    page.wait_for_selector("#wg-start")


def screen(page, name: str) -> None:
    """Wait for a screen by name (welcome, language, neighbourhood, age, rank, pledge, thanks…).

    The optional "about you" step lies between the ranking and the pledge: waiting for the
    pledge screen passes it without answering (as a resident who skips it).
    """
    if name == "pledge":
        page.wait_for_selector("#wg-h1-about-you, #wg-h1-pledge")
        if page.locator("#wg-h1-about-you").count():
            page.click("#wg-next")
    page.wait_for_selector(f"#wg-h1-{name}")


def walk_to_rank(page, demo: Demo, *, neighbourhood: str | None = None, age: str | None = None):
    """From the welcome screen to the ranking screen (optionally picking neighbourhood/age)."""
    page.click("#wg-start")
    screen(page, "language")
    page.click("#wg-next")
    screen(page, "neighbourhood")
    if neighbourhood:
        page.click(f"label.wg-choice:has-text('{neighbourhood}')")
    page.click("#wg-next")
    screen(page, "age")
    if age:
        page.click(f"label.wg-choice:has(input[value='{age}'])")
    page.click("#wg-next")
    screen(page, "rank")


def add_priorities(page, count: int) -> list[str]:
    """Add the first `count` priorities of the pool; returns their titles in list order."""
    for _ in range(count):
        page.locator(".wg-pool-add").first.click()
    return ranked_titles(page)


def ranked_titles(page) -> list[str]:
    return page.locator(".wg-rank-item .wg-priority__title").all_inner_texts()


def focused(page) -> dict[str, Any]:
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, id: e.id, "
        "cls: e.className, label: e.getAttribute('aria-label') || e.textContent.trim()}; }"
    )


def outbox_settled(page) -> None:
    """Wait until every send of the outbox already started (by the page or its worker) is done.

    Each send holds the Web Lock "wg-outbox" and locks are granted in the order asked for, so
    asking for it now returns once those before have finished: a condition, not a pause.
    """
    page.evaluate("() => navigator.locks.request('wg-outbox', () => true)")


def outbox_items(page) -> list[dict[str, Any]]:
    """Everything in the outbox (IndexedDB), as the page sees it."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('welvaartgesprek');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const db = open.result;
              if (!db.objectStoreNames.contains('outbox')) { db.close(); resolve([]); return; }
              const req = db.transaction('outbox').objectStore('outbox').getAll();
              req.onsuccess = () => { db.close(); resolve(req.result); };
              req.onerror = () => reject(req.error);
            };
        })"""
    )


def local_storage(page) -> dict[str, Any]:
    raw = page.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    return {key: json.loads(value) for key, value in raw.items()}


def ballots(db: Session) -> list[dict[str, Any]]:
    """The ballots in the database with their ranking (read and committed at once)."""
    rows = db.execute(
        text("SELECT id, participant_id, neighbourhood_id, age_band, revision FROM ballots")
    ).mappings()
    result = []
    for row in rows.all():
        ranking = db.execute(
            text("SELECT priority_id FROM ballot_items WHERE ballot_id = :id ORDER BY rank"),
            {"id": row["id"]},
        ).scalars()
        result.append({**row, "ranking": list(ranking)})
    db.commit()
    return result


def count_rows(db: Session, table: str) -> int:
    value = db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    db.commit()
    return value


def axe_violations(page, axe) -> list[dict[str, Any]]:
    """WCAG 2.1 A/AA violations axe-core finds on the page as it is now.

    axe-core is injected once per document (through DevTools, so the page's strict
    Content-Security-Policy stays in force for the app itself) and reused for later checks.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe.axe_script)
    violations = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})
                 .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                     targets: v.nodes.slice(0, 5).map(n => n.target)})))""",
        WCAG_TAGS,
    )
    return violations


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def wait_until():
    """Poll a condition (a callable) until it is true, or fail after `timeout` seconds."""
    import time

    def wait(condition, timeout: float = 30.0, message: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {message}")
            time.sleep(0.1)

    return wait
