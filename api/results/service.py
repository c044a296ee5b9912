"""Publishing results: each dialogue's next release, taken in by the release rule."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from api.ballots import counting
from api.ballots import service as ballots
from api.ballots.counting import BallotVersion
from api.core.db import utcnow
from api.core.problems import NotFound
from api.core.zones import AMSTERDAM
from api.dialogues.models import Dialogue
from api.municipalities.models import Municipality
from api.pledges import service as pledges
from api.results import store
from api.results.cells import (
    BallotColumns,
    ballot_cells,
    ballot_columns_from,
    published_tallies,
    release_view,
)
from api.results.layout import Cell, DialogueLayout, dialogue_layout, min_group_size_of, session_key
from api.results.models import (
    ALL,
    CountedPledge,
    ReleasedPledge,
    ResultState,
)
from api.results.pledge_summary import pledger_cells, pledger_counts
from api.results.releases import Change, View, choose_release

PENDING_PER_RELEASE = 100_000
FIRST_RELEASE_CHOSEN_UP_TO = 5_000


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


def refresh_dialogue(
    db: Session, *, dialogue_id: int, recount: bool = False, reader: Session | None = None
) -> bool:
    """Publish the next release of the dialogue's results, taking in every changed ballot the
    release rule allows (see `releases.py`); False if another process is on it.

    With `reader` (a read-only session), a release that adds changes to the last one is worked
    out there, and `db` is used only to store it: on SQLite, whose single writer every
    resident's answer waits for, the writer is held only while the release is stored. The
    other releases (the first ones, a recount, a new minimum group size, the last release of
    an ended dialogue) are worked out and stored on `db`. With `recount`, first rebuild every
    tally from the released ballots (waiting for any other process that is on it).
    """
    if reader is not None and not recount:
        release = work_out_release(reader, dialogue_id=dialogue_id)
        reader.rollback()
        if release is not None:
            return store_release(db, release=release)
    return _refresh_on_writer(db, dialogue_id=dialogue_id, recount=recount)


# Residents keep voting while a release is made; it needs no snapshot of its own (on
# PostgreSQL, REPEATABLE READ failed pass after pass under load). A ballot's mark is read
# before its version, so the version read is at least as new as the mark, and a mark is
# removed only if its token is still the one read: a ballot changed meanwhile stays marked
# for the next release. Everything else a release reads only the refresher writes, under the
# dialogue's result state: a release worked out on a reader is stored only if that state's
# version is still the one it was worked out from.

Write = Callable[[Session], None]


@dataclass
class Release:
    """A release worked out on a reader: the writes that store it, in order, and its state."""

    dialogue_id: int
    version: int
    priority_count: int
    min_group_size: int
    writes: list[Write] = field(default_factory=list)
    changed: bool = False
    ballots: int = 0


def work_out_release(reader: Session, *, dialogue_id: int) -> Release | None:
    """The next release, worked out without writing, if it only adds changes to the last one;
    None if it is one that `_refresh_on_writer` works out."""
    dialogue = reader.get(Dialogue, dialogue_id)
    if dialogue is None:
        return None
    layout = dialogue_layout(reader, dialogue=dialogue)
    state = store.read_state(reader, dialogue_id=dialogue_id)
    minimum = min_group_size_of(reader, dialogue)
    if (
        state is None
        or state.version < 0
        or state.final_at is not None
        or state.priority_count != layout.m
        or state.min_group_size != minimum
        or has_ended(dialogue)
        or store.release_total(reader, dialogue_id=dialogue_id) < minimum
    ):
        return None
    release = Release(
        dialogue_id=dialogue_id, version=state.version, priority_count=layout.m,
        min_group_size=minimum, ballots=state.ballots,
    )  # fmt: skip
    release.changed, _, counts = _add_changes(
        reader, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum,
        new_minimum=False, write=release.writes.append,
    )  # fmt: skip
    if counts is not None:
        release.ballots = counts.get((ALL, ALL, ALL), 0)
    return release


def store_release(db: Session, *, release: Release) -> bool:
    """Store a release worked out on a reader, unless its result state moved on meanwhile."""
    if not release.writes:
        return True
    state = store.lock_state(
        db, dialogue_id=release.dialogue_id, m=release.priority_count, wait=False
    )
    if state is None or state.version != release.version:
        db.rollback()
        return False
    for write in release.writes:
        write(db)
    if not release.changed:
        db.commit()  # ballots sent again unchanged: nothing to release
        return True
    _finish(
        db, state=state, ballots=release.ballots, priority_count=release.priority_count,
        min_group_size=release.min_group_size,
    )  # fmt: skip
    return True


def _refresh_on_writer(db: Session, *, dialogue_id: int, recount: bool) -> bool:
    """Work out and store the next release on `db`, whichever it is."""
    dialogue = db.get(Dialogue, dialogue_id)
    if dialogue is None:
        return False
    layout = dialogue_layout(db, dialogue=dialogue)
    state = store.lock_state(db, dialogue_id=dialogue_id, m=layout.m, wait=recount)
    if state is None:
        db.rollback()
        return False
    minimum = min_group_size_of(db, dialogue)
    final = state.final_at is not None
    changed = False
    counts: dict[Cell, int] | None = None
    first = not final and store.release_total(db, dialogue_id=dialogue_id) < minimum
    if first:
        changed = _first_release(db, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum)
    if changed or recount or state.version == -1 or state.priority_count != layout.m:
        counts = _recount(
            db, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum, final=final
        )
        changed = True
    unmarked = False
    new_minimum = not final and state.min_group_size != minimum
    if not final:
        added, unmarked, added_counts = _add_changes(
            db, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum,
            new_minimum=new_minimum, write=lambda write: write(db), ballots=not first,
            changed=changed, counts=counts,
        )  # fmt: skip
        changed |= added
        counts = added_counts if added_counts is not None else counts
    ending = not final and has_ended(dialogue)
    if not changed and not ending and state.min_group_size == minimum:
        if unmarked:
            db.commit()  # ballots sent again unchanged: nothing to release
        else:
            db.rollback()
        return True
    if ending:
        state.final_at = utcnow()
    if ending or not changed:
        # The last release, or a new minimum group size: the same tallies, decided again.
        writes = store.cell_writes(
            db, dialogue_id=dialogue_id, tallies={}, replace=False, layout=layout,
            min_group_size=minimum, final=final or ending,
        )  # fmt: skip
        store.store_cells(db, writes=writes)
        counts = writes.counts
    if counts is None:
        counts = store.cell_counts(db, dialogue_id=dialogue_id)
    _finish(
        db, state=state, ballots=counts.get((ALL, ALL, ALL), 0), priority_count=layout.m,
        min_group_size=minimum,
    )  # fmt: skip
    return True


def _add_changes(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    new_minimum: bool,
    write: Callable[[Write], None],
    ballots: bool = True,
    changed: bool = False,
    counts: dict[Cell, int] | None = None,
) -> tuple[bool, bool, dict[Cell, int] | None]:
    """Take changed ballots (unless not `ballots`) and new pledges into the release, handing
    each write to `write`: whether anything changed (or had, `changed`), whether any marks
    were removed, and every cell's ballot count after (None: as stored; or `counts`)."""
    unmarked = False
    if ballots:
        marks = counting.pending(db, dialogue_id=dialogue_id, limit=PENDING_PER_RELEASE)
        if marks:
            released, unmarked, added_counts = _release_changes(
                db, dialogue_id=dialogue_id, layout=layout, marks=marks,
                min_group_size=min_group_size, write=write,
            )  # fmt: skip
            changed |= released
            counts = added_counts if added_counts is not None else counts
    if changed or new_minimum:
        # A new release, or the same one decided with a new minimum: what readers see now.
        _record(
            db, dialogue_id=dialogue_id, figures=store.BALLOTS, write=write,
            view=_decide(layout, min_group_size)(
                counts if counts is not None else store.cell_counts(db, dialogue_id=dialogue_id)
            ),
        )  # fmt: skip
    if store.has_unreleased_pledges(db, dialogue_id=dialogue_id):
        released_pledges = _release_pledges(
            db, dialogue_id=dialogue_id, layout=layout, min_group_size=min_group_size,
            write=write,
        )  # fmt: skip
        changed |= released_pledges
        if new_minimum:
            _record_pledgers(
                db, dialogue_id=dialogue_id, layout=layout, min_group_size=min_group_size,
                released=store.released_pledges(db, dialogue_id=dialogue_id), write=write,
            )  # fmt: skip
    return changed, unmarked, counts


def _record(
    db: Session, *, dialogue_id: int, figures: str, view: View[Cell], write: Callable[[Write], None]
) -> None:
    """Keep a new release of these figures for the release rule's history, if it is readable
    and differs from the last one kept."""
    cells = store.snapshot_to_record(db, dialogue_id=dialogue_id, figures=figures, view=view)
    if cells is not None:
        write(partial(store.add_snapshot, dialogue_id=dialogue_id, figures=figures, cells=cells))


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
    db: Session, *, dialogue_id: int, layout: DialogueLayout, min_group_size: int
) -> bool:
    """A release chosen afresh, while the last one holds fewer than min_group_size ballots.

    Every figure of such a release is hidden, so nothing of it was readable: the new one is
    chosen from every ballot as it is now, as if nothing had been released, and ballots that
    would only make a larger group hidden wait (they are marked again). A very large first
    release (a dialogue from before releases existed) takes in every ballot at once.
    """
    marks = counting.pending(db, dialogue_id=dialogue_id, limit=PENDING_PER_RELEASE)
    before = store.released_versions(db, ballot_ids=store.released_ids(db, dialogue_id=dialogue_id))
    ballot_ids = sorted({b for b, _ in marks} | set(before))
    if len(ballot_ids) > FIRST_RELEASE_CHOSEN_UP_TO:
        return store.publish_every_pending(db, dialogue_id=dialogue_id) > 0
    current = counting.current_versions(db, ballot_ids=ballot_ids)
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
        history=store.release_history(db, dialogue_id=dialogue_id, figures=store.BALLOTS),
    )
    after = {b: current[b] if b in admitted else None for b in ballot_ids}
    store.publish(db, dialogue_id=dialogue_id, versions=after)
    counting.unmark(
        db, marks=[(b, token) for b, token in marks if b in admitted or b not in current]
    )
    for ballot_id in before:
        if ballot_id in current and ballot_id not in admitted:
            counting.mark_changed(db, ballot_id=ballot_id, dialogue_id=dialogue_id)
    return any(before.get(b) != after[b] for b in ballot_ids)


def _release_pledges(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    write: Callable[[Write], None],
) -> bool:
    """Take new pledges into the pledge totals, pledger by pledger, by the release rule; and
    contact offers, which belong to no one and count in the dialogue's totals only, once
    enough of them have come in (or while no pledge total was readable yet)."""
    released = store.released_pledges(db, dialogue_id=dialogue_id)
    counted = set(store.released_offer_ids(db, dialogue_id=dialogue_id))
    offers = [o for o in pledges.offer_facts(db, dialogue_id=dialogue_id) if o.id not in counted]
    released_offers = False
    if offers:
        readable = pledger_counts(released, layout).get((ALL, ALL, ALL), 0) >= min_group_size
        released_offers = not readable or len(offers) >= min_group_size
    if released_offers:
        write(partial(store.publish_offers, dialogue_id=dialogue_id, offers=offers))
    return (
        _release_pledgers(
            db,
            dialogue_id=dialogue_id,
            layout=layout,
            min_group_size=min_group_size,
            released=released,
            write=write,
        )  # fmt: skip
        or released_offers
    )


def _release_pledgers(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    released: Sequence[CountedPledge],
    write: Callable[[Write], None],
) -> bool:
    """Take new pledges into the pledge totals, pledger by pledger, by the release rule
    (`released`: the pledges counted now)."""
    waiting = store.waiting_pledgers(db, dialogue_id=dialogue_id)
    if not waiting:
        return False
    facts = pledges.pledge_facts(db, dialogue_id=dialogue_id, participant_ids=waiting)
    places = ballots.places_of_participants(db, participant_ids=waiting)
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
            history=store.release_history(db, dialogue_id=dialogue_id, figures=store.PLEDGERS),
        )
        admitted = {waiting[unit] for unit in units}
    if not admitted:
        return False
    rows = []
    types = ballots.participant_types_of(db, participant_ids=sorted(admitted))
    for pledge_id, participant, session_id, kind, priority_id, hours in facts:
        if participant in admitted:
            neighbourhood_id, band = places.get(participant, (None, None))
            rows.append(
                ReleasedPledge(
                    pledge_id=pledge_id, dialogue_id=dialogue_id, participant_id=participant,
                    session_id=session_id, neighbourhood_id=neighbourhood_id, age_band=band,
                    participant_type=types.get(participant), kind=kind, priority_id=priority_id,
                    hours_per_month=None if hours is None else Decimal(str(hours)),
                )
            )  # fmt: skip
    write(partial(store.publish_pledges, participant_ids=sorted(admitted), pledges=rows))
    kept = [pledge for pledge in released if pledge.participant_id not in admitted]
    _record_pledgers(
        db, dialogue_id=dialogue_id, layout=layout, min_group_size=min_group_size,
        released=[*kept, *rows], write=write,
    )  # fmt: skip
    return True


def _record_pledgers(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    released: Sequence[CountedPledge],
    write: Callable[[Write], None],
) -> None:
    """Keep the pledge totals' release (`released`: the pledges it counts) as readers see it,
    for the release rule's history."""
    counts = pledger_counts(released, layout)
    _record(
        db, dialogue_id=dialogue_id, figures=store.PLEDGERS, write=write,
        view=_decide(layout, min_group_size)(counts),
    )  # fmt: skip


def _release_changes(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    marks: list[tuple[int, int]],
    min_group_size: int,
    write: Callable[[Write], None],
) -> tuple[bool, bool, dict[Cell, int] | None]:
    """Take the changes the release rule allows into the release: whether any were, whether
    any marks were removed (those, too, of ballots sent again unchanged), and every cell's
    ballot count after (None: unchanged)."""
    ballot_ids = [ballot_id for ballot_id, _ in marks]
    old = store.released_versions(db, ballot_ids=ballot_ids)
    new = counting.current_versions(db, ballot_ids=ballot_ids)
    changes = [
        Change(unit=b, removed=_cells_of(old.get(b), layout), added=_cells_of(new.get(b), layout))
        for b in ballot_ids
        if old.get(b) != new.get(b)
    ]
    admitted: set[int] = set()
    counts = None
    if changes:
        admitted, _ = choose_release(
            store.cell_counts(db, dialogue_id=dialogue_id),
            changes,
            decide=_decide(layout, min_group_size),
            min_group_size=min_group_size,
            keep_shown=_kept_shown(layout),
            history=store.release_history(db, dialogue_id=dialogue_id, figures=store.BALLOTS),
        )
    if admitted:
        tallies = _tally_versions([new[b] for b in admitted if b in new], layout)
        for cell, values in _tally_versions([old[b] for b in admitted if b in old], layout).items():
            tallies[cell] = tallies.get(cell, 0) - values
        cells = store.cell_writes(
            db, dialogue_id=dialogue_id, tallies=tallies, replace=False, layout=layout,
            min_group_size=min_group_size, final=False,
        )  # fmt: skip
        counts = cells.counts
        write(partial(store.store_cells, writes=cells))
        versions = {b: new.get(b) for b in admitted}
        write(partial(store.publish, dialogue_id=dialogue_id, versions=versions))
    unchanged = {b for b in ballot_ids if old.get(b) == new.get(b)}
    done = [(b, token) for b, token in marks if b in admitted or b in unchanged]
    if done:
        write(partial(counting.unmark, marks=done))
    return bool(admitted), bool(done), counts


def _recount(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    final: bool,
) -> dict[Cell, int]:
    """Rebuild every cell's tally from the released ballots; returns every cell's count."""
    rankings, session_ids, neighbourhood_ids, age_bands = store.all_rankings(
        db, dialogue_id=dialogue_id, priority_index=layout.priority_index()
    )
    columns = BallotColumns(
        rankings=rankings,
        session_id=session_ids,
        neighbourhood_id=neighbourhood_ids,
        age_band=age_bands,
    )
    writes = store.cell_writes(
        db, dialogue_id=dialogue_id, tallies=published_tallies(columns, layout),
        replace=True, layout=layout, min_group_size=min_group_size, final=final,
    )  # fmt: skip
    store.store_cells(db, writes=writes)
    return writes.counts


def recompute_dialogue(db: Session, *, dialogue_id: int) -> int:
    """Recount the dialogue's tallies from its released ballots and publish the next release;
    returns how many ballots the release counts."""
    if db.get(Dialogue, dialogue_id) is None:
        raise NotFound(
            f"There is no dialogue {dialogue_id}.", nl=f"Er is geen dialoog {dialogue_id}."
        )
    db.rollback()
    refresh_dialogue(db, dialogue_id=dialogue_id, recount=True)
    return store.release_total(db, dialogue_id=dialogue_id)


def _finish(
    db: Session, *, state: ResultState, ballots: int, priority_count: int, min_group_size: int
) -> None:
    """Record the new release in the dialogue's result state, and commit it."""
    state.ballots = ballots
    state.min_group_size = min_group_size
    state.version = max(state.version, 0) + 1
    state.priority_count = priority_count
    state.refreshed_at = utcnow()
    db.add(state)
    db.commit()


def dialogues_with_new_ballots(db: Session) -> list[int]:
    """Dialogues with ballots changed since their last release, ended ones that wait for their
    last release, and those whose municipality changed its minimum group size since."""
    finished = set(
        db.execute(
            select(ResultState.dialogue_id).where(ResultState.final_at.is_not(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        ).scalars()
    )
    waiting = {d for d in counting.dialogues_waiting(db) if d not in finished}
    waiting.update(d for d in store.dialogues_with_unreleased_pledges(db) if d not in finished)
    ending = db.execute(
        select(ResultState.dialogue_id)
        .join(Dialogue, Dialogue.id == ResultState.dialogue_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(ResultState.final_at.is_(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        .where(Dialogue.ends_on < datetime.now(AMSTERDAM).date())
    ).scalars()
    waiting.update(ending)
    minimum_changed = db.execute(
        select(ResultState.dialogue_id)
        .join(Dialogue, Dialogue.id == ResultState.dialogue_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .join(Municipality, Municipality.id == Dialogue.municipality_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(Dialogue.region_id.is_(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        .where(ResultState.min_group_size.is_distinct_from(Municipality.min_group_size))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    ).scalars()
    waiting.update(minimum_changed)
    regional = db.execute(
        select(Dialogue, ResultState.min_group_size)
        .join(ResultState, ResultState.dialogue_id == Dialogue.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(Dialogue.region_id.is_not(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    ).all()
    waiting.update(
        dialogue.id
        for dialogue, minimum in regional
        if minimum != min_group_size_of(db, dialogue)  # the largest of its municipalities
    )
    return sorted(waiting)
