# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""The facilitator console in a real browser: sign in, plan a session, open it, print the
poster, show the projector (join code, QR, live counts, room results), type in a paper
ballot that reaches the database, close the session; axe on every view."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from api.ballots import service as ballots
from api.core.access import SYSTEM
from api.core.db import utcnow
from api.dialogues.models import Dialogue
from api.sessions import service as sessions
from api.sessions.models import (
    CheckInMode,
    DialogueSession,
    Participant,
    ParticipantOrigin,
    SessionStatus,
)
from api.sessions.schemas import SessionCreate, SessionUpdate
from api.venues.models import Venue
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


def session_row(db, session_id: int) -> DialogueSession:
    row = db.get(DialogueSession, session_id)
    db.refresh(row)
    db.commit()
    return row


def card(page, session_id: int) -> str:
    return f"#wg-sessions li[data-session='{session_id}']"


def test_plan_open_poster_projector_paper_ballot_close(staff_page, staff_world, db, axe):
    world = staff_world
    page = staff_page()
    found = {}
    page.goto(world.url("/console/"))
    page.wait_for_selector("input[name=username]")
    found["sign-in"] = axe_violations(page, axe)
    sign_in(page, world, "/console/", world.facilitator)
    page.wait_for_selector(card(page, world.live_session_id))
    found["sessions"] = axe_violations(page, axe)

    # Plan a session at the youth centre.
    page.click("#wg-new-session")
    page.wait_for_selector("#wg-new-session-form")
    page.fill("#wg-end", "18:00")  # before the start: refused in the form
    page.click("#wg-create")
    page.wait_for_selector("#wg-end[aria-invalid='true']")
    assert page.locator("#wg-venue").get_attribute("aria-invalid") == "true"
    found["new session (errors)"] = axe_violations(page, axe)
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    page.select_option("#wg-venue", label="Jongerencentrum De Schakel (Jongerencentrum)")
    page.fill("#wg-title", "Avond in De Schakel")
    page.fill("#wg-date", tomorrow)
    page.fill("#wg-start", "19:00")
    page.fill("#wg-end", "21:30")
    with page.expect_response(
        lambda r: r.url.endswith("/sessions") and r.request.method == "POST"
    ) as created:
        page.click("#wg-create")
    assert created.value.status == 201
    made = created.value.json()
    page.wait_for_selector(card(page, made["id"]))
    page.wait_for_selector(".wg-flash .wg-alert--success")
    assert "Avond in De Schakel" in page.inner_text(".wg-flash")
    row = session_row(db, made["id"])
    assert row.title == "Avond in De Schakel" and row.status is SessionStatus.PLANNED
    assert row.check_in_mode is CheckInMode.POSTER and row.show_results
    assert row.ends_at - row.starts_at == timedelta(hours=2, minutes=30)

    # Open it.
    page.click(f"{card(page, made['id'])} [data-action='open']")
    page.wait_for_selector(f"{card(page, made['id'])}[data-status='open']")
    assert session_row(db, made["id"]).status is SessionStatus.OPEN

    # The poster opens in a new tab, laid out (its styles applied through the CSSOM).
    with page.context.expect_page() as new_tab:
        page.click(f"{card(page, made['id'])} [data-action='poster']")
    poster = new_tab.value
    poster.wait_for_url("blob:**")  # opened at once, then given the poster
    poster.wait_for_selector(".wg-poster-tools button")
    assert made["joinCode"] in poster.inner_text("body")
    assert "Jongerencentrum De Schakel" in poster.inner_text("body")
    assert poster.eval_on_selector(".code", "e => parseFloat(getComputedStyle(e).fontSize)") > 40
    poster.close()

    # Projector: its own window, holding no staff sign-in; join code in big letters, the QR
    # image, live counts.
    with page.context.expect_page() as new_window:
        page.click(f"{card(page, made['id'])} [data-action='projector']")
    projector = new_window.value
    projector.wait_for_selector("#wg-projector")
    projector.wait_for_function("() => (document.querySelector('#wg-qr') || {}).naturalWidth > 0")
    assert (
        projector.inner_text("#wg-join-code").replace("\n", "").replace(" ", "") == made["joinCode"]
    )
    assert made["joinCode"] in projector.get_attribute("#wg-join-code", "aria-label").replace(
        " ", ""
    )
    assert (
        float(
            projector.eval_on_selector(
                "#wg-join-code", "e => parseFloat(getComputedStyle(e).fontSize)"
            )
        )
        >= 48
    )
    projector.wait_for_selector("#wg-connection:has-text('Live verbonden')")
    assert_no_staff_identity(projector, world.facilitator)
    found["projector"] = axe_violations(projector, axe)

    # Type in a paper ballot.
    page.click(f"{card(page, made['id'])} [data-action='ballots']")
    page.wait_for_selector("#wg-ballot-form")
    titles = world.priorities
    ids = {title: pid for pid, title in titles.items()}
    for title in (
        "Huisarts en zorg dichtbij",
        "Meer groen en schaduw in de wijk",
        "Hulp bij geldzorgen en schulden",
    ):
        page.click(f"#wg-rest li[data-priority='{ids[title]}'] button")
    # Move the third one up with the button, then the (new) second back down with Alt+↓.
    page.click(
        f"#wg-ranking li[data-priority='{ids['Hulp bij geldzorgen en schulden']}'] [data-action='up']"
    )
    page.focus(
        f"#wg-ranking li[data-priority='{ids['Hulp bij geldzorgen en schulden']}'] [data-action='up']"
    )
    page.keyboard.press("Alt+ArrowUp")
    order = page.eval_on_selector_all(
        "#wg-ranking li", "items => items.map(i => Number(i.dataset.priority))"
    )
    assert order == [
        ids["Hulp bij geldzorgen en schulden"],
        ids["Huisarts en zorg dichtbij"],
        ids["Meer groen en schaduw in de wijk"],
    ]
    page.wait_for_function(
        "() => document.getElementById('wg-announcer').textContent.includes('nummer 1 van 3')"
    )
    page.select_option("#wg-neighbourhood", "BU99990202")
    page.select_option("#wg-age", "65+")
    found["paper ballot"] = axe_violations(page, axe)
    with page.expect_response(lambda r: r.url.endswith("/assisted-ballots")) as sent:
        page.click("#wg-save-ballot")
    assert sent.value.status == 201 and sent.value.json()["assisted"] is True
    assert len(sent.value.request.headers["idempotency-key"]) == 36
    page.wait_for_selector("#wg-ballot-messages .wg-alert--success")
    expect(page.locator("#wg-ranking li")).to_have_count(0)  # ready for the next paper ballot

    [assisted] = db.exec(
        select(Participant).where(
            Participant.session_id == made["id"], Participant.origin == ParticipantOrigin.ASSISTED
        )
    ).all()
    stored = ballots.read_ballot(db, participant_id=assisted.id)
    db.commit()
    assert stored.ranking == order  # the participant is the assisted one (origin above)
    assert stored.neighbourhood_code == "BU99990202" and stored.age_band.value == "65+"

    # The projector window, still open, counts it.
    projector.wait_for_function(
        "() => (document.getElementById('wg-count-ballots') || {}).textContent === '1'"
    )
    projector.close()

    # Close it, after a confirmation.
    page.click("text=Terug naar de sessies")
    page.click(f"{card(page, made['id'])} [data-action='close']")
    page.wait_for_selector(f"{card(page, made['id'])} [data-action='confirm-close']")
    found["close confirmation"] = axe_violations(page, axe)
    page.click(f"{card(page, made['id'])} [data-action='confirm-close']")
    page.wait_for_selector(f"{card(page, made['id'])}[data-status='closed']")
    assert session_row(db, made["id"]).status is SessionStatus.CLOSED
    assert {view: v for view, v in found.items() if v} == {}


def assert_no_staff_identity(projector, email: str) -> None:
    """Nothing of the staff member on the projector: no e-mail, no chrome, no sign-in."""
    assert projector.url.split("#")[0] == projector.url  # the link left the address bar
    assert email not in projector.content()
    expect(projector.locator("#wg-header, #wg-footer, .wg-staff")).to_have_count(0)
    assert projector.evaluate("() => sessionStorage.getItem('wg.staff.session')") is None
    token = projector.evaluate("() => JSON.parse(sessionStorage.getItem('wg.projector')).token")
    assert token and "sign in" not in projector.inner_text("body").lower()


def open_projector(page, session_id: int):
    """The projector window, opened from the console's projector page for the session."""
    page.wait_for_selector("[data-action='projector']")
    with page.context.expect_page() as new_window:
        page.click("[data-action='projector']")
    projector = new_window.value
    projector.wait_for_selector("#wg-projector")
    assert f"session={session_id}" in projector.url
    return projector


def test_rotating_projector_and_room_results(staff_page, staff_world, db, axe, wait_until):
    world = staff_world
    venue = db.exec(select(Venue).where(Venue.name == "Bibliotheek Welvaartstad")).one()
    dialogue = db.get(Dialogue, world.dialogue_id)
    now = utcnow()
    row = sessions.create_session(
        db,
        dialogue=dialogue,
        body=SessionCreate(
            venueId=venue.id,
            title="Roterende code",
            startsAt=now - timedelta(hours=1),
            endsAt=now + timedelta(hours=2),
            checkInMode=CheckInMode.ROTATING,
        ),
        actor=SYSTEM,
    )
    sessions.update_session(
        db, row=row, changes=SessionUpdate(status=SessionStatus.OPEN), actor=SYSTEM
    )
    db.commit()
    page = staff_page(locale="en-GB")
    sign_in(page, world, f"/console/?session={row.id}&view=projector", world.facilitator)
    console = page
    page = open_projector(console, row.id)
    assert_no_staff_identity(page, world.facilitator)
    page.wait_for_function("() => (document.querySelector('#wg-qr') || {}).naturalWidth > 0")
    page.wait_for_selector("#wg-countdown:has-text('New code in')")

    def shown_is_current() -> bool:  # the code may just have turned over: check again
        current = world.api(world.facilitator, f"/sessions/{row.id}/rotating-code").json()
        shown = page.inner_text("#wg-join-code").replace("\n", "").replace(" ", "")
        return shown == current["joinCode"]

    wait_until(shown_is_current, message="the projector to show the current rotating code")
    shown = page.inner_text("#wg-join-code").replace("\n", "").replace(" ", "")
    assert shown != row.join_code
    assert page.inner_text("#wg-and-type") == f"and type all {len(shown)} characters of this code:"

    # The closed simulation session shows its room results from the live stream, with the
    # legend that explains their order and each priority's SDGs.
    page.close()
    console.goto(world.url(f"/console/?session={world.simulation_session_id}&view=projector"))
    page = open_projector(console, world.simulation_session_id)
    page.wait_for_selector("#wg-room-results .wg-bars")
    bar = "#wg-room-results .wg-bars__bar"
    assert page.eval_on_selector(bar, "b => getComputedStyle(b).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    legend = page.inner_text("#wg-order-legend")
    assert "head-to-head" in legend and "average place" in legend
    room = world.api(world.facilitator, f"/sessions/{world.simulation_session_id}/results").json()
    group = room["groups"][0]
    titles = {p["id"]: p["title"] for p in room["priorities"]}
    top = [titles[p["id"]] for p in sorted(group["priorities"], key=lambda p: p["schulzeRank"])][:5]
    labels = page.eval_on_selector_all(
        "#wg-room-results .wg-bars__label", "ls => ls.map(l => l.childNodes[2].textContent)"
    )
    assert labels == top
    assert page.inner_text("#wg-count-ballots") == str(group["ballots"])
    first = min(group["priorities"], key=lambda p: p["schulzeRank"])
    sdgs = next(p["sdgs"] for p in room["priorities"] if p["id"] == first["id"])
    badges = page.eval_on_selector_all(
        f"#wg-room-results .wg-bars__row[data-priority='{first['id']}'] .wg-sdg",
        "bs => bs.map(b => b.textContent)",
    )
    assert sdgs and badges == [f"SDG {n}" for n in sdgs]
    alternative = page.text_content(
        f"#wg-room-results tr[data-priority='{first['id']}'] .wg-visually-hidden"
    )
    assert f"SDG {sdgs[0]}: " in alternative
    assert axe_violations(page, axe) == []
