"""Small-cell suppression over overlapping breakdowns: no small group shown or recoverable."""

# A breakdown is published as lines: a parent cell (a total) and the children that partition
# it, so parent = sum(children) for ballot counts and every additive figure. Whoever sees all
# members of a line but one recovers that one by subtraction. So besides the small cells
# (primary suppression), every line whose parent is published hides none or at least two of
# its members, the parent included (secondary suppression): a hidden total whose children are
# all shown is just their sum. Under a shown parent the hidden children's sum is readable
# too (parent minus the shown children), so it must be 0 or at least the minimum as well. For flat and nested breakdowns (buurten in wijken in a total)
# this leaves no hidden cell recoverable from any combination of published cells; for crossed
# breakdowns (neighbourhood × age band) it is the usual necessary condition, not a proof.
# A hidden cell with no ballots protects nothing (anyone may guess it is empty), so only
# hidden members with ballots count. Cells that are never published (the ballots that name
# only a wijk, not a buurt) are hidden from the start but protect their line like any other.

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from typing import Generic, NamedTuple, TypeVar

K = TypeVar("K", bound=Hashable)


class Line(NamedTuple, Generic[K]):
    """Children that partition a parent; ``parent`` is None when that total is not published.

    A line over the leaves of a two-level breakdown (a total → buurten, through their wijken)
    names each leaf's group in ``via``: a leaf is then covered by a shown group as well as by
    being shown itself, and what no shown group covers — readable as the total minus every
    shown group — must be 0 or at least the minimum.
    """

    parent: K | None
    children: tuple[K, ...]
    via: tuple[K | None, ...] = ()


def _partner_to_hide(
    line: Line[K],
    counts: Mapping[K, int],
    hidden: set[K],
    keep_shown: frozenset[K],
    fixed: frozenset[K],
    min_group_size: int,
) -> K | None:
    """The cell to hide so the line exposes no hidden group, if it needs one.

    A line exposes its hidden members when exactly one of them has ballots (parent = sum of
    children gives it back), and, under a shown parent, when its hidden children together
    hold 1 … min_group_size − 1 ballots: their sum is then a readable figure of too few people.
    """
    if line.via:
        return _partner_in_leaf_line(line, counts, hidden, fixed, min_group_size)
    if not _given_away(line, counts, hidden, min_group_size):
        return None
    shown = [child for child in line.children if child not in hidden and child not in fixed]
    preferred = [child for child in shown if child not in keep_shown]
    if preferred:
        return min(preferred, key=counts.__getitem__)  # ties: the earliest child of the line
    if line.parent not in hidden and line.parent not in fixed:
        return line.parent
    return min(shown, key=counts.__getitem__) if shown else None


def _given_away(
    line: Line[K], counts: Mapping[K, int], hidden: set[K] | frozenset[K], min_group_size: int
) -> list[K]:
    """The hidden members with ballots that a line under a published total gives away (the
    lone one, or hidden children of 1 … min_group_size − 1 ballots together); else none."""
    if line.parent is None:
        return []
    if line.via:
        left = [leaf for leaf in uncovered(line, hidden) if counts[leaf] > 0]
        small = (
            line.parent not in hidden and 0 < sum(counts[leaf] for leaf in left) < min_group_size
        )
        return left if small else []
    members = [key for key in (line.parent, *line.children) if key in hidden and counts[key] > 0]
    hidden_sum = sum(counts[key] for key in line.children if key in hidden)
    small_sum = line.parent not in hidden and 0 < hidden_sum < min_group_size
    return members if len(members) == 1 or small_sum else []


def uncovered(line: Line[K], hidden: set[K] | frozenset[K]) -> list[K]:
    """The leaves of a leaf line that neither they nor their group show."""
    return [
        leaf
        for leaf, group in zip(line.children, line.via, strict=True)
        if leaf in hidden and (group is None or group in hidden)
    ]


def _partner_in_leaf_line(
    line: Line[K],
    counts: Mapping[K, int],
    hidden: set[K],
    fixed: frozenset[K],
    min_group_size: int,
) -> K | None:
    if not _given_away(line, counts, hidden, min_group_size):
        return None
    # Uncover more: a shown leaf of a hidden group, else a shown group with hidden leaves.
    leaves = [
        leaf
        for leaf, group in zip(line.children, line.via, strict=True)
        if leaf not in hidden and leaf not in fixed and (group is None or group in hidden)
    ]
    if leaves:
        return min(leaves, key=counts.__getitem__)
    groups = [
        group
        for leaf, group in zip(line.children, line.via, strict=True)
        if group is not None
        and group not in hidden
        and group not in fixed
        and leaf in hidden
        and counts[leaf] > 0
    ]
    return min(groups, key=counts.__getitem__) if groups else None


class Lattice(Generic[K]):
    """Lines prepared once (checked and indexed by cell), to decide suppression many times."""

    def __init__(self, lines: Iterable[Line[K]], *, unpublished: Iterable[K] = ()) -> None:
        self.lines = list(lines)
        self.unpublished = frozenset(unpublished)
        self.lines_with_cell: dict[K, list[int]] = {}
        for position, line in enumerate(self.lines):
            if not line.children:
                raise ValueError(f"a line needs at least one child (parent {line.parent!r})")
            for key in dict.fromkeys((line.parent, *line.children, *line.via)):
                if key is not None:
                    self.lines_with_cell.setdefault(key, []).append(position)

    def cells(self) -> set[K]:
        """Every cell some line names."""
        return set(self.lines_with_cell)

    def hidden(
        self,
        counts: Mapping[K, int],
        *,
        min_group_size: int,
        keep_shown: Iterable[K] = (),
        fixed_hidden: Iterable[K] = (),
        fixed_shown: Iterable[K] = (),
    ) -> set[K]:
        """Cells to hide: those under ``min_group_size`` and partners, so no line has one hidden.

        Cells in ``keep_shown`` (large enough, and promised to be shown elsewhere) are chosen
        as partners last: after the other children and after the line's parent. Cells whose
        state was decided (and published) before are ``fixed_hidden`` or ``fixed_shown``: they
        keep it, and are never chosen as partners. A ``fixed_shown`` cell that is never
        published counts as readable (its figure can be worked out).
        """
        # A partner is the line's smallest shown child (earliest on ties), or its parent when
        # no child is left; hiding it re-checks every line it is in, until nothing changes.
        keep = frozenset(k for k in keep_shown if counts.get(k, 0) >= min_group_size)
        fixed = frozenset(fixed_shown)
        missing = [key for key in self.lines_with_cell if key not in counts]
        if missing:
            raise ValueError(f"no count for cells {missing[:5]!r}")
        hidden = {
            key for key, count in counts.items() if count < min_group_size and key not in fixed
        }
        hidden.update(self.unpublished - fixed)
        hidden.update(fixed_hidden)
        # Lines of one breakdown first: a leaf line is checked only once they all hold, so it
        # takes a partner only for what they leave uncovered.
        lines_first = deque(p for p, line in enumerate(self.lines) if not line.via)
        leaf_lines = deque(p for p, line in enumerate(self.lines) if line.via)
        queued = set(range(len(self.lines)))
        while lines_first or leaf_lines:
            position = (lines_first or leaf_lines).popleft()
            queued.discard(position)
            partner = _partner_to_hide(
                self.lines[position], counts, hidden, keep, fixed, min_group_size
            )
            if partner is None:
                continue
            hidden.add(partner)
            for affected in self.lines_with_cell[partner]:
                if affected not in queued:
                    queued.add(affected)
                    (leaf_lines if self.lines[affected].via else lines_first).append(affected)
        return hidden

    def exposed(
        self, counts: Mapping[K, int], hidden: set[K] | frozenset[K], *, min_group_size: int
    ) -> list[list[K]]:
        """For each line that gives hidden members away, those members."""
        exposed = (_given_away(line, counts, hidden, min_group_size) for line in self.lines)
        return [members for members in exposed if members]


def suppressed_cells(
    counts: Mapping[K, int],
    lines: Iterable[Line[K]],
    *,
    min_group_size: int,
    unpublished: Iterable[K] = (),
) -> set[K]:
    """Cells to hide: those under ``min_group_size`` and partners, so no line has one hidden."""
    return Lattice(lines, unpublished=unpublished).hidden(counts, min_group_size=min_group_size)
