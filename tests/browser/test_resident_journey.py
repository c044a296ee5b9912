"""The resident journey in a real browser: from the QR address to the thank-you screen."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.conftest import (
    add_priorities,
    ballots,
    count_rows,
    local_storage,
    open_session,
    ranked_titles,
    screen,
    wait_ready,
    walk_to_rank,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_whole_journey_reaches_the_api(new_context, demo, db):
    # As on a phone: with the service worker running (it serves the app shell from its cache).
    page = new_context(service_workers="allow").new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_session(page, demo)
    assert page.locator("h1").inner_text() == "Praat mee over Welvaartstad"
    assert "Bibliotheek Welvaartstad" in page.inner_text("#wg-content")

    walk_to_rank(page, demo, neighbourhood="Bloemenbuurt", age="25-44")
    chosen = add_priorities(page, 3)
    # Move the third one up: the list order is what is sent.
    page.locator(".wg-rank-item").nth(2).locator("button[aria-label^='Omhoog']").click()
    chosen = ranked_titles(page)
    page.click("#wg-next")
    screen(page, "pledge")

    page.click("label.wg-choice:has(input[value='skill'])")
    page.fill("#wg-pledge-hours", "2,5")
    page.select_option("#wg-pledge-priority", label=chosen[0])
    page.fill("#wg-pledge-text", "Ik geef computerles in de bibliotheek.")
    assert page.locator("#wg-pledge-contact").is_hidden()  # contact only after consent
    page.click("label.wg-choice:has(input[name='wg-pledge-consent'])")
    page.fill("#wg-pledge-contact", "inwoner@example.org")
    page.click("#wg-pledge-submit")

    screen(page, "thanks")
    page.wait_for_function(
        "() => document.querySelectorAll('#wg-sent-status .wg-sent--ok').length === 2"
    )
    assert page.locator("#wg-sent-status").inner_text().count("Ontvangen") == 2
    # The results endpoint is not there yet (or too few took part): say so plainly.
    page.wait_for_selector("text=De uitkomst zie je als minstens 10 mensen hebben meegedaan")

    [ballot] = ballots(db)
    titles = {v: k for k, v in demo.priorities.items()}
    assert ballot["ranking"] == [titles[t] for t in chosen]
    assert ballot["age_band"] == "25-44"
    assert ballot["revision"] == 1
    code = db.execute(
        text("SELECT code FROM neighbourhoods WHERE id = :id"), {"id": ballot["neighbourhood_id"]}
    ).scalar_one()
    pledges = db.execute(text("SELECT count(*) FROM pledges")).scalar_one()
    offer = (
        db.execute(
            text("SELECT kind, hours_per_month, priority_id, text, contact FROM contact_offers")
        )
        .mappings()
        .one()
    )
    db.commit()
    assert code == "BU99990201"
    assert pledges == 0, "a pledge with contact details is kept as a contact offer only"
    assert offer["kind"] == "skill"
    assert float(offer["hours_per_month"]) == 2.5
    assert offer["priority_id"] == titles[chosen[0]]
    assert offer["text"] == "Ik geef computerles in de bibliotheek."
    assert offer["contact"] == "inwoner@example.org"

    # Only our own server was asked for anything, and nothing set a cookie.
    assert all(url.startswith(demo.base_url) for url in requests), requests
    assert page.context.cookies() == []
    # After sending, the outbox keeps receipts only: no token, no answers.
    stored = local_storage(page)
    assert "inwoner@example.org" not in str(
        page.evaluate("() => JSON.stringify(Object.values(localStorage))")
    )
    assert any(key.startswith("wg:journey:") for key in stored)


def test_reload_mid_journey_keeps_the_answers(page, demo, db):
    open_session(page, demo)
    walk_to_rank(page, demo, neighbourhood="Parkwijk", age="65+")
    chosen = add_priorities(page, 2)
    page.reload()
    wait_ready(page)
    screen(page, "rank")
    assert ranked_titles(page) == chosen

    page.click("#wg-back")
    screen(page, "age")
    assert page.locator("input[value='65+']").is_checked()
    page.click("#wg-back")
    screen(page, "neighbourhood")
    assert page.locator("label.wg-choice:has-text('Parkwijk') input").is_checked()

    # A half-written pledge survives a reload too (the phone locked, the tab was closed).
    page.click("#wg-next")
    page.click("#wg-next")
    page.click("#wg-next")
    screen(page, "pledge")
    page.fill("#wg-pledge-text", "Half af")
    page.reload()
    wait_ready(page)
    screen(page, "pledge")
    assert page.input_value("#wg-pledge-text") == "Half af"
    # One check-in for the whole visit: reloading never made a second participant.
    assert count_rows(db, "participants") == 1


def test_language_follows_the_phone_and_can_be_switched_on_every_screen(new_context, demo):
    context = new_context(locale="en-GB")
    page = context.new_page()
    open_session(page, demo)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text() == "Have your say about Welvaartstad"

    # The header's language menu, on the welcome screen.
    page.click("#wg-language summary")
    page.click("#wg-language button[lang='ar']")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.locator("h1").inner_text() == "شارك برأيك عن Welvaartstad"
    # The priorities stay marked as Dutch for screen readers.
    page.click("#wg-start")
    screen(page, "language")
    page.click("button[data-lang='nl']")  # choosing a language goes on to the next step
    screen(page, "neighbourhood")
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.click("#wg-next")
    page.click("#wg-next")
    screen(page, "rank")
    page.click("#wg-language summary")
    page.click("#wg-language button[lang='en']")
    page.wait_for_selector("text=What matters most to you?")
    assert page.locator(".wg-priority__title").first.get_attribute("lang") == "nl"
    page.reload()
    wait_ready(page)
    assert page.evaluate("document.documentElement.lang") == "en"  # remembered


def test_read_aloud_button_on_every_screen(new_context, demo):
    context = new_context()
    # Record what would be spoken (headless Chromium has no voices).
    context.add_init_script(
        "window.__spoken = []; if (window.speechSynthesis) {"
        " window.speechSynthesis.speak = (u) => { window.__spoken.push(u.text);"
        " setTimeout(() => u.onend && u.onend(), 10); }; }"
    )
    page = context.new_page()
    open_session(page, demo)
    for step in ["welcome", "language", "neighbourhood", "age", "rank"]:
        screen(page, step)
        assert page.locator("#wg-read-aloud").is_visible(), step
        if step != "rank":
            page.click("#wg-start" if step == "welcome" else "#wg-next")
    page.click("#wg-read-aloud")
    spoken = " ".join(page.evaluate("window.__spoken"))
    assert "Wat vind jij het belangrijkst?" in spoken

    # Where the browser has no speech synthesis, there is no button at all.
    quiet = new_context()
    quiet.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    other = quiet.new_page()
    other.goto(demo.join_url)
    wait_ready(other)
    expect(other.locator("#wg-read-aloud")).to_have_count(0)
    assert other.locator("#wg-language summary").is_visible()


def test_type_the_code_by_hand(page, demo):
    page.goto(demo.url("/c"))
    wait_ready(page)
    screen(page, "join")
    page.fill("#wg-join-code", "zz-zz")
    page.click("#wg-join-submit")
    page.wait_for_url(re.compile(r"/c/ZZZZ"))
    wait_ready(page)
    # An unknown code brings the resident back to the form, with a clear message.
    page.wait_for_selector("#wg-join-error")
    assert "ZZZZ" in page.inner_text("#wg-join-error")
    page.fill("#wg-join-code", " wv-stad ")
    page.click("#wg-join-submit")
    page.wait_for_url(re.compile(r"/c/WVSTAD"))
    wait_ready(page)
    page.wait_for_selector("#wg-start")


def test_privacy_and_accessibility_statements_linked_from_every_screen(page, demo):
    open_session(page, demo)
    page.click("#wg-start")
    screen(page, "language")
    page.click("#wg-link-privacy")
    screen(page, "privacy")
    body = page.inner_text("#wg-content")
    assert "minstens 10 mensen" in body  # the municipality's minimum group size
    assert "na 90 dagen" in body
    page.click("#wg-statement-close")
    screen(page, "language")
    page.click("#wg-link-accessibility")
    screen(page, "accessibility")
    assert "WCAG 2.1" in page.inner_text("#wg-content")
    page.go_back()
    screen(page, "language")


def test_drag_to_reorder(page, demo):
    open_session(page, demo)
    walk_to_rank(page, demo)
    chosen = add_priorities(page, 3)
    page.locator(".wg-rank-item").nth(0).evaluate("e => e.scrollIntoView()")
    handle = page.locator(".wg-rank-item").nth(1).locator(".wg-rank-handle")
    target = page.locator(".wg-rank-item").nth(0)
    handle_box, target_box = handle.bounding_box(), target.bounding_box()
    page.mouse.move(handle_box["x"] + 20, handle_box["y"] + 20)
    page.mouse.down()
    steps = 12
    for i in range(1, steps + 1):
        y = handle_box["y"] + 20 + (target_box["y"] + 10 - handle_box["y"] - 20) * i / steps
        page.mouse.move(handle_box["x"] + 20, y)
    page.mouse.up()
    assert ranked_titles(page) == [chosen[1], chosen[0], chosen[2]]
    page.wait_for_function(
        "t => document.getElementById('wg-announcer').textContent.includes(t)",
        arg=f"{chosen[1]} staat nu op nummer 1 van 3",
    )


def test_touch_targets_are_at_least_44_pixels(page, demo):
    open_session(page, demo)
    walk_to_rank(page, demo)
    add_priorities(page, 3)
    small = page.evaluate(
        """() => [...document.querySelectorAll(
              'button, summary, .wg-choice, input:not([type=radio]):not([type=checkbox]), select, .wg-footer a')]
            .filter(e => e.offsetParent !== null)
            .map(e => ({t: e.textContent.trim().slice(0, 30), w: e.getBoundingClientRect().width,
                        h: e.getBoundingClientRect().height}))
            .filter(r => r.w < 44 || r.h < 44)"""
    )
    assert small == []


@pytest.mark.parametrize(
    ("status", "suppressed", "shown"),
    [(404, False, False), (200, True, False), (200, False, True)],
    ids=["no-endpoint-yet", "too-few-people", "enough-people"],
)
def test_results_only_when_enough_people_took_part(page, demo, status, suppressed, shown):
    import json

    from tests.browser.test_resident_accessibility import results_body

    page.route(
        "**/api/v1/sessions/*/results",
        lambda route: route.fulfill(
            status=status,
            content_type="application/json" if status == 200 else "application/problem+json",
            body=json.dumps(
                results_body(demo, suppressed=suppressed)
                if status == 200
                else {"type": "about:blank", "title": "Not found", "status": 404, "detail": "-"}
            ),
        ),
    )
    open_session(page, demo)
    walk_to_rank(page, demo)
    add_priorities(page, 1)
    page.click("#wg-next")
    screen(page, "pledge")
    page.click("#wg-pledge-skip")
    screen(page, "thanks")
    if shown:
        page.wait_for_selector("#wg-results")
        rows = page.locator(".wg-results__title").all_inner_texts()
        assert rows == [demo.priorities[pid] for pid in sorted(demo.priorities)]
        assert page.locator(".wg-results__share").first.inner_text() == (
            "70% van de mensen heeft dit in hun top 3"
        )
        assert "42 mensen deden mee." in page.inner_text("#wg-results-area")
    else:
        page.wait_for_selector(
            "text=De uitkomst zie je als minstens 10 mensen hebben meegedaan. "
            "Zo blijft ieders keuze geheim."
        )
        expect(page.locator("#wg-results")).to_have_count(0)
