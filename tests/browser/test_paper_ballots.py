# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""Paper at the evening, in a real browser: a facilitator prints the paper ballot (every
priority and the QR), types in three paper ballots (one with a pledge), voids one; the list,
the session's count and, once enough ballots are in for a release, the results agree with the
reference tally without the voided one. axe on the new pages (their screenshots for the docs
come from tests/browser/staff_screenshots.py)."""

from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from api.core.access import SYSTEM
from api.core.db import utcnow
from api.dialogues.models import Dialogue
from api.pledges.models import ContactOffer
from api.sessions import service as sessions
from api.sessions.models import CheckInMode, SessionStatus
from api.sessions.schemas import SessionCreate, SessionUpdate
from api.venues.models import Venue
from tests.browser.staff_fixtures import (
    axe_violations,
    sign_in,
    staff_page,  # noqa: F401  (fixture)
    staff_world,  # noqa: F401  (fixture)
)
from tests.reference import reference_summary
from tests.resident.qr_decode import decode_svg


def open_session_at_the_library(db, world) -> tuple[int, str]:
    """A fresh open session (poster code), so that its counts are this test's ballots only."""
    venue = db.exec(select(Venue).where(Venue.name == "Bibliotheek Welvaartstad")).one()
    now = utcnow()
    row = sessions.create_session(
        db,
        dialogue=db.get(Dialogue, world.dialogue_id),
        body=SessionCreate(
            venueId=venue.id,
            title="Papieren avond",
            startsAt=now - timedelta(hours=1),
            endsAt=now + timedelta(hours=2),
            checkInMode=CheckInMode.POSTER,
        ),
        actor=SYSTEM,
    )
    sessions.update_session(db, row=row, changes=SessionUpdate(status=SessionStatus.OPEN), actor=SYSTEM)  # fmt: skip
    db.commit()
    return row.id, row.join_code


def type_in(page, ids: list[int]) -> dict:
    for pid in ids:
        page.click(f"#wg-rest li[data-priority='{pid}'] button")
    with page.expect_response(lambda r: r.url.endswith("/assisted-ballots")) as sent:
        page.click("#wg-save-ballot")
    assert sent.value.status == 201, sent.value.text()
    stored = sent.value.json()
    # The form is emptied, then the list reloaded: only then is the page ready for the next one.
    page.wait_for_selector(f"#wg-entered-list tr[data-ballot='{stored['id']}']")
    page.wait_for_selector("#wg-ballot-messages .wg-alert--success")
    return stored


@pytest.mark.timeout(300)
def test_print_type_in_three_void_one_and_the_results_leave_it_out(
    staff_page, staff_world, db, axe
):
    world = staff_world
    session_id, join_code = open_session_at_the_library(db, world)
    found = {}
    page = staff_page()
    sign_in(page, world, "/console/", world.facilitator)
    card = f"#wg-sessions li[data-session='{session_id}']"
    page.wait_for_selector(card)

    # Print: the paper ballot opens in a new tab with every priority and the session's QR.
    with page.context.expect_page() as new_tab:
        page.click(f"{card} [data-action='paper-ballot']")
    paper = new_tab.value
    paper.wait_for_url("blob:**")
    paper.wait_for_selector(".wg-poster-tools button")
    dutch = paper.inner_text("#copy-nl")
    for title in world.priorities.values():
        assert title in dutch
    expect(paper.locator("#copy-nl .number")).to_have_count(len(world.priorities))
    svg = paper.eval_on_selector("#copy-nl .qr svg", "e => e.outerHTML")
    (address,) = decode_svg(svg)
    assert address.endswith(f"/c/{join_code}")  # the service's public address, as configured
    assert paper.get_attribute("#copy-ar", "dir") == "rtl"
    assert paper.eval_on_selector("#copy-nl h1", "e => parseFloat(getComputedStyle(e).fontSize)") >= 24  # fmt: skip
    found["paper ballot"] = axe_violations(paper, axe)
    paper.close()

    # Type in three paper ballots, the second with the pledge box (contact with consent).
    page.click(f"{card} [data-action='ballots']")
    page.wait_for_selector("#wg-ballot-form")
    ids = sorted(world.priorities)
    rankings = [ids[:3], ids[2:4], ids[4:7]]
    typed = [type_in(page, rankings[0])]
    for pid in rankings[1]:
        page.click(f"#wg-rest li[data-priority='{pid}'] button")
    page.select_option("#wg-pledge-kind", "time")
    page.fill("#wg-pledge-hours", "2")
    page.fill("#wg-pledge-text", "Voorlezen aan kinderen")
    page.fill("#wg-pledge-contact", "06 98765432")
    page.click("#wg-save-ballot")  # contact without the consent box: refused in the form
    page.wait_for_selector("#wg-ballot-messages [role='alert']")
    assert page.evaluate("document.activeElement.id") == "wg-pledge-consent"
    page.check("#wg-pledge-consent")
    typed.append(type_in(page, []))
    assert typed[1]["pledge"]["contactKept"] is True
    assert page.input_value("#wg-pledge-contact") == ""  # cleared for the next paper
    typed.append(type_in(page, rankings[2]))
    offers = db.exec(select(ContactOffer)).all()
    db.commit()
    # the demo's own offers are at example.org addresses
    typed_offers = [(o.kind, o.contact) for o in offers if "@example.org" not in (o.contact or "")]
    assert typed_offers == [("time", "06 98765432")]

    rows = page.locator("#wg-entered-list tbody tr")
    expect(rows).to_have_count(3)
    # Void the first one by keyboard.
    page.focus(f"#wg-entered-list tr[data-ballot='{typed[0]['id']}'] [data-action='void']")
    with page.expect_response(lambda r: r.request.method == "DELETE") as voided:
        page.keyboard.press("Enter")
    assert voided.value.status == 204
    page.wait_for_selector(f"#wg-entered-list tr[data-ballot='{typed[0]['id']}'][data-voided='true']")  # fmt: skip
    # Focus stays on the row, now on its "undo" button.
    assert page.evaluate("document.activeElement.dataset.action") == "restore"
    expect(page.locator("#wg-entered-list tr[data-voided='false']")).to_have_count(2)
    assert page.inner_text("#wg-entered").startswith("2 ingevoerde stembiljetten tellen mee")
    found["paper ballots list"] = axe_violations(page, axe)

    # Undo and void again: reversible.
    with page.expect_response(lambda r: r.url.endswith("/restore")) as restored:
        page.keyboard.press("Enter")
    assert restored.value.status == 200
    page.wait_for_selector(f"#wg-entered-list tr[data-ballot='{typed[0]['id']}'][data-voided='false']")  # fmt: skip
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#wg-entered-list tr[data-ballot='{typed[0]['id']}'][data-voided='true']")  # fmt: skip

    # The session's vote count says two.
    page.click("text=Terug naar de sessies")
    with page.context.expect_page() as new_window:
        page.click(f"{card} [data-action='projector']")
    projector = new_window.value
    projector.wait_for_function("() => (document.getElementById('wg-count-ballots') || {}).textContent === '2'")  # fmt: skip
    projector.close()

    # Enough paper ballots for a release: the session's results are the reference tally of
    # the counted ones, without the voided one.
    token = world.token(world.facilitator)
    more = [ids[i % len(ids) :][:2] or ids[:2] for i in range(9)]
    for ranking in more:
        response = httpx.post(
            world.url(f"/api/v1/sessions/{session_id}/assisted-ballots"),
            json={"ranking": ranking},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201, response.text
    world.tally()
    body = world.api(
        world.analyst, f"/dialogues/{world.dialogue_id}/results?groupBy=session"
    ).json()
    (group,) = [g for g in body["groups"] if g["key"] == str(session_id)]
    counted = [rankings[1], rankings[2], *more]
    assert group["suppressed"] is False and group["ballots"] == len(counted) == 11
    expected = reference_summary([tuple(ids.index(p) for p in r) for r in counted], len(ids))
    figures = {p["id"]: p for p in group["priorities"]}
    for index, wanted in enumerate(expected):
        actual = figures[ids[index]]
        assert actual["score"] == pytest.approx(float(wanted.score), rel=1e-9)
        assert actual["firstChoiceShare"] == pytest.approx(float(wanted.first_choice_share))
        assert actual["meanRank"] == pytest.approx(float(wanted.mean_rank))
        assert actual["schulzeRank"] == wanted.schulze_rank
    assert {view: v for view, v in found.items() if v} == {}
