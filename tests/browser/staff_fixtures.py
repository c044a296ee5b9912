"""Fixtures and helpers for the browser tests of the staff pages: the municipal dashboard
(/dashboard/) and the facilitator console (/console/).

They build on tests/conftest.py (`db`, `clean_engine`, `live_server`) and on the shared
`browser` and `axe` fixtures of tests/browser/conftest.py; everything staff-specific lives
here: a demo world with tallied results, pledges and a map credit line, signed-in pages on a
desktop viewport, the number formats the pages use, and an axe helper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from api.core.access import Role
from api.demo.service import SIMULATION_TITLE, load_demo, simulate_ballots
from api.dialogues.models import Priority
from api.pledges import service as pledges
from api.pledges.schemas import PledgeCreate
from api.results.refresher import refresh_all
from api.sessions.models import DialogueSession, Participant
from api.sessions.service import OpenDialogueSession
from tests.helpers import PASSWORD, make_staff

DESKTOP = {"width": 1280, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ATTRIBUTION = "Kadaster / CBS, 2024"
MUNICIPALITY = "GM9999"
SIMULATED_BALLOTS = 160
PLEDGERS = 24
PLEDGE_KINDS = ["time", "skill", "space", "materials", "network", "other"]


@dataclass
class StaffWorld:
    """The demo municipality with results to look at, and two staff accounts."""

    base_url: str
    engine: Any
    dialogue_id: int
    live_session_id: int  # the open demo session (join code WVSTAD)
    simulation_session_id: int  # closed, with the simulated ballots
    analyst: str
    facilitator: str
    priorities: dict[int, str] = field(default_factory=dict)  # id → title
    tokens: dict[str, str] = field(default_factory=dict)

    def url(self, path: str = "") -> str:
        return f"{self.base_url}{path}"

    def token(self, email: str) -> str:
        if email not in self.tokens:
            response = httpx.post(
                self.url("/api/v1/auth/token"), data={"username": email, "password": PASSWORD}
            )
            response.raise_for_status()
            self.tokens[email] = response.json()["access_token"]
        return self.tokens[email]

    def api(self, email: str, path: str, *, accept: str = "application/json") -> httpx.Response:
        response = httpx.get(
            self.url(f"/api/v1{path}"),
            headers={"Authorization": f"Bearer {self.token(email)}", "Accept": accept},
            timeout=20,
        )
        response.raise_for_status()
        return response

    def tally(self) -> None:
        refresh_all(self.engine)

    def end_dialogue(self) -> None:
        """Let the dialogue's last day pass: its last release, with filtered views, comes out."""
        yesterday = datetime.now(ZoneInfo("Europe/Amsterdam")).date() - timedelta(days=1)
        with self.engine.begin() as connection:
            connection.execute(
                text("UPDATE dialogues SET starts_on = :start, ends_on = :end WHERE id = :id"),
                {"start": yesterday - timedelta(days=60), "end": yesterday, "id": self.dialogue_id},
            )
        self.tally()


def add_pledges(db: Session, *, session_id: int, count: int) -> None:
    """Pledges of `count` simulated participants (kinds, hours and priorities mixed)."""
    row = db.get(DialogueSession, session_id)
    assert row is not None
    from api.dialogues.models import Dialogue

    dialogue = db.get(Dialogue, row.dialogue_id)
    target = OpenDialogueSession(
        id=session_id, dialogue_id=row.dialogue_id, municipality_id=dialogue.municipality_id
    )
    priority_ids = sorted(
        p.id for p in db.exec(select(Priority).where(Priority.dialogue_id == row.dialogue_id))
    )
    people = db.exec(
        select(Participant.id).where(Participant.session_id == session_id).order_by(Participant.id)
    ).all()[:count]
    for index, participant_id in enumerate(people):
        pledges.store_pledge(
            db,
            participant_id=participant_id,
            target=target,
            pledge=PledgeCreate.model_validate(
                {
                    "kind": PLEDGE_KINDS[index % len(PLEDGE_KINDS)],
                    "priorityId": priority_ids[index % 3],
                    "hoursPerMonth": 1 + index % 4,
                    "text": "Ik help mee.",
                }
            ),
            secret="staff-fixtures",
        )
    db.commit()


def build_world(db: Session, engine: Any, base_url: str) -> StaffWorld:
    """Demo data, simulated ballots, pledges, a map credit line, tallies and staff accounts."""
    live = load_demo(db)
    simulate_ballots(db, count=SIMULATED_BALLOTS, secret="staff-fixtures")
    simulation = db.exec(
        select(DialogueSession).where(DialogueSession.title == SIMULATION_TITLE)
    ).one()
    add_pledges(db, session_id=simulation.id, count=PLEDGERS)
    db.execute(
        text("UPDATE neighbourhoods SET source = :source WHERE geometry IS NOT NULL"),
        {"source": ATTRIBUTION},
    )
    analyst = make_staff(db, role=Role.ANALYST, municipalities=[MUNICIPALITY])
    facilitator = make_staff(db, role=Role.FACILITATOR, municipalities=[MUNICIPALITY])
    priorities = {
        p.id: p.title
        for p in db.exec(select(Priority).where(Priority.dialogue_id == live.dialogue_id))
    }
    world = StaffWorld(
        base_url=base_url,
        engine=engine,
        dialogue_id=live.dialogue_id,
        live_session_id=live.id,
        simulation_session_id=simulation.id,
        analyst=analyst,
        facilitator=facilitator,
        priorities=priorities,
    )
    db.commit()
    refresh_all(engine)
    return world


@pytest.fixture
def staff_world(db: Session, clean_engine, live_server: str) -> StaffWorld:
    return build_world(db, clean_engine, live_server)


@pytest.fixture
def ended_staff_world(staff_world: StaffWorld) -> StaffWorld:
    """The staff world once its dialogue has ended: filtered breakdowns are published."""
    staff_world.end_dialogue()
    return staff_world


@pytest.fixture
def staff_page(browser, live_server):
    """Make a page in a fresh desktop context (Dutch unless told); page errors fail the test.

    It depends on `live_server` so that its pages (and their event streams) close before the
    server stops, which then need not wait for them.
    """
    contexts = []
    errors: list[str] = []

    def make(*, locale: str = "nl-NL", viewport: dict[str, int] = DESKTOP, **options: Any):
        context = browser.new_context(
            locale=locale, viewport=viewport, device_scale_factor=1, **options
        )
        context.set_default_timeout(30_000)  # an upper bound on condition waits (see conftest)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def sign_in(page, world: StaffWorld, path: str, email: str) -> None:
    """Open a staff page and sign in through its form."""
    page.goto(world.url(path))
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#wg-signin-submit")
    page.wait_for_selector("#wg-sign-out")


def axe_violations(page, axe) -> list[dict[str, Any]]:
    """WCAG 2.1 A/AA violations axe-core finds on the page as it is now."""
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        {
            "id": v["id"],
            "impact": v.get("impact"),
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results.response["violations"]
    ]


# ---------- The number formats of the staff pages (Intl.NumberFormat, nl-NL) ----------


def _round(value: float | Decimal, places: str) -> Decimal:
    # Intl rounds the shortest decimal form of the double half away from zero.
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    return exact.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def nl_score(value: float) -> str:
    return f"{_round(value * 100, '0.1')}".replace(".", ",")


def nl_interval(low: float, high: float) -> str:
    return f"{nl_score(low)}–{nl_score(high)}"


def nl_share(value: float) -> str:
    return f"{_round(Decimal(repr(value)) * 100, '1')}%"


def nl_rank(value: float) -> str:
    return f"{_round(value, '0.1')}".replace(".", ",")
