"""From ballots to the tallies of every published cell, and which cells must stay hidden."""

# A ballot lies in one finest cell: (session, neighbourhood named, age band). Results are
# published for cells (neighbourhood, venue, age band) where each coordinate is ALL, a value,
# or NOT_GIVEN: neighbourhood = a buurt code, its wijk (roll-up), NOT_GIVEN or ALL;
# venue = a venue kind, ALL, or one session ("s12", only with neighbourhood ALL);
# age band = a band, NOT_GIVEN or ALL. Finest cells are rolled up in stages, so a million
# ballots cost one pass over the ballots and a few passes over far fewer cells.

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from api.results.aggregation import TallyBatch, tally_groups
from api.results.models import ALL, NOT_GIVEN
from api.results.suppression import Line, suppressed_cells

Cell = tuple[str, str, str]
FinestCell = tuple[int, int | None, str | None]


@dataclass(frozen=True)
class DialogueLayout:
    """What tallying needs to know about a dialogue: its priorities, places and sessions."""

    priority_ids: tuple[int, ...]
    buurt_code: dict[int, str]
    wijk_code: dict[int, str]
    session_kind: dict[int, str]
    session_ids_by_kind: dict[str, tuple[int, ...]]
    buurten_by_wijk: dict[str, tuple[str, ...]]
    age_bands: tuple[str, ...]

    @property
    def m(self) -> int:
        return len(self.priority_ids)

    def priority_index(self) -> dict[int, int]:
        """Tallies index priorities by ascending id: stable when a dialogue is reordered."""
        return {pid: index for index, pid in enumerate(self.priority_ids)}


def session_key(session_id: int) -> str:
    """The venue coordinate of a single session."""
    return f"s{session_id}"


def rankings_matrix(rankings: Sequence[Sequence[int]], layout: DialogueLayout) -> np.ndarray:
    """Priority ids best first → an (N, width) array of priority indices padded with -1."""
    index = layout.priority_index()
    width = max((len(r) for r in rankings), default=1)
    matrix = np.full((len(rankings), max(width, 1)), -1, dtype=np.int64)
    for row, ranking in enumerate(rankings):
        matrix[row, : len(ranking)] = [index[pid] for pid in ranking]
    return matrix


def tally_finest(
    rankings: np.ndarray, finest: Sequence[FinestCell], layout: DialogueLayout
) -> tuple[list[FinestCell], TallyBatch]:
    """Tally ballots into their finest cells."""
    keys: dict[FinestCell, int] = {}
    group_index = np.fromiter(
        (keys.setdefault(cell, len(keys)) for cell in finest), dtype=np.int64, count=len(finest)
    )
    batch = tally_groups(rankings, group_index=group_index, n_groups=len(keys), m=layout.m)
    return list(keys), batch


def _roll_up(batch: TallyBatch, targets_of_rows: Iterable) -> tuple[list, TallyBatch]:
    """Sum rows of `batch` into the targets named row by row."""
    targets: dict = {}
    index = np.fromiter(
        (targets.setdefault(target, len(targets)) for target in targets_of_rows),
        dtype=np.int64,
        count=len(batch),
    )
    return list(targets), batch.sum_groups(index, n_targets=len(targets))


def published_tallies(
    finest_keys: Sequence[FinestCell], finest: TallyBatch, layout: DialogueLayout
) -> dict[Cell, np.ndarray]:
    """The tally of every published cell the finest cells contribute to."""
    out: dict[Cell, np.ndarray] = {}
    if not finest_keys:
        return out

    def emit(keys: Sequence[Cell], batch: TallyBatch) -> None:
        for row, key in enumerate(keys):
            out[key] = batch.values[row]

    session_keys, by_session = _roll_up(
        finest, ((s, band or NOT_GIVEN) for s, _, band in finest_keys)
    )
    emit([(ALL, session_key(s), b) for s, b in session_keys], by_session)
    keys, batch = _roll_up(by_session, ((s, ALL) for s, _ in session_keys))
    emit([(ALL, session_key(s), b) for s, b in keys], batch)

    kind_keys, by_kind = _roll_up(
        finest,
        ((layout.session_kind[s], n, band or NOT_GIVEN) for s, n, band in finest_keys),
    )
    places = (
        lambda n: NOT_GIVEN if n is None else layout.buurt_code.get(n),  # None: named a wijk only
        lambda n: None if n is None else layout.wijk_code[n],
        lambda n: ALL,
    )
    for venue_of in (lambda v: v, lambda v: ALL):
        for band_of in (lambda b: b, lambda b: ALL):
            keys, batch = _roll_up(by_kind, ((venue_of(v), n, band_of(b)) for v, n, b in kind_keys))
            for place_of in places:
                mapped = [(place_of(n), v, b) for v, n, b in keys]
                rows = [row for row, key in enumerate(mapped) if key[0] is not None]
                if rows:
                    chosen = TallyBatch(m=batch.m, values=batch.values[rows])
                    emit(*_roll_up(chosen, (mapped[row] for row in rows)))
    return out


def suppression_lines(
    cells: Iterable[Cell], layout: DialogueLayout
) -> tuple[list[Line[Cell]], list[Cell]]:
    """The lines of every published breakdown, and the never-published wijk-only cells."""
    present = set(cells)
    lines: list[Line[Cell]] = []
    unpublished: list[Cell] = []
    venues = {v for _, v, _ in present}
    bands = (*layout.age_bands, NOT_GIVEN)
    kinds = tuple(layout.session_ids_by_kind)
    wijken = tuple(layout.buurten_by_wijk)
    for venue in venues:
        for band in {b for _, v, b in present if v == venue}:
            if venue.startswith("s"):
                continue
            lines.append(
                Line(
                    (ALL, venue, band),
                    (*((w, venue, band) for w in wijken), (NOT_GIVEN, venue, band)),
                )
            )
            for wijk, buurten in layout.buurten_by_wijk.items():
                only = (f"{wijk}+", venue, band)
                unpublished.append(only)
                lines.append(
                    Line((wijk, venue, band), (*((b, venue, band) for b in buurten), only))
                )
    places = {n for n, v, _ in present if not v.startswith("s")} | {f"{w}+" for w in wijken}
    for place in places:
        for band in (*bands, ALL):
            lines.append(Line((place, ALL, band), tuple((place, kind, band) for kind in kinds)))
        for venue in (ALL, *kinds):
            lines.append(Line((place, venue, ALL), tuple((place, venue, band) for band in bands)))
    for kind, session_ids in layout.session_ids_by_kind.items():
        for band in (*bands, ALL):
            lines.append(
                Line((ALL, kind, band), tuple((ALL, session_key(s), band) for s in session_ids))
            )
    for session_id in layout.session_kind:
        lines.append(
            Line(
                (ALL, session_key(session_id), ALL),
                tuple((ALL, session_key(session_id), band) for band in bands),
            )
        )
    return lines, unpublished


def hidden_cells(
    counts: dict[Cell, int], layout: DialogueLayout, *, min_group_size: int
) -> set[Cell]:
    """The published cells to suppress, given every published cell's ballot count."""
    full = dict(counts)
    lines, unpublished = suppression_lines(counts, layout)
    for wijk, buurten in layout.buurten_by_wijk.items():
        for venue, band in {(v, b) for n, v, b in counts if n == wijk}:
            named = sum(full.get((b, venue, band), 0) for b in buurten)
            full[(f"{wijk}+", venue, band)] = full.get((wijk, venue, band), 0) - named
    for line in lines:
        for key in (line.parent, *line.children):
            if key is not None:
                full.setdefault(key, 0)
    hidden = suppressed_cells(full, lines, min_group_size=min_group_size, unpublished=unpublished)
    return {cell for cell in hidden if cell in counts}
