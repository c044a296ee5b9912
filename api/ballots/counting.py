"""Ballot events: the outbox through which every stored ballot reaches the results once."""

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, insert, select, text
from sqlmodel import Session

from api.ballots.models import AgeBand, Ballot, BallotEvent, BallotItem


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
        _INSERT_EVENT,
        {
            "dialogue_id": dialogue_id,
            "sign": sign,
            "session_id": session_id,
            "neighbourhood_id": neighbourhood_id,
            "age_band": age_band,
            "ranking": ",".join(map(str, ranking)),
        },
    )


# Built once, then only bound: it runs in every ballot write, under SQLite's single writer.
# (An ORM `insert(BallotEvent).values(...)` is rebuilt, keyed and routed through the ORM's
# bulk machinery on every call: measured at 15% of a ballot PUT's CPU.)
_INSERT_EVENT = insert(BallotEvent.__table__)  # type: ignore[attr-defined]


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


def dialogues_with_ballots(session: Session, *, dialogue_ids: Sequence[int]) -> list[int]:
    """Those of these dialogues that have at least one ballot (an index probe each)."""
    return [
        dialogue_id
        for dialogue_id in dialogue_ids
        if session.execute(
            select(Ballot.id).where(Ballot.dialogue_id == dialogue_id).limit(1)
        ).first()
        is not None
    ]


def all_rankings(
    session: Session, *, dialogue_id: int, priority_index: Mapping[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every ballot of the dialogue as columns: rankings (N, width) of priority indices best
    first, padded with -1; session id; neighbourhood id (-1: none); age band index (-1: none)."""
    if session.get_bind().dialect.name == "postgresql":
        return _all_rankings_postgresql(
            session, dialogue_id=dialogue_id, priority_index=priority_index
        )
    ballot_rows = session.execute(
        select(Ballot.id, Ballot.session_id, Ballot.neighbourhood_id, Ballot.age_band)
        .where(Ballot.dialogue_id == dialogue_id)
        .order_by(Ballot.id)
    ).all()
    items = np.array(
        session.execute(
            select(BallotItem.ballot_id, BallotItem.rank, BallotItem.priority_id).where(
                BallotItem.dialogue_id == dialogue_id
            )
        ).all(),
        dtype=np.int64,
    ).reshape(-1, 3)
    ids = np.array([row[0] for row in ballot_rows], dtype=np.int64)
    width = int(items[:, 1].max()) if len(items) else 1
    rankings = np.full((len(ids), width), -1, dtype=np.int64)
    rankings[np.searchsorted(ids, items[:, 0]), items[:, 1] - 1] = _lookup(priority_index)[
        items[:, 2]
    ]
    bands = {band: i for i, band in enumerate(AgeBand)}
    return (
        rankings,
        np.array([row[1] for row in ballot_rows], dtype=np.int64),
        np.array([-1 if row[2] is None else row[2] for row in ballot_rows], dtype=np.int64),
        np.array(
            [-1 if row[3] is None else bands[AgeBand(row[3])] for row in ballot_rows],
            dtype=np.int64,
        ),
    )


def _lookup(priority_index: Mapping[int, int]) -> np.ndarray:
    lookup = np.full(max(priority_index) + 1, -1, dtype=np.int64)
    for priority_id, index in priority_index.items():
        lookup[priority_id] = index
    return lookup


_ITEM_PARTS = 2  # the ranked items are read in this many parallel parts


def _all_rankings_postgresql(
    session: Session, *, dialogue_id: int, priority_index: Mapping[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # Each column comes back as ONE binary string of big-endian integers (string_agg of
    # int4send), so millions of rows cost a table scan and a numpy view, with no per-row
    # work in Python; the aggregates of one query see the rows in the same order, so the
    # columns line up without sorting. The ballots and the parts of the items are read in
    # parallel, on connections that share this transaction's snapshot.
    snapshot = session.connection().execute(text("SELECT pg_export_snapshot()")).scalar_one()
    band_case = " ".join(f"WHEN '{band.value}' THEN {i}" for i, band in enumerate(AgeBand))
    queries = [
        "SELECT string_agg(int4send(id), ''), string_agg(int4send(session_id), ''), "
        "string_agg(int4send(coalesce(neighbourhood_id, -1)), ''), "
        f"string_agg(int2send((CASE age_band {band_case} ELSE -1 END)::int2), '') "
        "FROM ballots WHERE dialogue_id = :d",
        *(
            "SELECT string_agg(int4send(ballot_id), ''), string_agg(int2send(rank::int2), ''), "
            "string_agg(int4send(priority_id), '') FROM ballot_items "
            f"WHERE dialogue_id = :d AND ballot_id % {_ITEM_PARTS} = {part}"
            for part in range(_ITEM_PARTS)
        ),
    ]
    engine = session.get_bind()

    def read(query: str) -> tuple:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                return tuple(connection.execute(text(query), {"d": dialogue_id}).one())

    with ThreadPoolExecutor(len(queries)) as pool:
        ballots, *item_parts = pool.map(read, queries)
    if ballots[0] is None:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros((0, 1), dtype=np.int64), empty, empty, empty
    ids, sessions, neighbourhoods, bands = (
        np.frombuffer(ballots[i], dtype=">i2" if i == 3 else ">i4").astype(np.int64)
        for i in range(4)
    )
    order = np.argsort(ids)
    ids = ids[order]
    item_ballot, item_rank, item_priority = (
        np.concatenate(
            [
                np.frombuffer(part[i], dtype=">i2" if i == 1 else ">i4")
                for part in item_parts
                if part[i] is not None
            ]
        ).astype(np.int64)
        for i in range(3)
    )
    width = int(item_rank.max())
    rankings = np.full((len(ids), width), -1, dtype=np.int64)
    rankings[np.searchsorted(ids, item_ballot), item_rank - 1] = _lookup(priority_index)[
        item_priority
    ]
    return rankings, sessions[order], neighbourhoods[order], bands[order]
