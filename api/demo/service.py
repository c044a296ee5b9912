"""Demo data: the fictional municipality Welvaartstad (GM9999), loaded idempotently."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from api.ballots import service as ballots
from api.ballots.models import AgeBand, BallotPut
from api.core.access import SYSTEM, Role
from api.core.db import utcnow
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue, DialogueCreate, PriorityCreate
from api.municipalities import service as municipalities
from api.sessions import service as sessions
from api.sessions.models import CheckInMode, SessionCreate, SessionStatus, SessionUpdate
from api.sessions.models import Session as DialogueSession
from api.staff import service as staff
from api.staff.models import StaffUser
from api.venues import service as venues
from api.venues.models import Venue, VenueCreate, VenueKind

DEMO_MUNICIPALITY = "GM9999"
DEMO_JOIN_CODE = "WVSTAD"
DEMO_DIALOGUE = "Brede welvaart Welvaartstad 2027"
SIMULATION_TITLE = "Simulatie (demo) – geen echte stemmen"


@dataclass(frozen=True)
class DemoAccount:
    """A demo staff account whose password is printed for the person trying the product."""

    email: str
    password: str
    role: Role


DEMO_ACCOUNTS = (
    DemoAccount("admin@welvaartstad.example", "demo-admin-welvaartstad", Role.ADMIN),
    DemoAccount(
        "facilitator@welvaartstad.example", "demo-facilitator-welvaartstad", Role.FACILITATOR
    ),
    DemoAccount("analist@welvaartstad.example", "demo-analist-welvaartstad", Role.ANALYST),
)

_WIJKEN = [("WK999901", "Centrum"), ("WK999902", "Noord")]
_BUURTEN = [
    ("BU99990101", "Binnenstad"),
    ("BU99990102", "Stationskwartier"),
    ("BU99990103", "Havenkwartier"),
    ("BU99990201", "Bloemenbuurt"),
    ("BU99990202", "Parkwijk"),
    ("BU99990203", "De Akkers"),
]
_VENUES = [
    ("Bibliotheek Welvaartstad", VenueKind.LIBRARY, "BU99990101", "Marktplein 1"),
    ("Jongerencentrum De Schakel", VenueKind.YOUTH_CENTRE, "BU99990201", "Tulpstraat 12"),
    ("Buurthuis De Akkers", VenueKind.COMMUNITY_CENTRE, "BU99990203", "Akkerweg 40"),
]
_PRIORITIES = [
    ("Meer groen en schaduw in de wijk", "Bomen, plantsoenen en koele plekken bij hitte.", "milieu"),
    ("Betaalbare woningen voor starters en ouderen", "Meer huizen die jonge mensen en ouderen kunnen betalen.", "wonen"),
    ("Veilige fiets- en looproutes naar school", "Oversteekplaatsen, verlichting en minder hard rijden.", "veiligheid"),
    ("Een plek waar jongeren samen kunnen komen", "Een open ruimte met activiteiten, ook in de avond.", "arbeid-en-vrije-tijd"),
    ("Minder eenzaamheid, meer ontmoeting", "Koffieochtenden, buurtmaaltijden en bezoek aan wie alleen is.", "samenleving"),
    ("Hulp bij geldzorgen en schulden", "Snel en zonder schaamte hulp vinden als het geld niet rondkomt.", "materiele-welvaart"),
    ("Huisarts en zorg dichtbij", "Zorg in de buurt, ook voor mensen die slecht ter been zijn.", "gezondheid"),
    ("Taal- en digitale lessen voor iedereen", "Gratis lessen Nederlands en hulp met de computer en telefoon.", "onderwijs-en-ontwikkeling"),
    ("Zonnepanelen en isolatie voor elk huis", "Lagere energierekening en minder CO₂, ook voor huurders.", "later"),
    ("Tevreden en gelukkig wonen in Welvaartstad", "Je thuis voelen en mee kunnen doen in je buurt.", "welzijn"),
]  # fmt: skip


def _grid_polygon(column: int, row: int) -> dict[str, object]:
    west, south, size = 5.60 + column * 0.02, 52.10 + row * 0.015, 0.02
    ring = [
        [round(west, 6), round(south, 6)],
        [round(west + size, 6), round(south, 6)],
        [round(west + size, 6), round(south + 0.015, 6)],
        [round(west, 6), round(south + 0.015, 6)],
        [round(west, 6), round(south, 6)],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def load_demo(session: Session) -> DialogueSession:
    """Create whatever of the demo is missing; running it again changes nothing."""
    municipality = municipalities.find_municipality(session, cbs_code=DEMO_MUNICIPALITY)
    if municipality is None:
        municipality = municipalities.create_municipality(
            session,
            cbs_code=DEMO_MUNICIPALITY,
            name="Welvaartstad",
            min_group_size=10,
            brand_colour="#01689b",
        )
    assert municipality.id is not None

    for code, name in _WIJKEN:
        if municipalities.find_neighbourhood(session, code=code) is None:
            municipalities.create_neighbourhood(
                session,
                municipality=municipality,
                code=code,
                name=name,
                wijk_code=None,
                geometry=None,
            )
    for index, (code, name) in enumerate(_BUURTEN):
        if municipalities.find_neighbourhood(session, code=code) is None:
            municipalities.create_neighbourhood(
                session,
                municipality=municipality,
                code=code,
                name=name,
                wijk_code=None,
                geometry=_grid_polygon(index % 3, index // 3),
            )

    for account in DEMO_ACCOUNTS:
        exists = session.exec(select(StaffUser).where(StaffUser.email == account.email)).first()
        if exists is None:
            staff.create_user(
                session,
                email=account.email,
                password=account.password,
                role=account.role,
                full_name=f"Demo {account.role.value}",
                municipality_codes=[] if account.role is Role.ADMIN else [DEMO_MUNICIPALITY],
            )

    known_venues = {v.name: v for v in venues.list_venues(session, municipality=municipality)}
    for name, kind, neighbourhood, address in _VENUES:
        if name not in known_venues:
            known_venues[name] = venues.create_venue(
                session,
                municipality=municipality,
                venue=VenueCreate(
                    name=name, kind=kind, neighbourhoodCode=neighbourhood, address=address
                ),
            )

    dialogue = session.exec(
        select(Dialogue).where(
            Dialogue.municipality_id == municipality.id, Dialogue.title == DEMO_DIALOGUE
        )
    ).first()
    if dialogue is None:
        today = date.today()
        dialogue = dialogues.create_dialogue(
            session,
            dialogue=DialogueCreate(
                municipality=DEMO_MUNICIPALITY,
                title=DEMO_DIALOGUE,
                description="Wat maakt het leven in Welvaartstad goed, en wat kan beter? "
                "Kies wat voor jou het belangrijkst is, en zeg wat je zelf wilt doen.",
                startsOn=today - timedelta(days=7),
                endsOn=today + timedelta(days=90),
                priorities=[
                    PriorityCreate(title=t, description=d, themeKey=k) for t, d, k in _PRIORITIES
                ],
            ),
            actor=SYSTEM,
        )

    demo_session = session.exec(
        select(DialogueSession).where(DialogueSession.join_code == DEMO_JOIN_CODE)
    ).first()
    if demo_session is None:
        now = utcnow().replace(minute=0, second=0, microsecond=0)
        demo_session = sessions.create_session(
            session,
            dialogue=dialogue,
            body=SessionCreate(
                venueId=known_venues["Bibliotheek Welvaartstad"].id,
                title="Inloopavond in de bibliotheek",
                startsAt=now - timedelta(hours=1),
                endsAt=now + timedelta(days=30),
                checkInMode=CheckInMode.POSTER,
            ),
            actor=SYSTEM,
            join_code=DEMO_JOIN_CODE,
        )
    if demo_session.status is SessionStatus.PLANNED:
        demo_session = sessions.update_session(
            session,
            row=demo_session,
            changes=SessionUpdate(status=SessionStatus.OPEN),
            actor=SYSTEM,
        )
    return demo_session


def simulate_ballots(session: Session, *, count: int, seed: int = 2027) -> int:
    """Top the clearly marked simulation session up to `count` simulated ballots."""
    load_demo(session)
    dialogue = session.exec(select(Dialogue).where(Dialogue.title == DEMO_DIALOGUE)).one()
    simulation = session.exec(
        select(DialogueSession).where(
            DialogueSession.dialogue_id == dialogue.id, DialogueSession.title == SIMULATION_TITLE
        )
    ).first()
    if simulation is None:
        municipality = municipalities.get_municipality_by_id(
            session, municipality_id=dialogue.municipality_id
        )
        venue = session.exec(
            select(Venue).where(
                Venue.municipality_id == municipality.id, Venue.kind == VenueKind.COMMUNITY_CENTRE
            )
        ).one()
        now = utcnow().replace(microsecond=0)
        simulation = sessions.create_session(
            session,
            dialogue=dialogue,
            body=SessionCreate(
                venueId=venue.id, title=SIMULATION_TITLE, startsAt=now - timedelta(days=2),
                endsAt=now - timedelta(days=2) + timedelta(hours=3),
            ),
            actor=SYSTEM,
        )  # fmt: skip
    existing = ballots.count_ballots(session, session_id=simulation.id)
    missing = max(0, count - existing)
    if not missing:
        return 0
    if simulation.status is not SessionStatus.OPEN:
        simulation.status = SessionStatus.OPEN
        session.add(simulation)
        session.commit()
    target = sessions.open_session_for_writes(session, session_id=simulation.id)  # type: ignore[arg-type]
    priority_ids = [p.id for p in dialogues.priorities_of(session, dialogue_id=dialogue.id)]  # type: ignore[arg-type]
    buurten = [code for code, _ in _BUURTEN]
    rng = random.Random(seed + existing)
    appeal = {pid: rng.random() ** 2 for pid in priority_ids}  # some priorities are more popular
    for _ in range(missing):
        participant_id = sessions.create_simulated_participant(session, session_id=target.id)
        order = sorted(priority_ids, key=lambda pid: -appeal[pid] * rng.random())
        ballots.store_ballot(
            session,
            participant_id=participant_id,
            target=target,
            ballot=BallotPut(
                ranking=order[: rng.choice([3, 3, 3, 4, 5, len(order)])],
                neighbourhoodCode=rng.choice(buurten + [None]),
                ageBand=rng.choice([*AgeBand, None]),
            ),
        )
    simulation.status = SessionStatus.CLOSED
    simulation.closed_at = utcnow()
    session.add(simulation)
    session.commit()
    return missing
