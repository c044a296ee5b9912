"""Publishing results: each dialogue's next release, taken in by the release rule."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

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
    Cell,
    DialogueLayout,
    ballot_cells,
    ballot_columns_from,
    published_tallies,
    release_view,
    session_key,
)
from api.results.layout import dialogue_layout, min_group_size_of
from api.results.models import (
    ALL,
    CountedPledge,
    GroupTally,
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


def refresh_dialogue(db: Session, *, dialogue_id: int, recount: bool = False) -> bool:
    """Publish the next release of the dialogue's results, taking in every changed ballot the
    release rule allows (see `releases.py`); False if another process is on it.

    With `recount`, first rebuild every tally from the released ballots (waiting for any
    other process that is on it).
    """
    # Residents keep voting while a release is made; it needs no snapshot of its own (on
    # PostgreSQL, REPEATABLE READ failed pass after pass under load). A ballot's mark is read
    # before its version, so the version read is at least as new as the mark, and a mark is
    # removed only if its token is still the one read: a ballot changed meanwhile stays
    # marked for the next release. Everything else a release reads only the refresher writes.
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
    first = not final and store.release_total(db, dialogue_id=dialogue_id) < minimum
    if first:
        changed = _first_release(db, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum)
    if changed or recount or state.version == -1 or state.priority_count != layout.m:
        _recount(db, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum, final=final)
        changed = True
    unmarked = False
    if not final and not first:
        marks = counting.pending(db, dialogue_id=dialogue_id, limit=PENDING_PER_RELEASE)
        if marks:
            released, unmarked = _release_changes(
                db, dialogue_id=dialogue_id, layout=layout, marks=marks,
                min_group_size=minimum,
            )  # fmt: skip
            changed |= released
    new_minimum = not final and state.min_group_size != minimum
    if not final and changed or new_minimum:
        # A new release, or the same one decided with a new minimum: what readers see now.
        store.record_release(
            db, dialogue_id=dialogue_id, figures=store.BALLOTS,
            view=_decide(layout, minimum)(store.cell_counts(db, dialogue_id=dialogue_id)),
        )  # fmt: skip
    if not final and store.has_unreleased_pledges(db, dialogue_id=dialogue_id):
        changed |= _release_pledges(
            db, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum
        )
        if new_minimum:
            _record_pledgers(
                db, dialogue_id=dialogue_id, layout=layout, min_group_size=minimum,
                released=store.released_pledges(db, dialogue_id=dialogue_id),
            )  # fmt: skip
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
        store.write_cells(
            db, dialogue_id=dialogue_id, tallies={}, replace=False, layout=layout,
            min_group_size=minimum, final=final or ending,
        )  # fmt: skip
    _finish(db, state=state, dialogue=dialogue, layout=layout, min_group_size=minimum)
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
    db: Session, *, dialogue_id: int, layout: DialogueLayout, min_group_size: int
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
        store.publish_offers(db, dialogue_id=dialogue_id, offers=offers)
    return (
        _release_pledgers(
            db,
            dialogue_id=dialogue_id,
            layout=layout,
            min_group_size=min_group_size,
            released=released,
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
    store.publish_pledges(db, participant_ids=sorted(admitted), pledges=rows)
    kept = [pledge for pledge in released if pledge.participant_id not in admitted]
    _record_pledgers(
        db, dialogue_id=dialogue_id, layout=layout, min_group_size=min_group_size,
        released=[*kept, *rows],
    )  # fmt: skip
    return True


def _record_pledgers(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    released: Sequence[CountedPledge],
) -> None:
    """Keep the pledge totals' release (`released`: the pledges it counts) as readers see it,
    for the release rule's history."""
    counts = pledger_counts(released, layout)
    store.record_release(
        db, dialogue_id=dialogue_id, figures=store.PLEDGERS,
        view=_decide(layout, min_group_size)(counts),
    )  # fmt: skip


def _release_changes(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    marks: list[tuple[int, int]],
    min_group_size: int,
) -> tuple[bool, bool]:
    """Take the changes the release rule allows into the release: whether any were, and
    whether any marks were removed (those, too, of ballots sent again unchanged)."""
    ballot_ids = [ballot_id for ballot_id, _ in marks]
    old = store.released_versions(db, ballot_ids=ballot_ids)
    new = counting.current_versions(db, ballot_ids=ballot_ids)
    changes = [
        Change(unit=b, removed=_cells_of(old.get(b), layout), added=_cells_of(new.get(b), layout))
        for b in ballot_ids
        if old.get(b) != new.get(b)
    ]
    admitted: set[int] = set()
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
        store.write_cells(
            db, dialogue_id=dialogue_id, tallies=tallies, replace=False, layout=layout,
            min_group_size=min_group_size, final=False,
        )  # fmt: skip
        store.publish(db, dialogue_id=dialogue_id, versions={b: new.get(b) for b in admitted})
    unchanged = {b for b in ballot_ids if old.get(b) == new.get(b)}
    done = [(b, token) for b, token in marks if b in admitted or b in unchanged]
    counting.unmark(db, marks=done)
    return bool(admitted), bool(done)


def _recount(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    final: bool,
) -> int:
    """Rebuild every cell's tally from the released ballots; returns how many there are."""
    rankings, session_ids, neighbourhood_ids, age_bands = store.all_rankings(
        db, dialogue_id=dialogue_id, priority_index=layout.priority_index()
    )
    columns = BallotColumns(
        rankings=rankings,
        session_id=session_ids,
        neighbourhood_id=neighbourhood_ids,
        age_band=age_bands,
    )
    store.write_cells(
        db, dialogue_id=dialogue_id, tallies=published_tallies(columns, layout),
        replace=True, layout=layout, min_group_size=min_group_size, final=final,
    )  # fmt: skip
    return len(columns)


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
    db: Session,
    *,
    state: ResultState,
    dialogue: Dialogue,
    layout: DialogueLayout,
    min_group_size: int,
) -> None:
    total = db.execute(
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
