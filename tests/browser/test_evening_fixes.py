"""Fixes found trying the product as a newcomer: rotating codes typed by hand, Amsterdam times
in the console whatever the browser's zone, sessions in the past, closing with people still
answering."""

# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import text
from sqlmodel import Session, select

from api.core.access import SYSTEM
from api.core.db import utcnow
from api.dialogues.models import Dialogue
from api.sessions import service as sessions
from api.sessions.models import DialogueSession, SessionStatus
from api.sessions.schemas import SessionCreate
from api.venues.models import Venue
from tests.browser.conftest import add_priorities, screen, wait_ready, walk_to_rank
from tests.browser.staff_fixtures import (
    axe_violations,
    sign_in,
    staff_page,  # noqa: F401  (fixture)
    staff_world,  # noqa: F401  (fixture)
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

PWA = Path(__file__).resolve().parents[2] / "pwa"


def resident_text(lang: str, key: str) -> str:
    return json.loads((PWA / "i18n" / f"resident.{lang}.json").read_text(encoding="utf-8"))[key]


def rotating_demo_session(db: Session, session_id: int):
    db.execute(
        text("UPDATE sessions SET check_in_mode = 'rotating' WHERE id = :id"), {"id": session_id}
    )
    db.commit()
    row = sessions.get_dialogue_session(db, session_id=session_id, actor=None)
    db.commit()
    return row


@pytest.mark.parametrize("locale,lang", [("en-GB", "en"), ("ar", "ar")])
def test_a_rotating_code_typed_without_its_last_four_characters_asks_for_all_ten(
    new_context, db: Session, demo, locale: str, lang: str
):
    row = rotating_demo_session(db, demo.session_id)
    page = new_context(locale=locale).new_page()
    page.goto(demo.url("/c"))
    wait_ready(page)
    screen(page, "join")
    assert "10" in page.inner_text("#wg-join-hint")
    page.fill("#wg-join-code", demo.join_code)  # the first six, as a poster code looks
    page.click("#wg-join-submit")
    page.wait_for_selector("#wg-join-error")
    assert page.inner_text("#wg-join-error") == resident_text(lang, "join.incomplete")
    assert page.input_value("#wg-join-code") == demo.join_code
    assert page.locator("#wg-h1-join").count() == 1, "the same form, not a contradicting heading"
    assert "expired" not in page.inner_text("main").lower()
    assert "characters" not in page.inner_text("main") or lang == "en", "no English server text"
    current, _ = sessions.rotating_code(row, now=utcnow(), seconds=30)
    page.fill("#wg-join-code", current)
    page.click("#wg-join-submit")
    page.wait_for_selector("#wg-start")


# --- the console ----------------------------------------------------------------------------


def card(session_id: int) -> str:
    return f"#wg-sessions li[data-session='{session_id}']"


def planned_session(db: Session, world, *, title: str, hours_from_now: float):
    venue = db.exec(select(Venue).where(Venue.name == "Bibliotheek Welvaartstad")).one()
    soon = utcnow() + timedelta(hours=1)
    row = sessions.create_session(
        db,
        dialogue=db.get(Dialogue, world.dialogue_id),
        body=SessionCreate(
            venueId=venue.id, title=title, startsAt=soon, endsAt=soon + timedelta(hours=2)
        ),
        actor=SYSTEM,
    )
    row.ends_at = utcnow() + timedelta(hours=hours_from_now)
    row.starts_at = row.ends_at - timedelta(hours=2)
    db.add(row)
    db.commit()
    return row


def test_the_new_session_form_reads_amsterdam_times_in_a_new_york_browser(
    staff_page, staff_world, db: Session, axe
):
    world = staff_world
    page = staff_page(locale="en-GB", timezone_id="America/New_York")
    days_before = datetime.now(AMSTERDAM).date()
    sign_in(page, world, f"/console/?dialogue={world.dialogue_id}&view=new", world.facilitator)
    page.wait_for_selector("#wg-new-session-form")
    assert page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"  # fmt: skip
    shown_today = date.fromisoformat(page.input_value("#wg-date"))
    assert days_before <= shown_today <= datetime.now(AMSTERDAM).date(), "today in Amsterdam"
    assert "Amsterdam" in page.inner_text("#wg-time-zone")
    assert "wg-time-zone" in page.get_attribute("#wg-start", "aria-describedby")
    assert axe_violations(page, axe) == []

    made = []
    for day in (
        shown_today + timedelta(days=1),
        date(shown_today.year + 1, 7, 1),
    ):  # winter, summer
        if made:
            page.goto(world.url(f"/console/?dialogue={world.dialogue_id}&view=new"))
            page.wait_for_selector("#wg-new-session-form")
        page.select_option("#wg-venue", label="Jongerencentrum De Schakel (Youth centre)")
        page.fill("#wg-date", day.isoformat())
        page.fill("#wg-start", "19:00")
        page.fill("#wg-end", "21:30")
        with page.expect_response(
            lambda r: r.url.endswith("/sessions") and r.request.method == "POST"
        ) as created:
            page.click("#wg-create")
        assert created.value.status == 201, created.value.text()
        made.append((day, created.value.json()))
        page.wait_for_selector(card(made[-1][1]["id"]))

    for day, session in made:
        row = db.get(DialogueSession, session["id"])
        db.refresh(row)
        db.commit()
        starts, ends = row.starts_at.astimezone(AMSTERDAM), row.ends_at.astimezone(AMSTERDAM)
        assert (starts.date(), f"{starts:%H:%M}", f"{ends:%H:%M}") == (day, "19:00", "21:30")
        listed = page.inner_text(card(session["id"]))  # the list, too, in Amsterdam time
        assert "19:00" in listed and "21:30" in listed, listed


def test_a_session_in_the_past_is_refused_in_the_form_and_a_late_open_says_why(
    staff_page, staff_world, db: Session
):
    world = staff_world
    page = staff_page(locale="en-GB")
    sign_in(page, world, f"/console/?dialogue={world.dialogue_id}&view=new", world.facilitator)
    page.wait_for_selector("#wg-new-session-form")
    page.select_option("#wg-venue", label="Jongerencentrum De Schakel (Youth centre)")
    yesterday = datetime.now(AMSTERDAM).date() - timedelta(days=1)
    page.fill("#wg-date", yesterday.isoformat())
    page.click("#wg-create")
    page.wait_for_selector("#wg-date[aria-invalid='true']")
    assert "has passed" in page.inner_text("#wg-date-error")

    row = planned_session(db, world, title="Gisteravond", hours_from_now=-1)
    page.goto(world.url(f"/console/?dialogue={world.dialogue_id}"))
    page.wait_for_selector(card(row.id))
    page.click(f"{card(row.id)} [data-action='open']")
    alert = page.wait_for_selector(f"{card(row.id)} .wg-problem")
    assert "can no longer be opened" in alert.inner_text()
    db.refresh(row)
    db.commit()
    assert row.status is SessionStatus.PLANNED


def test_closing_with_people_still_answering_says_how_many_and_their_late_answers_get_a_plain_message(
    staff_page, staff_world, db: Session
):
    world = staff_world
    resident = staff_page(locale="ar", viewport={"width": 375, "height": 667})
    resident.goto(world.url("/c/WVSTAD"))
    wait_ready(resident)
    resident.wait_for_selector("#wg-start")
    walk_to_rank(resident, None)
    add_priorities(resident, 3)  # checked in, answers not sent yet

    waiting = world.api(world.facilitator, f"/sessions/{world.live_session_id}").json()
    assert waiting["checkedInWithoutBallot"] >= 1
    page = staff_page(locale="en-GB")
    sign_in(page, world, "/console/", world.facilitator)
    page.click(f"{card(world.live_session_id)} [data-action='close']")
    question = page.wait_for_selector(f"{card(world.live_session_id)} [data-waiting]")
    count = waiting["checkedInWithoutBallot"]
    people = "person has" if count == 1 else "people have"
    assert f"{count} {people} checked in but not sent their answers yet" in question.inner_text()
    page.click(f"{card(world.live_session_id)} [data-action='confirm-close']")
    page.wait_for_selector(f"{card(world.live_session_id)}[data-status='closed']")

    resident.click("#wg-next")  # the answers arrive after closing
    screen(resident, "closed")
    assert resident.inner_text("#wg-h1-closed") == resident_text("ar", "closed.title")
    assert resident_text("ar", "closed.text") in resident.inner_text("main")
    expect(resident.locator("#wg-h1-pledge")).to_have_count(0)
    assert "closed" not in resident.inner_text("main").lower(), "no English server message"
