"""All SQL of the results: tallies per published cell, result states, and the release."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from sqlalchemy import bindparam, delete, func, insert, select, text, tuple_, update
from sqlmodel import Session

from api.ballots import counting
from api.ballots.counting import BallotVersion
from api.ballots.schemas import AgeBand
from api.core.db import utcnow
from api.core.dialects import bulk_insert, for_update, insert_or_ignore, is_postgresql
from api.pledges.service import OfferFact
from api.results.aggregation import tally_width
from api.results.cells import hidden_cells
from api.results.layout import Cell, DialogueLayout
from api.results.models import (
    ALL,
    CountedPledge,
    GroupTally,
    ReleasedBallot,
    ReleasedOffer,
    ReleasedPledge,
    ReleaseSnapshot,
    ResultState,
)
from api.results.releases import Snapshot, View, snapshot_of

_INSERT_CHUNK = 2_000
_RELEASED = ReleasedBallot.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it
_STATES = ResultState.__table__  # type: ignore[attr-defined]  # as above
_CREATE_STATE = insert_or_ignore(
    _STATES, unique=[_STATES.c.dialogue_id], returning=_STATES.c.dialogue_id
)
CellRow = dict[str, str | int | bool | bytes]  # a group_tallies row, its columns by short name
SnapshotCells = list[list[str | int]]  # a kept release's hidden cells: [n, v, a, ballots] each
_CELL_COLUMNS = (
    "dialogue_id",
    "neighbourhood",
    "venue",
    "age_band",
    "ballots",
    "suppressed",
    "tally",
)


def lock_state(db: Session, *, dialogue_id: int, m: int, wait: bool) -> ResultState | None:
    """The dialogue's result state, locked for this transaction; None if another has it."""
    created = db.execute(
        _CREATE_STATE.on(db),
        {"dialogue_id": dialogue_id, "priority_count": m, "refreshed_at": utcnow()},
    ).scalar()
    state = db.execute(
        for_update(
            select(ResultState).where(ResultState.dialogue_id == dialogue_id),
            skip_locked=not wait,
        )
    ).scalar_one_or_none()
    if state is not None and created is not None:
        state.version = -1  # marks a new state: the tallies must be counted from the release
    return state


def read_state(db: Session, *, dialogue_id: int) -> ResultState | None:
    """The dialogue's result state as it is, without a lock (None: none yet)."""
    return db.execute(
        select(ResultState).where(ResultState.dialogue_id == dialogue_id)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class CellWrites:
    """New tallies of a dialogue's cells, worked out and waiting to be stored; `counts` holds
    every cell's ballot count once they are."""

    dialogue_id: int
    replace: bool
    emptied: list[Cell]
    new_rows: list[CellRow]
    changed_rows: list[CellRow]
    flipped_rows: list[CellRow]
    counts: dict[Cell, int]


def cell_writes(
    db: Session,
    *,
    dialogue_id: int,
    tallies: dict[Cell, np.ndarray],
    replace: bool,
    layout: DialogueLayout,
    min_group_size: int,
    final: bool,
) -> CellWrites:
    """New tallies (`replace`) or changes to add to the stored ones, and, for every published
    cell, whether it must be suppressed now: what `store_cells` is to store."""
    stored: dict[Cell, tuple[int, bool]] = {}
    if replace:
        existing: dict[Cell, np.ndarray] = {}
    else:
        existing = load_cells(db, dialogue_id=dialogue_id, cells=list(tallies), m=layout.m)
        stored = {
            (n, v, a): (count, hidden)
            for n, v, a, count, hidden in db.execute(
                select(
                    GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band,
                    GroupTally.ballots, GroupTally.suppressed,
                ).where(GroupTally.dialogue_id == dialogue_id)
            )
        }  # fmt: skip
    values = {
        cell: existing[cell] + delta if cell in existing else delta
        for cell, delta in tallies.items()
    }
    # A cell left without ballots (its tally is then all zeros) has no row, exactly as after a
    # recount from scratch: the same cells, so the same suppression and the same results.
    emptied = [cell for cell, cell_values in values.items() if cell_values[0] == 0]
    for cell in emptied:
        del values[cell]
    counts = {cell: count for cell, (count, _) in stored.items()}
    counts.update({cell: int(v[0]) for cell, v in values.items()})
    for cell in emptied:
        counts.pop(cell, None)
    hidden = hidden_cells(counts, layout, min_group_size=min_group_size, final=final)

    new_rows: list[CellRow] = []
    changed_rows: list[CellRow] = []
    flipped_rows: list[CellRow] = []
    width = tally_width(layout.m)
    blobs = dict(
        zip(
            values, _blobs(np.array(list(values.values())).reshape(len(values), width)), strict=True
        )
    )
    for cell, cell_values in values.items():
        row = {
            "d": dialogue_id, "n": cell[0], "v": cell[1], "a": cell[2],
            "ballots": int(cell_values[0]), "suppressed": cell in hidden,
            "tally": blobs[cell],
        }  # fmt: skip
        (changed_rows if cell in stored else new_rows).append(row)
    for cell, (_, was_hidden) in stored.items():
        if cell not in values and cell in counts and (cell in hidden) != was_hidden:
            flipped_rows.append(
                {
                    "d": dialogue_id,
                    "n": cell[0],
                    "v": cell[1],
                    "a": cell[2],
                    "suppressed": not was_hidden,
                }
            )
    return CellWrites(
        dialogue_id=dialogue_id,
        replace=replace,
        emptied=[cell for cell in emptied if cell in stored],
        new_rows=new_rows,
        changed_rows=changed_rows,
        flipped_rows=flipped_rows,
        counts=counts,
    )


def store_cells(db: Session, *, writes: CellWrites) -> None:
    """Store tallies worked out by `cell_writes`."""
    if writes.replace:
        db.execute(delete(GroupTally).where(GroupTally.dialogue_id == writes.dialogue_id))
    _delete_cells(db, dialogue_id=writes.dialogue_id, cells=writes.emptied)
    _insert_cells(db, writes.new_rows)
    key = (
        (GroupTally.dialogue_id == bindparam("d"))
        & (GroupTally.neighbourhood == bindparam("n"))
        & (GroupTally.venue == bindparam("v"))
        & (GroupTally.age_band == bindparam("a"))
    )
    if writes.changed_rows:
        db.connection().execute(
            update(GroupTally.__table__).where(key).values(
                ballots=bindparam("ballots"), suppressed=bindparam("suppressed"), tally=bindparam("tally")
            ),
            writes.changed_rows,
        )  # fmt: skip
    if writes.flipped_rows:
        db.connection().execute(
            update(GroupTally.__table__).where(key).values(suppressed=bindparam("suppressed")),
            writes.flipped_rows,
        )


def _delete_cells(db: Session, *, dialogue_id: int, cells: Sequence[Cell]) -> None:
    key = tuple_(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band)
    for start in range(0, len(cells), 500):
        db.execute(
            delete(GroupTally)
            .where(GroupTally.dialogue_id == dialogue_id)
            .where(key.in_(cells[start : start + 500]))
        )


def _insert_cells(db: Session, rows: list[CellRow]) -> None:
    bulk_insert(
        db,
        GroupTally.__table__,  # type: ignore[attr-defined]  # SQLModel's stubs lack __table__
        _CELL_COLUMNS,
        ((r["d"], r["n"], r["v"], r["a"], r["ballots"], r["suppressed"], r["tally"]) for r in rows),
    )


def _blobs(values: np.ndarray) -> list[bytes]:
    """Each row of tally values as a blob: a byte giving the integer size, then the integers
    little-endian, as narrow as this batch allows (a million ballots still fit in 4 bytes)."""
    if not len(values):
        return []
    size = 4 if np.abs(values).max() < 2**31 else 8
    data = np.ascontiguousarray(values, dtype=f"<i{size}").tobytes()
    row = values.shape[1] * size
    prefix = bytes([size])
    return [prefix + data[i * row : (i + 1) * row] for i in range(len(values))]


def from_blob(blob: bytes, m: int) -> np.ndarray:
    values = np.frombuffer(blob, dtype=f"<i{blob[0]}", offset=1).astype(np.int64)
    if len(values) != tally_width(m):
        raise ValueError("a stored tally has the wrong size for this dialogue")
    return values


def load_cells(
    db: Session, *, dialogue_id: int, cells: Sequence[Cell], m: int
) -> dict[Cell, np.ndarray]:
    found: dict[Cell, np.ndarray] = {}
    key = tuple_(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band)
    for start in range(0, len(cells), 500):
        rows = db.execute(
            select(
                GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band, GroupTally.tally
            )
            .where(GroupTally.dialogue_id == dialogue_id)
            .where(key.in_(cells[start : start + 500]))
        )
        for n, v, a, blob in rows:
            found[(n, v, a)] = from_blob(blob, m)
    return found


def all_rankings(
    db: Session, *, dialogue_id: int, priority_index: Mapping[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every released ballot of the dialogue as columns: rankings (N, width) of priority
    indices best first, padded with -1; session id; neighbourhood id (-1: none); age band
    index (-1: none).

    One scan of the released ballots, whose rows carry their rankings: on PostgreSQL each column
    comes back as one string (binary integers, or the rankings joined by commas), so a
    million ballots cost no per-row work in Python. The aggregates of one query see the
    rows in the same order, so the columns line up.
    """
    if is_postgresql(db):
        band_case = " ".join(f"WHEN '{band.value}' THEN {i}" for i, band in enumerate(AgeBand))
        cursor = db.connection().connection.driver_connection.cursor(binary=True)
        row = cursor.execute(
            "SELECT string_agg(int4send(session_id), ''), "
            "string_agg(int4send(coalesce(neighbourhood_id, -1)), ''), "
            f"string_agg(int2send((CASE age_band {band_case} ELSE -1 END)::int2), ''), "
            "string_agg(int2send(ranked_count::int2), ''), string_agg(ranking, ',') "
            "FROM released_ballots WHERE dialogue_id = %(d)s",
            {"d": dialogue_id},
        ).fetchone()
        if row is None or row[0] is None:
            return _columns(*([np.zeros(0, np.int64)] * 4), "", priority_index)
        sessions, neighbourhoods, bands, counts = (
            np.frombuffer(column, dtype=kind).astype(np.int64)
            for column, kind in zip(row[:4], (">i4", ">i4", ">i2", ">i2"), strict=True)
        )
        return _columns(sessions, neighbourhoods, bands, counts, row[4], priority_index)
    rows = db.execute(
        select(
            ReleasedBallot.session_id,
            ReleasedBallot.neighbourhood_id,
            ReleasedBallot.age_band,
            ReleasedBallot.ranked_count,
            ReleasedBallot.ranking,
        ).where(ReleasedBallot.dialogue_id == dialogue_id)
    ).all()
    band_of = {band.value: i for i, band in enumerate(AgeBand)}
    return _columns(
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([-1 if r[1] is None else r[1] for r in rows], dtype=np.int64),
        np.array([-1 if r[2] is None else band_of[r[2]] for r in rows], dtype=np.int64),
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


def cell_counts(db: Session, *, dialogue_id: int) -> dict[Cell, int]:
    """The ballot count of every published cell of the release."""
    return {
        (n, v, a): count
        for n, v, a, count in db.execute(
            select(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band, GroupTally.ballots)
            .where(GroupTally.dialogue_id == dialogue_id)
        )
    }  # fmt: skip


def released_versions(db: Session, *, ballot_ids: Sequence[int]) -> dict[int, BallotVersion]:
    """The version of each of these ballots that the release counts (absent: not in it)."""
    return counting.versions_in(db, _RELEASED, ballot_ids)


def publish(db: Session, *, dialogue_id: int, versions: Mapping[int, BallotVersion | None]) -> None:
    """Make these versions the release's (None: the ballot leaves the release)."""
    ids = list(versions)
    for start in range(0, len(ids), 900):
        db.execute(delete(_RELEASED).where(_RELEASED.c.ballot_id.in_(ids[start : start + 900])))
    rows = [
        {
            "ballot_id": ballot_id,
            "dialogue_id": dialogue_id,
            "session_id": version.session_id,
            "neighbourhood_id": version.neighbourhood_id,
            "age_band": version.age_band,
            "participant_type": version.participant_type,
            "life_satisfaction": version.life_satisfaction,
            "ranked_count": len(version.ranking),
            "ranking": ",".join(map(str, version.ranking)),
        }
        for ballot_id, version in versions.items()
        if version is not None
    ]
    for start in range(0, len(rows), _INSERT_CHUNK):
        db.execute(insert(_RELEASED), rows[start : start + _INSERT_CHUNK])


def released_ids(db: Session, *, dialogue_id: int) -> list[int]:
    """The ballots of the dialogue that its release counts."""
    return list(
        db.execute(
            select(_RELEASED.c.ballot_id).where(_RELEASED.c.dialogue_id == dialogue_id)
        ).scalars()
    )


def publish_every_pending(db: Session, *, dialogue_id: int) -> int:
    """Publish every changed ballot of the dialogue as it is now; returns how many changed.

    As in every release, a mark is read before its ballot and removed only if its token is
    unchanged: a ballot changed meanwhile stays marked.
    """
    marks = counting.pending(db, dialogue_id=dialogue_id, limit=None)
    ballot_ids = [ballot_id for ballot_id, _ in marks]
    for start in range(0, len(ballot_ids), 900):
        chunk = {"ids": ballot_ids[start : start + 900]}
        db.execute(_UNPUBLISH, chunk)
        db.execute(_PUBLISH_AS_NOW, chunk)
    counting.unmark(db, marks=marks)
    return len(marks)


_UNPUBLISH = delete(_RELEASED).where(_RELEASED.c.ballot_id.in_(bindparam("ids", expanding=True)))
_PUBLISH_AS_NOW = text(
    "INSERT INTO released_ballots (ballot_id, dialogue_id, session_id, neighbourhood_id, "
    "age_band, participant_type, life_satisfaction, ranked_count, ranking) SELECT b.id, "
    "b.dialogue_id, b.session_id, b.neighbourhood_id, b.age_band, b.participant_type, "
    "b.life_satisfaction, b.ranked_count, b.ranking FROM ballots b "
    "WHERE b.id IN :ids AND b.set_aside_id IS NULL AND b.voided_at IS NULL"
).bindparams(bindparam("ids", expanding=True))


def release_total(db: Session, *, dialogue_id: int) -> int:
    """How many ballots the release counts."""
    return db.execute(
        select(func.count()).select_from(_RELEASED).where(_RELEASED.c.dialogue_id == dialogue_id)
    ).scalar_one()


BALLOTS = "ballots"
PLEDGERS = "pledgers"


def release_history(db: Session, *, dialogue_id: int, figures: str) -> list[Snapshot[Cell]]:
    """The dialogue's earlier readable releases of these figures, oldest first."""
    rows = db.execute(
        select(ReleaseSnapshot.cells)
        .where(ReleaseSnapshot.dialogue_id == dialogue_id, ReleaseSnapshot.figures == figures)
        .order_by(ReleaseSnapshot.id)  # type: ignore[arg-type]  # SQLModel types the column as its Python value, not a SQL expression
    ).scalars()
    return [_snapshot(cells) for cells in rows]


def _snapshot(cells: SnapshotCells) -> Snapshot[Cell]:
    return Snapshot(
        hidden=frozenset((n, v, a) for n, v, a, _ in cells),
        counts={(n, v, a): count for n, v, a, count in cells if count},
    )


def snapshot_to_record(
    db: Session, *, dialogue_id: int, figures: str, view: View[Cell]
) -> SnapshotCells | None:
    """What to keep of a new release of these figures for comparing later ones with it
    (`add_snapshot`), or None: only a release whose total is readable, and which hides other
    cells, or other counts, than the last one kept."""
    total = (ALL, ALL, ALL)
    if not view.counts.get(total) or total in view.hidden:
        return None
    snapshot = snapshot_of(view)
    last = db.execute(
        select(ReleaseSnapshot.cells)
        .where(ReleaseSnapshot.dialogue_id == dialogue_id, ReleaseSnapshot.figures == figures)
        .order_by(ReleaseSnapshot.id.desc())  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        .limit(1)
    ).scalar()
    if last is not None and _snapshot(last) == snapshot:
        return None
    return [[*cell, snapshot.counts.get(cell, 0)] for cell in sorted(snapshot.hidden)]


def add_snapshot(db: Session, *, dialogue_id: int, figures: str, cells: SnapshotCells) -> None:
    """Keep a release's snapshot (from `snapshot_to_record`)."""
    db.add(ReleaseSnapshot(dialogue_id=dialogue_id, figures=figures, cells=cells))
    db.flush()


_RELEASED_PLEDGES = ReleasedPledge.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it


def released_pledges(db: Session, *, dialogue_id: int) -> list[CountedPledge]:
    """The pledges the published pledge totals count, as plain rows (a dialogue has thousands,
    and made into ORM objects they took most of a refresh's time)."""
    rows = db.execute(
        select(_RELEASED_PLEDGES).where(_RELEASED_PLEDGES.c.dialogue_id == dialogue_id)
    ).all()
    return cast(list[CountedPledge], rows)


def publish_pledges(
    db: Session, *, participant_ids: Sequence[str], pledges: Sequence[ReleasedPledge]
) -> None:
    """Make these the released pledges of these pledgers."""
    for start in range(0, len(participant_ids), 900):
        chunk = participant_ids[start : start + 900]
        db.execute(delete(ReleasedPledge).where(ReleasedPledge.participant_id.in_(chunk)))  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
    if pledges:
        # One statement executed for every row: as ORM inserts they took most of the time a
        # release held the writer.
        columns = [column.name for column in _RELEASED_PLEDGES.columns]
        db.execute(
            insert(_RELEASED_PLEDGES),
            [{column: getattr(pledge, column) for column in columns} for pledge in pledges],
        )


def has_unreleased_pledges(db: Session, *, dialogue_id: int) -> bool:
    """Whether the dialogue has pledges or contact offers its totals do not count yet."""
    return bool(
        db.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM pledges p LEFT JOIN released_pledges r "
                "ON r.pledge_id = p.id WHERE p.dialogue_id = :dialogue AND r.pledge_id IS NULL) "
                "OR EXISTS (SELECT 1 FROM contact_offers o LEFT JOIN released_offers r "
                "ON r.offer_id = o.id WHERE o.dialogue_id = :dialogue AND r.offer_id IS NULL)"
            ),
            {"dialogue": dialogue_id},
        ).scalar()
    )


def waiting_pledgers(db: Session, *, dialogue_id: int) -> list[str]:
    """The participants with a pledge the dialogue's pledge totals do not count yet."""
    # Sorted here, not by the database: its collation may order the ids otherwise, and the
    # release rule numbers the pledgers in this order.
    return sorted(
        db.execute(
            text(
                "SELECT DISTINCT p.participant_id FROM pledges p LEFT JOIN released_pledges r "
                "ON r.pledge_id = p.id WHERE p.dialogue_id = :dialogue AND r.pledge_id IS NULL"
            ),
            {"dialogue": dialogue_id},
        ).scalars()
    )


def dialogues_with_unreleased_pledges(db: Session) -> list[int]:
    """Dialogues with pledges or contact offers the totals do not count yet."""
    return list(
        db.execute(
            text(
                "SELECT p.dialogue_id FROM pledges p LEFT JOIN released_pledges r "
                "ON r.pledge_id = p.id WHERE r.pledge_id IS NULL UNION "
                "SELECT o.dialogue_id FROM contact_offers o LEFT JOIN released_offers r "
                "ON r.offer_id = o.id WHERE r.offer_id IS NULL"
            )
        ).scalars()
    )


def released_offers(db: Session, *, dialogue_id: int) -> list[ReleasedOffer]:
    """The contact offers the dialogue's pledge totals count."""
    return list(
        db.execute(select(ReleasedOffer).where(ReleasedOffer.dialogue_id == dialogue_id)).scalars()
    )


def released_offer_ids(db: Session, *, dialogue_id: int) -> list[str]:
    """The ids of the contact offers the dialogue's pledge totals count."""
    return list(
        db.execute(
            select(ReleasedOffer.offer_id).where(ReleasedOffer.dialogue_id == dialogue_id)
        ).scalars()
    )


def publish_offers(db: Session, *, dialogue_id: int, offers: Sequence[OfferFact]) -> None:
    """Count these contact offers."""
    db.add_all(
        ReleasedOffer(
            offer_id=offer.id,
            dialogue_id=dialogue_id,
            kind=offer.kind,
            priority_id=offer.priority_id,
            hours_per_month=offer.hours_per_month,
        )
        for offer in offers
    )
    db.flush()
