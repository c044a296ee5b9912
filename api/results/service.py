"""Results: keeping every published cell's tally current, and reading results from them."""

import gzip
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.ballots import counting
from api.ballots.models import AgeBand
from api.core.db import utcnow
from api.core.problems import InvalidInput, NotFound
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.municipalities import service as municipalities
from api.municipalities.models import Municipality, NeighbourhoodKind
from api.results.aggregation import TallyBatch, summarise, tally_width
from api.results.cells import (
    BallotColumns,
    Cell,
    DialogueLayout,
    ballot_columns_from,
    hidden_cells,
    published_tallies,
    session_key,
)
from api.results.models import (
    ALL,
    NOT_GIVEN,
    GroupBy,
    GroupResult,
    GroupTally,
    PriorityLabel,
    PriorityResult,
    Results,
    ResultState,
    SessionSnapshot,
)
from api.sessions import service as sessions
from api.venues import service as venues
from api.venues.models import VenueKind

EVENTS_PER_REFRESH = 100_000
_INSERT_CHUNK = 2_000
_LABELS_NL = {
    "library": "Bibliotheek",
    "youth_centre": "Jongerencentrum",
    "community_centre": "Buurthuis",
    "other": "Andere plek",
}


def dialogue_layout(session: Session, *, dialogue: Dialogue) -> DialogueLayout:
    """The priorities, neighbourhoods and sessions that shape a dialogue's cells (4 queries)."""
    places = municipalities.neighbourhood_outlines(
        session, municipality_id=dialogue.municipality_id
    )
    code_of = {id_: code for id_, code, _, _, _ in places}
    buurt_code = {id_: code for id_, code, _, kind, _ in places if kind is NeighbourhoodKind.BUURT}
    wijk_code = {
        id_: code_of[wijk_id] if kind is NeighbourhoodKind.BUURT and wijk_id else code
        for id_, code, _, kind, wijk_id in places
    }
    buurten_by_wijk: dict[str, list[str]] = {
        code: [] for _, code, _, kind, _ in places if kind is NeighbourhoodKind.WIJK
    }
    for _, code, _, kind, wijk_id in sorted(places, key=lambda place: place[1]):
        if kind is NeighbourhoodKind.BUURT and wijk_id:
            buurten_by_wijk[code_of[wijk_id]].append(code)
    rows = sessions.list_sessions(session, dialogue=dialogue)
    places_of = venues.venues_by_id(session, venue_ids={row.venue_id for row in rows})
    session_kind: dict[int, str] = {}
    session_ids_by_kind: dict[str, list[int]] = {}
    session_labels: dict[int, str] = {}
    for row in rows:
        venue = places_of[row.venue_id]
        session_kind[row.id] = venue.kind.value  # type: ignore[index]
        session_ids_by_kind.setdefault(venue.kind.value, []).append(row.id)  # type: ignore[arg-type]
        session_labels[row.id] = (
            f"{row.title or venue.name} ({venue.name}, {row.starts_at:%Y-%m-%d})"  # type: ignore[index]
        )
    return DialogueLayout(
        priority_ids=tuple(
            sorted(p.id for p in dialogues.priorities_of(session, dialogue_id=dialogue.id))
        ),  # type: ignore[misc, arg-type]
        buurt_code=buurt_code,  # type: ignore[arg-type]
        wijk_code=wijk_code,  # type: ignore[arg-type]
        session_kind=session_kind,
        session_ids_by_kind={k: tuple(v) for k, v in session_ids_by_kind.items()},
        buurten_by_wijk={k: tuple(v) for k, v in buurten_by_wijk.items()},
        age_bands=tuple(band.value for band in AgeBand),
        place_names={code: name for _, code, name, _, _ in places},
        session_labels=session_labels,
    )


def _lock_state(session: Session, *, dialogue_id: int, m: int, wait: bool) -> ResultState | None:
    """The dialogue's result state, locked for this transaction; None if another has it."""
    dialect = session.get_bind().dialect.name
    insert_state = (postgresql if dialect == "postgresql" else sqlite).insert(ResultState)
    created = session.execute(
        insert_state.values(dialogue_id=dialogue_id, priority_count=m, refreshed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["dialogue_id"])
        .returning(ResultState.dialogue_id)
    ).scalar()
    query = select(ResultState).where(ResultState.dialogue_id == dialogue_id)
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=not wait)
    state = session.execute(query).scalar_one_or_none()
    if state is not None and created is not None:
        state.version = -1  # marks a new state: the tallies must be built from all ballots
    return state


def _write_cells(
    session: Session,
    *,
    dialogue_id: int,
    tallies: dict[Cell, np.ndarray],
    replace: bool,
    layout: DialogueLayout,
    min_group_size: int,
) -> None:
    """Store new tallies (`replace`) or add changes to the stored ones; then re-decide, for
    every published cell, whether it must be suppressed, and store what changed."""
    stored: dict[Cell, tuple[int, bool]] = {}
    if replace:
        session.execute(delete(GroupTally).where(GroupTally.dialogue_id == dialogue_id))
        existing: dict[Cell, np.ndarray] = {}
    else:
        existing = _load_cells(session, dialogue_id=dialogue_id, cells=list(tallies), m=layout.m)
        stored = {
            (n, v, a): (count, hidden)
            for n, v, a, count, hidden in session.execute(
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
    hidden = hidden_cells(counts, layout, min_group_size=min_group_size)
    _delete_cells(session, dialogue_id=dialogue_id, cells=[c for c in emptied if c in stored])

    new_rows, changed_rows, flipped_rows = [], [], []
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
    _insert_cells(session, new_rows)
    key = (
        (GroupTally.dialogue_id == bindparam("d"))
        & (GroupTally.neighbourhood == bindparam("n"))
        & (GroupTally.venue == bindparam("v"))
        & (GroupTally.age_band == bindparam("a"))
    )
    if changed_rows:
        session.connection().execute(
            update(GroupTally.__table__).where(key).values(
                ballots=bindparam("ballots"), suppressed=bindparam("suppressed"), tally=bindparam("tally")
            ),
            changed_rows,
        )  # fmt: skip
    if flipped_rows:
        session.connection().execute(
            update(GroupTally.__table__).where(key).values(suppressed=bindparam("suppressed")),
            flipped_rows,
        )


def _delete_cells(session: Session, *, dialogue_id: int, cells: Sequence[Cell]) -> None:
    key = tuple_(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band)
    for start in range(0, len(cells), 500):
        session.execute(
            delete(GroupTally)
            .where(GroupTally.dialogue_id == dialogue_id)
            .where(key.in_(cells[start : start + 500]))
        )


def _insert_cells(session: Session, rows: list[dict[str, Any]]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        columns = "dialogue_id, neighbourhood, venue, age_band, ballots, suppressed, tally"
        cursor = session.connection().connection.dbapi_connection.cursor()
        with cursor.copy(f"COPY group_tallies ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(
                    (r["d"], r["n"], r["v"], r["a"], r["ballots"], r["suppressed"], r["tally"])
                )
        return
    for start in range(0, len(rows), _INSERT_CHUNK):
        session.execute(
            insert(GroupTally),
            [
                {"dialogue_id": r["d"], "neighbourhood": r["n"], "venue": r["v"], "age_band": r["a"],
                 "ballots": r["ballots"], "suppressed": r["suppressed"], "tally": r["tally"]}
                for r in rows[start : start + _INSERT_CHUNK]
            ],
        )  # fmt: skip


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


def _from_blob(blob: bytes, m: int) -> np.ndarray:
    values = np.frombuffer(blob, dtype=f"<i{blob[0]}", offset=1).astype(np.int64)
    if len(values) != tally_width(m):
        raise ValueError("a stored tally has the wrong size for this dialogue")
    return values


def _load_cells(
    session: Session, *, dialogue_id: int, cells: Sequence[Cell], m: int
) -> dict[Cell, np.ndarray]:
    found: dict[Cell, np.ndarray] = {}
    key = tuple_(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band)
    for start in range(0, len(cells), 500):
        rows = session.execute(
            select(
                GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band, GroupTally.tally
            )
            .where(GroupTally.dialogue_id == dialogue_id)
            .where(key.in_(cells[start : start + 500]))
        )
        for n, v, a, blob in rows:
            found[(n, v, a)] = _from_blob(blob, m)
    return found


def _min_group_size(session: Session, dialogue: Dialogue) -> int:
    municipality = session.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    return municipality.min_group_size


def _tally_events(
    events: Sequence[counting.CountedBallot], layout: DialogueLayout
) -> dict[Cell, np.ndarray]:
    """Net change of every published cell: counted ballots added, withdrawn ones subtracted."""
    change: dict[Cell, np.ndarray] = {}
    for sign in (1, -1):
        chosen = [e for e in events if e.sign == sign]
        if not chosen:
            continue
        columns = ballot_columns_from(
            [e.ranking for e in chosen],
            [e.session_id for e in chosen],
            [e.neighbourhood_id for e in chosen],
            [e.age_band for e in chosen],
            layout,
        )
        for cell, values in published_tallies(columns, layout).items():
            change[cell] = change.get(cell, 0) + sign * values
    return change


def refresh_dialogue(
    session: Session, *, dialogue_id: int, snapshot_batch: int | None = None
) -> bool:
    """Fold the dialogue's new ballot events into its tallies; False if another process is on it."""
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        return False
    layout = dialogue_layout(session, dialogue=dialogue)
    state = _lock_state(session, dialogue_id=dialogue_id, m=layout.m, wait=False)
    if state is None:
        session.rollback()
        return False
    if state.version == -1 or state.priority_count != layout.m:
        session.rollback()
        recompute_dialogue(session, dialogue_id=dialogue_id)
        return True
    events = counting.take(session, dialogue_id=dialogue_id, limit=EVENTS_PER_REFRESH)
    minimum = _min_group_size(session, dialogue)
    if not events and state.min_group_size == minimum:
        session.rollback()
        return True
    # No events but a new minimum group size: the same tallies, suppression decided again.
    change = _tally_events(events, layout)
    _write_cells(
        session, dialogue_id=dialogue_id, tallies=change, replace=False, layout=layout,
        min_group_size=minimum,
    )  # fmt: skip
    _finish(
        session,
        state=state,
        dialogue=dialogue,
        layout=layout,
        touched={e.session_id for e in events},
        snapshot_batch=snapshot_batch,
    )
    return True


def recompute_dialogue(
    session: Session, *, dialogue_id: int, snapshot_batch: int | None = None
) -> int:
    """Rebuild the dialogue's tallies from all its ballots; returns how many were counted."""
    for attempt in range(5):
        try:
            return _recompute_once(session, dialogue_id=dialogue_id, snapshot_batch=snapshot_batch)
        except OperationalError as error:  # PostgreSQL: a concurrent refresh; try again
            session.rollback()
            if attempt == 4 or "serializ" not in str(error).lower():
                raise
    raise AssertionError("unreachable")


def _recompute_once(session: Session, *, dialogue_id: int, snapshot_batch: int | None) -> int:
    if session.get_bind().dialect.name == "postgresql":
        # One snapshot for reading the ballots and dropping the events they already include.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise NotFound(f"There is no dialogue {dialogue_id}.")
    layout = dialogue_layout(session, dialogue=dialogue)
    state = _lock_state(session, dialogue_id=dialogue_id, m=layout.m, wait=True)
    assert state is not None
    counting.discard(session, dialogue_id=dialogue_id)
    rankings, session_ids, neighbourhood_ids, age_bands = counting.all_rankings(
        session, dialogue_id=dialogue_id, priority_index=layout.priority_index()
    )
    columns = BallotColumns(
        rankings=rankings,
        session_id=session_ids,
        neighbourhood_id=neighbourhood_ids,
        age_band=age_bands,
    )
    tallies = published_tallies(columns, layout)
    _write_cells(
        session, dialogue_id=dialogue_id, tallies=tallies, replace=True, layout=layout,
        min_group_size=_min_group_size(session, dialogue),
    )  # fmt: skip
    state.version = max(state.version, 0)
    state.priority_count = layout.m
    _finish(
        session,
        state=state,
        dialogue=dialogue,
        layout=layout,
        touched=set(layout.session_kind),
        snapshot_batch=snapshot_batch,
    )
    return len(columns)


def _finish(
    session: Session,
    *,
    state: ResultState,
    dialogue: Dialogue,
    layout: DialogueLayout,
    touched: set[int],
    snapshot_batch: int | None,
) -> None:
    municipality = session.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    total = session.execute(
        select(GroupTally.ballots).where(
            GroupTally.dialogue_id == dialogue.id,
            GroupTally.neighbourhood == ALL,
            GroupTally.venue == ALL,
            GroupTally.age_band == ALL,
        )
    ).scalar()
    state.ballots = total or 0
    state.min_group_size = municipality.min_group_size
    state.version += 1
    state.refreshed_at = utcnow()
    session.add(state)
    for session_id in sorted(touched):
        _take_snapshot(
            session,
            dialogue=dialogue,
            layout=layout,
            session_id=session_id,
            min_group_size=municipality.min_group_size,
            batch=snapshot_batch or max(5, municipality.min_group_size // 2),
            version=state.version,
        )
    session.commit()
    _CACHE.clear_dialogue(dialogue.id)  # type: ignore[arg-type]


def _take_snapshot(
    session: Session,
    *,
    dialogue: Dialogue,
    layout: DialogueLayout,
    session_id: int,
    min_group_size: int,
    batch: int,
    version: int,
) -> None:
    cell = (ALL, session_key(session_id), ALL)
    found = _load_cells(session, dialogue_id=dialogue.id, cells=[cell], m=layout.m)  # type: ignore[arg-type]
    count = int(found[cell][0]) if cell in found else 0
    current = session.get(SessionSnapshot, session_id)
    if count < min_group_size or (current is not None and count < current.ballots + batch):
        return
    group = _group_results(
        [(cell, found[cell], False)], layout, labels={cell: ("", "session", None)}
    )[0]
    document = {"ballots": count, "group": group.model_dump(mode="json", by_alias=True)}
    if current is None:
        session.add(
            SessionSnapshot(session_id=session_id, ballots=count, document=json.dumps(document))
        )
    else:
        current.ballots, current.document, current.taken_at = count, json.dumps(document), utcnow()
        session.add(current)


# ------------------------------------------------------------------ reading


class _ResultsCache:
    """Computed result documents per dialogue version, so warm reads cost a lookup."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear_dialogue(self, dialogue_id: int) -> None:
        with self._lock:
            for key in [k for k in self._items if k[0] == dialogue_id]:
                del self._items[key]


_CACHE = _ResultsCache()


def _group_results(
    rows: Sequence[tuple[Cell, np.ndarray, bool]],
    layout: DialogueLayout,
    *,
    labels: dict[Cell, tuple[str, str, str | None]],
) -> list[GroupResult]:
    shown = [(cell, values) for cell, values, hidden in rows if not hidden]
    summaries = {}
    if shown:
        batch = TallyBatch(m=layout.m, values=np.stack([values for _, values in shown]))
        summaries = dict(zip((cell for cell, _ in shown), summarise(batch), strict=True))
    groups = []
    for cell, _values, hidden in rows:
        label, kind, parent = labels[cell]
        key = _group_key(cell, kind)
        if hidden:
            groups.append(
                GroupResult(
                    key=key, label=label, kind=kind, parent=parent, ballots=None, suppressed=True
                )
            )
            continue
        summary = summaries[cell]
        groups.append(
            GroupResult(
                key=key,
                label=label,
                kind=kind,
                parent=parent,
                ballots=summary.ballot_count,
                suppressed=False,
                priorities=[
                    PriorityResult(
                        id=layout.priority_ids[p.priority_index],
                        score=p.score,
                        score_low=p.score_low,
                        score_high=p.score_high,
                        first_choice_share=p.first_choice_share,
                        top_three_share=p.top_three_share,
                        mean_rank=p.mean_rank,
                        schulze_rank=p.schulze_rank,
                    )
                    for p in summary.priorities or []
                ],
            )
        )
    return groups


def _group_key(cell: Cell, kind: str) -> str:
    n, v, a = cell
    if kind in ("buurt", "wijk"):
        return n
    if kind == "session":
        return v[1:]
    if kind == "venueKind":
        return v
    if kind == "ageBand":
        return "unknown" if a == NOT_GIVEN else a
    if kind == "unknown":
        return "unknown"
    return "dialogue"


def _selection(group_by: GroupBy, venue_kind: str | None, age_band: str | None) -> Any:
    venue = venue_kind or ALL
    band = age_band or ALL
    n, v, a = GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band
    total = (n == ALL) & (v == venue) & (a == band)
    if group_by is GroupBy.NEIGHBOURHOOD:
        return (v == venue) & (a == band)
    if group_by is GroupBy.VENUE_KIND:
        return total | ((n == ALL) & (a == band) & v.in_([k.value for k in VenueKind]))
    if group_by is GroupBy.SESSION:
        return total | ((n == ALL) & (a == band) & v.like("s%"))
    if group_by is GroupBy.AGE_BAND:
        return (n == ALL) & (v == venue)
    return total


def dialogue_results(
    session: Session,
    *,
    dialogue: Dialogue,
    group_by: GroupBy,
    venue_kind: str | None = None,
    age_band: str | None = None,
) -> Results:
    """A dialogue's results broken down by `group_by`, with small groups suppressed."""
    return _cached_results(
        session, dialogue=dialogue, group_by=group_by, venue_kind=venue_kind, age_band=age_band
    )[0]


def dialogue_results_json(
    session: Session,
    *,
    dialogue: Dialogue,
    group_by: GroupBy,
    venue_kind: str | None = None,
    age_band: str | None = None,
    gzipped: bool = False,
) -> bytes:
    """The same results as JSON (or gzipped JSON), made once per version of the numbers."""
    entry = _cached_results(
        session, dialogue=dialogue, group_by=group_by, venue_kind=venue_kind, age_band=age_band
    )
    return entry[2] if gzipped else entry[1]


def _cached_results(
    session: Session,
    *,
    dialogue: Dialogue,
    group_by: GroupBy,
    venue_kind: str | None,
    age_band: str | None,
) -> tuple[Results, bytes, bytes]:
    if group_by is GroupBy.VENUE_KIND and venue_kind:
        raise InvalidInput(
            "Filtering on venueKind while grouping by it shows one group; leave one out.",
            invalid_params=[("venueKind", "not with groupBy=venueKind")],
        )
    if group_by is GroupBy.AGE_BAND and age_band:
        raise InvalidInput(
            "Filtering on ageBand while grouping by it shows one group; leave one out.",
            invalid_params=[("ageBand", "not with groupBy=ageBand")],
        )
    state = session.get(ResultState, dialogue.id)
    version = state.version if state else 0
    municipality = session.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    min_group_size = municipality.min_group_size
    # The minimum group size is part of the key: raising it must hide groups at once. So is
    # the state's refresh time: a recreated state starts its versions again.
    refreshed_at = state.refreshed_at if state else None
    cache_key = (
        dialogue.id, version, refreshed_at, min_group_size, group_by, venue_kind, age_band
    )  # fmt: skip
    cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    layout = dialogue_layout(session, dialogue=dialogue)
    rows = session.execute(
        select(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band, GroupTally.tally, GroupTally.suppressed)
        .where(GroupTally.dialogue_id == dialogue.id)
        .where(_selection(group_by, venue_kind, age_band))
    ).all()  # fmt: skip
    hidden_now = _hidden_if_flags_stale(
        session,
        dialogue_id=dialogue.id,
        layout=layout,
        min_group_size=min_group_size,  # type: ignore[arg-type]
    )
    if hidden_now is not None:
        rows = [(n, v, a, blob, (n, v, a) in hidden_now) for n, v, a, blob, _ in rows]
    if group_by is GroupBy.SESSION and venue_kind:
        allowed = {session_key(s) for s in layout.session_ids_by_kind.get(venue_kind, ())}
        rows = [r for r in rows if r[1] in allowed or r[0] == ALL and r[1] == venue_kind]
    label = _labels(dialogue, layout, venue=venue_kind or ALL, band=age_band or ALL)
    width = tally_width(layout.m)
    cells = [((n, v, a), _from_blob(blob, layout.m), hidden) for n, v, a, blob, hidden in rows]
    labels = {cell: label(cell) for cell, _, _ in cells}
    ordered = sorted(
        (row for row in cells if len(row[1]) == width),
        key=lambda row: _order(row[0], labels[row[0]][1], labels[row[0]][2]),
    )
    groups = _group_results(ordered, layout, labels=labels)
    total = next((g for g in groups if g.kind == "dialogue"), None)
    results = Results(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]
        group_by=group_by,
        venue_kind=venue_kind,
        age_band=age_band,
        min_group_size=min_group_size,
        total_ballots=total.ballots if total else None,
        version=version,
        refreshed_at=state.refreshed_at if state else utcnow(),
        priorities=_priority_labels(session, dialogue_id=dialogue.id),  # type: ignore[arg-type]
        groups=groups,
    )
    document = results.model_dump_json(by_alias=True).encode()
    entry = (results, document, gzip.compress(document, compresslevel=6))
    _CACHE.put(cache_key, entry)
    return entry


def _hidden_if_flags_stale(
    session: Session, *, dialogue_id: int, layout: DialogueLayout, min_group_size: int
) -> set[Cell] | None:
    """The cells to hide now, if the stored flags were decided with a smaller minimum group
    size (the municipality raised it since the last refresh); None if the flags hold."""
    shown_small = session.execute(
        select(GroupTally.ballots)
        .where(GroupTally.dialogue_id == dialogue_id)
        .where(GroupTally.suppressed.is_(False))  # type: ignore[attr-defined]
        .where(GroupTally.ballots < min_group_size)
        .limit(1)
    ).first()
    if shown_small is None:
        return None
    counts = {
        (n, v, a): count
        for n, v, a, count in session.execute(
            select(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band, GroupTally.ballots)
            .where(GroupTally.dialogue_id == dialogue_id)
        )
    }  # fmt: skip
    return hidden_cells(counts, layout, min_group_size=min_group_size)


def _priority_labels(session: Session, *, dialogue_id: int) -> list[PriorityLabel]:
    return [
        PriorityLabel(id=p.id, title=p.title, theme_key=p.theme_key)
        for p in dialogues.priorities_public(session, dialogue_id=dialogue_id)
    ]


def _labels(dialogue: Dialogue, layout: DialogueLayout, *, venue: str, band: str):
    """Label, kind and parent of each cell, relative to the filters of the request."""
    wijk_of = {code: layout.wijk_code[i] for i, code in layout.buurt_code.items()}
    session_names = {session_key(s): label for s, label in layout.session_labels.items()}

    def label(cell: Cell) -> tuple[str, str, str | None]:
        n, v, a = cell
        if n == NOT_GIVEN:
            return "Niet opgegeven", "unknown", None
        if n != ALL:
            kind = "buurt" if n.startswith("BU") else "wijk"
            return layout.place_names.get(n, n), kind, wijk_of.get(n)
        if (v, a) == (venue, band):
            return dialogue.title, "dialogue", None
        if v.startswith("s"):
            return session_names.get(v, v), "session", None
        if v != venue:
            return _LABELS_NL.get(v, v), "venueKind", None
        return ("Leeftijd niet opgegeven" if a == NOT_GIVEN else f"{a} jaar"), "ageBand", None

    return label


_KIND_ORDER = {
    "dialogue": 0,
    "wijk": 1,
    "buurt": 1,
    "venueKind": 1,
    "ageBand": 1,
    "session": 1,
    "unknown": 2,
}


def _order(cell: Cell, kind: str, parent: str | None) -> tuple:
    if kind in ("wijk", "buurt"):
        return (_KIND_ORDER[kind], parent or cell[0], kind != "wijk", cell[0])
    return (_KIND_ORDER[kind], cell[1], cell[2], "")


def results_state(session: Session, *, dialogue_id: int) -> ResultState | None:
    """How far the dialogue's tallies are."""
    return session.get(ResultState, dialogue_id)


def session_snapshot(session: Session, *, session_id: int) -> SessionSnapshot | None:
    """The session's results as last shown in the room, if enough took part."""
    return session.get(SessionSnapshot, session_id)


def dialogues_with_new_ballots(session: Session) -> list[int]:
    """Dialogues whose ballots changed since their tallies were last brought up to date.

    Besides those with queued ballot events, a dialogue with ballots but no result state
    (ballots from before there were events, or a state dropped to force a recount) waits
    too: its refresh counts every ballot from scratch.
    """
    waiting = set(counting.dialogues_waiting(session))
    without_state = session.execute(
        select(Dialogue.id)
        .outerjoin(ResultState, ResultState.dialogue_id == Dialogue.id)  # type: ignore[arg-type]
        .where(ResultState.dialogue_id.is_(None))  # type: ignore[union-attr]
    ).scalars()
    unseen = [dialogue_id for dialogue_id in without_state if dialogue_id not in waiting]
    waiting.update(counting.dialogues_with_ballots(session, dialogue_ids=unseen))
    minimum_changed = session.execute(
        select(ResultState.dialogue_id)
        .join(Dialogue, Dialogue.id == ResultState.dialogue_id)  # type: ignore[arg-type]
        .join(Municipality, Municipality.id == Dialogue.municipality_id)  # type: ignore[arg-type]
        .where(ResultState.min_group_size.is_distinct_from(Municipality.min_group_size))  # type: ignore[union-attr]
    ).scalars()
    waiting.update(minimum_changed)
    return sorted(waiting)


def count_group_tallies(session: Session, *, dialogue_id: int) -> int:
    """How many published cells a dialogue has."""
    return session.execute(
        select(func.count()).select_from(GroupTally).where(GroupTally.dialogue_id == dialogue_id)
    ).scalar_one()


def pledges_summary(session: Session, *, dialogue: Dialogue, group_by: GroupBy, secret: str) -> Any:
    """Pledge totals per group, small groups suppressed (`secret`: see pledge_summary)."""
    from api.results.pledge_summary import pledge_summary

    layout = dialogue_layout(session, dialogue=dialogue)
    label = _labels(dialogue, layout, venue=ALL, band=ALL)

    def label_of(key: str) -> tuple[str, str, str | None]:
        if group_by is GroupBy.NEIGHBOURHOOD and key not in (ALL,):
            return label((key, ALL, ALL))
        if group_by is GroupBy.VENUE_KIND and key != ALL:
            return label((ALL, key, ALL))
        if group_by is GroupBy.SESSION and key != ALL:
            return label((ALL, key, ALL))
        if group_by is GroupBy.AGE_BAND and key != ALL:
            return label((ALL, ALL, key))
        return label((ALL, ALL, ALL))

    return pledge_summary(
        session, dialogue=dialogue, layout=layout, group_by=group_by, labels=label_of, secret=secret
    )


def session_results(session: Session, *, row: Any) -> Results:
    """The room's view of a session: its last snapshot, or a suppressed group if none yet."""
    dialogue = session.get(Dialogue, row.dialogue_id)
    assert dialogue is not None
    municipality = session.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    snapshot = session_snapshot(session, session_id=row.id)
    if snapshot is not None and snapshot.ballots < municipality.min_group_size:
        snapshot = None  # taken before the municipality raised its minimum group size
    room_hidden = session.execute(
        select(GroupTally.suppressed).where(
            GroupTally.dialogue_id == dialogue.id,
            GroupTally.neighbourhood == ALL,
            GroupTally.venue == session_key(row.id),
            GroupTally.age_band == ALL,
        )
    ).scalar()
    if room_hidden:
        snapshot = None  # hidden to protect a small session next to it (rare; see cells.py)
    if snapshot is None:
        group = GroupResult(
            key=str(row.id), label=row.title or "", kind="session", ballots=None, suppressed=True
        )
        total, taken_at = None, row.created_at
    else:
        document = json.loads(snapshot.document)
        group = GroupResult.model_validate(document["group"])
        total, taken_at = snapshot.ballots, snapshot.taken_at
    return Results(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]
        group_by=GroupBy.SESSION,
        min_group_size=municipality.min_group_size,
        total_ballots=total,
        version=snapshot.ballots if snapshot else 0,
        refreshed_at=taken_at,
        priorities=_priority_labels(session, dialogue_id=dialogue.id),  # type: ignore[arg-type]
        groups=[group.model_copy(update={"key": str(row.id), "label": row.title or group.label})],
    )


def live_state(engine: Any, session_id: int) -> tuple[dict[str, Any], str | None]:
    """Counts for the projector, and the room's results document (JSON) once there is one."""
    from api.core.db import open_session
    from api.sessions.models import Session as DialogueSession

    with open_session(engine, write=False) as session:
        row = session.get(DialogueSession, session_id)
        if row is None:
            return {"status": "gone"}, None
        status = {
            "status": row.status.value,
            "checkIns": sessions.count_participants(session, session_id=session_id),
            "ballots": ballots_count(session, session_id=session_id),
        }
        results = session_results(session, row=row)
        document = results.model_dump_json(by_alias=True) if results.total_ballots else None
        return status, document


def ballots_count(session: Session, *, session_id: int) -> int:
    """Ballots stored for the session (tallied or not yet)."""
    from api.ballots import service as ballots

    return ballots.count_ballots(session, session_id=session_id)


def trends(session: Session, *, municipality: Municipality) -> list[Any]:
    """Every priority title's total score per dialogue of the municipality, oldest first."""
    from api.results.models import Trend, TrendPoint

    rows = (
        session.execute(
            select(Dialogue)
            .where(Dialogue.municipality_id == municipality.id)
            .order_by(Dialogue.starts_on)
        )
        .scalars()
        .all()
    )
    series: dict[str, Trend] = {}
    for dialogue in rows:
        results = dialogue_results(session, dialogue=dialogue, group_by=GroupBy.DIALOGUE)
        total = results.groups[0] if results.groups else None
        figures = (
            {p.id: p for p in (total.priorities or [])} if total and not total.suppressed else {}
        )
        for label in results.priorities:
            key = label.title.strip().casefold()
            trend = series.setdefault(
                key, Trend(title=label.title, theme_key=label.theme_key, points=[])
            )
            figure = figures.get(label.id)
            trend.points.append(
                TrendPoint(
                    dialogue_id=dialogue.id,  # type: ignore[arg-type]
                    dialogue_title=dialogue.title,
                    starts_on=dialogue.starts_on,
                    ballots=total.ballots if total and not total.suppressed else None,
                    suppressed=figure is None,
                    score=figure.score if figure else None,
                    score_low=figure.score_low if figure else None,
                    score_high=figure.score_high if figure else None,
                )
            )
    return sorted(series.values(), key=lambda t: t.title.casefold())
