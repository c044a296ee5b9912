"""The exact check of a release's figures: which small groups can be worked out from them.

Suppression decides line by line (a total and its parts). For the crossed breakdowns of the
final view that is the usual necessary condition, not a proof: several lines together can
still pin a small group down (four shown totals of five ballots over four finest groups name
the one ballot cast at the library). This module settles it with linear algebra: a group is
given away when its count is a linear combination of figures a reader has — every shown cell,
every cell without ballots (and so every finest group under it: counts are not negative), and
the identities between breakdowns.

The unknowns are not the ballots' finest groups (session × neighbourhood × band) but what the
figures can tell apart: per venue kind the (neighbourhood, band) counts, and per session the
band counts, tied by one identity per kind and band (its sessions add up to its
neighbourhoods). Every figure is a sum of one of the two, so the question is the same, and it
is far smaller. Unknowns that one figure leaves alone are peeled off first (exactly: such a
figure gives that unknown back); what remains is decided by the rank of the figures that
still hold unknowns.
"""

import heapq
from collections.abc import Iterable, Mapping

import numpy as np

from api.results.layout import Cell, DialogueLayout, session_key, wijk_only
from api.results.models import ALL, NOT_GIVEN

_PRIME = 2**61 - 1  # a Mersenne prime: exact arithmetic on machine-sized numbers

_Variable = tuple  # ("kind", place, kind, band) or ("session", session id, band)


class _Figures:
    """The unknowns of a dialogue's layout and what each published cell sums of them."""

    def __init__(self, layout: DialogueLayout) -> None:
        self.layout = layout
        self.places: tuple[int | None, ...] = (None, *layout.wijk_code)
        self.bands: tuple[str | None, ...] = (None, *layout.age_bands)
        self.kinds = tuple(layout.session_ids_by_kind)
        self.sessions = {session_key(s): s for s in layout.session_kind}
        self.index: dict[_Variable, int] = {}
        for place in self.places:
            for kind in self.kinds:
                for band in self.bands:
                    self.index[("kind", place, kind, band)] = len(self.index)
        for session in layout.session_kind:
            for band in self.bands:
                self.index[("session", session, band)] = len(self.index)
        self.municipalities = frozenset(layout.municipalities)
        # Each place coordinate's neighbourhoods (a wijk: its buurten and the wijk itself).
        self.places_in: dict[str, list[int | None]] = {ALL: list(self.places), NOT_GIVEN: [None]}
        for neighbourhood, wijk in layout.wijk_code.items():
            codes = []
            if wijk in layout.buurten_by_wijk:
                codes.append(wijk)
                if neighbourhood not in layout.buurt_code:
                    codes.append(wijk_only(wijk))
            if neighbourhood in layout.buurt_code:
                codes.append(layout.buurt_code[neighbourhood])
            for code in codes:
                self.places_in.setdefault(code, []).append(neighbourhood)

    def _bands(self, band: str) -> list[str | None]:
        if band == ALL:
            return list(self.bands)
        return [None] if band == NOT_GIVEN else [band]

    def support(self, cell: Cell) -> list[int]:
        """The unknowns whose sum is the cell's count."""
        place, venue, band = cell
        bands = self._bands(band)
        layout = self.layout
        if venue in self.sessions or venue in self.municipalities:
            if place != ALL:
                raise ValueError(f"a session or municipality is only published whole: {cell!r}")
            sessions = (
                [self.sessions[venue]]
                if venue in self.sessions
                else [s for s, code in layout.session_municipality.items() if code == venue]
            )
            return [self.index[("session", s, b)] for s in sessions for b in bands]
        kinds = list(self.kinds) if venue == ALL else [venue]
        return [
            self.index[("kind", p, k, b)]
            for p in self.places_in.get(place, ())
            for k in kinds
            for b in bands
        ]

    def finest_cell(self, variable: _Variable) -> Cell:
        """The smallest published cell an unknown lies in."""
        if variable[0] == "session":
            _, session, band = variable
            return (ALL, session_key(session), band or NOT_GIVEN)
        _, place, kind, band = variable
        if place is None:
            where = NOT_GIVEN
        else:
            where = self.layout.buurt_code.get(place) or self.layout.wijk_code[place]
        return (where, kind, band or NOT_GIVEN)

    def identities(self) -> list[dict[int, int]]:
        """Per venue kind and band: its sessions' counts add up to its places' counts."""
        rows = []
        for kind, session_ids in self.layout.session_ids_by_kind.items():
            for band in self.bands:
                row = {self.index[("session", s, band)]: 1 for s in session_ids}
                row.update({self.index[("kind", p, kind, band)]: -1 for p in self.places})
                rows.append(row)
        return rows


def small_groups_given_away(
    counts: Mapping[Cell, int],
    *,
    shown: Iterable[Cell],
    layout: DialogueLayout,
    min_group_size: int,
) -> set[Cell]:
    """The cells of 1 … min_group_size − 1 ballots (``counts``: every cell's count, derived
    ones included) whose count follows from the ``shown`` cells and the empty ones."""
    small = [cell for cell, count in counts.items() if 0 < count < min_group_size]
    if not small:
        return set()
    figures = _Figures(layout)
    known = np.zeros(len(figures.index), dtype=bool)
    for variable, position in figures.index.items():
        if counts.get(figures.finest_cell(variable), 0) == 0:
            known[position] = True
    rows: list[dict[int, int]] = figures.identities()
    rows += [dict.fromkeys(figures.support(cell), 1) for cell in shown if counts.get(cell, 0)]
    _peel(rows, known)

    echelon = _Echelon()
    for row in rows:
        echelon.add({v: c % _PRIME for v, c in row.items() if not known[v]})
    given_away = set()
    for cell in small:
        if echelon.spans({v: 1 for v in figures.support(cell) if not known[v]}):
            given_away.add(cell)
    return given_away


def _peel(rows: list[dict[int, int]], known: np.ndarray) -> None:
    """Mark as known every unknown that a figure leaves alone, until none is left alone."""
    rows_with: dict[int, list[int]] = {}
    left = []
    for r, row in enumerate(rows):
        unknowns = [variable for variable in row if not known[variable]]
        left.append(len(unknowns))
        for variable in unknowns:
            rows_with.setdefault(variable, []).append(r)
    alone = [r for r, count in enumerate(left) if count == 1]
    while alone:
        row = rows[alone.pop()]
        last = [variable for variable in row if not known[variable]]
        if len(last) != 1:
            continue
        known[last[0]] = True
        for r in rows_with[last[0]]:
            left[r] -= 1
            if left[r] == 1:
                alone.append(r)


class _Echelon:
    """Rows reduced to echelon form modulo a large prime, one at a time.

    Exact arithmetic without fractions: a combination of rows that gives a group back over
    the rationals does so modulo the prime too (the prime divides none of its small
    denominators), so a group is never found safe that is not. Rows are sparse maps from
    unknown to coefficient; each stored row is scaled so its first unknown has coefficient 1.
    """

    def __init__(self) -> None:
        self.rows: dict[int, dict[int, int]] = {}

    def _reduce(self, row: dict[int, int], *, stop_at_free: bool) -> dict[int, int] | None:
        row = {v: c for v, c in row.items() if c}
        pending = sorted(row)
        heapq.heapify(pending)
        while pending:
            variable = heapq.heappop(pending)
            coefficient = row.get(variable)
            if not coefficient:
                continue
            pivot = self.rows.get(variable)
            if pivot is None:
                if stop_at_free:
                    return None
                row = {v: c for v, c in row.items() if c}
                scale = pow(coefficient, -1, _PRIME)
                return {v: c * scale % _PRIME for v, c in row.items()}
            for v, c in pivot.items():
                if v == variable:
                    del row[v]
                    continue
                if v not in row or not row[v]:
                    heapq.heappush(pending, v)
                row[v] = (row.get(v, 0) - coefficient * c) % _PRIME
        return {}

    def add(self, row: dict[int, int]) -> None:
        reduced = self._reduce(row, stop_at_free=False)
        if reduced:
            self.rows[min(reduced)] = reduced

    def spans(self, row: dict[int, int]) -> bool:
        """Whether the stored rows combine into this one."""
        return self._reduce(row, stop_at_free=True) == {}
