"""Ballot events: the outbox through which every stored ballot reaches the results once."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, insert, select
from sqlmodel import Session

from api.ballots.models import AgeBand, Ballot, BallotEvent


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
    """Every counted ballot of the dialogue (not set aside) as columns: rankings (N, width) of priority indices best
    first, padded with -1; session id; neighbourhood id (-1: none); age band index (-1: none).

    One scan of the ballots, whose rows carry their rankings: on PostgreSQL each column
    comes back as one string (binary integers, or the rankings joined by commas), so a
    million ballots cost no per-row work in Python. The aggregates of one query see the
    rows in the same order, so the columns line up.
    """
    if session.get_bind().dialect.name == "postgresql":
        band_case = " ".join(f"WHEN '{band.value}' THEN {i}" for i, band in enumerate(AgeBand))
        cursor = session.connection().connection.driver_connection.cursor(binary=True)
        row = cursor.execute(
            "SELECT string_agg(int4send(session_id), ''), "
            "string_agg(int4send(coalesce(neighbourhood_id, -1)), ''), "
            f"string_agg(int2send((CASE age_band {band_case} ELSE -1 END)::int2), ''), "
            "string_agg(int2send(ranked_count::int2), ''), string_agg(ranking, ',') "
            "FROM ballots WHERE dialogue_id = %(d)s AND set_aside_id IS NULL",
            {"d": dialogue_id},
        ).fetchone()
        if row is None or row[0] is None:
            return _columns(*([np.zeros(0, np.int64)] * 4), "", priority_index)
        sessions, neighbourhoods, bands, counts = (
            np.frombuffer(column, dtype=kind).astype(np.int64)
            for column, kind in zip(row[:4], (">i4", ">i4", ">i2", ">i2"), strict=True)
        )
        return _columns(sessions, neighbourhoods, bands, counts, row[4], priority_index)
    rows = session.execute(
        select(
            Ballot.session_id,
            Ballot.neighbourhood_id,
            Ballot.age_band,
            Ballot.ranked_count,
            Ballot.ranking,
        ).where(Ballot.dialogue_id == dialogue_id, Ballot.set_aside_id.is_(None))  # type: ignore[union-attr]
    ).all()
    band_of = {band: i for i, band in enumerate(AgeBand)}
    return _columns(
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([-1 if r[1] is None else r[1] for r in rows], dtype=np.int64),
        np.array([-1 if r[2] is None else band_of[AgeBand(r[2])] for r in rows], dtype=np.int64),
        np.array([r[3] for r in rows], dtype=np.int64),
        ",".join(r[4] for r in rows),
        priority_index,
    )


def _columns(
    sessions: np.ndarray,
    neighbourhoods: np.ndarray,
    bands: np.ndarray,
    counts: np.ndarray,
    joined_rankings: str,
    priority_index: Mapping[int, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The columns `all_rankings` returns, from per-ballot columns and the joined rankings."""
    counts = np.asarray(counts, dtype=np.int64)
    if not len(counts):
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros((0, 1), dtype=np.int64), empty, empty, empty
    priorities = np.fromstring(joined_rankings, dtype=np.int64, sep=",")  # parsed in C
    if len(priorities) != counts.sum():
        raise ValueError("a ballot's ranking does not match its ranked count")
    row_of_item = np.repeat(np.arange(len(counts)), counts)
    first_item = np.cumsum(counts) - counts
    rank_of_item = np.arange(len(priorities)) - np.repeat(first_item, counts)
    rankings = np.full((len(counts), int(counts.max())), -1, dtype=np.int64)
    rankings[row_of_item, rank_of_item] = _lookup(priority_index)[priorities]
    return rankings, np.asarray(sessions), np.asarray(neighbourhoods), np.asarray(bands)


def _lookup(priority_index: Mapping[int, int]) -> np.ndarray:
    lookup = np.full(max(priority_index) + 1, -1, dtype=np.int64)
    for priority_id, index in priority_index.items():
        lookup[priority_id] = index
    return lookup
