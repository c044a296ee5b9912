"""Small-cell suppression over overlapping breakdowns: no small group shown or recoverable."""

# A breakdown is published as lines: a parent cell (a total) and the children that partition
# it, so parent = sum(children) for ballot counts and every additive figure. Whoever sees all
# members of a line but one recovers that one by subtraction. So besides the small cells
# (primary suppression), every line whose parent is published hides none or at least two of
# its members, the parent included (secondary suppression): a hidden total whose children are
# all shown is just their sum. For flat and nested breakdowns (buurten in wijken in a total)
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
    """Children that partition a parent; ``parent`` is None when that total is not published."""

    parent: K | None
    children: tuple[K, ...]


def _partner_to_hide(
    line: Line[K], counts: Mapping[K, int], hidden: set[K], keep_shown: frozenset[K]
) -> K | None:
    """The cell to hide so the line does not expose a lone hidden member, if it needs one."""
    if line.parent is None:
        return None
    hidden_members = [
        key for key in (line.parent, *line.children) if key in hidden and counts[key] > 0
    ]
    if len(hidden_members) != 1:
        return None
    shown = [child for child in line.children if child not in hidden]
    preferred = [child for child in shown if child not in keep_shown]
    if preferred:
        return min(preferred, key=counts.__getitem__)  # ties: the earliest child of the line
    if line.parent not in hidden:
        return line.parent
    return min(shown, key=counts.__getitem__) if shown else None


class Lattice(Generic[K]):
    """Lines prepared once (checked and indexed by cell), to decide suppression many times."""

    def __init__(self, lines: Iterable[Line[K]], *, unpublished: Iterable[K] = ()) -> None:
        self.lines = list(lines)
        self.unpublished = frozenset(unpublished)
        self.lines_with_cell: dict[K, list[int]] = {}
        for position, line in enumerate(self.lines):
            if not line.children:
                raise ValueError(f"a line needs at least one child (parent {line.parent!r})")
            for key in (line.parent, *line.children):
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
    ) -> set[K]:
        """Cells to hide: those under ``min_group_size`` and partners, so no line has one hidden.

        Cells in ``keep_shown`` (large enough, and promised to be shown elsewhere) are chosen
        as partners last: after the other children and after the line's parent.
        """
        # A partner is the line's smallest shown child (earliest on ties), or its parent when
        # no child is left; hiding it re-checks every line it is in, until nothing changes.
        keep = frozenset(k for k in keep_shown if counts.get(k, 0) >= min_group_size)
        missing = [key for key in self.lines_with_cell if key not in counts]
        if missing:
            raise ValueError(f"no count for cells {missing[:5]!r}")
        hidden = {key for key, count in counts.items() if count < min_group_size}
        hidden.update(self.unpublished)
        to_check = deque(range(len(self.lines)))
        queued = set(to_check)
        while to_check:
            position = to_check.popleft()
            queued.discard(position)
            partner = _partner_to_hide(self.lines[position], counts, hidden, keep)
            if partner is None:
                continue
            hidden.add(partner)
            for affected in self.lines_with_cell[partner]:
                if affected not in queued:
                    queued.add(affected)
                    to_check.append(affected)
        return hidden


def suppressed_cells(
    counts: Mapping[K, int],
    lines: Iterable[Line[K]],
    *,
    min_group_size: int,
    unpublished: Iterable[K] = (),
) -> set[K]:
    """Cells to hide: those under ``min_group_size`` and partners, so no line has one hidden."""
    return Lattice(lines, unpublished=unpublished).hidden(counts, min_group_size=min_group_size)
