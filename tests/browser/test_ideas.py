# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""Ideas in a real browser: the resident's "wat mist er?" step in Dutch, English and Arabic,
and the coordinator's moderation queue driven by the keyboard alone; axe on both.

Screenshots: WG_IDEA_SCREENSHOTS=docs/screenshots pytest tests/browser/test_ideas.py
(resident/{lang}-09d-idea.png and workspace/16-ideas.png).
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from api.core.access import Role
from tests.browser.conftest import (
    add_priorities,
    axe_violations,
    open_session,
    screen,
    walk_to_rank,
)
from tests.browser.staff_fixtures import (  # noqa: F401  (fixtures)
    DESKTOP,
    staff_page,
)
from tests.helpers import PASSWORD, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

SHOTS = os.environ.get("WG_IDEA_SCREENSHOTS")
IDEA = "Een moestuin bij de school. Bel me op 06-12345678 of mail piet@example.nl"
TITLES = {"nl": "Wat mist er?", "en": "What is missing?", "ar": "ما الذي ينقص؟"}
LOCALES = {"nl": "nl-NL", "en": "en-GB", "ar": "ar"}


def shot(page, name: str) -> None:
    if SHOTS:
        path = Path(SHOTS) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)


def stored_ideas(db) -> list[dict]:
    rows = [dict(r) for r in db.execute(text("SELECT text, masked_kinds FROM ideas")).mappings()]
    db.commit()
    return rows


@pytest.mark.parametrize("language", ["nl", "en", "ar"])
def test_a_resident_sends_an_idea_from_the_thank_you_screen_masked_and_accessible(
    new_context, demo, db, axe, wait_until, language
):
    page = new_context(locale=LOCALES[language]).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url))
    open_session(page, demo)
    walk_to_rank(page, demo)
    add_priorities(page, 3)
    assert not any(url.endswith("/idea.js") for url in loaded)  # loaded only when used
    page.click("#wg-next")
    screen(page, "pledge")
    page.click("#wg-pledge-skip")
    screen(page, "thanks")
    page.wait_for_selector("#wg-idea-text")
    assert page.inner_text("#wg-idea-title") == TITLES[language]
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert page.get_attribute("#wg-idea-text", "maxlength") == "280"
    counter = page.locator("#wg-idea-text + p, .wg-counter").last
    assert "280" in counter.inner_text()
    # An empty idea is explained, not sent.
    page.focus("#wg-idea-send")
    page.keyboard.press("Enter")
    page.wait_for_selector("#wg-idea-text-error")
    assert page.get_attribute("#wg-idea-text", "aria-invalid") == "true"
    page.focus("#wg-idea-text")
    page.keyboard.type(IDEA)
    expect(page.locator("#wg-idea-text-error")).to_have_count(0)  # typing again clears the error
    assert page.get_attribute("#wg-idea-text", "aria-invalid") is None
    assert str(280 - len(IDEA)) in counter.inner_text()
    describedby = page.get_attribute("#wg-idea-text", "aria-describedby").split()
    assert counter.get_attribute("id") in describedby
    shot(page, f"resident/{language}-09d-idea.png")
    assert axe_violations(page, axe) == []
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#wg-idea-sent .wg-sent--ok")
    page.wait_for_function("() => document.getElementById('wg-announcer').textContent.length > 0")
    [idea] = wait_until(lambda: stored_ideas(db))
    assert idea["text"] == "Een moestuin bij de school. Bel me op [phone] of mail [email]"
    assert "06-12345678" not in json.dumps(idea)
    assert page.input_value("#wg-idea-text") == ""
    assert axe_violations(page, axe) == []
    assert not errors, errors


def send_ideas(base: str, texts: list[str]) -> None:
    for idea in texts:
        check_in = httpx.post(f"{base}/api/v1/check-ins", json={"joinCode": "WVSTAD"}).json()
        response = httpx.post(
            f"{base}/api/v1/sessions/{check_in['session']['id']}/ideas",
            json={"text": idea},
            headers={"Authorization": f"Bearer {check_in['participantToken']}"},
        )
        assert response.status_code == 201, response.text


def focused(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; return (e.closest('[data-idea]') ? "
        "e.closest('[data-idea]').querySelector('h2').textContent + ' / ' : '') + "
        "(e.getAttribute('aria-label') || e.textContent.trim()); }"
    )


def tab_to(page, description: str, limit: int = 30) -> None:
    """Press Tab until the focused element's text or label starts with `description`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if description in focused(page):
            return
    raise AssertionError(f"Tab never reached {description!r}; last: {focused(page)!r}")


def test_the_moderation_queue_is_worked_through_with_the_keyboard_alone(staff_page, demo, db, axe):
    email = make_staff(db, role=Role.COORDINATOR, municipalities=["GM9999"])
    db.commit()
    send_ideas(demo.base_url, [IDEA, "Meer bankjes in het park", "Iets onaardigs"])
    token = httpx.post(
        f"{demo.base_url}/api/v1/auth/token", data={"username": email, "password": PASSWORD}
    ).json()["access_token"]
    today = date.today()
    draft = httpx.post(
        f"{demo.base_url}/api/v1/dialogues",
        json={
            "municipality": "GM9999",
            "title": "Brede welvaart Welvaartstad 2028",
            "startsOn": str(today + timedelta(days=200)),
            "endsOn": str(today + timedelta(days=230)),
            "priorities": [
                {"title": "Groen", "themeKey": "milieu"},
                {"title": "Wonen", "themeKey": "wonen"},
            ],
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert draft.status_code == 201, draft.text
    dialogue_id = httpx.get(
        f"{demo.base_url}/api/v1/sessions/{demo.session_id}",
        headers={"Authorization": f"Bearer {token}"},
    ).json()["dialogueId"]

    page = staff_page(viewport=DESKTOP)
    page.goto(f"{demo.base_url}/workspace/#/dialogues/{dialogue_id}/ideas")
    page.wait_for_selector("input[name=username]")
    page.focus("input[name=username]")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#wg-ideas")
    cards = page.locator("#wg-ideas > li")
    expect(cards).to_have_count(3)
    masked = page.locator("#wg-ideas > li:has(mark.wg-masked) mark.wg-masked")
    assert masked.all_inner_texts() == ["[telefoonnummer verborgen]", "[e-mailadres verborgen]"]
    queue = page.locator("#wg-ideas .wg-idea__text").all_inner_texts()  # in the page's order
    assert "06-12345678" not in page.content()
    shot(page, "workspace/16-ideas.png")
    assert axe_violations(page, axe) == []

    # Idea 1: a theme chosen with the arrow keys, then approved.
    tab_to(page, "Thema van Idee 1")
    page.keyboard.press("ArrowDown")
    tab_to(page, "Goedkeuren")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#wg-ideas > li').length === 2")
    assert focused(page).startswith("Idee 2")
    page.wait_for_function(
        "() => document.getElementById('wg-announcer').textContent === 'Idee 1 is goedgekeurd.'"
    )
    # Idea 2 approved, idea 3 rejected: focus moves on each time.
    tab_to(page, "Goedkeuren")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#wg-ideas > li').length === 1")
    assert focused(page).startswith("Idee 3")
    tab_to(page, "Afwijzen")
    page.keyboard.press("Enter")
    page.wait_for_selector("#wg-ideas-none:focus")
    page.wait_for_function(
        "() => document.getElementById('wg-announcer').textContent === 'Idee 3 is afgewezen.'"
    )
    assert axe_violations(page, axe) == []

    # The approved ones, by the filter link; the first becomes a priority of the draft.
    page.focus("#wg-ideas-none")
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.dataset.filter") == "approved":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("#wg-ideas > li >> nth=1")
    assert page.locator("a[data-filter='approved']").get_attribute("aria-current") == "page"
    tab_to(page, "Maak van Idee 1 een prioriteit")
    page.keyboard.press("Enter")
    page.wait_for_selector(".wg-idea__done:focus")
    made = page.locator("#wg-ideas > li").nth(0).locator(".wg-idea__text").inner_text()
    assert made in queue[:2]
    assert axe_violations(page, axe) == []
    priorities = httpx.get(
        f"{demo.base_url}/api/v1/dialogues/{draft.json()['id']}",
        headers={"Authorization": f"Bearer {token}"},
    ).json()["priorities"]
    stored = {row[0] for row in db.execute(text("SELECT text FROM ideas")).all()}
    db.commit()
    assert priorities[-1]["description"] in stored
    audit = (
        db.execute(text("SELECT action FROM audit_events WHERE object_type = 'idea' ORDER BY id"))
        .scalars()
        .all()
    )
    db.commit()
    assert audit == ["idea.approved", "idea.approved", "idea.rejected", "idea.priority"]
