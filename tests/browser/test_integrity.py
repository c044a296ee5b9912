# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""Check-ins and suspicious votes in a real browser: a facilitator sets a flood's ballots
aside and restores them with the keyboard; an analyst reads the signals; axe on each view."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from api.ballots import service as ballots
from api.ballots.schemas import BallotPut
from api.core.access import SYSTEM
from api.core.db import utcnow
from api.dialogues.models import Dialogue
from api.sessions import service as sessions
from api.sessions.models import DialogueSession, Participant
from api.sessions.schemas import SessionUpdate
from api.sessions.service import OpenDialogueSession
from api.staff.models import StaffUser
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
FLOOD_NETWORK = "f100d00000000000"


def flood(db, world) -> None:  # noqa: ANN001
    """12 poster check-ins with ballots from one network and 10 from ten others, all within
    one minute five minutes ago; tallied."""
    row = db.get(DialogueSession, world.live_session_id)
    dialogue = db.get(Dialogue, row.dialogue_id)
    target = OpenDialogueSession(id=row.id, dialogue_id=row.dialogue_id, municipality_id=dialogue.municipality_id)  # fmt: skip
    minute = (utcnow() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    priorities = sorted(world.priorities)
    networks = [FLOOD_NETWORK] * 12 + [f"{n:016x}" for n in range(1, 11)]
    for second, network in enumerate(networks):
        participant = str(uuid.uuid4())
        db.add(Participant(id=participant, session_id=row.id, network=network, created_at=minute + timedelta(seconds=second)))  # fmt: skip
        db.flush()
        ranking = priorities[:3] if network == FLOOD_NETWORK else priorities[3:5]
        ballots.store_ballot(db, participant_id=participant, target=target, ballot=BallotPut(ranking=ranking))  # fmt: skip
    db.commit()
    world.tally()


def set_aside_count(db) -> int:  # noqa: ANN001
    count = db.execute(text("SELECT count(*) FROM ballots WHERE set_aside_id IS NOT NULL")).scalar()
    db.commit()
    return count


def test_a_facilitator_sets_a_flood_aside_and_restores_it_and_an_analyst_reads_the_signals(
    staff_page, staff_world, db, axe
):
    world = staff_world
    flood(db, world)
    facilitator = db.exec(select(StaffUser).where(StaffUser.email == world.facilitator)).one()
    row = db.get(DialogueSession, world.live_session_id)
    sessions.update_session(db, row=row, changes=SessionUpdate(facilitatorIds=[facilitator.id]), actor=SYSTEM)  # fmt: skip
    page = staff_page()
    found = {}
    sign_in(page, world, "/console/", world.facilitator)
    page.click(f"#wg-sessions li[data-session='{world.live_session_id}'] [data-action=integrity]")
    page.wait_for_selector("#wg-integrity-minutes")
    assert "Kijk hier even naar" in page.inner_text("#wg-main")
    found["signals"] = axe_violations(page, axe)

    row_of_flood = page.locator("#wg-integrity-minutes tbody tr", has_text="12")
    row_of_flood.locator("[data-action=set-aside]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#wg-set-aside-title:focus")
    assert page.is_checked("input[value=network]")
    page.fill("#wg-set-aside-reason", "Twaalf aanmeldingen van één netwerk")
    found["question"] = axe_violations(page, axe)
    page.focus("[data-action=confirm-set-aside]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#wg-set-asides li")
    assert "12 stemmen" in page.inner_text("#wg-integrity-messages")
    assert set_aside_count(db) == 12
    found["set aside"] = axe_violations(page, axe)

    page.focus("#wg-set-asides [data-action=restore]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-action=confirm-restore]:focus")
    page.keyboard.press("Enter")
    page.wait_for_selector("#wg-set-asides-none")
    assert set_aside_count(db) == 0

    analyst = staff_page()
    sign_in(analyst, world, "/dashboard/", world.analyst)
    analyst.wait_for_selector(f"#integrity details[data-session='{world.live_session_id}']")
    live = analyst.locator(f"#integrity details[data-session='{world.live_session_id}']")
    live.locator("summary").click()
    assert "de helft tot driekwart" in live.inner_text()
    found["dashboard"] = axe_violations(analyst, axe)
    assert not any(found.values()), found
