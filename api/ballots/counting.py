"""Pending ballots: the marks through which every changed ballot reaches a results release."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, and_, bindparam, delete, select, true
from sqlmodel import Session

from api.core.dialects import upsert
from api.core.driver import Prepared
from api.sessions.ballot_box import Ballot, PendingBallot

_PENDING = PendingBallot.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it
_BALLOTS = Ballot.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it


@dataclass(frozen=True)
class BallotVersion:
    """What a ballot contributes to the results: where it was cast, by whom, and its ranking."""

    session_id: int
    neighbourhood_id: int | None
    age_band: str | None
    ranking: tuple[int, ...]
    participant_type: str | None = None
    life_satisfaction: int | None = None


# Built once, then run on the driver: it runs in every ballot write, under SQLite's single writer.
_MARK = Prepared(
    upsert(
        _PENDING,
        unique=[_PENDING.c.ballot_id],
        values={
            "ballot_id": bindparam("ballot_id"),
            "dialogue_id": bindparam("dialogue_id"),
            "token": bindparam("token"),
        },
        update={"token": bindparam("token")},
    )
)


def mark_changed(db: Session, *, ballot_id: int, dialogue_id: int) -> None:
    """Mark a ballot as changed since the last release, in the caller's transaction."""
    _MARK.execute(
        db, {"ballot_id": ballot_id, "dialogue_id": dialogue_id, "token": secrets.randbits(62)}
    )


def pending(db: Session, *, dialogue_id: int, limit: int | None) -> list[tuple[int, int]]:
    """The dialogue's oldest marks as (ballot id, token); every one if `limit` is None."""
    return [
        (ballot_id, token)
        for ballot_id, token in db.execute(
            select(_PENDING.c.ballot_id, _PENDING.c.token)
            .where(_PENDING.c.dialogue_id == dialogue_id)
            .order_by(_PENDING.c.ballot_id)
            .limit(limit)
        )
    ]


_UNMARK = delete(_PENDING).where(
    _PENDING.c.ballot_id == bindparam("ballot_id"), _PENDING.c.token == bindparam("token")
)


def unmark(db: Session, *, marks: Sequence[tuple[int, int]]) -> None:
    """Remove these marks, each only if its ballot was not marked again since it was read."""
    if marks:
        # One statement, executed for every mark (a statement naming hundreds of marks was
        # built and compiled anew on every release).
        db.execute(
            _UNMARK, [{"ballot_id": ballot_id, "token": token} for ballot_id, token in marks]
        )


def current_versions(db: Session, *, ballot_ids: Sequence[int]) -> dict[int, BallotVersion]:
    """The counted version of each of these ballots (absent: deleted, set aside or voided)."""
    counted = and_(_BALLOTS.c.set_aside_id.is_(None), _BALLOTS.c.voided_at.is_(None))
    return versions_in(db, _BALLOTS, ballot_ids, counted=counted)


def versions_in(
    db: Session,
    table: Table,
    ballot_ids: Sequence[int],
    *,
    counted: ColumnElement[bool] | None = None,
) -> dict[int, BallotVersion]:
    """The versions of these ballots that `table` holds (only rows that are `counted`)."""
    key = table.c.id if "id" in table.c else table.c.ballot_id
    found: dict[int, BallotVersion] = {}
    for start in range(0, len(ballot_ids), 900):
        rows = db.execute(
            select(
                key,
                table.c.session_id,
                table.c.neighbourhood_id,
                table.c.age_band,
                table.c.ranking,
                table.c.participant_type,
                table.c.life_satisfaction,
            )
            .where(key.in_(ballot_ids[start : start + 900]))
            .where(true() if counted is None else counted)
        )
        for ballot_id, session_id, neighbourhood_id, band, ranking, kind, life in rows:
            found[ballot_id] = BallotVersion(
                session_id=session_id,
                neighbourhood_id=neighbourhood_id,
                age_band=None if band is None else str(getattr(band, "value", band)),
                ranking=tuple(int(p) for p in ranking.split(",")),
                participant_type=None if kind is None else str(getattr(kind, "value", kind)),
                life_satisfaction=life,
            )
    return found


def dialogues_waiting(db: Session) -> list[int]:
    """Dialogues with ballots changed since their last release."""
    return list(db.execute(select(_PENDING.c.dialogue_id).distinct()).scalars())
