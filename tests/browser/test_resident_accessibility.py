"""axe-core on every screen of the resident app, in Dutch, English and Arabic (right to left):
no WCAG 2.1 A or AA violation anywhere — with errors showing, menus open and results shown."""

import json

import pytest

from tests.browser.conftest import add_priorities, axe_violations, screen, wait_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def results_body(demo, *, suppressed: bool = False) -> dict:
    """A results answer as issue 4 specifies it (GET /sessions/{id}/results)."""
    ids = sorted(demo.priorities)
    return {
        "dialogueId": 1,
        "groupBy": "session",
        "minGroupSize": 10,
        "groups": [
            {
                "key": str(demo.session_id),
                "label": "Inloopavond in de bibliotheek",
                "ballots": 4 if suppressed else 42,
                "suppressed": suppressed,
                "priorities": []
                if suppressed
                else [
                    {
                        "id": pid,
                        "score": 0.9 - i * 0.07,
                        "scoreLow": 0.8 - i * 0.07,
                        "scoreHigh": 0.95 - i * 0.07,
                        "firstChoiceShare": 0.3 - i * 0.02,
                        "topThreeShare": 0.7 - i * 0.06,
                        "meanRank": 2.0 + i,
                        "schulzeRank": i + 1,
                    }
                    for i, pid in enumerate(ids)
                ],
            }
        ],
    }


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB", "ar"])
def test_no_wcag_violations_on_any_screen(new_context, demo, axe, locale):
    context = new_context(locale=locale)
    page = context.new_page()
    page.route(
        "**/api/v1/sessions/*/results",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(results_body(demo))
        ),
    )
    found: dict[str, list] = {}

    def check(name: str) -> None:
        violations = axe_violations(page, axe)
        if violations:
            found[name] = violations

    page.goto(demo.url("/c"))
    wait_ready(page)
    screen(page, "join")
    check("join")
    page.click("#wg-join-submit")
    page.wait_for_selector("#wg-join-error")
    check("join with an error")

    page.goto(demo.url("/c/ZZZZZZ"))
    wait_ready(page)
    page.wait_for_selector("#wg-join-error")
    check("unknown code")

    page.goto(demo.join_url + "?tablet=1")  # a shared tablet: its last screen has more on it
    wait_ready(page)
    screen(page, "welcome")
    check("welcome")
    page.click("#wg-language summary")
    check("language menu open")
    page.keyboard.press("Escape")
    page.click("#wg-start")
    screen(page, "language")
    check("language")
    page.click("#wg-next")
    screen(page, "neighbourhood")
    check("neighbourhood")
    page.fill("input[type=search]", "zzz")
    check("neighbourhood, nothing found")
    page.fill("input[type=search]", "")
    page.locator("#wg-nbh-options fieldset .wg-choice").first.click()
    page.click("#wg-next")
    screen(page, "age")
    page.locator(".wg-choice").nth(2).click()
    check("age")
    page.click("#wg-next")
    screen(page, "rank")
    check("ranking, empty")
    page.click("#wg-next")
    page.wait_for_selector("#wg-rank-error [role=alert]")
    check("ranking, nothing chosen")
    add_priorities(page, 3)
    check("ranking, three chosen")
    page.click("#wg-next")
    screen(page, "pledge")
    check("pledge")
    page.click("#wg-pledge-submit")
    page.wait_for_selector("#wg-pledge-error-summary")
    check("pledge with errors")
    page.locator("input[name='wg-pledge-kind']").first.check()
    page.fill("#wg-pledge-hours", "99")
    page.click("label.wg-choice:has(input[name='wg-pledge-consent'])")
    page.click("#wg-pledge-submit")
    page.wait_for_selector("#wg-pledge-contact-error")
    check("pledge with consent and errors")
    page.fill("#wg-pledge-hours", "3")
    page.fill("#wg-pledge-contact", "06 12345678")
    page.click("#wg-pledge-submit")
    screen(page, "thanks")
    page.wait_for_selector(".wg-sent--ok")
    page.wait_for_selector("#wg-results")
    check("thank you, with results")

    context.set_offline(True)
    page.click("#wg-change")
    screen(page, "rank")
    page.locator(
        ".wg-rank-item button[aria-label^='Omlaag'], .wg-rank-item button[aria-label^='Move down'], .wg-rank-item button[aria-label^='إلى الأسفل']"
    ).first.click()
    page.click("#wg-next")
    screen(page, "pledge")
    page.wait_for_selector("#wg-status .wg-alert--info")
    check("saved on the phone, offline")
    page.click("#wg-pledge-skip")
    screen(page, "thanks")
    page.wait_for_selector(".wg-sent--waiting")
    check("thank you, waiting to send")
    context.set_offline(False)

    page.click("#wg-link-privacy")
    screen(page, "privacy")
    check("privacy statement")
    page.click("#wg-statement-close")
    page.click("#wg-link-accessibility")
    screen(page, "accessibility")
    check("accessibility statement")

    # A check-in without internet.
    page = new_context(locale=locale).new_page()
    page.route("**/api/v1/check-ins", lambda route: route.abort("internetdisconnected"))
    page.goto(demo.join_url)
    wait_ready(page)
    page.wait_for_selector("#wg-retry")
    check("check-in without internet")

    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
