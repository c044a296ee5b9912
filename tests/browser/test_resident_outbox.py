"""The outbox and offline use: nothing acknowledged is lost, nothing is counted twice, a 4xx is
shown and never retried, the app opens without a connection, and a shared tablet forgets."""

import json

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from api.core.access import SYSTEM
from api.sessions import service as sessions
from api.sessions.models import DialogueSession, SessionStatus
from api.sessions.schemas import SessionUpdate
from tests.browser.conftest import (
    add_priorities,
    ballots,
    count_rows,
    local_storage,
    open_session,
    outbox_items,
    outbox_settled,
    screen,
    wait_ready,
    walk_to_rank,
)
from tests.browser.test_pwa_files import _sw_shell as sw_shell

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def cached_paths(page) -> set[str]:
    """The paths in the service worker's caches."""
    return set(
        page.evaluate(
            "() => caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))"
            ".then(lists => lists.flat().map(r => new URL(r.url).pathname))"
        )
    )


def answer_after_the_worker(page, route) -> None:
    """Let a request through once the page's service worker is active."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    route.continue_()


def _sent_states(page) -> list[str]:
    return [item["state"] for item in outbox_items(page)]


def test_network_cut_before_submitting_still_yields_exactly_one_ballot(
    new_context, demo, db, wait_until
):
    context = new_context(service_workers="allow")
    page = context.new_page()
    open_session(page, demo)
    walk_to_rank(page, demo, age="12-17")
    chosen = add_priorities(page, 3)

    context.set_offline(True)
    page.click("#wg-next")
    screen(page, "pledge")
    page.wait_for_selector("#wg-status >> text=1 antwoord is bewaard op je telefoon")
    [item] = outbox_items(page)
    assert item["state"] == "pending" and item["kind"] == "ballot"
    assert item["body"]["ranking"] and item["token"]  # kept on the phone until received
    page.click("#wg-pledge-skip")
    screen(page, "thanks")
    page.wait_for_selector(".wg-sent--waiting >> text=Bewaard op je telefoon")
    # The app keeps trying while offline (a second attempt, after its back-off); nothing
    # reaches the server.
    wait_until(lambda: outbox_items(page)[0]["attempts"] >= 2, message="a second attempt to send")
    assert ballots(db) == []

    context.set_offline(False)
    page.wait_for_selector(".wg-sent--ok >> text=Ontvangen", timeout=30_000)
    [ballot] = ballots(db)
    titles = {v: k for k, v in demo.priorities.items()}
    assert ballot["ranking"] == [titles[t] for t in chosen]
    assert ballot["age_band"] == "12-17"
    assert ballot["revision"] == 1
    [receipt] = outbox_items(page)
    assert receipt["state"] == "sent" and receipt["token"] is None and receipt["body"] is None
    assert page.locator("#wg-status").inner_text() == ""


def test_a_lost_response_is_retried_with_the_same_key_and_counted_once(page, demo, db):
    keys: list[str] = []
    replayed: list[str | None] = []

    def lose_first_response(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server stores the ballot ...
            route.abort("connectionreset")  # ... but the phone never hears back
        else:
            route.continue_()

    page.route("**/api/v1/sessions/*/ballot", lose_first_response)
    page.on(
        "response",
        lambda r: (
            r.url.endswith("/ballot") and replayed.append(r.headers.get("idempotent-replayed"))
        ),
    )
    open_session(page, demo)
    walk_to_rank(page, demo)
    add_priorities(page, 3)
    page.click("#wg-next")
    screen(page, "pledge")
    page.click("#wg-pledge-skip")
    screen(page, "thanks")
    page.wait_for_selector(".wg-sent--ok >> text=Ontvangen", timeout=30_000)

    assert len(keys) == 2 and keys[0] == keys[1]  # one Idempotency-Key, sent twice
    assert replayed == ["true"]  # the server answered the retry with the stored first result
    [ballot] = ballots(db)
    assert ballot["revision"] == 1


def test_a_4xx_is_shown_as_a_message_and_not_retried(new_context, demo, db: Session):
    context = new_context()
    page = context.new_page()
    attempts: list[str] = []
    page.on("request", lambda r: r.url.endswith("/ballot") and attempts.append(r.method))
    open_session(page, demo)
    walk_to_rank(page, demo)
    add_priorities(page, 2)

    # The facilitator closes the session while the resident is still choosing.
    row = db.get(DialogueSession, demo.session_id)
    sessions.update_session(
        db, row=row, changes=SessionUpdate(status=SessionStatus.CLOSED), actor=SYSTEM
    )
    db.commit()

    # Refused as too late: a plain message in the resident's language, not the pledge step.
    page.click("#wg-next")
    screen(page, "closed")
    assert page.inner_text("#wg-h1-closed") == "Dit gesprek was al gesloten"
    assert "tellen ze niet mee" in page.inner_text("main")
    expect(page.locator("#wg-h1-pledge")).to_have_count(0)

    # Going offline and online again, and a reload, are all moments the outbox retries:
    # a refused answer is not among what it sends.
    context.set_offline(True)
    context.set_offline(False)
    page.reload()
    wait_ready(page)
    screen(page, "closed")
    outbox_settled(page)
    assert attempts == ["PUT"]
    assert _sent_states(page) == ["failed"]
    assert ballots(db) == []


def test_no_internet_is_shown_when_the_server_cannot_be_reached_though_the_browser_is_online(
    new_context, demo
):
    """navigator.onLine is only a hint (true on a Wi-Fi without a way out): the app asks the
    server itself when it opens, and says so when it gets no answer."""
    context = new_context()
    page = context.new_page()
    open_session(page, demo)
    page.route("**/api/**", lambda route: route.abort("internetdisconnected"))
    page.reload()
    wait_ready(page)
    assert page.evaluate("navigator.onLine") is True
    page.wait_for_selector("#wg-status >> text=Er is nu geen internet")

    page.unroute("**/api/**")
    context.set_offline(True)  # the connection comes back: the browser says so, the app checks
    context.set_offline(False)
    page.wait_for_selector("#wg-status >> text=Er is nu geen internet", state="detached")
    assert page.locator("#wg-status").inner_text() == ""


def test_the_app_opens_offline_after_one_visit(new_context, demo, wait_until):
    context = new_context(service_workers="allow")
    page = context.new_page()
    open_session(page, demo)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    wait_until(
        lambda: page.evaluate("() => navigator.serviceWorker.controller !== null"),
        message="the service worker to control the page",
    )
    dutch_texts = {"/i18n/resident.nl.json", "/i18n/statements.nl.json"}
    wait_until(
        lambda: set(sw_shell()) | dutch_texts <= cached_paths(page),
        message="the app shell and the Dutch texts to be cached",
    )

    context.set_offline(True)
    page.reload()
    wait_ready(page)
    page.wait_for_selector("#wg-start")
    assert page.locator("h1").inner_text() == "Praat mee over Welvaartstad"
    page.wait_for_selector("#wg-status >> text=Er is nu geen internet")

    # The whole journey goes on offline: answers wait on the phone.
    walk_to_rank(page, demo)
    add_priorities(page, 1)
    page.click("#wg-next")
    screen(page, "pledge")
    page.wait_for_selector("#wg-status >> text=bewaard op je telefoon")

    # A new tab, offline: the code page, the join page and the statements all open.
    other = context.new_page()
    other.goto(demo.join_url)
    wait_ready(other)
    screen(other, "pledge")  # the same journey, continued
    other.goto(demo.url("/c"))
    wait_ready(other)
    screen(other, "join")
    other.click("#wg-link-privacy")
    screen(other, "privacy")
    other.goto(demo.url("/c/WVSTAD#accessibility"))
    wait_ready(other)
    screen(other, "accessibility")


def test_the_worker_keeps_the_texts_of_the_language_in_use_and_others_once_chosen(
    new_context, demo, wait_until
):
    context = new_context(locale="en-GB", service_workers="allow")
    page = context.new_page()
    # The page's own English texts arrive after the worker is ready (as on a slow phone):
    # until the app has applied them, <html lang> still says the page's Dutch.
    page.route("**/i18n/resident.en.json", lambda route: answer_after_the_worker(page, route))
    open_session(page, demo)
    page.wait_for_selector("#wg-start")
    english = {"/i18n/resident.en.json", "/i18n/statements.en.json"}
    wait_until(
        lambda: set(sw_shell()) | english <= cached_paths(page),
        message="the app shell and the English texts to be cached",
    )
    assert {path for path in cached_paths(page) if path.startswith("/i18n/")} == english

    page.click("#wg-start")
    screen(page, "language")
    page.click("button[data-lang='ar']")
    screen(page, "neighbourhood")
    wait_until(
        lambda: "/i18n/resident.ar.json" in cached_paths(page),
        message="the Arabic texts to be cached once chosen",
    )
    assert "/i18n/resident.nl.json" not in cached_paths(page)


def test_shared_tablet_keeps_nothing_of_the_previous_resident(new_context, demo, db):
    context = new_context(service_workers="allow")
    page = context.new_page()
    open_session(page, demo, query="?tablet=1")
    assert page.locator(".wg-badge").inner_text() == "Tablet"
    assert "tablet" not in page.url  # the setting stays on the device, not in the address

    page.click("#wg-start")
    screen(page, "language")
    page.click("button[data-lang='en']")
    screen(page, "neighbourhood")
    page.click("label.wg-choice:has-text('Havenkwartier')")
    page.click("#wg-next")
    page.click("label.wg-choice:has(input[value='45-64'])")
    page.click("#wg-next")
    screen(page, "rank")
    add_priorities(page, 3)
    page.click("#wg-next")
    screen(page, "pledge")
    page.click("label.wg-choice:has(input[value='time'])")
    page.fill("#wg-pledge-text", "Koffie schenken op woensdag")
    page.click("label.wg-choice:has(input[name='wg-pledge-consent'])")
    page.fill("#wg-pledge-contact", "buurvrouw@example.org")
    page.click("#wg-pledge-submit")
    screen(page, "thanks")
    page.wait_for_function(
        "() => document.querySelectorAll('#wg-sent-status .wg-sent--ok').length === 2"
    )
    page.wait_for_selector("text=Your answers have been received")
    before = local_storage(page)["wg:journey:WVSTAD"]

    page.click("#wg-next-person-button")
    screen(page, "welcome")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.tagName === 'H1'"
    )
    assert page.evaluate("document.documentElement.lang") == "nl"  # back to the tablet's language

    stored = local_storage(page)
    assert set(stored) == {"wg:setting:tablet:WVSTAD", "wg:journey:WVSTAD"}
    fresh = stored["wg:journey:WVSTAD"]
    assert fresh["journeyId"] != before["journeyId"]
    assert fresh["checkIn"]["participantToken"] != before["checkIn"]["participantToken"]
    assert fresh["ranking"] == [] and fresh["pledges"] == []
    assert fresh["neighbourhoodCode"] is None and fresh["ageBand"] is None and fresh["lang"] == "nl"
    everything = json.dumps(stored) + json.dumps(outbox_items(page))
    for trace in (
        before["checkIn"]["participantToken"],
        before["journeyId"],
        "buurvrouw@example.org",
        "Koffie schenken",
    ):
        assert trace not in everything, trace
    assert outbox_items(page) == []
    assert page.evaluate("() => sessionStorage.length") == 0
    cached = page.evaluate(
        "() => caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))"
        ".then(lists => lists.flat().map(r => r.url))"
    )
    assert not [url for url in cached if "/api/" in url]
    assert count_rows(db, "participants") == 2  # the next person checked in afresh
    assert count_rows(db, "ballots") == 1 and count_rows(db, "contact_offers") == 1
