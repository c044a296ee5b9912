"""A richer world for the results tests, with the truth about every ballot kept in Python.

A municipality with two wijken (three and two buurten), four venues of three kinds, a
dialogue of six priorities and four open sessions. Ballots go in through the real write path
(`api.ballots.service.store_ballot`, committed after), drawn from a seeded RNG: partial
rankings, a buurt, only a wijk or no neighbourhood, an age band or none. `World.ballots`
holds each participant's current ballot, so every expected figure is computed from the truth
by `tests.reference`, never from what the code under test stored.
"""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from api.ballots.schemas import BallotPut
from api.ballots.service import store_ballot
from api.core.access import SYSTEM, Role
from api.core.db import open_session, utcnow
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.dialogues.schemas import DialogueCreate, PriorityCreate
from api.municipalities import service as municipalities
from api.municipalities.models import Municipality
from api.pledges import service as pledges
from api.pledges.schemas import PledgeCreate
from api.results.models import GroupBy
from api.results.refresher import refresh_all
from api.sessions import service as sessions
from api.sessions.ballot_box import AgeBand
from api.sessions.models import Participant, ParticipantType, SessionStatus
from api.sessions.schemas import SessionCreate, SessionUpdate
from api.sessions.service import OpenDialogueSession
from api.venues import service as venues
from api.venues.models import VenueKind
from api.venues.schemas import VenueCreate
from tests.helpers import staff_headers
from tests.reference import Ballot, reference_summary
from tests.unit.test_suppression import recoverable_cells

AGE_BANDS = tuple(band.value for band in AgeBand)
PARTICIPANT_TYPES = tuple(kind.value for kind in ParticipantType)
# The breakdowns published while a dialogue runs (by participant type: after its end).
RUNNING_GROUP_BYS = tuple(g for g in GroupBy if g is not GroupBy.PARTICIPANT_TYPE)
PRIORITY_THEMES = ("milieu", "wonen", "veiligheid", "gezondheid", "later", "samenleving")
GEMEENTE = "GM0344"
WIJKEN = {
    "WK034401": ("BU03440101", "BU03440102", "BU03440103"),
    "WK034402": ("BU03440201", "BU03440202"),
}
# name, kind, buurt; two libraries so that one venue kind has two sessions
VENUES = (
    ("Bibliotheek Centrum", VenueKind.LIBRARY, "BU03440101"),
    ("Bibliotheek Oost", VenueKind.LIBRARY, "BU03440201"),
    ("Jongerencentrum De Vonk", VenueKind.YOUTH_CENTRE, "BU03440102"),
    ("Buurthuis De Linde", VenueKind.COMMUNITY_CENTRE, "BU03440202"),
)
JOIN_CODES = ("RSAAA2", "RSBBB3", "RSCCC4", "RSDDD5")
# How often each session is drawn: the second library session stays small.
SESSION_WEIGHTS = (6, 1, 3, 4)
CLOSE = {"rel": 1e-9, "abs": 1e-12}


@dataclass(frozen=True)
class TruthBallot:
    """A participant's current ballot as the test sent it."""

    session_id: int
    ranking: tuple[int, ...]  # priority ids, best first
    neighbourhood: str | None  # a BU… or WK… code
    age_band: str | None
    participant_type: str | None = None
    life_satisfaction: int | None = None


@dataclass
class World:
    engine: Engine
    code: str
    municipality_id: int
    dialogue_id: int
    dialogue_title: str
    priority_ids: list[int]  # ascending: the index order of the tallies and of the reference
    priority_titles: dict[int, str]
    buurten_by_wijk: dict[str, tuple[str, ...]]
    venues: list[tuple[int, str]]  # (venue id, kind)
    session_ids: list[int]
    session_kinds: dict[int, str]
    rng: random.Random
    ballots: dict[str, TruthBallot] = field(default_factory=dict)
    history: dict[str, list[TruthBallot]] = field(default_factory=lambda: defaultdict(list))
    secret: str = ""  # the app's secret key (contact offers are counted under it)

    # ------------------------------------------------------------ the truth

    @property
    def m(self) -> int:
        return len(self.priority_ids)

    @property
    def buurten(self) -> list[str]:
        return [b for buurten in self.buurten_by_wijk.values() for b in buurten]

    @property
    def kinds(self) -> list[str]:
        return sorted(set(self.session_kinds.values()))

    def wijk_of(self, code: str) -> str:
        return code if code.startswith("WK") else "WK" + code[2:8]

    def indices(self, ranking: Iterable[int]) -> Ballot:
        """Priority ids → indices in ascending id order, the reference's numbering."""
        index = {pid: i for i, pid in enumerate(self.priority_ids)}
        return tuple(index[pid] for pid in ranking)

    def chosen(self, venue_kind: str | None = None, age_band: str | None = None):
        return [
            b
            for b in self.ballots.values()
            if (venue_kind is None or self.session_kinds[b.session_id] == venue_kind)
            and (age_band is None or b.age_band == age_band)
        ]

    def expected_groups(
        self, group_by: str, *, venue_kind: str | None = None, age_band: str | None = None
    ) -> dict[str, list[TruthBallot]]:
        """Each group key of docs/design.md, the empty ones too, with exactly the released ballots
        that belong to it."""
        groups: dict[str, list[TruthBallot]] = {
            key: [] for key in self.breakdown_keys(group_by, venue_kind=venue_kind)
        }
        for ballot in self.released_chosen(venue_kind, age_band):
            groups["dialogue"].append(ballot)
            for key in self.keys_of(ballot, group_by):
                groups[key].append(ballot)
        return groups

    def breakdown_keys(self, group_by: str, *, venue_kind: str | None = None) -> list[str]:
        """Every group of a breakdown: the layout's, whether anyone is in it or not."""
        if group_by == GroupBy.NEIGHBOURHOOD:
            return ["dialogue", *self.buurten_by_wijk, *self.buurten, "unknown"]
        if group_by == GroupBy.VENUE_KIND:
            return ["dialogue", *self.kinds]
        if group_by == GroupBy.AGE_BAND:
            return ["dialogue", *AGE_BANDS, "unknown"]
        if group_by == GroupBy.SESSION:
            rooms = [s for s in self.session_ids if venue_kind in (None, self.session_kinds[s])]
            return ["dialogue", *map(str, rooms)]
        if group_by == GroupBy.PARTICIPANT_TYPE:
            return ["dialogue", *PARTICIPANT_TYPES, "unknown"]
        return ["dialogue"]

    def keys_of(self, ballot: TruthBallot, group_by: str) -> list[str]:
        if group_by == GroupBy.NEIGHBOURHOOD:
            code = ballot.neighbourhood
            if code is None:
                return ["unknown"]
            return [self.wijk_of(code), code] if code.startswith("BU") else [code]
        if group_by == GroupBy.VENUE_KIND:
            return [self.session_kinds[ballot.session_id]]
        if group_by == GroupBy.AGE_BAND:
            return [ballot.age_band or "unknown"]
        if group_by == GroupBy.SESSION:
            return [str(ballot.session_id)]
        if group_by == GroupBy.PARTICIPANT_TYPE:
            return [ballot.participant_type or "unknown"]
        return []

    def reference(self, ballots: list[TruthBallot]):
        return reference_summary([self.indices(b.ranking) for b in ballots], self.m)

    # ------------------------------------------------------------ writing ballots

    def random_ballot(self, session_id: int | None = None) -> TruthBallot:
        rng = self.rng
        if session_id is None:
            session_id = rng.choices(self.session_ids, weights=SESSION_WEIGHTS)[0]
        order = rng.sample(self.priority_ids, self.m)
        k = rng.choice([1, 2, 3, 3, 4, 6]) if rng.random() < 0.8 else rng.randint(1, self.m)
        place = rng.random()
        if place < 0.6:
            neighbourhood = rng.choice(self.buurten)
        elif place < 0.75:
            neighbourhood = rng.choice(list(self.buurten_by_wijk))
        else:
            neighbourhood = None
        band = rng.choice([*AGE_BANDS, None])
        return TruthBallot(session_id, tuple(order[:k]), neighbourhood, band)

    def target(self, session_id: int) -> OpenDialogueSession:
        return OpenDialogueSession(
            id=session_id, dialogue_id=self.dialogue_id, municipality_id=self.municipality_id
        )

    def cast(self, ballots: Iterable[tuple[str | None, TruthBallot]]) -> list[str]:
        """Store (participant or None for a new one, ballot) pairs in one transaction."""
        stored = []
        with open_session(self.engine) as db:
            for participant, ballot in ballots:
                if participant is None:
                    participant = sessions.create_simulated_participant(
                        db, session_id=ballot.session_id
                    )
                    db.flush()
                body = {
                    "ranking": list(ballot.ranking),
                    "ageBand": ballot.age_band,
                    "participantType": ballot.participant_type,
                    "lifeSatisfaction": ballot.life_satisfaction,
                }
                if ballot.neighbourhood:
                    body["neighbourhoodCode"] = ballot.neighbourhood
                store_ballot(
                    db,
                    participant_id=participant,
                    target=self.target(ballot.session_id),
                    ballot=BallotPut.model_validate(body),
                )
                stored.append((participant, ballot))
            db.commit()
        self.ballots.update(stored)
        for participant, ballot in stored:
            self.history[participant].append(ballot)
        return [participant for participant, _ in stored]

    def cast_random(self, n: int, *, session_id: int | None = None) -> list[str]:
        return self.cast((None, self.random_ballot(session_id)) for _ in range(n))

    def replace(self, participant: str, **changes: Any) -> None:
        """Replace a participant's ballot, keeping its session; changes default to random."""
        old = self.ballots[participant]
        fresh = self.random_ballot(old.session_id)
        ballot = TruthBallot(
            old.session_id,
            tuple(changes.get("ranking", fresh.ranking)),
            changes.get("neighbourhood", fresh.neighbourhood),
            changes.get("age_band", fresh.age_band),
            changes.get("participant_type", old.participant_type),
            changes.get("life_satisfaction", old.life_satisfaction),
        )
        self.cast([(participant, ballot)])

    def another_dialogue(self, title: str, *, join_codes: Iterable[str], **options) -> "World":
        """A further dialogue of the same municipality, at the same venues."""
        return add_dialogue(
            self.engine,
            code=self.code,
            municipality_id=self.municipality_id,
            buurten_by_wijk=self.buurten_by_wijk,
            venue_kinds=self.venues,
            title=title,
            join_codes=join_codes,
            **options,
        )

    def refresh(self) -> None:
        refresh_all(self.engine)

    def end(self) -> None:
        """Let the dialogue's last day pass, then refresh: its last release is published."""
        yesterday = datetime.now(ZoneInfo("Europe/Amsterdam")).date() - timedelta(days=1)
        with open_session(self.engine) as db:
            dialogue = db.get(Dialogue, self.dialogue_id)
            dialogue.starts_on, dialogue.ends_on = yesterday - timedelta(days=60), yesterday
            db.add(dialogue)
            db.commit()
        self.refresh()

    def released(self) -> dict[str, TruthBallot]:
        """The ballot versions the published release counts, per participant; each must be a
        version the test once sent for that participant."""
        with open_session(self.engine, write=False) as db:
            rows = db.execute(
                text(
                    "SELECT b.participant_id, r.session_id, r.ranking, n.code, r.age_band, "
                    "r.participant_type, r.life_satisfaction FROM released_ballots r JOIN ballots b ON b.id = r.ballot_id "
                    "LEFT JOIN neighbourhoods n ON n.id = r.neighbourhood_id "
                    "WHERE r.dialogue_id = :d"
                ),
                {"d": self.dialogue_id},
            ).all()
        released = {
            participant: TruthBallot(
                session_id, tuple(int(p) for p in ranking.split(",")), code, band, kind, life
            )
            for participant, session_id, ranking, code, band, kind, life in rows
        }
        for participant, version in released.items():
            assert version in self.history[participant], (participant, version)
        return released

    def take_part(self, participant: str, ballot: TruthBallot) -> None:
        """Record a ballot the test sent through the API for this participant."""
        self.ballots[participant] = ballot
        self.history[participant].append(ballot)

    def released_chosen(self, venue_kind: str | None = None, age_band: str | None = None):
        """`chosen`, over the released versions."""
        return [
            b
            for b in self.released().values()
            if (venue_kind is None or self.session_kinds[b.session_id] == venue_kind)
            and (age_band is None or b.age_band == age_band)
        ]

    def set_min_group_size(self, size: int) -> None:
        with open_session(self.engine) as db:
            municipality = db.get(Municipality, self.municipality_id)
            municipality.min_group_size = size
            db.add(municipality)
            db.commit()

    def pledge(self, pledged: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Store (participant, pledge body) pairs in one transaction, through the service."""
        with open_session(self.engine) as db:
            for participant, body in pledged:
                session_id = db.get(Participant, participant).session_id
                pledges.store_pledge(
                    db,
                    participant_id=participant,
                    target=self.target(session_id),
                    pledge=PledgeCreate.model_validate(body),
                    secret=self.secret,
                )
            db.commit()

    def new_participant(self, session_id: int) -> str:
        with open_session(self.engine) as db:
            participant = sessions.create_simulated_participant(db, session_id=session_id)
            db.commit()
        return participant

    def count_rows(self, table: str) -> int:
        with open_session(self.engine, write=False) as db:
            return db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def build_world(
    engine: Engine,
    *,
    code: str = GEMEENTE,
    name: str = "Utrecht",
    min_group_size: int = 10,
    seed: int = 20270301,
    dialogue_title: str | None = None,
    priority_titles: Iterable[str] | None = None,
    starts_on: date | None = None,
    join_codes: Iterable[str] = JOIN_CODES,
) -> World:
    """Create the municipality, its neighbourhoods and venues, a dialogue and open sessions."""
    digits = code[2:]
    wijken = {
        f"WK{digits}{w[-2:]}": tuple(f"BU{digits}{b[-4:]}" for b in buurten)
        for w, buurten in WIJKEN.items()
    }
    with open_session(engine) as db:
        municipality = municipalities.create_municipality(
            db, cbs_code=code, name=name, min_group_size=min_group_size, brand_colour="#01689b"
        )
        for number, (wijk, buurten) in enumerate(wijken.items(), 1):
            municipalities.create_neighbourhood(
                db, municipality=municipality, code=wijk, name=f"Wijk {number}", wijk_code=None,
                geometry=None,
            )  # fmt: skip
            for buurt in buurten:
                municipalities.create_neighbourhood(
                    db, municipality=municipality, code=buurt, name=f"Buurt {buurt[-4:]}",
                    wijk_code=None, geometry=None,
                )  # fmt: skip
        venue_rows = [
            venues.create_venue(
                db,
                municipality=municipality,
                venue=VenueCreate(
                    name=venue_name, kind=kind, neighbourhoodCode=f"BU{digits}{buurt[-4:]}"
                ),
            )
            for venue_name, kind, buurt in VENUES
        ]
        db.commit()
        municipality_id, venue_ids = municipality.id, [(v.id, v.kind.value) for v in venue_rows]
    world = add_dialogue(
        engine,
        code=code,
        municipality_id=municipality_id,
        buurten_by_wijk=wijken,
        venue_kinds=venue_ids,
        title=dialogue_title or f"Brede welvaart {name}",
        priority_titles=priority_titles,
        starts_on=starts_on,
        join_codes=join_codes,
        seed=seed,
    )
    return world


def add_dialogue(
    engine: Engine,
    *,
    code: str,
    municipality_id: int,
    buurten_by_wijk: dict[str, tuple[str, ...]],
    venue_kinds: list[tuple[int, str]],
    title: str,
    priority_titles: Iterable[str] | None = None,
    starts_on: date | None = None,
    join_codes: Iterable[str] = JOIN_CODES,
    seed: int = 20270301,
) -> World:
    """A dialogue of six priorities with an open session at each venue."""
    titles = list(priority_titles or (f"Prioriteit {i}" for i in range(1, 7)))
    starts = starts_on or date.today()
    with open_session(engine) as db:
        dialogue = dialogues.create_dialogue(
            db,
            dialogue=DialogueCreate(
                municipality=code,
                title=title,
                startsOn=starts,
                endsOn=starts + timedelta(days=60),
                priorities=[
                    PriorityCreate(title=t, description="", themeKey=theme)
                    for t, theme in zip(titles, PRIORITY_THEMES, strict=False)
                ],
            ),
            actor=SYSTEM,
        )
        now = utcnow()
        session_ids, session_kinds = [], {}
        for (venue_id, kind), join_code in zip(venue_kinds, join_codes, strict=True):
            row = sessions.create_session(
                db,
                dialogue=dialogue,
                body=SessionCreate(
                    venueId=venue_id, title=f"Gesprek {join_code}",
                    startsAt=now - timedelta(hours=1), endsAt=now + timedelta(hours=3),
                ),
                actor=SYSTEM,
                join_code=join_code,
            )  # fmt: skip
            sessions.update_session(
                db, row=row, changes=SessionUpdate(status=SessionStatus.OPEN), actor=SYSTEM
            )
            session_ids.append(row.id)
            session_kinds[row.id] = kind
        priorities = dialogues.priorities_of(db, dialogue_id=dialogue.id)
        db.commit()
        return World(
            engine=engine,
            code=code,
            municipality_id=municipality_id,
            dialogue_id=dialogue.id,
            dialogue_title=title,
            priority_ids=sorted(p.id for p in priorities),
            priority_titles={p.id: p.title for p in priorities},
            buurten_by_wijk=buurten_by_wijk,
            venues=venue_kinds,
            session_ids=session_ids,
            session_kinds=session_kinds,
            rng=random.Random(seed),
        )


@pytest.fixture
def empty_world(clean_engine: Engine, settings) -> World:
    """The world without ballots."""
    world = build_world(clean_engine)
    world.secret = settings.signing_key()
    return world


@pytest.fixture
def world(empty_world: World) -> World:
    """The world with 120 random ballots, tallied."""
    empty_world.cast_random(120)
    empty_world.refresh()
    return empty_world


@pytest.fixture
def analyst(client: TestClient, db: Session, empty_world: World) -> dict[str, str]:
    """An analyst of the world's municipality."""
    return staff_headers(client, db, role=Role.ANALYST, municipalities=[empty_world.code])


def results_of(client: TestClient, headers, world: World, **params: str) -> dict[str, Any]:
    """GET the dialogue's results (JSON) with these query parameters; must be a 200."""
    response = client.get(f"/dialogues/{world.dialogue_id}/results", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def assert_group_matches_reference(
    group: dict[str, Any], ballots: list[TruthBallot], world: World
) -> None:
    """Every figure of an unsuppressed group equals the reference over exactly its ballots."""
    assert group["suppressed"] is False, group["key"]
    assert group["ballots"] == len(ballots), group["key"]
    expected = world.reference(ballots)
    assert expected is not None
    figures = {p["id"]: p for p in group["priorities"]}
    assert sorted(figures) == world.priority_ids
    for index, wanted in enumerate(expected):
        actual = figures[world.priority_ids[index]]
        where = (group["key"], world.priority_ids[index])
        assert actual["score"] == pytest.approx(float(wanted.score), **CLOSE), where
        assert actual["scoreLow"] == pytest.approx(wanted.score_low, **CLOSE), where
        assert actual["scoreHigh"] == pytest.approx(wanted.score_high, **CLOSE), where
        assert actual["firstChoiceShare"] == pytest.approx(
            float(wanted.first_choice_share), **CLOSE
        ), where
        assert actual["topThreeShare"] == pytest.approx(float(wanted.top_three_share), **CLOSE), (
            where
        )
        assert actual["meanRank"] == pytest.approx(float(wanted.mean_rank), **CLOSE), where
        assert actual["schulzeRank"] == wanted.schulze_rank, where


# ---------------------------------------------------------------- suppression checks


def breakdown_structure(world: World, group_by: str, venue_kind: str | None = None):
    """Leaves (finest parts) of every group of a breakdown, its lines, and unpublished cells.

    The neighbourhood breakdown nests buurten in wijken; each wijk also holds the ballots that
    name only the wijk (`WK…+`), which are never published on their own.
    """
    if group_by == GroupBy.NEIGHBOURHOOD:
        only = {wijk: f"{wijk}+" for wijk in world.buurten_by_wijk}
        leaves = [*world.buurten, *only.values(), "unknown"]
        leaves_of = {leaf: frozenset([leaf]) for leaf in leaves}
        for wijk, buurten in world.buurten_by_wijk.items():
            leaves_of[wijk] = frozenset([*buurten, only[wijk]])
        lines = [("dialogue", (*world.buurten_by_wijk, "unknown"))]
        lines += [(w, (*b, only[w])) for w, b in world.buurten_by_wijk.items()]
        unpublished = set(only.values())
    else:
        children = {
            GroupBy.VENUE_KIND: world.kinds,
            GroupBy.AGE_BAND: [*AGE_BANDS, "unknown"],
            GroupBy.PARTICIPANT_TYPE: [*PARTICIPANT_TYPES, "unknown"],
            GroupBy.SESSION: world.breakdown_keys(GroupBy.SESSION, venue_kind=venue_kind)[1:],
            GroupBy.DIALOGUE: [],
            GroupBy.MUNICIPALITY: [],  # a dialogue of one municipality: the total only
        }[group_by]
        leaves = list(children) or ["all"]  # the dialogue total has one leaf: everyone
        leaves_of = {leaf: frozenset([leaf]) for leaf in children}
        lines = [("dialogue", tuple(children))] if children else []
        unpublished = set()
    leaves_of["dialogue"] = frozenset(leaves)
    return leaves, leaves_of, lines, unpublished


def leaf_of(world: World, member: TruthBallot, group_by: str) -> str:
    keys = world.keys_of(member, group_by)
    if group_by == GroupBy.NEIGHBOURHOOD and member.neighbourhood:
        return keys[-1] if len(keys) == 2 else f"{keys[0]}+"
    return keys[0] if keys else "all"


def assert_small_groups_protected(
    suppressed: dict[str, bool],
    members: Iterable[TruthBallot],
    world: World,
    group_by: str,
    *,
    min_group_size: int,
    venue_kind: str | None = None,
    where: object = None,
) -> None:
    """Given which groups a breakdown shows and hides, and the truth about who is in it:
    every group under the minimum is hidden, no line with a shown total hides exactly one
    group with people in it, and no hidden group's count is a combination of shown counts.
    """
    leaves, leaves_of, lines, unpublished = breakdown_structure(world, group_by, venue_kind)
    per_leaf: dict[str, int] = defaultdict(int)
    for member in members:
        per_leaf[leaf_of(world, member, group_by)] += 1
    count = {cell: sum(per_leaf[leaf] for leaf in part) for cell, part in leaves_of.items()}
    hidden_groups = {key for key, is_hidden in suppressed.items() if is_hidden}
    hidden = hidden_groups | unpublished

    # Primary: every group under the minimum is hidden.
    for key in suppressed:
        if count[key] < min_group_size:
            assert key in hidden_groups, (where, key, count[key])
    # No group is left out: empty and small groups look the same.
    assert {cell for cell in leaves_of if cell not in unpublished} <= set(suppressed), where

    # Secondary: no line with a shown total hides exactly one cell with people in it; a
    # hidden total with all its children shown would just be their sum.
    # (A lone hidden group of min_group_size or more is no leak: a room hidden in the session
    # breakdown is still its venue kind's figure, shown in the venue breakdown.)
    for parent, children in lines:
        lone = [c for c in children if c in hidden and count[c] > 0]
        if parent in suppressed and parent not in hidden_groups:
            assert len(lone) != 1 or count[lone[0]] >= min_group_size, (where, parent, lone)
            hidden_sum = sum(count[c] for c in children if c in hidden)
            assert hidden_sum == 0 or hidden_sum >= min_group_size, (where, parent, children)
        members = lone + ([parent] if parent in hidden_groups and count[parent] > 0 else [])
        assert len(members) != 1 or count[members[0]] >= min_group_size, (where, members)

    # What no shown group covers (the total minus every shown outermost group) is readable:
    # it holds nobody or at least the minimum.
    if "dialogue" in suppressed and "dialogue" not in hidden_groups:
        shown = [key for key in suppressed if key != "dialogue" and key not in hidden_groups]
        outermost = [
            key for key in shown if not any(key in leaves_of[other] for other in shown if other != key)
        ]  # fmt: skip
        left = count["dialogue"] - sum(count[key] for key in outermost)
        assert left == 0 or left >= min_group_size, (where, left)

    # And no combination of what is shown gives a hidden group's count back.
    recovered = recoverable_cells(leaves_of, leaves, hidden, count)
    small = {cell for cell in recovered & hidden_groups if count[cell] < min_group_size}
    assert not small, (where, recovered)
