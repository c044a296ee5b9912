# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""The coordinator's workspace in a real browser, from an empty database with one admin to a
resident's pledge followed up: municipality, coordinator, neighbourhoods, venue, a dialogue in
Dutch and English, staff invitations, a session and its poster, the English check-in, the
pledge with contact details for the coordinator only; axe on every workspace page.

Screenshots of every page: WG_WORKSPACE_SCREENSHOTS=docs/screenshots/workspace pytest -k workspace
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from api.core.access import Role
from api.municipalities import service as municipalities
from api.results.refresher import refresh_all
from tests.browser.conftest import screen, wait_ready
from tests.browser.staff_fixtures import (
    axe_violations,
    staff_page,  # noqa: F401  (fixture)
)
from tests.helpers import PASSWORD, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

DATA = Path(__file__).resolve().parents[1] / "data"
# PDOK's OGC API in RD New: two wijken (one with an alphanumeric code), six buurten (one in a
# land and a water part), CBS's padding spaces.
SIX_BUURTEN = DATA / "neighbourhoods" / "gm9998_pdok_ogcapi_rd.geojson"
TWO_BAD_ROWS = DATA / "workspace" / "gm9998_pdok_two_bad_rows.geojson"
LOGO = Path(__file__).resolve().parents[2] / "pwa" / "icons" / "icon-192.png"
CODE, NAME = "GM9998", "Voorbeeldstad"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
COORDINATOR = "coordinator@voorbeeldstad.example"
FACILITATOR = "facilitator@voorbeeldstad.example"
RESIDENT_CONTACT = "bewoner@example.org"
NEW_PASSWORD = "een lange zin als wachtwoord"
# (Dutch title, Dutch explanation, theme, English title, English explanation), in the order
# the coordinator types them; the last one is then moved up one place with the keyboard.
PRIORITIES = [
    ("Meer groen in de wijk", "Bomen en plantsoenen.", "milieu", "More green", "Trees and parks."),
    ("Betaalbare woningen", "Voor starters.", "wonen", "Affordable homes", "For starters."),
    ("Veilige straten", "Licht en toezicht.", "veiligheid", "Safe streets", "Light and care."),
    ("Gezond oud worden", "Zorg dichtbij.", "gezondheid", "Healthy ageing", "Care nearby."),
    ("Werk voor jongeren", "Stages.", "later", "Jobs for young people", "Internships."),
]
ORDER_AFTER_MOVE = [0, 1, 2, 4, 3]


class Shots:
    """axe on every page the test passes, and (when asked) a screenshot of it."""

    def __init__(self, axe) -> None:
        self.axe = axe
        self.found: dict[str, list] = {}
        folder = os.environ.get("WG_WORKSPACE_SCREENSHOTS")
        self.folder = Path(folder) if folder else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def check(self, page, name: str) -> None:
        self.found[name] = axe_violations(page, self.axe)
        if self.folder:
            page.screenshot(path=str(self.folder / f"{name}.png"), full_page=True)

    def assert_clean(self, minimum: int = 14) -> None:
        assert len(self.found) >= minimum, sorted(self.found)
        assert not any(self.found.values()), {k: v for k, v in self.found.items() if v}


def api(base: str, email: str, path: str, *, password: str = PASSWORD) -> httpx.Response:
    token = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": email, "password": password}
    ).json()["access_token"]
    return httpx.get(
        f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, timeout=20
    )


def sign_in(page, base: str, path: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}{path}")
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("#wg-signin-submit")
    page.wait_for_selector("#wg-sign-out")


def go(page, section: str, ready: str) -> None:
    """Follow a link of the workspace's navigation and wait for the page."""
    page.click(f"#wg-nav a[data-nav='{section}']")
    page.wait_for_selector(ready)


def invite(page, *, role: str, email: str, name: str) -> str:
    """Invite someone on the staff page; returns the one-time link the page shows."""
    go(page, "staff", "#wg-invite-form")
    page.select_option("#wg-invite-role", role)
    page.fill("#wg-invite-email", email)
    page.fill("#wg-invite-name", name)
    page.click("#wg-invite")
    page.wait_for_selector("#wg-invitation-link")
    return page.input_value("#wg-invitation-link")


def welcome_url(base: str, link: str) -> str:
    """The invitation link on this test's server (the API names its public address)."""
    parts = urlsplit(link)
    assert parts.path == "/workspace/" and parts.fragment.startswith("/welcome?token=")
    assert parse_qs(parts.fragment.split("?", 1)[1])["token"][0]
    return f"{base}/workspace/#{parts.fragment}"


def accept_invitation(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#wg-new-password")
    page.fill("#wg-new-password", NEW_PASSWORD)
    page.fill("#wg-repeat-password", NEW_PASSWORD)
    page.click("#wg-welcome-submit")


def row_of(db, sql: str, **params):
    row = db.execute(text(sql), params).mappings().one()
    db.commit()
    return row


def test_from_an_empty_database_to_a_pledge_followed_up(
    staff_page, new_context, live_server, db, clean_engine, axe
):
    base = live_server
    admin = make_staff(db, role=Role.ADMIN, email="admin@example.org")
    db.commit()
    shots = Shots(axe)

    # --- The admin: a municipality and its coordinator ---
    page = staff_page()
    page.goto(f"{base}/workspace/")
    page.wait_for_selector("input[name=username]")
    shots.check(page, "01-sign-in")
    sign_in(page, base, "/workspace/", admin)
    page.wait_for_selector("#wg-new-place")  # no municipality yet: the admin starts here
    page.fill("#wg-new-code", CODE.lower())
    page.fill("#wg-new-name", NAME)
    page.click("#wg-create-place")
    page.wait_for_selector("#wg-settings-form")
    assert page.input_value("#wg-name") == NAME
    go(page, "municipalities", f"#wg-places tr[data-code='{CODE}']")
    shots.check(page, "02-municipalities")
    link = invite(page, role="coordinator", email=COORDINATOR, name="Coby Coördinator")
    assert "Coby" in page.inner_text("#wg-invitation")

    # --- The coordinator, in the browser only; a computer set to New York's time ---
    page = staff_page(timezone_id="America/New_York")
    page.goto(welcome_url(base, link))
    page.wait_for_selector("#wg-new-password")
    shots.check(page, "03-welcome")
    accept_invitation(page, welcome_url(base, link))
    page.wait_for_selector("#wg-settings-form")  # signed in, on the workspace's first page
    assert page.inner_text("#wg-header").count(NAME) == 1

    page.fill("#wg-contact-email", "welvaart@voorbeeldstad.example")
    page.fill("#wg-privacy-name", "Functionaris gegevensbescherming")
    page.fill("#wg-privacy-email", "privacy@voorbeeldstad.example")
    page.fill("#wg-min-group", "5")
    page.fill("#wg-retention", "60")
    page.click("#wg-save-settings")
    page.wait_for_selector("#wg-settings-form .wg-alert--success")
    page.set_input_files("#wg-logo-file", str(LOGO))
    page.click("#wg-logo-upload")
    page.wait_for_selector("#wg-logo-image")
    page.wait_for_function("() => document.getElementById('wg-logo-image').naturalWidth > 0")
    shots.check(page, "04-settings")
    public = httpx.get(f"{base}/api/v1/municipalities/{CODE}").json()
    assert public["minGroupSize"] == 5 and public["contactRetentionDays"] == 60
    assert public["privacyContactEmail"] == "privacy@voorbeeldstad.example"

    # Neighbourhoods: a file with bad rows names them; the good file is previewed, then applied.
    go(page, "neighbourhoods", "#wg-nbh-form")
    shots.check(page, "05-neighbourhoods")
    page.set_input_files("#wg-nbh-file", str(TWO_BAD_ROWS))
    page.click("#wg-nbh-preview")
    page.wait_for_selector("#wg-import-problem")
    bad_rows = page.locator("#wg-import-problem .wg-bad-rows li").all_inner_texts()
    assert (
        len(bad_rows) == 2 and re.search(r"\b3\b", bad_rows[0]) and re.search(r"\b5\b", bad_rows[1])
    )
    shots.check(page, "06-neighbourhoods-bad-file")
    page.set_input_files("#wg-nbh-file", str(SIX_BUURTEN))
    page.click("#wg-nbh-preview")
    page.wait_for_selector("#wg-import-preview")
    assert page.inner_text("#wg-import-counts [data-fact='wijken'] dd") == "2"
    assert page.inner_text("#wg-import-counts [data-fact='buurten'] dd") == "6"
    expect(page.locator("#wg-import-map path.wg-map__shape")).to_have_count(6)
    expect(page.locator("#wg-import-changes tbody tr[data-change='created']")).to_have_count(8)
    assert row_of(db, "SELECT count(*) AS n FROM neighbourhoods")["n"] == 0  # a preview only
    shots.check(page, "07-neighbourhoods-preview")
    page.click("#wg-nbh-apply")
    page.wait_for_selector("#wg-nbh-current >> text=Haven-Oost")
    assert row_of(db, "SELECT count(*) AS n FROM neighbourhoods")["n"] == 8

    # A venue.
    go(page, "venues", "#wg-venue-new-form")
    page.select_option("#wg-venue-new-kind", "library")
    page.fill("#wg-venue-new-name", "Bibliotheek Voorbeeldstad")
    page.fill("#wg-venue-new-address", "Marktplein 1, Voorbeeldstad")
    page.fill("#wg-venue-new-notes", "Drempelvrije ingang, lift en ringleiding.")
    page.click("#wg-venue-new-save")
    page.wait_for_selector("#wg-venues li >> text=Bibliotheek Voorbeeldstad")
    shots.check(page, "08-venues")

    # A dialogue with five priorities in Dutch and English; the last one moved up by keyboard.
    go(page, "dialogues", "#wg-new-dialogue")
    page.click("#wg-new-dialogue")
    page.wait_for_selector("#wg-dialogue-form")
    today = datetime.now(AMSTERDAM).date()
    page.fill("#wg-d-title", "Brede welvaart Voorbeeldstad 2027")
    page.fill("#wg-d-description", "Wat maakt Voorbeeldstad een fijne plek om te wonen?")
    page.fill("#wg-d-title-en", "Broad wellbeing Voorbeeldstad 2027")
    page.fill("#wg-d-description-en", "What makes Voorbeeldstad a good place to live?")
    page.fill("#wg-d-starts", today.isoformat())
    page.fill("#wg-d-ends", (today + timedelta(days=60)).isoformat())
    for _ in range(len(PRIORITIES) - 2):
        page.click("#wg-add-priority")
    cards = page.locator("#wg-priorities .wg-priority-card")
    for index, (title, explanation, theme, title_en, explanation_en) in enumerate(PRIORITIES):
        card = cards.nth(index)
        card.locator("input[name=priorityTitle]").fill(title)
        card.locator("select[name=themeKey]").select_option(theme)
        card.locator("textarea[id$='-description']").fill(explanation)
        card.locator("input[id$='-title-en']").fill(title_en)
        card.locator("textarea[id$='-description-en']").fill(explanation_en)
    cards.nth(4).locator("[data-action='up']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('#wg-priorities .wg-priority-card')[3]"
        ".querySelector('input[name=priorityTitle]').value === 'Werk voor jongeren'"
    )
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "Werk voor jongeren één plaats omhoog"  # focus stays with what moved
    shots.check(page, "09-dialogue-editor")
    page.click("#wg-save-dialogue")
    page.wait_for_selector("#wg-dialogues li")
    dialogue_id = int(page.get_attribute("#wg-dialogues li", "data-dialogue"))
    shots.check(page, "10-dialogues")
    saved = api(base, COORDINATOR, f"/dialogues/{dialogue_id}", password=NEW_PASSWORD).json()
    assert [p["title"] for p in saved["priorities"]] == [PRIORITIES[i][0] for i in ORDER_AFTER_MOVE]
    assert saved["priorities"][3]["translations"]["en"]["title"] == "Jobs for young people"

    # A facilitator, invited; their link leads to the console.
    facilitator_link = invite(page, role="facilitator", email=FACILITATOR, name="Fenna")
    shots.check(page, "11-staff")
    other = staff_page()
    accept_invitation(other, welcome_url(base, facilitator_link))
    other.wait_for_url(f"{base}/console/**")
    other.wait_for_selector("#wg-sign-out")

    # A session, planned in Amsterdam time whatever the computer's zone; then its poster.
    go(page, "dialogues", "#wg-dialogues li")
    page.click(f"#wg-dialogues li[data-dialogue='{dialogue_id}'] [data-action='sessions']")
    page.wait_for_selector("#wg-s-new-form")
    starts = (datetime.now(AMSTERDAM) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    ends = starts + timedelta(hours=3)
    page.select_option("#wg-s-new-venue", label="Bibliotheek Voorbeeldstad (Bibliotheek)")
    page.fill("#wg-s-new-title", "Inloopavond in de bieb")
    page.fill("#wg-s-new-start-date", starts.date().isoformat())
    page.fill("#wg-s-new-start-time", starts.strftime("%H:%M"))
    page.fill("#wg-s-new-end-date", ends.date().isoformat())
    page.fill("#wg-s-new-end-time", ends.strftime("%H:%M"))
    page.click("#wg-s-new-save")
    page.wait_for_selector("#wg-sessions li[data-status='planned']")
    shots.check(page, "12-sessions")
    [session] = api(
        base, COORDINATOR, f"/dialogues/{dialogue_id}/sessions", password=NEW_PASSWORD
    ).json()
    assert datetime.fromisoformat(session["startsAt"]) == starts
    assert datetime.fromisoformat(session["endsAt"]) == ends
    assert starts.strftime("%H:%M") in page.inner_text("#wg-sessions")
    with page.context.expect_page() as popup:
        page.click("#wg-sessions [data-action='poster']")
    poster = popup.value
    poster.wait_for_function(
        "code => document.body && document.body.innerText.includes(code)", arg=session["joinCode"]
    )
    printed = poster.inner_text("body")
    assert "Bibliotheek Voorbeeldstad" in printed and starts.strftime("%H:%M") in printed
    poster.close()

    # The coordinator opens the session in the console.
    page.goto(f"{base}/console/?dialogue={dialogue_id}")
    page.click(f"#wg-sessions li[data-session='{session['id']}'] [data-action='open']")
    page.wait_for_selector(f"#wg-sessions li[data-session='{session['id']}'][data-status='open']")

    # --- A resident with an English phone ---
    phone = new_context(locale="en-GB").new_page()
    phone.goto(f"{base}/c/{session['joinCode']}")
    wait_ready(phone)
    phone.click("#wg-start")
    screen(phone, "language")
    phone.click("#wg-next")
    screen(phone, "neighbourhood")
    phone.click("label.wg-choice:has-text('Kadewijk')")
    phone.click("#wg-next")
    screen(phone, "age")
    phone.click("#wg-next")
    screen(phone, "rank")
    shown = phone.locator(".wg-priority__title").all_inner_texts()
    assert {p[3] for p in PRIORITIES} <= set(shown), shown
    assert not {p[0] for p in PRIORITIES} & set(shown), shown
    for _ in range(3):
        phone.locator(".wg-pool-add").first.click()
    phone.click("#wg-next")
    screen(phone, "pledge")
    phone.click("label.wg-choice:has(input[value='time'])")
    phone.fill("#wg-pledge-hours", "4")
    phone.select_option("#wg-pledge-priority", label="Safe streets")
    phone.fill("#wg-pledge-text", "I can help with the street party.")
    phone.click("label.wg-choice:has(input[name='wg-pledge-consent'])")
    phone.fill("#wg-pledge-contact", RESIDENT_CONTACT)
    phone.click("#wg-pledge-submit")
    screen(phone, "thanks")
    phone.wait_for_function(
        "() => document.querySelectorAll('#wg-sent-status .wg-sent--ok').length === 2"
    )
    refresh_all(clean_engine)  # the release rule takes the offer into the totals

    # --- The coordinator follows the pledge up ---
    page.goto(f"{base}/workspace/#/dialogues/{dialogue_id}/pledges")
    page.wait_for_selector("#wg-pledges tbody tr")
    row = page.locator("#wg-pledges tbody tr").first
    assert RESIDENT_CONTACT in row.inner_text()
    assert "I can help with the street party." in row.inner_text()
    assert "Veilige straten" in row.inner_text()
    shots.check(page, "13-pledges")
    row.locator("select[name=status]").select_option("contacted")
    row.locator("[data-action='save-status']").click()
    page.wait_for_selector("#wg-pledges tbody tr[data-status='contacted']")
    with page.expect_download() as download:
        page.click("#wg-pledges-csv")
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert RESIDENT_CONTACT in exported
    assert any(RESIDENT_CONTACT in ",".join(r) for r in csv.reader(io.StringIO(exported)))
    page.reload()
    page.wait_for_selector("#wg-pledges tbody tr[data-status='contacted']")
    viewed = row_of(
        db,
        "SELECT count(*) AS n FROM audit_events WHERE action LIKE '%contact%' "
        "OR object_type LIKE '%contact%'",
    )["n"]
    assert viewed >= 3  # the list, the CSV and the reload: each view is in the audit log

    # English workspace pages too.
    page.click("#wg-language")
    page.wait_for_selector("html[lang='en'] #wg-pledges thead >> text=Follow-up")
    shots.check(page, "14-pledges-english")
    page.goto(f"{base}/workspace/#/dialogues/{dialogue_id}")
    page.wait_for_selector("#wg-dialogue-form")
    shots.check(page, "15-dialogue-editor-english")

    # --- An analyst of the same municipality never sees contact details ---
    analyst = make_staff(db, role=Role.ANALYST, municipalities=[CODE])
    db.commit()
    assert api(base, analyst, f"/dialogues/{dialogue_id}/pledges").status_code == 403
    summary = api(base, analyst, f"/dialogues/{dialogue_id}/pledges/summary")
    assert RESIDENT_CONTACT not in summary.text
    reader = staff_page()
    sign_in(reader, base, "/workspace/", analyst)
    reader.wait_for_url(f"{base}/dashboard/**")  # the workspace sends analysts to the dashboard
    reader.wait_for_selector("#wg-sign-out")
    reader.wait_for_selector("main h1")
    assert RESIDENT_CONTACT not in reader.content()

    # --- A coordinator of another municipality gets nothing ---
    municipalities.create_municipality(
        db, cbs_code="GM9997", name="Andersstad", min_group_size=10, brand_colour="#01689b"
    )
    stranger = make_staff(db, role=Role.COORDINATOR, municipalities=["GM9997"])
    db.commit()
    for path in (f"/dialogues/{dialogue_id}", f"/dialogues/{dialogue_id}/pledges"):
        assert api(base, stranger, path).status_code == 404, path
    listed = api(base, stranger, "/dialogues")
    assert listed.status_code == 200 and dialogue_id not in {d["id"] for d in listed.json()}
    elsewhere = staff_page()
    sign_in(elsewhere, base, "/workspace/", stranger)
    elsewhere.goto(f"{base}/workspace/#/dialogues/{dialogue_id}/pledges")
    elsewhere.wait_for_selector("main .wg-alert--error")
    assert RESIDENT_CONTACT not in elsewhere.content()
    assert "I can help" not in elsewhere.content()

    shots.assert_clean()
