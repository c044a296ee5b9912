"""Ballots: one per participant, replaced by an atomic upsert, never by check-then-insert."""

from typing import Any

from sqlalchemy import delete, func, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from api.audit.service import record_event
from api.ballots import counting
from api.ballots.models import AgeBand, Ballot, BallotItem, BallotPublic, BallotPut
from api.core.db import utcnow
from api.core.problems import InvalidInput, NotFound
from api.dialogues import service as dialogues
from api.municipalities import service as municipalities
from api.sessions import service as sessions
from api.sessions.service import OpenSession


def _upsert_statement(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(Ballot)


def _check_ranking(session: Session, *, dialogue_id: int, ranking: list[int]) -> None:
    known = {p.id for p in dialogues.priorities_of(session, dialogue_id=dialogue_id)}
    unknown = [(i, pid) for i, pid in enumerate(ranking) if pid not in known]
    if unknown:
        raise InvalidInput(
            f"Priority {unknown[0][1]} is not one of this dialogue's priorities.",
            invalid_params=[
                (f"ranking.{i}", f"{pid} is not a priority here") for i, pid in unknown
            ],
        )


def store_ballot(
    session: Session,
    *,
    participant_id: str,
    target: OpenSession,
    ballot: BallotPut,
) -> BallotPublic:
    """Insert or replace the participant's ballot (flushed; the caller commits)."""
    _check_ranking(session, dialogue_id=target.dialogue_id, ranking=ballot.ranking)
    neighbourhood_id = None
    if ballot.neighbourhood_code:
        neighbourhood_id = municipalities.neighbourhood_in_municipality(
            session,
            municipality_id=target.municipality_id,
            code=ballot.neighbourhood_code,
            field="neighbourhoodCode",
        ).id
    now = utcnow()
    age_band = ballot.age_band.value if ballot.age_band else None
    values = {
        "neighbourhood_id": neighbourhood_id,
        "age_band": ballot.age_band,
        "ranked_count": len(ballot.ranking),
        "updated_at": now,
    }
    # Insert, or else lock the participant's ballot and replace it. The unique participant
    # decides which, never an earlier read; the lock makes concurrent replacements queue, so
    # each withdraws exactly the version it replaces.
    ballot_id = session.execute(
        _upsert_statement(session)
        .values(
            participant_id=participant_id,
            session_id=target.id,
            dialogue_id=target.dialogue_id,
            revision=1,
            created_at=now,
            **values,
        )
        .on_conflict_do_nothing(index_elements=[Ballot.participant_id])
        .returning(Ballot.id)
    ).scalar()
    revision = 1
    if ballot_id is None:
        previous = session.execute(
            select(Ballot.id, Ballot.neighbourhood_id, Ballot.age_band, Ballot.revision)
            .where(Ballot.participant_id == participant_id)
            .with_for_update()
        ).one()
        ballot_id, revision = previous.id, previous.revision + 1
        old_ranking = list(
            session.execute(
                select(BallotItem.priority_id)
                .where(BallotItem.ballot_id == ballot_id)
                .order_by(BallotItem.rank)
            ).scalars()
        )
        counting.record(
            session,
            sign=-1,
            dialogue_id=target.dialogue_id,
            session_id=target.id,
            neighbourhood_id=previous.neighbourhood_id,
            age_band=previous.age_band.value if previous.age_band else None,
            ranking=old_ranking,
        )
        session.execute(
            update(Ballot).where(Ballot.id == ballot_id).values(revision=revision, **values)
        )
        session.execute(delete(BallotItem).where(BallotItem.ballot_id == ballot_id))
    session.execute(
        insert(BallotItem),
        [
            {
                "ballot_id": ballot_id,
                "rank": rank,
                "priority_id": priority_id,
                "dialogue_id": target.dialogue_id,
            }
            for rank, priority_id in enumerate(ballot.ranking, 1)
        ],
    )
    counting.record(
        session,
        sign=1,
        dialogue_id=target.dialogue_id,
        session_id=target.id,
        neighbourhood_id=neighbourhood_id,
        age_band=age_band,
        ranking=ballot.ranking,
    )
    return BallotPublic(
        session_id=target.id,
        ranking=ballot.ranking,
        neighbourhood_code=ballot.neighbourhood_code,
        age_band=ballot.age_band,
        assisted=False,
        revision=revision,
        updated_at=now,
    )


def store_assisted_ballot(
    session: Session, *, target: OpenSession, ballot: BallotPut, staff_id: int
) -> BallotPublic:
    """Store a paper ballot typed in by a facilitator, logged with who entered it."""
    participant_id = sessions.create_assisted_participant(
        session, session_id=target.id, staff_id=staff_id
    )
    session.flush()
    stored = store_ballot(session, participant_id=participant_id, target=target, ballot=ballot)
    record_event(
        session,
        actor_id=staff_id,
        action="ballot.assisted",
        object_type="session",
        object_id=str(target.id),
        detail={"participant": participant_id},
    )
    return stored.model_copy(update={"assisted": True})


def read_ballot(session: Session, *, participant_id: str) -> BallotPublic:
    """The participant's ballot as stored."""
    ballot = session.exec(select(Ballot).where(Ballot.participant_id == participant_id)).first()
    if ballot is None:
        raise NotFound("You have not sent a ranking yet.")
    ranking = list(
        session.exec(
            select(BallotItem.priority_id)
            .where(BallotItem.ballot_id == ballot.id)
            .order_by(BallotItem.rank)
        )
    )
    code = None
    if ballot.neighbourhood_id:
        code = municipalities.neighbourhood_code_of(
            session, neighbourhood_id=ballot.neighbourhood_id
        )
    return BallotPublic(
        session_id=ballot.session_id,
        ranking=ranking,
        neighbourhood_code=code,
        age_band=AgeBand(ballot.age_band) if ballot.age_band else None,
        assisted=False,
        revision=ballot.revision,
        updated_at=ballot.updated_at,
    )


def count_ballots(
    session: Session, *, dialogue_id: int | None = None, session_id: int | None = None
) -> int:
    """How many ballots a dialogue or a session has."""
    query = select(func.count()).select_from(Ballot)
    if dialogue_id is not None:
        query = query.where(Ballot.dialogue_id == dialogue_id)
    if session_id is not None:
        query = query.where(Ballot.session_id == session_id)
    return session.exec(query).one()


def places_of_participants(
    session: Session, *, participant_ids: list[str]
) -> dict[str, tuple[int | None, str | None]]:
    """Neighbourhood and age band each participant gave on their ballot (if they voted)."""
    found: dict[str, tuple[int | None, str | None]] = {}
    for start in range(0, len(participant_ids), 900):
        rows = session.execute(
            select(Ballot.participant_id, Ballot.neighbourhood_id, Ballot.age_band).where(
                Ballot.participant_id.in_(participant_ids[start : start + 900])  # type: ignore[attr-defined]
            )
        )
        for participant, neighbourhood, band in rows:
            found[participant] = (neighbourhood, band.value if band else None)
    return found
