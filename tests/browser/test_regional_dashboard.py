# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""The dashboard of a regional analyst in a real browser: the region's dialogue, its figures
per member municipality equal to the API's, a small member hidden, axe clean in nl and en; the
lead municipality's own staff break the same dialogue down per municipality.

Screenshots: WG_DASHBOARD_SCREENSHOTS=docs/screenshots/dashboard pytest tests/browser/test_regional_dashboard.py
(region-municipalities-{nl,en}.png and lead-per-municipality.png).
"""

import os
import random
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from api.ballots.schemas import BallotPut
from api.ballots.service import store_ballot
from api.core.access import SYSTEM, Role
from api.core.db import open_session, utcnow
from api.regions import service as regions
from api.results.refresher import refresh_all
from api.sessions import service as sessions
from api.sessions.models import SessionStatus
from api.sessions.schemas import SessionCreate, SessionUpdate
from api.sessions.service import OpenDialogueSession
from api.staff.models import StaffUser
from tests.browser.staff_fixtures import (
    axe_violations,
    staff_page,  # noqa: F401  (fixture)
)
from tests.helpers import PASSWORD, make_staff
from tests.support.places import build_place

SHOTS = os.environ.get("WG_DASHBOARD_SCREENSHOTS")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def regional_world(db: Session, engine) -> dict:
    """Tilburg leads a regional dialogue with Den Bosch and Goirle: 12, 11 and 3 ballots."""
    places = [
        build_place(db, "GM0855", "Tilburg", join_code="TBGAAA"),
        build_place(db, "GM0796", "'s-Hertogenbosch", join_code="DBSBBB"),
        build_place(db, "GM0785", "Goirle", join_code="GRLCCC"),
    ]
    lead = places[0]
    region = regions.create_own_region(
        db, name="Hart van Brabant", municipality_codes=[p.code for p in places], actor=SYSTEM
    )
    for place in places:
        regions.join_region(db, region=region, cbs_code=place.code, actor=SYSTEM)
    dialogue = regions.make_regional(db, region=region, dialogue_id=lead.dialogue_id, actor=SYSTEM)
    session_of = {lead.code: lead.session_id}
    now = utcnow()
    for place in places[1:]:
        row = sessions.create_session(
            db,
            dialogue=dialogue,
            body=SessionCreate(
                venueId=place.venue_id, startsAt=now - timedelta(hours=1),
                endsAt=now + timedelta(hours=2),
            ),
            actor=SYSTEM,
        )  # fmt: skip
        sessions.update_session(
            db, row=row, changes=SessionUpdate(status=SessionStatus.OPEN), actor=SYSTEM
        )
        session_of[place.code] = row.id
    email = make_staff(db, role=Role.REGIONAL_ANALYST, email="regio@example.org")
    analyst_id = db.exec(select(StaffUser.id).where(StaffUser.email == email)).one()
    regions.set_analyst(db, region=region, user_id=analyst_id, reads=True, actor=SYSTEM)
    db.commit()
    rng = random.Random(3)
    with open_session(engine) as other_db:
        for code, count in (("GM0855", 12), ("GM0796", 11), ("GM0785", 3)):
            target = OpenDialogueSession(
                id=session_of[code],
                dialogue_id=lead.dialogue_id,
                municipality_id=dialogue.municipality_id,
            )
            for _ in range(count):
                participant = sessions.create_simulated_participant(
                    other_db, session_id=session_of[code]
                )
                other_db.flush()
                ranking = rng.sample(lead.priority_ids, 3)
                store_ballot(
                    other_db, participant_id=participant, target=target,
                    ballot=BallotPut.model_validate({"ranking": ranking}),
                )  # fmt: skip
        other_db.commit()
    refresh_all(engine)
    return {"region": region.id, "dialogue": lead.dialogue_id, "email": email}


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_a_regional_analyst_reads_the_municipality_breakdown_and_axe_finds_nothing(
    staff_page, db, clean_engine, live_server, axe, locale
):
    world = regional_world(db, clean_engine)
    page = staff_page(locale=locale)
    page.goto(f"{live_server}/dashboard/")
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", world["email"])
    page.fill("input[name=password]", PASSWORD)
    page.click("#wg-signin-submit")
    page.wait_for_selector("#results [data-group='GM0855']")
    assert page.locator("h1").first.inner_text() == "Brede welvaart Tilburg 2027"
    shown = page.locator("#results [data-group='GM0855']")
    assert shown.get_attribute("data-suppressed") != "true"
    assert page.locator("#results [data-group='GM0785']").get_attribute("data-suppressed") == "true"
    expect(page.locator("#results [data-group='GM0796']")).to_have_count(1)
    assert axe_violations(page, axe) == []
    if SHOTS:
        page.screenshot(
            path=str(Path(SHOTS) / f"region-municipalities-{locale[:2]}.png"), full_page=True
        )


def test_the_lead_municipality_breaks_its_regional_dialogue_down_per_municipality(
    staff_page, db, clean_engine, live_server, axe
):
    world = regional_world(db, clean_engine)
    analyst = make_staff(db, role=Role.ANALYST, municipalities=["GM0855"])
    db.commit()
    page = staff_page()
    page.goto(f"{live_server}/dashboard/?dialogue={world['dialogue']}")
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", analyst)
    page.fill("input[name=password]", PASSWORD)
    page.click("#wg-signin-submit")
    page.wait_for_selector("#results table.wg-table--results")
    page.select_option("#wg-filter-groupBy", "municipality")
    assert page.locator("#wg-filter-ageBand").is_disabled()  # the whole dialogue only
    with page.expect_request(lambda r: r.url.endswith("/results?groupBy=municipality")):
        page.click("#wg-filters-apply")
    page.wait_for_selector("#results [data-group='GM0855']")
    assert "Per gemeente" in page.inner_text("#results .wg-breakdown-title")
    assert page.locator("#results [data-group='GM0796']").get_attribute("data-suppressed") != (
        "true"
    )
    assert page.locator("#results [data-group='GM0785']").get_attribute("data-suppressed") == "true"
    assert axe_violations(page, axe) == []
    if SHOTS:
        page.locator("#results [data-group='GM0855'] .wg-group__details > summary").click()
        page.locator("#wg-filters").screenshot(path=str(Path(SHOTS) / "lead-filters.png"))
        page.locator("#results").screenshot(path=str(Path(SHOTS) / "lead-per-municipality.png"))


def test_a_dialogue_of_one_municipality_offers_no_breakdown_per_municipality(
    staff_page, db, clean_engine, live_server
):
    place = build_place(db, "GM0855", "Tilburg", join_code="TBGAAA")
    analyst = make_staff(db, role=Role.ANALYST, municipalities=[place.code])
    db.commit()
    page = staff_page()
    page.goto(f"{live_server}/dashboard/?dialogue={place.dialogue_id}")
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", analyst)
    page.fill("input[name=password]", PASSWORD)
    page.click("#wg-signin-submit")
    page.wait_for_selector("#wg-filter-groupBy")
    options = page.eval_on_selector_all("#wg-filter-groupBy option", "os => os.map(o => o.value)")
    assert "participantType" in options and "municipality" not in options
