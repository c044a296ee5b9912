"""Results: keeping every published cell's tally current, and reading results from them."""

import gzip
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select, tuple_
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.ballots import counting
from api.ballots import service as ballots
from api.ballots.counting import BallotVersion
from api.ballots.models import AgeBand
from api.core.db import utcnow
from api.core.problems import Conflict, InvalidInput, NotFound
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.municipalities import service as municipalities
from api.municipalities.models import Municipality, NeighbourhoodKind
from api.pledges import service as pledges
from api.results import store
from api.results.aggregation import TallyBatch, summarise
from api.results.cells import (
    BallotColumns,
    Cell,
    DialogueLayout,
    ballot_cells,
    ballot_columns_from,
    hidden_cells,
    published_tallies,
    release_view,
    session_key,
)
from api.results.models import (
    ALL,
    NOT_GIVEN,
    GroupBy,
    GroupResult,
    GroupTally,
    PledgeSummary,
    PriorityLabel,
    PriorityResult,
    ReleasedPledge,
    Results,
    ResultState,
    SuppressedReason,
)
from api.results.pledge_summary import pledge_groups, pledger_cells, pledger_counts
from api.results.releases import Change, View, choose_release
from api.sessions import service as sessions
from api.venues import service as venues

PENDING_PER_RELEASE = 100_000
FIRST_RELEASE_CHOSEN_UP_TO = 5_000
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
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


def _min_group_size(session: Session, dialogue: Dialogue) -> int:
    municipality = session.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    return municipality.min_group_size


def _tally_versions(
    versions: Sequence[BallotVersion], layout: DialogueLayout
) -> dict[Cell, np.ndarray]:
    """The tallies of every published cell these ballot versions lie in."""
    if not versions:
        return {}
    columns = ballot_columns_from(
        [v.ranking for v in versions],
        [v.session_id for v in versions],
        [v.neighbourhood_id for v in versions],
        [v.age_band for v in versions],
        layout,
    )
    return published_tallies(columns, layout)


def _cells_of(version: BallotVersion | None, layout: DialogueLayout) -> tuple[Cell, ...]:
    if version is None:
        return ()
    return ballot_cells(
        layout,
        session_id=version.session_id,
        neighbourhood_id=version.neighbourhood_id,
        age_band=version.age_band,
    )


def refresh_dialogue(session: Session, *, dialogue_id: int, recount: bool = False) -> bool:
    """Publish the next release of the dialogue's results, taking in every changed ballot the
    release rule allows (see `releases.py`); False if another process is on it.

    With `recount`, first rebuild every tally from the released ballots (waiting for any
    other process that is on it).
    """
    for attempt in range(5):
        try:
            return _refresh_once(session, dialogue_id=dialogue_id, recount=recount)
        except OperationalError as error:  # PostgreSQL: a ballot changed meanwhile; again
            session.rollback()
            if attempt == 4 or "serializ" not in str(error).lower():
                raise
    raise AssertionError("unreachable")


def _refresh_once(session: Session, *, dialogue_id: int, recount: bool) -> bool:
    if session.get_bind().dialect.name == "postgresql":
        # One snapshot for the ballots read and the marks removed: a ballot changed meanwhile
        # fails the transaction (and it is tried again) instead of losing its mark.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        return False
    layout = dialogue_layout(session, dialogue=dialogue)
    state = store.lock_state(session, dialogue_id=dialogue_id, m=layout.m, wait=recount)
    if state is None:
        session.rollback()
        return False
    minimum = _min_group_size(session, dialogue)
    final = state.final_at is not None
    changed = False
    first = not final and store.release_total(session, dialogue_id=dialogue_id) < minimum
    if first:
        changed = _first_release(
            session, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum
        )
    if changed or recount or state.version == -1 or state.priority_count != layout.m:
        _recount(
            session, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum, final=final
        )
        changed = True
    unmarked = False
    if not final and not first:
        marks = counting.pending(session, dialogue_id=dialogue_id, limit=PENDING_PER_RELEASE)
        if marks:
            released, unmarked = _release_changes(
                session, dialogue_id=dialogue_id, layout=layout, marks=marks,
                min_group_size=minimum,
            )  # fmt: skip
            changed |= released
    if not final:
        changed |= _release_pledges(
            session, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum
        )
    ending = not final and has_ended(dialogue)
    if not changed and not ending and state.min_group_size == minimum:
        if unmarked:
            session.commit()  # ballots sent again unchanged: nothing to release
        else:
            session.rollback()
        return True
    if ending:
        state.final_at = utcnow()
    if ending or not changed:
        # The last release, or a new minimum group size: the same tallies, decided again.
        store.write_cells(
            session, dialogue_id=dialogue_id, tallies={}, replace=False, layout=layout,
            min_group_size=minimum, final=final or ending,
        )  # fmt: skip
    _finish(session, state=state, dialogue=dialogue, layout=layout, min_group_size=minimum)
    return True


def has_ended(dialogue: Dialogue) -> bool:
    """Whether the dialogue's last day has passed, in the municipality's time zone."""
    return dialogue.ends_on < datetime.now(AMSTERDAM).date()


def _decide(layout: DialogueLayout, min_group_size: int):
    def decide(counts: dict[Cell, int]) -> View[Cell]:
        view = release_view(counts, layout, min_group_size=min_group_size)
        return View(hidden=view.hidden, counts=view.counts, lines=view.lines)

    return decide


def _kept_shown(layout: DialogueLayout) -> list[Cell]:
    """The groups a few new ballots never hide: the whole dialogue and each room."""
    return [(ALL, ALL, ALL), *((ALL, session_key(s), ALL) for s in layout.session_kind)]


def _first_release(
    session: Session, *, dialogue_id: int, layout: DialogueLayout, min_group_size: int
) -> bool:
    """A release chosen afresh, while the last one holds fewer than min_group_size ballots.

    Every figure of such a release is hidden, so nothing of it was readable: the new one is
    chosen from every ballot as it is now, as if nothing had been released, and ballots that
    would only make a larger group hidden wait (they are marked again). A very large first
    release (a dialogue from before releases existed) takes in every ballot at once.
    """
    marks = counting.pending(session, dialogue_id=dialogue_id, limit=PENDING_PER_RELEASE)
    before = store.released_versions(
        session, ballot_ids=store.released_ids(session, dialogue_id=dialogue_id)
    )
    ballot_ids = sorted({b for b, _ in marks} | set(before))
    if len(ballot_ids) > FIRST_RELEASE_CHOSEN_UP_TO:
        return store.publish_every_pending(session, dialogue_id=dialogue_id) > 0
    current = counting.current_versions(session, ballot_ids=ballot_ids)
    changes = [
        Change(unit=b, removed=(), added=_cells_of(version, layout))
        for b, version in current.items()
    ]
    admitted, _ = choose_release(
        {},
        changes,
        decide=_decide(layout, min_group_size),
        min_group_size=min_group_size,
        keep_shown=_kept_shown(layout),
    )
    after = {b: current[b] if b in admitted else None for b in ballot_ids}
    store.publish(session, dialogue_id=dialogue_id, versions=after)
    counting.unmark(
        session, marks=[(b, token) for b, token in marks if b in admitted or b not in current]
    )
    for ballot_id in before:
        if ballot_id in current and ballot_id not in admitted:
            counting.mark_changed(session, ballot_id=ballot_id, dialogue_id=dialogue_id)
    return any(before.get(b) != after[b] for b in ballot_ids)


def _release_pledges(
    session: Session, *, dialogue_id: int, layout: DialogueLayout, min_group_size: int
) -> bool:
    """Take new pledges into the pledge totals, pledger by pledger, by the release rule; and
    contact offers, which belong to no one and count in the dialogue's totals only, once
    enough of them have come in (or while no pledge total was readable yet)."""
    counts_before = pledger_counts(store.released_pledges(session, dialogue_id=dialogue_id), layout)
    readable = counts_before.get((ALL, ALL, ALL), 0) >= min_group_size
    counted = set(store.released_offer_ids(session, dialogue_id=dialogue_id))
    offers = [
        o for o in pledges.offer_facts(session, dialogue_id=dialogue_id) if o.id not in counted
    ]
    released_offers = bool(offers) and (not readable or len(offers) >= min_group_size)
    if released_offers:
        store.publish_offers(session, dialogue_id=dialogue_id, offers=offers)
    return (
        _release_pledgers(
            session, dialogue_id=dialogue_id, layout=layout, min_group_size=min_group_size
        )
        or released_offers
    )


def _release_pledgers(
    session: Session, *, dialogue_id: int, layout: DialogueLayout, min_group_size: int
) -> bool:
    """Take new pledges into the pledge totals, pledger by pledger, by the release rule."""
    facts = pledges.pledge_facts(session, dialogue_id=dialogue_id)
    released = store.released_pledges(session, dialogue_id=dialogue_id)
    counted = {pledge.pledge_id for pledge in released}
    waiting = sorted(
        {participant for pledge_id, participant, *_ in facts if pledge_id not in counted}
    )
    if not waiting:
        return False
    places = ballots.places_of_participants(session, participant_ids=waiting)
    session_of = {participant: session_id for _, participant, session_id, *_ in facts}
    released_of = {pledge.participant_id: pledge for pledge in released}

    def place_cells(participant: str) -> tuple[Cell, ...]:
        neighbourhood_id, band = places.get(participant, (None, None))
        return ballot_cells(
            layout,
            session_id=session_of[participant],
            neighbourhood_id=neighbourhood_id,
            age_band=band,
        )

    counts = pledger_counts(released, layout)
    if counts.get((ALL, ALL, ALL), 0) < min_group_size:
        admitted = set(waiting)  # no pledge total was readable yet
    else:
        changes = [
            Change(
                unit=unit,
                removed=pledger_cells(released_of[p], layout) if p in released_of else (),
                added=place_cells(p),
            )
            for unit, p in enumerate(waiting)
        ]
        units, _ = choose_release(
            counts,
            changes,
            decide=_decide(layout, min_group_size),
            min_group_size=min_group_size,
            keep_shown=[(ALL, ALL, ALL)],
        )
        admitted = {waiting[unit] for unit in units}
    if not admitted:
        return False
    rows = []
    for pledge_id, participant, session_id, kind, priority_id, hours in facts:
        if participant in admitted:
            neighbourhood_id, band = places.get(participant, (None, None))
            rows.append(
                ReleasedPledge(
                    pledge_id=pledge_id, dialogue_id=dialogue_id, participant_id=participant,
                    session_id=session_id, neighbourhood_id=neighbourhood_id, age_band=band,
                    kind=kind, priority_id=priority_id,
                    hours_per_month=None if hours is None else Decimal(str(hours)),
                )
            )  # fmt: skip
    store.publish_pledges(session, participant_ids=sorted(admitted), pledges=rows)
    return True


def _release_changes(
    session: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    marks: list[tuple[int, int]],
    min_group_size: int,
) -> tuple[bool, bool]:
    """Take the changes the release rule allows into the release: whether any were, and
    whether any marks were removed (those, too, of ballots sent again unchanged)."""
    ballot_ids = [ballot_id for ballot_id, _ in marks]
    old = store.released_versions(session, ballot_ids=ballot_ids)
    new = counting.current_versions(session, ballot_ids=ballot_ids)
    changes = [
        Change(unit=b, removed=_cells_of(old.get(b), layout), added=_cells_of(new.get(b), layout))
        for b in ballot_ids
        if old.get(b) != new.get(b)
    ]
    admitted: set[int] = set()
    if changes:
        admitted, _ = choose_release(
            store.cell_counts(session, dialogue_id=dialogue_id),
            changes,
            decide=_decide(layout, min_group_size),
            min_group_size=min_group_size,
            keep_shown=_kept_shown(layout),
        )
    if admitted:
        tallies = _tally_versions([new[b] for b in admitted if b in new], layout)
        for cell, values in _tally_versions([old[b] for b in admitted if b in old], layout).items():
            tallies[cell] = tallies.get(cell, 0) - values
        store.write_cells(
            session, dialogue_id=dialogue_id, tallies=tallies, replace=False, layout=layout,
            min_group_size=min_group_size, final=False,
        )  # fmt: skip
        store.publish(session, dialogue_id=dialogue_id, versions={b: new.get(b) for b in admitted})
    unchanged = {b for b in ballot_ids if old.get(b) == new.get(b)}
    done = [(b, token) for b, token in marks if b in admitted or b in unchanged]
    counting.unmark(session, marks=done)
    return bool(admitted), bool(done)


def _recount(
    session: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    final: bool,
) -> int:
    """Rebuild every cell's tally from the released ballots; returns how many there are."""
    rankings, session_ids, neighbourhood_ids, age_bands = store.all_rankings(
        session, dialogue_id=dialogue_id, priority_index=layout.priority_index()
    )
    columns = BallotColumns(
        rankings=rankings,
        session_id=session_ids,
        neighbourhood_id=neighbourhood_ids,
        age_band=age_bands,
    )
    store.write_cells(
        session, dialogue_id=dialogue_id, tallies=published_tallies(columns, layout),
        replace=True, layout=layout, min_group_size=min_group_size, final=final,
    )  # fmt: skip
    return len(columns)


def recompute_dialogue(session: Session, *, dialogue_id: int) -> int:
    """Recount the dialogue's tallies from its released ballots and publish the next release;
    returns how many ballots the release counts."""
    if session.get(Dialogue, dialogue_id) is None:
        raise NotFound(f"There is no dialogue {dialogue_id}.")
    session.rollback()
    refresh_dialogue(session, dialogue_id=dialogue_id, recount=True)
    return store.release_total(session, dialogue_id=dialogue_id)


def _finish(
    session: Session,
    *,
    state: ResultState,
    dialogue: Dialogue,
    layout: DialogueLayout,
    min_group_size: int,
) -> None:
    total = session.execute(
        select(GroupTally.ballots).where(
            GroupTally.dialogue_id == dialogue.id,
            GroupTally.neighbourhood == ALL,
            GroupTally.venue == ALL,
            GroupTally.age_band == ALL,
        )
    ).scalar()
    state.ballots = total or 0
    state.min_group_size = min_group_size
    state.version = max(state.version, 0) + 1
    state.priority_count = layout.m
    state.refreshed_at = utcnow()
    session.add(state)
    session.commit()
    _CACHE.clear_dialogue(dialogue.id)  # type: ignore[arg-type]


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
    rows: Sequence[tuple[Cell, np.ndarray | None, bool]],
    layout: DialogueLayout,
    *,
    labels: dict[Cell, tuple[str, str, str | None]],
    min_group_size: int,
) -> list[GroupResult]:
    """Groups from cells: (cell, its tally or None when it has no ballots, hidden)."""
    shown = [(cell, values) for cell, values, hidden in rows if not hidden and values is not None]
    summaries = {}
    if shown:
        batch = TallyBatch(m=layout.m, values=np.stack([values for _, values in shown]))
        summaries = dict(zip((cell for cell, _ in shown), summarise(batch), strict=True))
    groups = []
    for cell, values, _hidden in rows:
        label, kind, parent = labels[cell]
        key = _group_key(cell, kind)
        if cell not in summaries:
            count = 0 if values is None else int(values[0])
            reason = (
                SuppressedReason.PROTECTS_ANOTHER
                if count >= min_group_size
                else SuppressedReason.TOO_FEW
            )
            groups.append(
                GroupResult(
                    key=key, label=label, kind=kind, parent=parent, ballots=None, suppressed=True,
                    suppressed_reason=reason,
                )
            )  # fmt: skip
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


def _breakdown_cells(
    layout: DialogueLayout, group_by: GroupBy, venue_kind: str | None, age_band: str | None
) -> list[Cell]:
    """Every group of a breakdown, the empty ones too: empty and small groups look the same."""
    venue, band = venue_kind or ALL, age_band or ALL
    total: Cell = (ALL, venue, band)
    if group_by is GroupBy.NEIGHBOURHOOD:
        places = [
            *layout.buurten_by_wijk,
            *(b for buurten in layout.buurten_by_wijk.values() for b in buurten),
            NOT_GIVEN,
        ]
        return [total, *((place, venue, band) for place in places)]
    if group_by is GroupBy.VENUE_KIND:
        return [total, *((ALL, kind, band) for kind in sorted(layout.session_ids_by_kind))]
    if group_by is GroupBy.SESSION:
        rooms = (
            layout.session_ids_by_kind.get(venue_kind, ())
            if venue_kind
            else sorted(layout.session_kind)
        )
        return [total, *((ALL, session_key(s), band) for s in rooms)]
    if group_by is GroupBy.AGE_BAND:
        return [total, *((ALL, venue, b) for b in (*layout.age_bands, NOT_GIVEN))]
    return [total]


def _released_cells(
    session: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    cells: Sequence[Cell],
    final: bool,
) -> list[tuple[Cell, np.ndarray | None, bool]]:
    """These cells as the release shows them: (cell, tally or None if empty, hidden)."""
    found = {
        (n, v, a): (store.from_blob(blob, layout.m), hidden)
        for n, v, a, blob, hidden in session.execute(
            select(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band, GroupTally.tally, GroupTally.suppressed)
            .where(GroupTally.dialogue_id == dialogue_id)
            .where(tuple_(GroupTally.neighbourhood, GroupTally.venue, GroupTally.age_band).in_(cells))
        )
    }  # fmt: skip
    hidden_now = _hidden_if_flags_stale(
        session, dialogue_id=dialogue_id, layout=layout, min_group_size=min_group_size,
        final=final,
    )  # fmt: skip
    rows: list[tuple[Cell, np.ndarray | None, bool]] = []
    for cell in cells:
        if cell not in found:
            rows.append((cell, None, True))
            continue
        values, hidden = found[cell]
        rows.append((cell, values, cell in hidden_now if hidden_now is not None else hidden))
    return rows


def _with_presence(session: Session, groups: list[GroupResult]) -> list[GroupResult]:
    """Session groups say whether presence was verified for their ballots."""
    verified = sessions.presence_verified_by_session(
        session, session_ids=[int(g.key) for g in groups if g.kind == "session"]
    )
    return [
        g.model_copy(update={"presence_verified": verified.get(int(g.key))})
        if g.kind == "session"
        else g
        for g in groups
    ]


def _unshown(groups: list[GroupResult]) -> int | None:
    """Ballots of the total in no shown group: the total minus every shown outermost group."""
    total = next((g for g in groups if g.kind == "dialogue"), None)
    if total is None or total.ballots is None:
        return None
    shown = {g.key for g in groups if not g.suppressed}
    covered = sum(
        g.ballots or 0
        for g in groups
        if not g.suppressed and g.kind != "dialogue" and g.parent not in shown
    )
    return total.ballots - covered


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
    final = state is not None and state.final_at is not None
    if (venue_kind or age_band) and not final:
        raise Conflict(
            f"Results filtered by venueKind or ageBand are published once the dialogue has "
            f"ended (after {dialogue.ends_on:%Y-%m-%d}): while ballots still come in, two "
            "filtered views taken at different times could show one person's answer.",
            title="Filtered results come after the end",
        )
    layout = dialogue_layout(session, dialogue=dialogue)
    cells = _breakdown_cells(layout, group_by, venue_kind, age_band)
    rows = _released_cells(
        session,
        dialogue_id=dialogue.id,  # type: ignore[arg-type]
        layout=layout,
        min_group_size=min_group_size,
        cells=cells,
        final=final,
    )
    label = _labels(dialogue, layout, venue=venue_kind or ALL, band=age_band or ALL)
    labels = {cell: label(cell) for cell in cells}
    ordered = sorted(rows, key=lambda row: _order(row[0], *labels[row[0]][1:]))
    groups = _with_presence(
        session, _group_results(ordered, layout, labels=labels, min_group_size=min_group_size)
    )
    total = groups[0]
    results = Results(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]
        group_by=group_by,
        venue_kind=venue_kind,
        age_band=age_band,
        min_group_size=min_group_size,
        total_ballots=total.ballots,
        unshown_ballots=_unshown(groups),
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
    session: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    final: bool,
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
    return hidden_cells(counts, layout, min_group_size=min_group_size, final=final)


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


def dialogues_with_new_ballots(session: Session) -> list[int]:
    """Dialogues with ballots changed since their last release, ended ones that wait for their
    last release, and those whose municipality changed its minimum group size since."""
    finished = set(
        session.execute(
            select(ResultState.dialogue_id).where(ResultState.final_at.is_not(None))  # type: ignore[union-attr]
        ).scalars()
    )
    waiting = {d for d in counting.dialogues_waiting(session) if d not in finished}
    waiting.update(d for d in store.dialogues_with_unreleased_pledges(session) if d not in finished)
    ending = session.execute(
        select(ResultState.dialogue_id)
        .join(Dialogue, Dialogue.id == ResultState.dialogue_id)  # type: ignore[arg-type]
        .where(ResultState.final_at.is_(None))  # type: ignore[union-attr]
        .where(Dialogue.ends_on < datetime.now(AMSTERDAM).date())
    ).scalars()
    waiting.update(ending)
    minimum_changed = session.execute(
        select(ResultState.dialogue_id)
        .join(Dialogue, Dialogue.id == ResultState.dialogue_id)  # type: ignore[arg-type]
        .join(Municipality, Municipality.id == Dialogue.municipality_id)  # type: ignore[arg-type]
        .where(ResultState.min_group_size.is_distinct_from(Municipality.min_group_size))  # type: ignore[union-attr]
    ).scalars()
    waiting.update(minimum_changed)
    return sorted(waiting)


def pledges_summary(session: Session, *, dialogue: Dialogue, group_by: GroupBy) -> PledgeSummary:
    """Pledge totals per group of the released pledges, small groups suppressed."""
    layout = dialogue_layout(session, dialogue=dialogue)
    minimum = _min_group_size(session, dialogue)
    released = store.released_pledges(session, dialogue_id=dialogue.id)  # type: ignore[arg-type]
    view = release_view(pledger_counts(released, layout), layout, min_group_size=minimum)
    return PledgeSummary(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]
        group_by=group_by,
        min_group_size=minimum,
        groups=pledge_groups(
            released,
            store.released_offers(session, dialogue_id=dialogue.id),  # type: ignore[arg-type]
            layout,
            cells=_breakdown_cells(layout, group_by, None, None),
            view=view,
            min_group_size=minimum,
            label=_labels(dialogue, layout, venue=ALL, band=ALL),
            key_of=_group_key,
        ),
    )


def session_results(session: Session, *, row: Any) -> Results:
    """The room's view of a session: its cell of the dialogue's release, suppressed as there."""
    dialogue = session.get(Dialogue, row.dialogue_id)
    assert dialogue is not None
    municipality = session.get(Municipality, dialogue.municipality_id)
    assert municipality is not None
    layout = dialogue_layout(session, dialogue=dialogue)
    cell = (ALL, session_key(row.id), ALL)
    state = session.get(ResultState, dialogue.id)
    rows = _released_cells(
        session,
        dialogue_id=dialogue.id,  # type: ignore[arg-type]
        layout=layout,
        min_group_size=municipality.min_group_size,
        cells=[cell],
        final=state is not None and state.final_at is not None,
    )
    labels = {cell: (row.title or "", "session", None)}
    (group,) = _with_presence(
        session,
        _group_results(rows, layout, labels=labels, min_group_size=municipality.min_group_size),
    )
    return Results(
        dialogue_id=dialogue.id,  # type: ignore[arg-type]
        group_by=GroupBy.SESSION,
        min_group_size=municipality.min_group_size,
        total_ballots=group.ballots,
        version=state.version if state else 0,
        refreshed_at=state.refreshed_at if state else row.created_at,
        priorities=_priority_labels(session, dialogue_id=dialogue.id),  # type: ignore[arg-type]
        groups=[group.model_copy(update={"key": str(row.id)})],
    )


def live_state(engine: Any, session_id: int) -> tuple[dict[str, Any], str | None]:
    """Counts for the projector, and the room's results document (JSON): its figures once
    the release shows them, else why it does not yet."""
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
        document = session_results(session, row=row).model_dump_json(by_alias=True)
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
