"""Ballots: one per participant, replaced by an atomic upsert, never by check-then-insert."""

from collections.abc import Sequence

from sqlalchemy import Row, bindparam, delete, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from api.audit.service import record_event
from api.ballots import counting
from api.ballots.schemas import (
    AssistedBallotCreate,
    AssistedBallotEntry,
    AssistedBallotPublic,
    BallotPublic,
    BallotPut,
)
from api.core.db import utcnow
from api.core.dialects import PerDialect
from api.core.driver import Prepared
from api.core.problems import InvalidInput, NotFound
from api.dialogues import service as dialogues
from api.municipalities import service as municipalities
from api.pledges import service as pledges
from api.sessions import service as sessions
from api.sessions.ballot_box import AgeBand, Ballot, BallotItem
from api.sessions.models import Participant, ParticipantOrigin
from api.sessions.service import OpenDialogueSession

_BALLOTS = Ballot.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it
_ITEMS = BallotItem.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it

# A ballot's columns, as its statements set them (its neighbourhood comes from its code).
_VALUES = (
    "age_band",
    "participant_type",
    "life_satisfaction",
    "ranked_count",
    "ranking",
    "updated_at",
)
_NEIGHBOURHOOD = municipalities.neighbourhood_id_here(
    bindparam("neighbourhood_code"), bindparam("municipality")
)
# Built once and run on the driver (see api/core/driver.py): a ballot is a few statements,
# held under SQLite's single writer, where SQLAlchemy's work per statement cost more than
# the statement. The neighbourhood is found by the insert or update itself, and a
# replacement locks, counts and rewrites the ballot in one update: no reads of their own.
_INSERT_BALLOT = Prepared(
    PerDialect(
        lambda dialect: (
            dialect.insert(_BALLOTS)
            .values(neighbourhood_id=_NEIGHBOURHOOD)
            .on_conflict_do_nothing(index_elements=[_BALLOTS.c.participant_id])
            .returning(_BALLOTS.c.id, _BALLOTS.c.neighbourhood_id)
        )
    ),
    column_keys=("participant_id", "session_id", "dialogue_id", "revision", "created_at", *_VALUES),
)
_REPLACE = Prepared(
    update(_BALLOTS)
    .where(_BALLOTS.c.participant_id == bindparam("participant"))
    .values(neighbourhood_id=_NEIGHBOURHOOD, revision=_BALLOTS.c.revision + 1)
    .returning(_BALLOTS.c.id, _BALLOTS.c.revision, _BALLOTS.c.neighbourhood_id),
    column_keys=_VALUES,
)
_DELETE_ITEMS = Prepared(delete(_ITEMS).where(_ITEMS.c.ballot_id == bindparam("ballot")))
_INSERT_ITEMS = Prepared(
    insert(_ITEMS), column_keys=("ballot_id", "rank", "priority_id", "dialogue_id")
)


def _check_ranking(db: Session, *, dialogue_id: int, ranking: list[int]) -> None:
    known = {p.id for p in dialogues.priorities_of(db, dialogue_id=dialogue_id)}
    unknown = [(i, pid) for i, pid in enumerate(ranking) if pid not in known]
    if unknown:
        raise InvalidInput(
            f"Priority {unknown[0][1]} is not one of this dialogue's priorities.",
            nl=f"Prioriteit {unknown[0][1]} hoort niet bij de prioriteiten van dit gesprek.",
            invalid_params=[
                (f"ranking.{i}", f"{pid} is not a priority here", f"{pid} is hier geen prioriteit")
                for i, pid in unknown
            ],
        )


def store_ballot(
    db: Session,
    *,
    participant_id: str,
    target: OpenDialogueSession,
    ballot: BallotPut,
) -> BallotPublic:
    """Insert or replace the participant's ballot (not committed; the caller commits).

    The ranking's priorities are checked by the database: ballot items reference
    (priority, dialogue), so a priority of another dialogue is refused by a foreign key, not
    by a query on every ballot. When that happens the transaction is rolled back (it is the
    caller's, and lost either way) and the ranking is checked to say which item is wrong.
    """
    now = utcnow()
    values = {
        "neighbourhood_code": ballot.neighbourhood_code or None,
        "municipality": target.municipality_id,
        "age_band": ballot.age_band,
        "participant_type": ballot.participant_type,
        "life_satisfaction": ballot.life_satisfaction,
        "ranked_count": len(ballot.ranking),
        "ranking": ",".join(map(str, ballot.ranking)),
        "updated_at": now,
    }
    # Insert, or else replace the participant's ballot (the update locks it, so concurrent
    # replacements queue). The unique participant decides which, never an earlier read.
    inserted = _INSERT_BALLOT.execute(
        db,
        {
            "participant_id": participant_id,
            "session_id": target.id,
            "dialogue_id": target.dialogue_id,
            "revision": 1,
            "created_at": now,
            **values,
        },
    ).fetchone()
    if inserted is not None:
        ballot_id, neighbourhood_id = inserted
        revision = 1
    else:
        ballot_id, revision, neighbourhood_id = _REPLACE.execute(
            db, {"participant": participant_id, **values}
        ).fetchone()
        _DELETE_ITEMS.execute(db, {"ballot": ballot_id})
    if ballot.neighbourhood_code and neighbourhood_id is None:  # the caller rolls back
        raise municipalities.not_a_neighbourhood_here(
            ballot.neighbourhood_code, "neighbourhoodCode"
        )
    try:
        _INSERT_ITEMS.executemany(
            db,
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
    except IntegrityError:
        db.rollback()
        _check_ranking(db, dialogue_id=target.dialogue_id, ranking=ballot.ranking)
        raise
    counting.mark_changed(db, ballot_id=ballot_id, dialogue_id=target.dialogue_id)
    return BallotPublic(
        session_id=target.id,
        ranking=ballot.ranking,
        neighbourhood_code=ballot.neighbourhood_code,
        age_band=ballot.age_band,
        participant_type=ballot.participant_type,
        life_satisfaction=ballot.life_satisfaction,
        assisted=False,
        revision=revision,
        updated_at=now,
    )


def store_assisted_ballot(
    db: Session,
    *,
    target: OpenDialogueSession,
    ballot: AssistedBallotCreate,
    staff_id: int,
    secret: str,
) -> AssistedBallotPublic:
    """Store a paper ballot typed in by a facilitator, logged with who entered it, and its
    pledge as the pledges service stores a resident's (with contact details: a contact offer
    that nothing links to the ballot). The audit event does not mention the pledge."""
    participant_id = sessions.create_assisted_participant(
        db, session_id=target.id, staff_id=staff_id
    )
    db.flush()
    stored = store_ballot(db, participant_id=participant_id, target=target, ballot=ballot)
    ballot_id = db.execute(
        select(Ballot.id).where(Ballot.participant_id == participant_id)
    ).scalar_one()
    pledge = None
    if ballot.pledge is not None:
        pledge = pledges.store_pledge(
            db,
            participant_id=participant_id,
            target=target,
            pledge=ballot.pledge,
            secret=secret,
        )
    record_event(
        db,
        actor_id=staff_id,
        action="ballot.assisted",
        object_type="session",
        object_id=str(target.id),
        detail={"participant": participant_id, "ballot": ballot_id},
    )
    return AssistedBallotPublic(
        **stored.model_dump(exclude={"assisted"}), assisted=True, id=ballot_id, pledge=pledge
    )


def _entered_by(staff_id: int, session_id: int) -> SelectOfScalar[Ballot]:
    """The ballots of paper ballot participants this staff member typed in this session."""
    return (
        select(Ballot)
        .join(Participant, Participant.id == Ballot.participant_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(
            Ballot.session_id == session_id,
            Participant.origin == ParticipantOrigin.ASSISTED,
            Participant.entered_by_id == staff_id,
        )
    )


def assisted_ballots_of(
    db: Session, *, session_id: int, staff_id: int
) -> list[AssistedBallotEntry]:
    """The paper ballots this staff member typed in this session, oldest first."""
    rows = db.exec(_entered_by(staff_id, session_id).order_by(Ballot.id)).all()  # type: ignore[arg-type]  # SQLModel types the column as its Python value, not a SQL expression
    codes = {
        row.neighbourhood_id: municipalities.neighbourhood_code_of(
            db, neighbourhood_id=row.neighbourhood_id
        )
        for row in rows
        if row.neighbourhood_id
    }
    return [_entry(row, codes.get(row.neighbourhood_id)) for row in rows]


def _entry(row: Ballot, code: str | None) -> AssistedBallotEntry:
    assert row.id is not None
    return AssistedBallotEntry(
        id=row.id,
        entered_at=row.created_at,
        ranking=[int(priority) for priority in row.ranking.split(",")],
        neighbourhood_code=code,
        age_band=AgeBand(row.age_band) if row.age_band else None,
        voided=row.voided_at is not None,
        voided_at=row.voided_at,
    )


def set_voided(
    db: Session, *, target: OpenDialogueSession, ballot_id: int, staff_id: int, voided: bool
) -> AssistedBallotEntry:
    """Void a paper ballot this staff member typed in (or restore it), audited; it leaves (or
    rejoins) the results at the next release the rule allows. Not committed."""
    row = db.exec(
        _entered_by(staff_id, target.id).where(Ballot.id == ballot_id).with_for_update()  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
    ).first()
    if row is None:
        raise NotFound(
            f"There is no paper ballot {ballot_id} that you typed in in session {target.id}.",
            nl=f"Er is geen papieren stembiljet {ballot_id} dat u in sessie {target.id} "
            "hebt ingevoerd.",
        )
    if (row.voided_at is not None) != voided:
        row.voided_at = utcnow() if voided else None
        row.voided_by_id = staff_id if voided else None
        db.add(row)
        db.flush()
        counting.mark_changed(db, ballot_id=ballot_id, dialogue_id=target.dialogue_id)
        record_event(
            db,
            actor_id=staff_id,
            action="ballot.voided" if voided else "ballot.restored",
            object_type="session",
            object_id=str(target.id),
            detail={"ballot": ballot_id},
        )
    code = None
    if row.neighbourhood_id:
        code = municipalities.neighbourhood_code_of(db, neighbourhood_id=row.neighbourhood_id)
    return _entry(row, code)


def read_ballot(db: Session, *, participant_id: str) -> BallotPublic:
    """The participant's ballot as stored."""
    ballot = db.exec(select(Ballot).where(Ballot.participant_id == participant_id)).first()
    if ballot is None:
        raise NotFound("You have not sent a ranking yet.", nl="Je hebt nog geen volgorde gestuurd.")
    code = None
    if ballot.neighbourhood_id:
        code = municipalities.neighbourhood_code_of(db, neighbourhood_id=ballot.neighbourhood_id)
    return BallotPublic(
        session_id=ballot.session_id,
        ranking=[int(priority) for priority in ballot.ranking.split(",")],
        neighbourhood_code=code,
        age_band=AgeBand(ballot.age_band) if ballot.age_band else None,
        participant_type=ballot.participant_type,
        life_satisfaction=ballot.life_satisfaction,
        assisted=False,
        revision=ballot.revision,
        updated_at=ballot.updated_at,
    )


def count_ballots(
    db: Session,
    *,
    dialogue_id: int | None = None,
    session_id: int | None = None,
    include_set_aside: bool = False,
) -> int:
    """How many ballots a dialogue or a session has in its results (or at all: with those set
    aside or voided)."""
    query = select(func.count()).select_from(Ballot)
    if not include_set_aside:
        query = query.where(
            Ballot.set_aside_id.is_(None),  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
            Ballot.voided_at.is_(None),  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        )
    if dialogue_id is not None:
        query = query.where(Ballot.dialogue_id == dialogue_id)
    if session_id is not None:
        query = query.where(Ballot.session_id == session_id)
    return db.exec(query).one()


def places_of_participants(
    db: Session, *, participant_ids: list[str]
) -> dict[str, tuple[int | None, str | None]]:
    """Neighbourhood and age band each participant gave on their ballot (if they voted)."""
    found: dict[str, tuple[int | None, str | None]] = {}
    for start in range(0, len(participant_ids), 900):
        rows = db.execute(
            select(Ballot.participant_id, Ballot.neighbourhood_id, Ballot.age_band).where(
                Ballot.participant_id.in_(participant_ids[start : start + 900])  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
            )
        )
        for participant, neighbourhood, band in rows:
            found[participant] = (neighbourhood, band.value if band else None)
    return found


def participant_types_of(db: Session, *, participant_ids: list[str]) -> dict[str, str]:
    """How each participant said they take part on their ballot (absent: not said)."""
    found: dict[str, str] = {}
    for start in range(0, len(participant_ids), 900):
        rows = db.execute(
            select(Ballot.participant_id, Ballot.participant_type)
            .where(Ballot.participant_id.in_(participant_ids[start : start + 900]))  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
            .where(Ballot.participant_type.is_not(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        )
        for participant, kind in rows:
            found[participant] = str(getattr(kind, "value", kind))
    return found


def _mark_for_the_next_release(db: Session, *, rows: Sequence[Row[tuple[int, int]]]) -> None:
    """The one place where setting aside and restoring reach the results: the ballots are
    marked as changed, and the next release takes them out (or back in) by the release rule."""
    for ballot_id, dialogue_id in rows:
        counting.mark_changed(db, ballot_id=ballot_id, dialogue_id=dialogue_id)


def set_aside_ballots(
    db: Session, *, session_id: int, participants: SelectOfScalar[int], set_aside_id: int
) -> int:
    """Set aside the session's counted ballots of these participants (a SELECT of their ids)
    and take them out of the results; not committed. Returns how many.

    The UPDATE locks each ballot (PostgreSQL), so a replacement racing with it comes first
    or after; either way the ballot is marked, and the release reads it as it then is.
    """
    rows = db.execute(
        update(_BALLOTS)
        .where(
            _BALLOTS.c.session_id == session_id,
            _BALLOTS.c.set_aside_id.is_(None),
            _BALLOTS.c.participant_id.in_(participants.scalar_subquery()),
        )
        .values(set_aside_id=set_aside_id)
        .returning(_BALLOTS.c.id, _BALLOTS.c.dialogue_id)
    ).all()
    _mark_for_the_next_release(db, rows=rows)
    return len(rows)


def restore_ballots(db: Session, *, set_aside_id: int) -> int:
    """Put the ballots of a set-aside back into the results (not committed); how many."""
    rows = db.execute(
        update(_BALLOTS)
        .where(_BALLOTS.c.set_aside_id == set_aside_id)
        .values(set_aside_id=None)
        .returning(_BALLOTS.c.id, _BALLOTS.c.dialogue_id)
    ).all()
    _mark_for_the_next_release(db, rows=rows)
    return len(rows)
