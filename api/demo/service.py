"""Demo data: the fictional municipality Welvaartstad (GM9999), loaded idempotently."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session

from api.accounts import service as accounts
from api.ballots import service as ballots
from api.ballots.schemas import BallotPut
from api.core.access import SYSTEM, Role
from api.core.db import utcnow
from api.core.zones import AMSTERDAM
from api.demo.agenda import load_demo_agenda
from api.demo.context import load_demo_context
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.dialogues.schemas import DialogueCreate, PriorityCreate
from api.municipalities import service as municipalities
from api.municipalities.schemas import Geometry
from api.pledges import service as pledges
from api.pledges.models import PledgeKind
from api.pledges.schemas import PledgeCreate
from api.sessions import service as sessions
from api.sessions.ballot_box import AgeBand
from api.sessions.models import CheckInMode, DialogueSession, SessionStatus
from api.sessions.schemas import SessionCreate, SessionUpdate
from api.staff import service as staff
from api.venues import service as venues
from api.venues.models import VenueKind
from api.venues.schemas import VenueCreate

DEMO_MUNICIPALITY = "GM9999"
DEMO_JOIN_CODE = "WVSTAD"
DEMO_DIALOGUE = "Brede welvaart Welvaartstad 2027"
SIMULATION_TITLE = "Simulatie (demo) – geen echte stemmen"
DEMO_EVENING = (time(19, 0), time(21, 30))


@dataclass(frozen=True)
class DemoAccount:
    """A demo staff account whose password is printed for the person trying the product."""

    email: str
    password: str
    role: Role


DEMO_ACCOUNTS = (
    DemoAccount("admin@welvaartstad.example", "demo-admin-welvaartstad", Role.ADMIN),
    DemoAccount(
        "coordinator@welvaartstad.example", "demo-coordinator-welvaartstad", Role.COORDINATOR
    ),
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


# Simulated pledges: enough pledgers (at least minGroupSize) that the pledge totals are
# readable, and a few contact offers (fictional example.org addresses) for the follow-up.
_PLEDGES = [
    (PledgeKind.TIME, "2", "Ik wil een middag per maand helpen bij het buurtcafé.", 4),
    (PledgeKind.SKILL, None, "Ik kan mensen helpen met hun telefoon en de computer.", 7),
    (PledgeKind.TIME, "4", "Bomen water geven in de zomer, in mijn eigen straat.", 0),
    (PledgeKind.SPACE, None, "Onze kantine is op dinsdagavond vrij voor de buurt.", 3),
    (PledgeKind.NETWORK, None, "Ik ken de ondernemers aan de Marktstraat en breng ze samen.", 4),
    (PledgeKind.TIME, "3", "", 1),
    (PledgeKind.MATERIALS, None, "Gereedschap lenen voor een klusdag.", 0),
    (PledgeKind.SKILL, "2", "Taalmaatje zijn voor iemand die Nederlands leert.", 7),
    (PledgeKind.TIME, "1.5", "", 5),
    (PledgeKind.OTHER, None, "Meedenken over een jongerenplek.", 3),
    (PledgeKind.TIME, "2", "Koffie schenken bij de koffieochtend.", 4),
    (PledgeKind.SKILL, None, "Ik ben elektricien en geef graag advies over zonnepanelen.", 8),
]  # fmt: skip
_CONTACT_OFFERS = [
    (PledgeKind.TIME, "3", "Ik wil meehelpen een buurtmaaltijd te organiseren.", 4, "anna.demo@example.org"),
    (PledgeKind.SKILL, None, "Ik geef bijles wiskunde aan scholieren.", 7, "youssef.demo@example.org"),
    (PledgeKind.SPACE, None, "Mijn tuin is beschikbaar voor een buurtfeest.", 0, "demo.tuin@example.org"),
]  # fmt: skip


def demo_evening(now: datetime) -> tuple[datetime, datetime]:
    """The demo session's evening (19:00–21:30 in Welvaartstad): tonight, or tomorrow once
    tonight's is over."""
    today = now.astimezone(AMSTERDAM).date()
    start, end = (datetime.combine(today, t, tzinfo=AMSTERDAM) for t in DEMO_EVENING)
    if end <= now:
        start, end = start + timedelta(days=1), end + timedelta(days=1)
    return start, end


def _grid_polygon(column: int, row: int) -> Geometry:
    west, south, size = 5.60 + column * 0.02, 52.10 + row * 0.015, 0.02
    ring = [
        [round(west, 6), round(south, 6)],
        [round(west + size, 6), round(south, 6)],
        [round(west + size, 6), round(south + 0.015, 6)],
        [round(west, 6), round(south + 0.015, 6)],
        [round(west, 6), round(south, 6)],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _demo_dialogue(db: Session) -> Dialogue | None:
    """The demo dialogue, once made."""
    rows = dialogues.list_dialogues(db, actor=SYSTEM, municipality_code=DEMO_MUNICIPALITY)
    return next((d for d in rows if d.title == DEMO_DIALOGUE), None)


def _session_of(
    db: Session, *, dialogue: Dialogue, join_code: str | None = None, title: str | None = None
) -> DialogueSession | None:
    """The demo dialogue's session with this join code or title, once made."""
    return next(
        (
            row
            for row in sessions.list_sessions(db, dialogue=dialogue)
            if join_code in (None, row.join_code) and title in (None, row.title)
        ),
        None,
    )


def load_demo(db: Session) -> DialogueSession:
    """Create whatever of the demo is missing; running it again changes nothing."""
    municipality = municipalities.find_municipality(db, cbs_code=DEMO_MUNICIPALITY)
    if municipality is None:
        municipality = municipalities.create_municipality(
            db,
            cbs_code=DEMO_MUNICIPALITY,
            name="Welvaartstad",
            min_group_size=10,
            brand_colour="#01689b",
        )
    assert municipality.id is not None

    wijken = [(code, name, None) for code, name in _WIJKEN]
    buurten = [
        (code, name, _grid_polygon(i % 3, i // 3)) for i, (code, name) in enumerate(_BUURTEN)
    ]
    for code, name, geometry in wijken + buurten:
        if municipalities.find_neighbourhood(db, code=code) is None:
            municipalities.create_neighbourhood(
                db,
                municipality=municipality,
                code=code,
                name=name,
                wijk_code=None,
                geometry=geometry,
            )

    for account in DEMO_ACCOUNTS:
        if staff.find_user_by_email(db, email=account.email) is None:
            accounts.create_user(
                db,
                email=account.email,
                password=account.password,
                role=account.role,
                full_name=f"Demo {account.role.value}",
                municipality_codes=[] if account.role is Role.ADMIN else [DEMO_MUNICIPALITY],
            )

    known_venues = {v.name: v for v in venues.list_venues(db, municipality=municipality)}
    for name, kind, neighbourhood, address in _VENUES:
        if name not in known_venues:
            known_venues[name] = venues.create_venue(
                db,
                municipality=municipality,
                venue=VenueCreate(
                    name=name, kind=kind, neighbourhoodCode=neighbourhood, address=address
                ),
            )

    dialogue = _demo_dialogue(db)
    if dialogue is None:
        today = date.today()
        dialogue = dialogues.create_dialogue(
            db,
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

    demo_session = _session_of(db, dialogue=dialogue, join_code=DEMO_JOIN_CODE)
    if demo_session is None:
        starts_at, ends_at = demo_evening(utcnow())
        demo_session = sessions.create_session(
            db,
            dialogue=dialogue,
            body=SessionCreate(
                venueId=known_venues["Bibliotheek Welvaartstad"].id,
                title="Inloopavond in de bibliotheek",
                startsAt=starts_at,
                endsAt=ends_at,
                checkInMode=CheckInMode.POSTER,
            ),
            actor=SYSTEM,
            join_code=DEMO_JOIN_CODE,
        )
    if demo_session.status is SessionStatus.PLANNED:
        demo_session = sessions.update_session(
            db,
            row=demo_session,
            changes=SessionUpdate(status=SessionStatus.OPEN),
            actor=SYSTEM,
        )
    load_demo_context(db, municipality=municipality)
    load_demo_agenda(db, municipality=municipality)
    return demo_session


_PARTICIPANT_TYPES = ("resident", "business", "organisation", "youth")
# Roughly the shape of CBS's answers (most score 7 or 8, few below 5).
_LIFE_SATISFACTION = (1, 1, 1, 2, 3, 5, 9, 25, 32, 14, 7)


def simulate_ballots(db: Session, *, count: int, secret: str, seed: int = 2027) -> int:
    """Top the clearly marked simulation session up to `count` simulated ballots; the first
    simulated residents also pledge (some leave a fictional contact address)."""
    load_demo(db)
    dialogue = _demo_dialogue(db)
    assert dialogue is not None  # load_demo made it
    simulation = _session_of(db, dialogue=dialogue, title=SIMULATION_TITLE)
    if simulation is None:
        municipality = municipalities.get_municipality_by_id(
            db, municipality_id=dialogue.municipality_id
        )
        venue = next(
            v
            for v in venues.list_venues(db, municipality=municipality)
            if v.kind == VenueKind.COMMUNITY_CENTRE
        )
        soon = utcnow().replace(microsecond=0) + timedelta(hours=1)
        simulation = sessions.create_session(
            db,
            dialogue=dialogue,
            body=SessionCreate(
                venueId=venue.id, title=SIMULATION_TITLE, startsAt=soon,
                endsAt=soon + timedelta(hours=3),
            ),
            actor=SYSTEM,
        )  # fmt: skip
        # Simulated as held on an evening two days ago (the API plans sessions only ahead).
        evening, _ = demo_evening(utcnow() - timedelta(days=2))
        simulation.starts_at, simulation.ends_at = evening, evening + timedelta(hours=3)
        db.add(simulation)
    existing = ballots.count_ballots(db, session_id=simulation.id)
    missing = max(0, count - existing)
    if not missing:
        return 0
    if simulation.status is not SessionStatus.OPEN:
        simulation.status = SessionStatus.OPEN
        db.add(simulation)
        db.commit()
    target = sessions.open_dialogue_session_for_writes(db, session_id=simulation.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    priority_ids = [p.id for p in dialogues.priorities_of(db, dialogue_id=dialogue.id)]  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    buurten = [code for code, _ in _BUURTEN]
    rng = random.Random(seed + existing)
    appeal = {pid: rng.random() ** 2 for pid in priority_ids}  # some priorities are more popular
    pledging = _PLEDGES + _CONTACT_OFFERS if existing == 0 else []
    # How people take part and their life satisfaction come from a generator of their own,
    # so the rankings, places and ages stay those of earlier demos.
    about = random.Random(seed + existing + 1)
    for number in range(missing):
        participant_id = sessions.create_simulated_participant(db, session_id=target.id)
        order = sorted(priority_ids, key=lambda pid: -appeal[pid] * rng.random())
        ballots.store_ballot(
            db,
            participant_id=participant_id,
            target=target,
            ballot=BallotPut(
                ranking=order[: rng.choice([3, 3, 3, 4, 5, len(order)])],
                neighbourhoodCode=rng.choice(buurten + [None]),
                ageBand=rng.choice([*AgeBand, None]),
                participantType=about.choices(_PARTICIPANT_TYPES, weights=(70, 10, 8, 12))[0],
                lifeSatisfaction=about.choices(range(11), weights=_LIFE_SATISFACTION)[0],
            ),
        )
        if number < len(pledging):
            kind, hours, text, priority, *contact = pledging[number]
            pledges.store_pledge(
                db,
                participant_id=participant_id,
                target=target,
                pledge=PledgeCreate(
                    kind=kind,
                    hoursPerMonth=Decimal(hours) if hours else None,
                    text=text,
                    priorityId=priority_ids[priority],
                    contact=contact[0] if contact else None,
                    contactConsent=bool(contact),
                ),
                secret=secret,
            )
    simulation.status = SessionStatus.CLOSED
    simulation.closed_at = utcnow()
    db.add(simulation)
    db.commit()
    return missing
