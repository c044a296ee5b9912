"""Results: keeping every published cell's tally current, and reading results from them."""

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, tuple_, update
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
    Cell,
    DialogueLayout,
    hidden_cells,
    published_tallies,
    rankings_matrix,
    session_key,
    tally_finest,
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
    """The priorities, neighbourhoods and sessions that shape a dialogue's cells."""
    municipality = municipalities.get_municipality_by_id(
        session, municipality_id=dialogue.municipality_id
    )
    places = municipalities.list_neighbourhoods(session, municipality=municipality)
    code_of = {n.id: n.code for n in places}
    buurt_code = {n.id: n.code for n in places if n.kind is NeighbourhoodKind.BUURT}
    wijk_code = {
        n.id: code_of[n.wijk_id] if n.kind is NeighbourhoodKind.BUURT and n.wijk_id else n.code
        for n in places
    }
    buurten_by_wijk: dict[str, list[str]] = {
        n.code: [] for n in places if n.kind is NeighbourhoodKind.WIJK
    }
    for n in places:
        if n.kind is NeighbourhoodKind.BUURT and n.wijk_id:
            buurten_by_wijk[code_of[n.wijk_id]].append(n.code)
    session_kind: dict[int, str] = {}
    session_ids_by_kind: dict[str, list[int]] = {}
    for row in sessions.list_sessions(session, dialogue=dialogue):
        kind = venues.get_venue(session, venue_id=row.venue_id).kind.value
        session_kind[row.id] = kind  # type: ignore[index]
        session_ids_by_kind.setdefault(kind, []).append(row.id)  # type: ignore[arg-type]
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
    session: Session, *, dialogue_id: int, tallies: dict[Cell, np.ndarray], replace: bool
) -> None:
    if replace:
        session.execute(delete(GroupTally).where(GroupTally.dialogue_id == dialogue_id))
        existing: dict[Cell, np.ndarray] = {}
    else:
        existing = _load_cells(session, dialogue_id=dialogue_id, cells=list(tallies))
    new_rows, changed_rows = [], []
    for cell, delta in tallies.items():
        values = existing[cell] + delta if cell in existing else delta
        row = {
            "dialogue_id": dialogue_id,
            "neighbourhood": cell[0],
            "venue": cell[1],
            "age_band": cell[2],
            "ballots": int(values[0]),
            "suppressed": True,
            "tally": _to_blob(values),
        }
        (changed_rows if cell in existing else new_rows).append(row)
    for start in range(0, len(new_rows), _INSERT_CHUNK):
        session.execute(insert(GroupTally), new_rows[start : start + _INSERT_CHUNK])
    for row in changed_rows:
        session.execute(
            update(GroupTally)
            .where(
                GroupTally.dialogue_id == dialogue_id,
                GroupTally.neighbourhood == row["neighbourhood"],
                GroupTally.venue == row["venue"],
                GroupTally.age_band == row["age_band"],
            )
            .values(ballots=row["ballots"], tally=row["tally"])
        )


def _to_blob(values: np.ndarray) -> bytes:
    return np.asarray(values, dtype="<i8").tobytes()


def _from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<i8").astype(np.int64)


def _load_cells(
    session: Session, *, dialogue_id: int, cells: Sequence[Cell]
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
            found[(n, v, a)] = _from_blob(blob)
    return found


def _apply_suppression(
    session: Session, *, dialogue_id: int, layout: DialogueLayout, min_group_size: int
) -> None:
    rows = session.execute(
        select(
            GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band,
            GroupTally.ballots, GroupTally.suppressed,
        ).where(GroupTally.dialogue_id == dialogue_id)
    ).all()  # fmt: skip
    counts = {(n, v, a): ballots_ for n, v, a, ballots_, _ in rows}
    hidden = hidden_cells(counts, layout, min_group_size=min_group_size)
    for n, v, a, _, was_hidden in rows:
        should_hide = (n, v, a) in hidden
        if should_hide != was_hidden:
            session.execute(
                update(GroupTally)
                .where(
                    GroupTally.dialogue_id == dialogue_id,
                    GroupTally.neighbourhood == n,
                    GroupTally.venue == v,
                    GroupTally.age_band == a,
                )
                .values(suppressed=should_hide)
            )


def _tally_events(
    events: Sequence[counting.CountedBallot], layout: DialogueLayout
) -> dict[Cell, np.ndarray]:
    """Net change of every published cell: counted ballots added, withdrawn ones subtracted."""
    change: dict[Cell, np.ndarray] = {}
    for sign in (1, -1):
        chosen = [e for e in events if e.sign == sign]
        if not chosen:
            continue
        keys, batch = tally_finest(
            rankings_matrix([e.ranking for e in chosen], layout),
            [(e.session_id, e.neighbourhood_id, e.age_band) for e in chosen],
            layout,
        )
        for cell, values in published_tallies(keys, batch, layout).items():
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
    if not events:
        session.rollback()
        return True
    change = _tally_events(events, layout)
    _write_cells(session, dialogue_id=dialogue_id, tallies=change, replace=False)
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
    rankings, finest = counting.all_rankings(
        session, dialogue_id=dialogue_id, priority_index=layout.priority_index()
    )
    if len(finest):
        keys, batch = tally_finest(rankings, finest, layout)
        tallies = published_tallies(keys, batch, layout)
    else:
        tallies = {}
    _write_cells(session, dialogue_id=dialogue_id, tallies=tallies, replace=True)
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
    return len(finest)


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
    _apply_suppression(
        session,
        dialogue_id=dialogue.id,
        layout=layout,
        min_group_size=municipality.min_group_size,  # type: ignore[arg-type]
    )
    total = session.execute(
        select(GroupTally.ballots).where(
            GroupTally.dialogue_id == dialogue.id,
            GroupTally.neighbourhood == ALL,
            GroupTally.venue == ALL,
            GroupTally.age_band == ALL,
        )
    ).scalar()
    state.ballots = total or 0
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
    found = _load_cells(session, dialogue_id=dialogue.id, cells=[cell])  # type: ignore[arg-type]
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
    cache_key = (dialogue.id, version, group_by, venue_kind, age_band)
    cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    municipality = session.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    layout = dialogue_layout(session, dialogue=dialogue)
    rows = session.execute(
        select(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band, GroupTally.tally, GroupTally.suppressed)
        .where(GroupTally.dialogue_id == dialogue.id)
        .where(_selection(group_by, venue_kind, age_band))
    ).all()  # fmt: skip
    if group_by is GroupBy.SESSION and venue_kind:
        allowed = {session_key(s) for s in layout.session_ids_by_kind.get(venue_kind, ())}
        rows = [r for r in rows if r[1] in allowed or r[0] == ALL and r[1] == venue_kind]
    label = _labels(
        session, dialogue=dialogue, layout=layout, venue=venue_kind or ALL, band=age_band or ALL
    )
    width = tally_width(layout.m)
    cells = [((n, v, a), _from_blob(blob), hidden) for n, v, a, blob, hidden in rows]
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
        min_group_size=municipality.min_group_size,
        total_ballots=total.ballots if total else None,
        version=version,
        refreshed_at=state.refreshed_at if state else utcnow(),
        priorities=_priority_labels(session, dialogue_id=dialogue.id),  # type: ignore[arg-type]
        groups=groups,
    )
    _CACHE.put(cache_key, results)
    return results


def _priority_labels(session: Session, *, dialogue_id: int) -> list[PriorityLabel]:
    return [
        PriorityLabel(id=p.id, title=p.title, theme_key=p.theme_key)
        for p in dialogues.priorities_public(session, dialogue_id=dialogue_id)
    ]


def _labels(session: Session, *, dialogue: Dialogue, layout: DialogueLayout, venue: str, band: str):
    """Label, kind and parent of each cell, relative to the filters of the request."""
    municipality = session.get(Municipality, dialogue.municipality_id)
    places = municipalities.list_neighbourhoods(session, municipality=municipality)  # type: ignore[arg-type]
    names = {n.code: n.name for n in places}
    wijk_of = {code: layout.wijk_code[i] for i, code in layout.buurt_code.items()}
    session_names = {}
    for row in sessions.list_sessions(session, dialogue=dialogue):
        place = venues.get_venue(session, venue_id=row.venue_id).name
        session_names[session_key(row.id)] = (
            f"{row.title or place} ({place}, {row.starts_at:%Y-%m-%d})"  # type: ignore[arg-type]
        )

    def label(cell: Cell) -> tuple[str, str, str | None]:
        n, v, a = cell
        if n == NOT_GIVEN:
            return "Niet opgegeven", "unknown", None
        if n != ALL:
            return names.get(n, n), ("buurt" if n.startswith("BU") else "wijk"), wijk_of.get(n)
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
    """Dialogues whose ballots changed since their tallies were last brought up to date."""
    return counting.dialogues_waiting(session)


def count_group_tallies(session: Session, *, dialogue_id: int) -> int:
    """How many published cells a dialogue has."""
    return session.execute(
        select(func.count()).select_from(GroupTally).where(GroupTally.dialogue_id == dialogue_id)
    ).scalar_one()


def pledges_summary(session: Session, *, dialogue: Dialogue, group_by: GroupBy) -> Any:
    """Pledge totals per group, small groups suppressed."""
    from api.results.pledge_summary import pledge_summary

    layout = dialogue_layout(session, dialogue=dialogue)
    label = _labels(session, dialogue=dialogue, layout=layout, venue=ALL, band=ALL)

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
        session, dialogue=dialogue, layout=layout, group_by=group_by, labels=label_of
    )


def session_results(session: Session, *, row: Any) -> Results:
    """The room's view of a session: its last snapshot, or a suppressed group if none yet."""
    dialogue = session.get(Dialogue, row.dialogue_id)
    assert dialogue is not None
    municipality = session.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    snapshot = session_snapshot(session, session_id=row.id)
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
