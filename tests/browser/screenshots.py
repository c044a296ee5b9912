"""Screenshots of every screen of the resident app, for docs/screenshots/resident/.

    .venv/bin/python -m tests.browser.screenshots            (or: python tests/browser/screenshots.py)
    options: --out DIR (default docs/screenshots/resident)

Starts the app on 127.0.0.1 with a fresh SQLite database and the demo world (join code
WVSTAD), walks the journey in Debian's Chromium on a 375×667 phone, and saves full-page PNGs:
every screen in Dutch, the main ones in English and Arabic (right to left), and the states
that matter — saved on the phone while offline, a refused answer, a shared tablet's last
screen, the statements. The results endpoint of issue 4 may not exist yet; one screenshot
shows the thank-you screen with example results in that endpoint's format (marked
"example-results" in its name), the others show what residents see today.
"""

import argparse
import json
import secrets
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser.conftest import PHONE  # noqa: E402
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, free_port, served  # noqa: E402

OUT = ROOT / "docs" / "screenshots" / "resident"
# (name, kind, offer) of an organisation's pledge, as someone would type them in each language.
ORGANISATION = {
    "nl": ("Buurtvereniging De Linde", "vereniging", "Onze zaal is op dinsdagavond vrij."),
    "en": (
        "Linden Tree Residents' Association",
        "association",
        "Our hall is free on Tuesday evenings.",
    ),
    "ar": ("جمعية حي الزيزفون", "جمعية", "قاعتنا متاحة مساء كل ثلاثاء."),
}


@contextmanager
def demo_server():
    """The app with the demo world on a free port: yields (base_url, engine)."""

    from api.core.config import Settings
    from api.core.db import create_db_engine, open_session
    from api.core.migrations import upgrade_to_head
    from api.demo.service import load_demo
    from api.main import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'screenshots.db'}"
        upgrade_to_head(url)
        engine = create_db_engine(url)
        with open_session(engine, write=False) as db:
            load_demo(db)
            db.commit()
        port = free_port()
        settings = Settings(
            database_url=url,
            secret_key=secrets.token_urlsafe(48),
            data_dir=Path(tmp),
            public_url=f"http://127.0.0.1:{port}",
        )
        try:
            with served(create_app(settings, engine=engine), port=port) as base_url:
                yield base_url, engine
        finally:
            engine.dispose()


def example_results(session_id: int, priority_ids: list[int]) -> dict:
    """Results in the format of GET /sessions/{id}/results (issue 4), for one screenshot."""
    shares = [0.71, 0.58, 0.52, 0.44, 0.33, 0.29, 0.21, 0.17, 0.12, 0.08]
    return {
        "dialogueId": 1,
        "groupBy": "session",
        "minGroupSize": 10,
        "groups": [
            {
                "key": str(session_id),
                "label": "Inloopavond in de bibliotheek",
                "ballots": 42,
                "suppressed": False,
                "priorities": [
                    {
                        "id": pid,
                        "score": 0.9 - i * 0.08,
                        "scoreLow": 0.85 - i * 0.08,
                        "scoreHigh": 0.95 - i * 0.08,
                        "firstChoiceShare": shares[i] / 2,
                        "topThreeShare": shares[i],
                        "meanRank": 2 + i,
                        "schulzeRank": i + 1,
                    }
                    for i, pid in enumerate(priority_ids[: len(shares)])
                ],
            }
        ],
    }


class Shooter:
    def __init__(self, browser, base_url: str, out: Path) -> None:
        self.browser = browser
        self.base_url = base_url
        self.out = out
        self.saved: list[str] = []

    def page(self, locale: str, **options):
        context = self.browser.new_context(
            viewport=PHONE, locale=locale, service_workers="block", **options
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def shot(self, page, name: str) -> None:
        page.wait_for_timeout(150)  # let the live region and focus settle
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        path = self.out / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        self.saved.append(path.name)
        print(f"  {path.relative_to(ROOT)}")

    def open(self, page, path: str = "/c/WVSTAD") -> None:
        page.goto(self.base_url + path)
        page.wait_for_selector("html[data-wg-ready]")

    def to_rank(self, page, *, neighbourhood: str | None, age: int | None) -> None:
        page.click("#wg-start")
        page.wait_for_selector("#wg-h1-language")
        page.click("#wg-next")
        page.wait_for_selector("#wg-h1-neighbourhood")
        if neighbourhood:
            page.click(f"label.wg-choice:has-text('{neighbourhood}')")
        page.click("#wg-next")
        page.wait_for_selector("#wg-h1-age")
        if age is not None:
            page.locator(".wg-choice").nth(age).click()
        page.click("#wg-next")
        page.wait_for_selector("#wg-h1-rank")

    def add(self, page, count: int) -> None:
        for _ in range(count):
            page.locator(".wg-pool-add").first.click()

    def past_about_you(self, page) -> None:
        """From the ranking to the pledge, skipping the optional "about you" step (which is
        passed by itself when it cannot load: offline before it was ever used)."""
        page.click("#wg-next")
        page.wait_for_selector("#wg-h1-about-you, #wg-h1-pledge")
        if page.locator("#wg-h1-about-you").count():
            page.click("#wg-next")
        page.wait_for_selector("#wg-h1-pledge")


def journey(s: Shooter, lang: str, locale: str, names: set[str], results: dict | None) -> None:
    """Walk the journey in one language, saving the screens named in `names`."""
    page = s.page(locale)
    if results:
        page.route(
            "**/api/v1/sessions/*/results",
            lambda route: route.fulfill(
                status=200, content_type="application/json", body=json.dumps(results)
            ),
        )

    def shot(name: str) -> None:
        if name in names:
            s.shot(page, f"{lang}-{name}")

    s.open(page, "/c")
    shot("01-type-the-code")
    s.open(page)
    shot("02-welcome")
    if "02b-language-menu" in names:
        page.click("#wg-language summary")
        shot("02b-language-menu")
        page.keyboard.press("Escape")
    page.click("#wg-start")
    page.wait_for_selector("#wg-h1-language")
    shot("03-language")
    page.click("#wg-next")
    page.wait_for_selector("#wg-h1-neighbourhood")
    shot("04-neighbourhood")
    if "04b-neighbourhood-search" in names:
        page.fill("#wg-nbh-search", "kwartier")
        page.wait_for_timeout(700)
        shot("04b-neighbourhood-search")
        page.fill("#wg-nbh-search", "")
    page.locator("#wg-nbh-options fieldset .wg-choice").nth(2).click()
    page.click("#wg-next")
    page.wait_for_selector("#wg-h1-age")
    page.locator(".wg-choice").nth(3).click()
    shot("05-age")
    page.click("#wg-next")
    page.wait_for_selector("#wg-h1-rank")
    shot("06-rank-empty")
    s.add(page, 3)
    page.locator(".wg-rank-item").nth(2).locator(".wg-rank-item__controls button").nth(1).click()
    shot("07-rank-top-three")
    s.past_about_you(page)
    shot("08-pledge")
    if "08b-pledge-errors" in names:
        page.click("#wg-pledge-submit")
        page.wait_for_selector("#wg-pledge-error-summary")
        shot("08b-pledge-errors")
    page.locator("input[name='wg-pledge-kind']").nth(1).check()
    page.fill("#wg-pledge-hours", "4")
    page.select_option("#wg-pledge-priority", index=1)
    page.fill(
        "#wg-pledge-text",
        "Ik geef graag les op de computer, bijvoorbeeld op woensdagmiddag in de bibliotheek.",
    )
    page.click("label.wg-choice:has(input[name='wg-pledge-consent'])")
    page.fill("#wg-pledge-contact", "inwoner@example.org")
    shot("08c-pledge-filled")
    page.click("#wg-pledge-submit")
    page.wait_for_selector("#wg-h1-thanks")
    page.wait_for_function(
        "() => document.querySelectorAll('#wg-sent-status .wg-sent--ok').length === 2"
    )
    page.wait_for_selector("#wg-results" if results else "#wg-results-refresh")
    shot("09-thanks-example-results" if results else "09-thanks")
    page.click("#wg-link-privacy")
    page.wait_for_selector("#wg-h1-privacy")
    shot("10-privacy")
    page.click("#wg-statement-close")
    page.click("#wg-link-accessibility")
    page.wait_for_selector("#wg-h1-accessibility")
    shot("11-accessibility")
    page.context.close()


def organisation(s: Shooter, lang: str, locale: str) -> None:
    """The "about you" step answered for an organisation, and the pledge that names it."""
    page = s.page(locale)
    s.open(page)
    s.to_rank(page, neighbourhood=None, age=None)
    s.add(page, 3)
    page.click("#wg-next")
    page.wait_for_selector("#wg-h1-about-you")
    page.locator(
        "label.wg-choice:has(input[name='wg-participant-type'][value='organisation'])"
    ).click()
    page.locator("label.wg-choice:has(input[name='wg-life'][value='7'])").click()
    s.shot(page, f"{lang}-07b-about-you")
    page.click("#wg-next")
    page.wait_for_selector("#wg-pledge-organisation")
    page.locator("input[name='wg-pledge-kind'][value='space']").check()
    page.fill("#wg-pledge-organisation", ORGANISATION[lang][0])
    page.fill("#wg-pledge-organisation-kind", ORGANISATION[lang][1])
    page.fill("#wg-pledge-text", ORGANISATION[lang][2])
    s.shot(page, f"{lang}-08d-pledge-organisation")
    page.context.close()


def states(s: Shooter, engine) -> None:
    """Offline, refused, and the shared tablet (Dutch)."""
    from sqlmodel import Session

    from api.core.access import SYSTEM
    from api.sessions import service as sessions
    from api.sessions.models import DialogueSession, SessionStatus
    from api.sessions.schemas import SessionUpdate

    # Saved on the phone: the connection drops before sending.
    page = s.page("nl-NL")
    s.open(page)
    s.to_rank(page, neighbourhood=None, age=None)
    s.add(page, 2)
    page.context.set_offline(True)
    s.past_about_you(page)
    page.click("#wg-pledge-skip")
    page.wait_for_selector(".wg-sent--waiting")
    s.shot(page, "nl-12-saved-on-the-phone-offline")
    page.context.set_offline(False)
    page.wait_for_selector(".wg-sent--ok")
    page.context.close()

    # Shared tablet: the last screen before the next person.
    page = s.page("nl-NL")
    s.open(page, "/c/WVSTAD?tablet=1")
    s.to_rank(page, neighbourhood=None, age=None)
    s.add(page, 3)
    s.past_about_you(page)
    page.click("#wg-pledge-skip")
    page.wait_for_selector(".wg-sent--ok")
    page.wait_for_selector(".wg-countdown")
    s.shot(page, "nl-13-tablet-next-person")
    page.context.close()

    # A refused answer (4xx): the session was closed before the ranking was sent.
    page = s.page("nl-NL")
    s.open(page)
    s.to_rank(page, neighbourhood=None, age=None)
    s.add(page, 3)
    with Session(engine) as db:
        row = db.get(DialogueSession, 1)
        sessions.update_session(
            db, row=row, changes=SessionUpdate(status=SessionStatus.CLOSED), actor=SYSTEM
        )
        db.commit()
    page.click("#wg-next")  # refused as too late: a plain message, not the next step
    page.wait_for_selector("#wg-h1-closed")
    s.shot(page, "nl-14-refused-session-closed")
    page.context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    from api.demo.service import DEMO_JOIN_CODE  # noqa: F401  (the code the walks use)

    everything = {
        "01-type-the-code",
        "02-welcome",
        "02b-language-menu",
        "03-language",
        "04-neighbourhood",
        "04b-neighbourhood-search",
        "05-age",
        "06-rank-empty",
        "07-rank-top-three",
        "08-pledge",
        "08b-pledge-errors",
        "08c-pledge-filled",
        "09-thanks",
        "10-privacy",
        "11-accessibility",
    }
    some = {"02-welcome", "07-rank-top-three", "08c-pledge-filled", "09-thanks", "10-privacy"}
    with demo_server() as (base_url, engine), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        shooter = Shooter(browser, base_url, args.out)
        print(f"Writing screenshots to {args.out}")
        journey(shooter, "nl", "nl-NL", everything, None)
        journey(shooter, "en", "en-GB", some, None)
        journey(shooter, "ar", "ar", some | {"03-language"}, None)
        for lang, locale in (("nl", "nl-NL"), ("en", "en-GB"), ("ar", "ar")):
            organisation(shooter, lang, locale)
        ids = list(range(1, 11))
        journey(shooter, "nl", "nl-NL", {"09-thanks-example-results"}, example_results(1, ids))
        states(shooter, engine)
        browser.close()
    print(f"{len(shooter.saved)} screenshots")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
