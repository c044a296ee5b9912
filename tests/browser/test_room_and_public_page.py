# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""What residents read at the end: the thank-you screen says what happens next and links to
the dialogue's public page; the public page shows the released overall ranking only; SDG
numbers with their names as text alternatives. axe on each."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from api.dialogues.models import Dialogue
from tests.browser.conftest import (
    add_priorities,
    axe_violations,
    open_session,
    screen,
    walk_to_rank,
)
from tests.browser.staff_fixtures import (
    staff_page,  # noqa: F401  (fixture)
    staff_world,  # noqa: F401  (fixture)
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_thank_you_screen_says_what_happens_next_and_links_to_the_public_page(page, demo, db, axe):
    dialogue = db.exec(select(Dialogue)).one()
    db.commit()
    open_session(page, demo)
    walk_to_rank(page, demo)
    add_priorities(page, 3)
    # Each priority shows its theme's SDG numbers, named in full for screen readers.
    first = page.locator(".wg-rank-item").first
    assert first.locator(".wg-sdg").count() >= 1
    assert first.locator(".wg-sdg").first.inner_text().startswith("SDG ")
    assert "SDG " in first.locator(".wg-sdgs .wg-visually-hidden").text_content()
    assert ": " in first.locator(".wg-sdgs .wg-visually-hidden").text_content()
    page.click("#wg-next")
    screen(page, "pledge")
    page.click("#wg-pledge-skip")
    screen(page, "thanks")

    steps = page.inner_text("#wg-next-steps")
    assert "Wat gebeurt er nu?" in steps
    assert str(dialogue.ends_on.year) in steps and str(dialogue.ends_on.day) in steps
    assert "Welvaartstad" in steps  # the municipality that answers
    assert "misschien nog niet mee" in steps  # results come in batches
    link = page.locator("#wg-public-page")
    assert link.get_attribute("href") == f"/d/{dialogue.id}?lang=nl"
    assert axe_violations(page, axe) == []

    link.click()
    page.wait_for_selector("#wg-page-title")
    assert page.inner_text("#wg-page-title") == dialogue.title
    # One ballot is far below the minimum group size: no figures, only why.
    page.wait_for_selector("#wg-results-none")
    expect(page.locator("#wg-ranking")).to_have_count(0)
    assert "minstens 10 mensen" in page.inner_text("#wg-results-none")
    assert axe_violations(page, axe) == []


def test_the_public_page_shows_the_released_overall_ranking(staff_page, staff_world, axe):
    world = staff_world
    page = staff_page()
    public = world.api(world.analyst, f"/dialogues/{world.dialogue_id}/public").json()
    total = world.api(world.analyst, f"/dialogues/{world.dialogue_id}/results?groupBy=dialogue")
    (group,) = total.json()["groups"]
    assert public["ballots"] == group["ballots"] and public["ballots"] >= 10
    titles = {p["id"]: p["title"] for p in public["priorities"]}
    expected = [
        titles[p["id"]]
        for p in sorted(group["priorities"], key=lambda p: (p["schulzeRank"], -p["score"]))
    ]

    page.goto(world.url(f"/d/{world.dialogue_id}"))
    page.wait_for_selector("#wg-ranking")
    shown = page.eval_on_selector_all(
        "#wg-ranking .wg-public__title", "ts => ts.map(t => t.textContent)"
    )
    assert shown == expected
    assert f"{group['ballots']} antwoorden" in page.inner_text("#wg-results-count")
    assert "Schulze" in page.inner_text("#wg-order-legend")
    assert axe_violations(page, axe) == []

    page.goto(world.url(f"/d/{world.dialogue_id}?lang=ar"))
    page.wait_for_selector("#wg-ranking")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert axe_violations(page, axe) == []
