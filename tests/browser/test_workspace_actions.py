# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""What a coordinator changes afterwards in the workspace: a venue changed and deleted (not
while sessions use it), a session rescheduled in Amsterdam time and cancelled, an invitation
link replaced and an account deactivated, and forms that say what is wrong, at the field."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

from api.core.access import SYSTEM, Role
from api.dialogues.models import Dialogue
from api.municipalities import service as municipalities
from api.sessions import service as sessions
from api.sessions.schemas import SessionCreate
from api.venues import service as venues
from api.venues.models import VenueKind
from api.venues.schemas import VenueCreate
from tests.browser.staff_fixtures import (
    axe_violations,
    staff_page,  # noqa: F401  (fixture)
)
from tests.helpers import PASSWORD, make_staff
from tests.support.places import build_place

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CODE = "GM9998"

# An upper bound on a request to the live server (httpx waits 5 s by default), never a pause:
# on a loaded machine the server shares its CPU with the browser and other tests.
WAIT_SECONDS = 60


@pytest.fixture
def place(db, live_server):
    """A municipality with a venue, a dialogue, an open session and a planned one tomorrow,
    a second venue nobody uses, and its coordinator; returns what the tests need."""
    built = build_place(db, CODE, "Voorbeeldstad", join_code="WSPACE")
    municipality = municipalities.get_municipality(db, cbs_code=CODE, actor=None)
    spare = venues.create_venue(
        db,
        municipality=municipality,
        venue=VenueCreate(name="Buurthuis De Linde", kind=VenueKind.COMMUNITY_CENTRE),
    )
    tomorrow = datetime.now(AMSTERDAM).date() + timedelta(days=1)
    starts = datetime.combine(tomorrow, datetime.min.time(), AMSTERDAM).replace(hour=19)
    planned = sessions.create_session(
        db,
        dialogue=db.get(Dialogue, built.dialogue_id),
        body=SessionCreate(
            venueId=built.venue_id,
            title="Avond in de bieb",
            startsAt=starts,
            endsAt=starts + timedelta(hours=2),
        ),
        actor=SYSTEM,
    )
    coordinator = make_staff(db, role=Role.COORDINATOR, municipalities=[CODE])
    db.commit()
    return {
        "base": live_server,
        "coordinator": coordinator,
        "dialogue_id": built.dialogue_id,
        "venue_id": built.venue_id,
        "spare_venue_id": spare.id,
        "planned_id": planned.id,
        "tomorrow": tomorrow,
    }


def open_workspace(page, place, section: str, ready: str) -> None:
    page.goto(f"{place['base']}/workspace/#/{section}")
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", place["coordinator"])
    page.fill("input[name=password]", PASSWORD)
    page.click("#wg-signin-submit")
    page.wait_for_selector(ready)


def read(place, path: str) -> httpx.Response:
    token = httpx.post(
        f"{place['base']}/api/v1/auth/token",
        data={"username": place["coordinator"], "password": PASSWORD},
        timeout=WAIT_SECONDS,
    ).json()["access_token"]
    return httpx.get(
        f"{place['base']}/api/v1{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=WAIT_SECONDS,
    )


def test_a_venue_is_changed_and_deleted_but_not_while_sessions_use_it(staff_page, place, axe):
    page = staff_page()
    open_workspace(page, place, "venues", "#wg-venues")
    used = f"#wg-venues li[data-venue='{place['venue_id']}']"
    spare = f"#wg-venues li[data-venue='{place['spare_venue_id']}']"

    page.click(f"{spare} [data-action='edit']")
    page.fill(f"#wg-venue-{place['spare_venue_id']}-address", "Lindelaan 4")
    page.fill(f"#wg-venue-{place['spare_venue_id']}-notes", "Hellingbaan bij de zij-ingang.")
    page.click(f"#wg-venue-{place['spare_venue_id']}-save")
    page.wait_for_selector(f"{spare} >> text=Lindelaan 4")
    venue = read(place, f"/venues?municipality={CODE}").json()
    changed = next(v for v in venue if v["id"] == place["spare_venue_id"])
    assert changed["accessibilityNotes"] == "Hellingbaan bij de zij-ingang."

    page.click(f"{used} [data-action='delete']")
    assert page.evaluate("() => document.activeElement.dataset.action") == "confirm-delete"
    page.click(f"{used} [data-action='confirm-delete']")
    page.wait_for_selector(f"{used} .wg-alert--error")
    assert axe_violations(page, axe) == []

    page.click(f"{spare} [data-action='delete']")
    page.click(f"{spare} [data-action='confirm-delete']")
    page.wait_for_selector(f"{used}")
    page.wait_for_selector(spare, state="detached")
    assert {v["id"] for v in read(place, f"/venues?municipality={CODE}").json()} == {
        place["venue_id"]
    }


def test_a_session_is_rescheduled_in_amsterdam_time_and_cancelled(staff_page, place, axe):
    page = staff_page(timezone_id="Asia/Tokyo")  # the computer's zone must not matter
    open_workspace(page, place, f"dialogues/{place['dialogue_id']}/sessions", "#wg-sessions")
    card = f"#wg-sessions li[data-session='{place['planned_id']}']"
    prefix = f"#wg-s-{place['planned_id']}"
    expect(page.locator("#wg-sessions li[data-session] [data-action='edit']")).to_have_count(1)

    page.click(f"{card} [data-action='edit']")
    later = place["tomorrow"] + timedelta(days=1)
    page.fill(f"{prefix}-start-date", later.isoformat())
    page.fill(f"{prefix}-start-time", "20:15")
    page.fill(f"{prefix}-end-date", later.isoformat())
    page.fill(f"{prefix}-end-time", "22:00")
    assert axe_violations(page, axe) == []
    page.click(f"{prefix}-save")
    page.wait_for_selector(f"{card} >> text=20:15")
    moved = read(place, f"/sessions/{place['planned_id']}").json()
    expected = datetime.combine(later, datetime.min.time(), AMSTERDAM).replace(hour=20, minute=15)
    assert datetime.fromisoformat(moved["startsAt"]) == expected

    page.click(f"{card} [data-action='cancel']")
    page.click(f"{card} [data-action='confirm-cancel']")
    page.wait_for_selector(f"{card}[data-status='closed']")
    assert page.inner_text(f"{card} .wg-status") == "Geannuleerd"
    assert read(place, f"/sessions/{place['planned_id']}").json()["openedAt"] is None


def test_a_new_invitation_link_replaces_the_old_and_a_deactivated_account_cannot_sign_in(
    staff_page, place, axe
):
    page = staff_page()
    open_workspace(page, place, "staff", "#wg-invite-form")
    page.select_option("#wg-invite-role", "analyst")
    page.fill("#wg-invite-email", "analist@voorbeeldstad.example")
    page.click("#wg-invite")
    page.wait_for_selector("#wg-invitation-link")
    first = page.input_value("#wg-invitation-link")
    assert page.evaluate("() => document.activeElement.id") == "wg-invitation-link"
    row = "#wg-staff tr:has-text('analist@voorbeeldstad.example')"
    page.wait_for_selector(row)

    page.click(f"{row} [data-action='new-link']")
    page.wait_for_function(
        "first => document.getElementById('wg-invitation-link')?.value !== first", arg=first
    )
    second = page.input_value("#wg-invitation-link")
    assert axe_violations(page, axe) == []

    welcome = staff_page()
    welcome.goto(f"{place['base']}/workspace/#{first.split('#', 1)[1]}")
    welcome.fill("#wg-new-password", "een lange zin als wachtwoord")
    welcome.fill("#wg-repeat-password", "een lange zin als wachtwoord")
    welcome.click("#wg-welcome-submit")
    welcome.wait_for_selector("main .wg-alert--error")  # the replaced link no longer works
    assert second != first

    page.click(f"{row} [data-action='deactivate']")
    page.click("[data-action='confirm-deactivate']")
    page.wait_for_selector("#wg-staff tr[data-active='false']:has-text('analist@')")
    refused = httpx.post(
        f"{place['base']}/api/v1/auth/token",
        data={"username": "analist@voorbeeldstad.example", "password": PASSWORD},
        timeout=WAIT_SECONDS,
    )
    assert refused.status_code == 401


def test_pages_are_titled_and_forms_name_what_is_wrong_at_the_field(staff_page, place, axe):
    page = staff_page()
    open_workspace(page, place, "settings", "#wg-settings-form")
    page.wait_for_function("() => document.title === 'Instellingen – Werkplek – Welvaartgesprek'")
    page.fill("#wg-min-group", "3")
    page.click("#wg-save-settings")
    page.wait_for_selector("#wg-min-group[aria-invalid='true']")
    assert page.evaluate("() => document.activeElement.id") == "wg-min-group"
    assert page.is_visible("#wg-min-group-error")
    assert axe_violations(page, axe) == []

    page.goto(f"{place['base']}/workspace/#/dialogues/new")
    page.wait_for_selector("#wg-dialogue-form")
    page.click("#wg-save-dialogue")
    page.wait_for_selector("#wg-d-title[aria-invalid='true']")
    assert page.evaluate("() => document.activeElement.id") == "wg-d-title"
    invalid = page.locator("#wg-priorities [aria-invalid='true']")
    expect(invalid).to_have_count(4)  # 2 × title, theme
    assert "Nog niet alles is goed ingevuld" in page.inner_text("#wg-dialogue-form")
    assert axe_violations(page, axe) == []


def test_a_priority_moves_with_alt_and_the_arrow_keys_keeping_focus_in_its_field(staff_page, place):
    page = staff_page()
    open_workspace(page, place, "dialogues/new", "#wg-dialogue-form")
    titles = page.locator("#wg-priorities input[name=priorityTitle]")
    titles.nth(0).fill("Eerste")
    titles.nth(1).fill("Tweede")
    titles.nth(1).focus()
    page.keyboard.press("Alt+ArrowUp")
    page.wait_for_function(
        "() => document.querySelector('#wg-priorities input[name=priorityTitle]').value"
        " === 'Tweede'"
    )
    assert page.evaluate("() => document.activeElement.value") == "Tweede"
    page.wait_for_function(  # screen readers hear where it went
        "() => document.getElementById('wg-announcer').textContent"
        " === 'Tweede is nu nummer 1 van 2.'"
    )
    page.keyboard.press("Alt+ArrowDown")
    page.wait_for_function(
        "() => document.querySelector('#wg-priorities input[name=priorityTitle]').value"
        " === 'Eerste'"
    )
    assert page.evaluate("() => document.activeElement.value") == "Tweede"
