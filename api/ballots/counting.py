"""Ballot events: the outbox through which every stored ballot reaches the results once."""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, insert, select
from sqlmodel import Session

from api.ballots.models import Ballot, BallotEvent, BallotItem


@dataclass(frozen=True)
class CountedBallot:
    """A ballot to add to the tallies (sign 1) or to take out of them (sign −1)."""

    sign: int
    session_id: int
    neighbourhood_id: int | None
    age_band: str | None
    ranking: list[int]


def record(
    session: Session,
    *,
    sign: int,
    dialogue_id: int,
    session_id: int,
    neighbourhood_id: int | None,
    age_band: str | None,
    ranking: list[int],
) -> None:
    """Queue a ballot (or its withdrawal) for the tallies, in the caller's transaction."""
    session.execute(
        insert(BallotEvent).values(
            dialogue_id=dialogue_id,
            sign=sign,
            session_id=session_id,
            neighbourhood_id=neighbourhood_id,
            age_band=age_band,
            ranking=",".join(map(str, ranking)),
        )
    )


def take(session: Session, *, dialogue_id: int, limit: int) -> list[CountedBallot]:
    """Remove and return the dialogue's oldest queued events (kept if the caller rolls back)."""
    oldest = (
        select(BallotEvent.id)
        .where(BallotEvent.dialogue_id == dialogue_id)
        .order_by(BallotEvent.id)
        .limit(limit)
    )
    rows = session.execute(
        delete(BallotEvent)
        .where(BallotEvent.id.in_(oldest))  # type: ignore[union-attr]
        .returning(
            BallotEvent.sign,
            BallotEvent.session_id,
            BallotEvent.neighbourhood_id,
            BallotEvent.age_band,
            BallotEvent.ranking,
        )
    ).all()
    return [
        CountedBallot(
            sign=sign,
            session_id=session_id,
            neighbourhood_id=neighbourhood_id,
            age_band=age_band,
            ranking=[int(p) for p in ranking.split(",")],
        )
        for sign, session_id, neighbourhood_id, age_band, ranking in rows
    ]


def discard(session: Session, *, dialogue_id: int) -> None:
    """Drop the dialogue's queued events (the caller recounts every ballot instead)."""
    session.execute(delete(BallotEvent).where(BallotEvent.dialogue_id == dialogue_id))


def dialogues_waiting(session: Session) -> list[int]:
    """Dialogues with events not yet tallied."""
    return list(session.execute(select(BallotEvent.dialogue_id).distinct()).scalars())


def all_rankings(
    session: Session, *, dialogue_id: int, priority_index: Mapping[int, int]
) -> tuple[np.ndarray, list[tuple[int, int | None, str | None]]]:
    """Every ballot of the dialogue: an (N, width) array of priority indices (best first,
    padded with -1) and each ballot's (session, neighbourhood, age band)."""
    ballot_rows = session.execute(
        select(Ballot.id, Ballot.session_id, Ballot.neighbourhood_id, Ballot.age_band)
        .where(Ballot.dialogue_id == dialogue_id)
        .order_by(Ballot.id)
    ).all()
    if not ballot_rows:
        return np.zeros((0, 1), dtype=np.int64), []
    ids = np.fromiter((row[0] for row in ballot_rows), dtype=np.int64, count=len(ballot_rows))
    items = _items(session, dialogue_id=dialogue_id)
    ballot_of_item, rank_of_item, priority_of_item = items
    lookup = np.full(max(priority_index) + 1, -1, dtype=np.int64)
    for priority_id, index in priority_index.items():
        lookup[priority_id] = index
    row_of_item = np.searchsorted(ids, ballot_of_item)
    width = int(rank_of_item.max()) if len(rank_of_item) else 1
    rankings = np.full((len(ids), width), -1, dtype=np.int64)
    rankings[row_of_item, rank_of_item - 1] = lookup[priority_of_item]
    finest = [(s, n, a.value if hasattr(a, "value") else a) for _, s, n, a in ballot_rows]
    return rankings, finest


def _items(session: Session, *, dialogue_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ballot id, rank, priority id) of every ranked item, as numpy columns."""
    if session.get_bind().dialect.name == "postgresql":
        return _items_by_copy(session, dialogue_id=dialogue_id)
    rows = session.execute(
        select(BallotItem.ballot_id, BallotItem.rank, BallotItem.priority_id).where(
            BallotItem.dialogue_id == dialogue_id
        )
    ).all()
    array = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return array[:, 0], array[:, 1], array[:, 2]


def _items_by_copy(
    session: Session, *, dialogue_id: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # COPY in binary moves millions of rows in well under a second; each row is a field
    # count (int16) and three (length int32, value int32) pairs, all big-endian.
    raw = session.connection().connection.dbapi_connection
    chunks = []
    with raw.cursor() as cursor:
        query = (
            "COPY (SELECT ballot_id, rank, priority_id FROM ballot_items "
            f"WHERE dialogue_id = {int(dialogue_id)}) TO STDOUT (FORMAT BINARY)"
        )
        with cursor.copy(query) as copy:
            for chunk in copy:
                chunks.append(bytes(chunk))
    data = b"".join(chunks)
    header = 11 + 4 + 4 + int.from_bytes(data[15:19], "big")
    body = data[header : len(data) - 2]  # the trailer is a field count of -1
    row = np.dtype(
        [
            ("n", ">i2"),
            ("l1", ">i4"),
            ("ballot", ">i4"),
            ("l2", ">i4"),
            ("rank", ">i4"),
            ("l3", ">i4"),
            ("priority", ">i4"),
        ]
    )
    rows = np.frombuffer(body, dtype=row)
    return (
        rows["ballot"].astype(np.int64),
        rows["rank"].astype(np.int64),
        rows["priority"].astype(np.int64),
    )
