"""The release rule: which changed ballots the next release of a dialogue's results takes in.

Every figure anyone can read is an exact tally over one set of ballot versions, the release
(`ReleasedBallot`). A new release adds new ballots, replaces changed ones and withdraws those
set aside, but only a set of changes S such that every readable figure moves by zero or at
least `min_group_size` ballots:

- every cell shown in the new release is touched by 0 or ≥ min_group_size ballots of S;
- in every line (a total and the groups that partition it) the hidden groups together, whose
  sum is readable as the shown total minus the shown groups, are touched by 0 or
  ≥ min_group_size ballots of S (with the hidden total itself when it is hidden too); in a
  two-level breakdown, likewise what no shown group covers.

A ballot touches a cell when its released version or its new version lies in it. Changes
that would break the rule wait, marked, for the next release: a cell advances only by at
least `min_group_size` ballots, and so does every difference between two releases of any
figure, of any pair of nested figures, or of a figure and its hidden remainder. A remainder is
also compared with every earlier readable release (`history`), not only the last one: ballots
that entered it and ballots that left it (their group shown since) in different releases
could add up to fewer than the minimum though every single step moved enough. Together
with suppression inside each release (see `suppression.py`), no difference anyone can take
between figures, across groupings, filters, views and time, covers 1 … min_group_size − 1
ballots. Waiting beats hiding: a stray ballot no longer hides a whole total, it waits until
enough others join it.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from api.results.suppression import Line, uncovered

C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True)
class Change(Generic[C]):
    """A unit (a ballot) whose released version lies in `removed` and new version in `added`."""

    unit: int
    removed: tuple[C, ...]
    added: tuple[C, ...]


@dataclass(frozen=True)
class View(Generic[C]):
    """What suppression decided for a set of counts: hidden cells, all counts, the lines."""

    hidden: frozenset[C]
    counts: Mapping[C, int]
    lines: Sequence[Line[C]]


@dataclass(frozen=True)
class Snapshot(Generic[C]):
    """An earlier release as later ones are compared with it: the cells it hid, and their
    counts (what a remainder adds up; the shown cells only ever grow by enough at once)."""

    hidden: frozenset[C]
    counts: Mapping[C, int]


def snapshot_of(view: View[C]) -> Snapshot[C]:
    """The snapshot of a release: its hidden cells and their non-zero counts."""
    counts = {cell: view.counts[cell] for cell in view.hidden if view.counts.get(cell)}
    return Snapshot(hidden=view.hidden, counts=counts)


def counts_after(
    released: Mapping[C, int], changes: Sequence[Change[C]], units: set[int]
) -> dict[C, int]:
    """Cell counts once the changes of `units` are released (cells left empty are dropped)."""
    counts = dict(released)
    for change in changes:
        if change.unit not in units:
            continue
        for cell in change.removed:
            counts[cell] = counts.get(cell, 0) - 1
        for cell in change.added:
            counts[cell] = counts.get(cell, 0) + 1
    return {cell: count for cell, count in counts.items() if count}


def choose_release(
    released: Mapping[C, int],
    changes: Sequence[Change[C]],
    *,
    decide: Callable[[dict[C, int]], View[C]],
    min_group_size: int,
    keep_shown: Collection[C] = (),
    history: Sequence[Snapshot[C]] = (),
) -> tuple[set[int], View[C]]:
    """The units the next release takes in, and how it is shown.

    Groups in `keep_shown` (the whole dialogue, each room) are never hidden to protect a few
    new ballots: those wait instead. `history` holds the earlier releases whose total was
    readable, oldest first; the last release (`released`) need not be among them.

    Start from every change; while some readable figure would move by 1 … min_group_size − 1
    ballots, set aside every unit that moves it, and decide again. It ends: the set only
    shrinks, and with no change at all nothing moves.
    """
    before = decide(dict(released))
    admitted = {change.unit for change in changes}
    while True:
        view = decide(counts_after(released, changes, admitted))
        touching: dict[C, set[int]] = defaultdict(set)
        for change in changes:
            if change.unit in admitted:
                for cell in (*change.removed, *change.added):
                    touching[cell].add(change.unit)
        waiting = _units_moving_too_few(view, touching, min_group_size)
        waiting |= _units_hiding_a_shown_group(before, view, touching, min_group_size, keep_shown)
        waiting |= _units_revealing_a_hidden_group(before, view, touching, min_group_size)
        admitted_changes = [c for c in changes if c.unit in admitted]
        waiting |= _units_moving_a_remainder(before, view, admitted_changes, min_group_size)
        waiting |= _units_moving_a_remainder_since(
            history, before, view, admitted_changes, min_group_size
        )
        if not waiting:
            return admitted, view
        admitted -= waiting


def _units_hiding_a_shown_group(
    before: View[C],
    view: View[C],
    touching: Mapping[C, set[int]],
    min_group_size: int,
    keep_shown: Collection[C],
) -> set[int]:
    """Units that would hide a shown group, or one of `keep_shown`, to protect them.

    Such a group, large enough now, is hidden to protect small groups in a line with it;
    the changes that put people into those small groups wait until enough others join
    them, rather than hide the group.
    """
    newly_hidden = {
        cell
        for cell in view.hidden
        if view.counts.get(cell, 0) >= min_group_size
        and (cell in keep_shown or (before.counts.get(cell, 0) > 0 and cell not in before.hidden))
    }
    if not newly_hidden:
        return set()
    waiting: set[int] = set()
    for line in view.lines:
        members = (*line.children, *line.via)
        if not newly_hidden.intersection(members):
            continue
        for member in line.children:
            if member in view.hidden and view.counts.get(member, 0) < min_group_size:
                waiting |= touching.get(member, set())
    return waiting


def _units_revealing_a_hidden_group(
    before: View[C], view: View[C], touching: Mapping[C, set[int]], min_group_size: int
) -> set[int]:
    """Units that would show a group hidden before with fewer than min_group_size of them.

    Its figure then tells its hidden past: the old figure of the groups it was hidden with,
    or of the total, minus the new one. Shown again, it must have moved by enough ballots.
    """
    revealed = {
        cell
        for cell, count in before.counts.items()
        if count > 0
        and cell in before.hidden
        and cell not in view.hidden
        and len(touching.get(cell, ())) < min_group_size
    }
    if not revealed:
        return set()
    waiting: set[int] = set()
    for cell in revealed:
        waiting |= touching.get(cell, set())
    # A group revealed without changing itself: the changes that ended its hiding wait.
    still = {cell for cell in revealed if not touching.get(cell)}
    for line in view.lines:
        members = (*line.children, *line.via)
        if still.intersection(members):
            for member in members:
                if member in before.hidden and member not in still:
                    waiting |= touching.get(member, set())
    return waiting


def _remainder(line: Line[C], hidden: frozenset[C]) -> set[C] | None:
    """The cells of a line that no shown group covers, if its total is shown."""
    if line.parent is None or line.parent in hidden:
        return None
    if line.via:
        return set(uncovered(line, hidden))
    return {child for child in line.children if child in hidden}


def _units_moving_a_remainder(
    before: View[C], view: View[C], changes: Sequence[Change[C]], min_group_size: int
) -> set[int]:
    """Units that would move what a line leaves uncovered (its shown total minus its shown
    groups) by 1 … min_group_size − 1 ballots between the two releases.

    Besides the changed ballots in it, a remainder moves by every unchanged ballot of a group
    that is shown in one release and not in the other.
    """
    left_by: dict[C, int] = defaultdict(int)
    for change in changes:
        for cell in change.removed:
            left_by[cell] += 1
    waiting: set[int] = set()
    for line in view.lines:
        old, new = _remainder(line, before.hidden), _remainder(line, view.hidden)
        if old is None or new is None:
            continue
        flipped = old ^ new
        moving = {
            change.unit
            for change in changes
            if old.intersection(change.removed) or new.intersection(change.added)
        }
        unchanged = sum(before.counts.get(cell, 0) - left_by[cell] for cell in flipped)
        if 0 < len(moving) + unchanged < min_group_size:
            involved = old | new
            waiting |= {
                change.unit
                for change in changes
                if involved.intersection(change.removed) or involved.intersection(change.added)
            }
    return waiting


def _units_moving_a_remainder_since(
    history: Sequence[Snapshot[C]],
    before: View[C],
    view: View[C],
    changes: Sequence[Change[C]],
    min_group_size: int,
) -> set[int]:
    """Units that would move what a line leaves uncovered by 1 … min_group_size − 1 ballots
    since an earlier readable release than the last one (compared ballot by ballot above).

    Counted per cell: a cell uncovered in both releases moved by the difference of its
    counts, a cell uncovered in one of them by all its ballots then; a ballot of this
    release replaced within the remainder moved too. Exact while ballots are only added.
    When no change of this release lies in the line, the changes that flipped its groups
    elsewhere wait, all of them: the last release did not move the line.
    """
    last = snapshot_of(before)
    waiting: set[int] = set()
    for line in view.lines:
        new = _remainder(line, view.hidden)
        if new is None or (
            new == _remainder(line, before.hidden) and _same_counts(new, before, view)
        ):
            continue
        for earlier in history:
            old = _remainder(line, earlier.hidden)
            if old is None or earlier == last:
                continue
            involved = old | new
            in_line = [
                change
                for change in changes
                if involved.intersection(change.removed) or involved.intersection(change.added)
            ]
            replaced = sum(1 for change in in_line if new.intersection(change.removed))
            if 0 < _cell_moves(old, new, earlier.counts, view.counts) + replaced < min_group_size:
                waiting |= {change.unit for change in in_line or changes}
                break
    return waiting


def _cell_moves(
    old: set[C], new: set[C], old_counts: Mapping[C, int], new_counts: Mapping[C, int]
) -> int:
    """How many ballots differ between two remainders, counted per cell."""
    moves = 0
    for cell in old | new:
        if cell in old and cell in new:
            moves += abs(new_counts.get(cell, 0) - old_counts.get(cell, 0))
        else:
            moves += old_counts.get(cell, 0) if cell in old else new_counts.get(cell, 0)
    return moves


def _same_counts(cells: set[C], before: View[C], view: View[C]) -> bool:
    return all(before.counts.get(cell, 0) == view.counts.get(cell, 0) for cell in cells)


def _units_moving_too_few(
    view: View[C], touching: Mapping[C, set[int]], min_group_size: int
) -> set[int]:
    def too_few(units: set[int]) -> bool:
        return 0 < len(units) < min_group_size

    waiting: set[int] = set()
    for cell, units in touching.items():
        if cell not in view.hidden and too_few(units):
            waiting |= units
    for line in view.lines:
        if line.parent is None or view.counts.get(line.parent, 0) < min_group_size:
            continue  # a small total is hidden for itself, and guarded in its own line
        if line.via:  # what no shown group covers: the total minus every shown group
            if line.parent in view.hidden:
                continue
            members = uncovered(line, view.hidden)
        else:
            members = [m for m in (line.parent, *line.children) if m in view.hidden]
        hidden_units: set[int] = set()
        for member in members:
            hidden_units |= touching.get(member, set())
        if too_few(hidden_units):
            waiting |= hidden_units
    return waiting
