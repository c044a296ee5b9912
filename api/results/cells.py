"""From ballots to the tallies of every published cell, and which cells must stay hidden."""

# Results are published for cells (neighbourhood, venue, age band); each coordinate is ALL,
# NOT_GIVEN or a value: neighbourhood = a buurt code or a wijk code (the roll-up of its
# buurten and of the ballots that name only the wijk); venue = a venue kind, or one session
# ("s12", only with neighbourhood ALL), or in a regional dialogue the member municipality whose
# venue held the session (its CBS code "GM0855", only with neighbourhood and age band ALL: the
# sessions are nested within municipalities as within venue kinds); age band = a band. A ballot lies in one finest cell
# (session, neighbourhood named, age band). Finest cells are rolled up in a few vectorised
# stages over integer-coded keys, so a million ballots cost one pass over the ballots and a
# few passes over far fewer cells.

import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from api.results.aggregation import TallyBatch, tally_groups
from api.results.disclosure import small_groups_given_away
from api.results.layout import Cell, DialogueLayout, is_municipality, session_key, wijk_only
from api.results.models import ALL, NOT_GIVEN
from api.results.suppression import Lattice, Line

_DROP = -1


@dataclass(frozen=True)
class BallotColumns:
    """Ballots as columns: rankings (N, width) of priority indices best first, padded with -1;
    session id; neighbourhood id (-1: none given); age band index into the layout (-1: none)."""

    rankings: np.ndarray
    session_id: np.ndarray
    neighbourhood_id: np.ndarray
    age_band: np.ndarray

    def __len__(self) -> int:
        return len(self.session_id)


def _neither_session_nor_municipality(venue: str) -> bool:
    return not venue.startswith("s") and not is_municipality(venue)


class _Coordinates:
    """Integer codes for every value a coordinate can take (code 0 is ALL)."""

    def __init__(self, layout: DialogueLayout) -> None:
        self.places = [
            ALL,
            NOT_GIVEN,
            *sorted(set(layout.buurt_code.values())),
            *sorted(layout.buurten_by_wijk),
        ]
        self.kinds = sorted(layout.session_ids_by_kind)
        self.sessions = sorted(layout.session_kind)
        self.municipalities = list(layout.municipalities)
        self.venues = [
            ALL,
            *self.kinds,
            *(session_key(s) for s in self.sessions),
            *self.municipalities,
        ]
        self.bands = [ALL, NOT_GIVEN, *layout.age_bands]
        place_code = {place: code for code, place in enumerate(self.places)}
        top = max([*layout.wijk_code, 0]) + 1
        self.buurt_of = np.full(top + 1, _DROP, dtype=np.int64)  # neighbourhood id + 1 → code
        self.wijk_of = np.full(top + 1, _DROP, dtype=np.int64)
        self.buurt_of[0] = place_code[NOT_GIVEN]
        for neighbourhood_id, code in layout.buurt_code.items():
            self.buurt_of[neighbourhood_id + 1] = place_code[code]
        for neighbourhood_id, code in layout.wijk_code.items():
            self.wijk_of[neighbourhood_id + 1] = place_code[code]
        session_top = max([*self.sessions, 0]) + 1
        self.kind_of_session = np.zeros(session_top, dtype=np.int64)
        self.venue_of_session = np.zeros(session_top, dtype=np.int64)
        self.municipality_of_session = np.full(session_top, _DROP, dtype=np.int64)
        for index, session_id in enumerate(self.sessions):
            self.kind_of_session[session_id] = 1 + self.kinds.index(layout.session_kind[session_id])
            self.venue_of_session[session_id] = 1 + len(self.kinds) + index
            if session_id in layout.session_municipality:
                self.municipality_of_session[session_id] = self.venues.index(
                    layout.session_municipality[session_id]
                )

    def cell(self, place: int, venue: int, band: int) -> Cell:
        return self.places[place], self.venues[venue], self.bands[band]


def _sum_by(
    batch: TallyBatch, keys: np.ndarray, shape: tuple[int, ...]
) -> tuple[np.ndarray, TallyBatch]:
    """Sum the rows of `batch` whose integer key columns are equal; rows with a -1 are left out."""
    keep = (keys >= 0).all(axis=1)
    flat = np.ravel_multi_index(tuple(keys[keep].T), shape)
    unique, inverse = np.unique(flat, return_inverse=True)
    kept = TallyBatch(m=batch.m, values=batch.values[keep])
    summed = kept.sum_groups(inverse, n_targets=len(unique))
    return np.stack(np.unravel_index(unique, shape), axis=1), summed


def _tally_by(
    ballots: BallotColumns, keys: np.ndarray, shape: tuple[int, ...], m: int
) -> tuple[np.ndarray, TallyBatch]:
    """Tally the ballots into the groups their integer key columns name."""
    flat = np.ravel_multi_index(tuple(keys.T), shape)
    # The key space is small (places × venues × bands): count instead of sorting.
    present = np.bincount(flat, minlength=int(np.prod(shape))) > 0
    unique = np.flatnonzero(present)
    inverse = (np.cumsum(present) - 1)[flat]
    batch = tally_groups(ballots.rankings, group_index=inverse, n_groups=len(unique), m=m)
    return np.stack(np.unravel_index(unique, shape), axis=1), batch


def published_tallies(ballots: BallotColumns, layout: DialogueLayout) -> dict[Cell, np.ndarray]:
    """The tally of every published cell the ballots fall in."""
    if not len(ballots):
        return {}
    codes = _Coordinates(layout)
    n_places, n_venues, n_bands = len(codes.places), len(codes.venues), len(codes.bands)
    cell_shape = (n_places, n_venues, n_bands)
    named = ballots.neighbourhood_id + 1  # 0: none given
    band = np.where(ballots.age_band >= 0, ballots.age_band + 2, 1)
    out: dict[Cell, np.ndarray] = {}

    def emit(keys: np.ndarray, batch: TallyBatch) -> None:
        for (place, venue, band_code), values in zip(keys.tolist(), batch.values, strict=True):
            out[codes.cell(place, venue, band_code)] = values

    # Two passes over the ballots, in parallel (numpy releases the GIL for the heavy work):
    # sessions, published for all neighbourhoods together only; and venue kind ×
    # neighbourhood named × band, from which every other cell is rolled up.
    named_shape = (len(codes.wijk_of), n_venues, n_bands)
    with ThreadPoolExecutor(2) as pool:
        by_session_future = pool.submit(
            _tally_by,
            ballots,
            np.stack(
                [np.zeros_like(named), codes.venue_of_session[ballots.session_id], band], axis=1
            ),
            cell_shape,
            layout.m,
        )
        by_kind_future = pool.submit(
            _tally_by,
            ballots,
            np.stack([named, codes.kind_of_session[ballots.session_id], band], axis=1),
            named_shape,
            layout.m,
        )
        session_keys, by_session = by_session_future.result()
        kind_keys, by_kind = by_kind_future.result()
    emit(session_keys, by_session)
    emit(*_sum_by(by_session, session_keys * np.array([1, 1, 0]), cell_shape))
    if codes.municipalities:
        venue_to_municipality = np.full(n_venues, _DROP, dtype=np.int64)
        for session_id in codes.sessions:
            venue_to_municipality[codes.venue_of_session[session_id]] = (
                codes.municipality_of_session[session_id]
            )
        zeros = np.zeros(len(session_keys), dtype=np.int64)
        municipality_keys = np.stack(
            [zeros, venue_to_municipality[session_keys[:, 1]], zeros], axis=1
        )
        emit(*_sum_by(by_session, municipality_keys, cell_shape))

    k_named, k_venue, k_band = kind_keys.T
    for venue_codes in (k_venue, np.zeros_like(k_venue)):
        for band_codes in (k_band, np.zeros_like(k_band)):
            keys, batch = _sum_by(
                by_kind, np.stack([k_named, venue_codes, band_codes], axis=1), named_shape
            )
            named_out, venue_out, band_out = keys.T
            for places in (
                codes.buurt_of[named_out],
                codes.wijk_of[named_out],
                np.zeros_like(named_out),
            ):
                emit(*_sum_by(batch, np.stack([places, venue_out, band_out], axis=1), cell_shape))
    return out


def ballot_columns_from(
    rankings: Iterable[list[int]],
    sessions: Iterable[int],
    neighbourhoods: Iterable[int | None],
    age_bands: Iterable[str | None],
    layout: DialogueLayout,
) -> BallotColumns:
    """Columns for a few ballots given one by one (the incremental path)."""
    index = layout.priority_index()
    rows = [[index[p] for p in ranking] for ranking in rankings]
    width = max((len(r) for r in rows), default=1)
    matrix = np.full((len(rows), width), -1, dtype=np.int64)
    for row, ranking in enumerate(rows):
        matrix[row, : len(ranking)] = ranking
    band_index = {band: i for i, band in enumerate(layout.age_bands)}
    return BallotColumns(
        rankings=matrix,
        session_id=np.array(list(sessions), dtype=np.int64),
        neighbourhood_id=np.array([-1 if n is None else n for n in neighbourhoods], dtype=np.int64),
        age_band=np.array([-1 if b is None else band_index[b] for b in age_bands], dtype=np.int64),
    )


def suppression_lines(
    cells: Iterable[Cell], layout: DialogueLayout
) -> tuple[list[Line[Cell]], list[Cell]]:
    """The lines of every published breakdown, and the never-published wijk-only cells."""
    present = set(cells)
    lines: list[Line[Cell]] = []
    unpublished: list[Cell] = []
    bands = (*layout.age_bands, NOT_GIVEN)
    kinds = tuple(layout.session_ids_by_kind)
    wijken = tuple(layout.buurten_by_wijk)
    slices = {(v, a) for _, v, a in present if _neither_session_nor_municipality(v)}
    buurten_of = [(b, w) for w, buurten in layout.buurten_by_wijk.items() for b in buurten]
    for venue, band in sorted(slices):
        lines.append(
            Line(
                (ALL, venue, band), (*((w, venue, band) for w in wijken), (NOT_GIVEN, venue, band))
            )
        )
        leaves = [
            *(((b, venue, band), (w, venue, band)) for b, w in buurten_of),
            *(((wijk_only(w), venue, band), (w, venue, band)) for w in wijken),
            ((NOT_GIVEN, venue, band), None),
        ]
        lines.append(
            Line(
                (ALL, venue, band),
                tuple(leaf for leaf, _ in leaves),
                tuple(group for _, group in leaves),
            )
        )
        for wijk, buurten in layout.buurten_by_wijk.items():
            only = (wijk_only(wijk), venue, band)
            unpublished.append(only)
            lines.append(Line((wijk, venue, band), (*((b, venue, band) for b in buurten), only)))
    places = {n for n, v, _ in present if _neither_session_nor_municipality(v)} | {
        wijk_only(w) for w in wijken
    }
    for place in sorted(places):
        for band in (*bands, ALL):
            lines.append(Line((place, ALL, band), tuple((place, kind, band) for kind in kinds)))
        for venue in (ALL, *kinds):
            lines.append(Line((place, venue, ALL), tuple((place, venue, band) for band in bands)))
    for kind, session_ids in layout.session_ids_by_kind.items():
        for band in (*bands, ALL):
            lines.append(
                Line((ALL, kind, band), tuple((ALL, session_key(s), band) for s in session_ids))
            )
    for band in (*bands, ALL):
        rooms = [
            ((ALL, session_key(s), band), (ALL, kind, band))
            for kind, session_ids in layout.session_ids_by_kind.items()
            for s in session_ids
        ]
        if rooms:
            lines.append(
                Line(
                    (ALL, ALL, band),
                    tuple(room for room, _ in rooms),
                    tuple(kind for _, kind in rooms),
                )
            )
    for session_id in layout.session_kind:
        venue = session_key(session_id)
        lines.append(Line((ALL, venue, ALL), tuple((ALL, venue, band) for band in bands)))
    lines.extend(municipality_lines(layout))
    return lines, unpublished


def municipality_lines(layout: DialogueLayout) -> list[Line[Cell]]:
    """A regional dialogue's breakdown by member municipality: the total and its
    municipalities, each municipality and its sessions, and the sessions through their
    municipalities (what no shown group covers), like sessions within venue kinds."""
    if not layout.session_municipality:
        return []
    total: Cell = (ALL, ALL, ALL)
    lines = [Line(total, tuple((ALL, code, ALL) for code in layout.municipalities))]
    rooms = []
    for code in layout.municipalities:
        own = [s for s, c in sorted(layout.session_municipality.items()) if c == code]
        lines.append(Line((ALL, code, ALL), tuple((ALL, session_key(s), ALL) for s in own)))
        rooms.extend(((ALL, session_key(s), ALL), (ALL, code, ALL)) for s in own)
    lines.append(Line(total, tuple(room for room, _ in rooms), tuple(m for _, m in rooms)))
    return lines


def is_crossed(cell: Cell) -> bool:
    """Whether a cell crosses two breakdowns (a buurt at a kind of venue, a session's age band)."""
    return sum(coordinate != ALL for coordinate in cell) > 1


_LATTICES: OrderedDict[tuple, Lattice[Cell]] = OrderedDict()
_LATTICES_LOCK = threading.Lock()


def _lattice(cells: Iterable[Cell], layout: DialogueLayout, *, crossed: bool) -> Lattice[Cell]:
    """The breakdown lines of these cells (with the crossed ones, or only those without),
    built once per shape of the dialogue."""
    key = (
        frozenset(cells),
        tuple(sorted(layout.buurten_by_wijk.items())),
        tuple(sorted(layout.session_ids_by_kind.items())),
        tuple(sorted(layout.session_municipality.items())),
        layout.age_bands,
        crossed,
    )
    with _LATTICES_LOCK:
        if key in _LATTICES:
            _LATTICES.move_to_end(key)
            return _LATTICES[key]
    lines, unpublished = suppression_lines(key[0], layout)
    if not crossed:
        lines = [
            line
            for line in lines
            if not any(is_crossed(c) for c in (line.parent, *line.children) if c is not None)
        ]
        unpublished = [cell for cell in unpublished if not is_crossed(cell)]
    lattice = Lattice(lines, unpublished=unpublished)
    with _LATTICES_LOCK:
        _LATTICES[key] = lattice
        while len(_LATTICES) > 16:
            _LATTICES.popitem(last=False)
    return lattice


def ballot_cells(
    layout: DialogueLayout, *, session_id: int, neighbourhood_id: int | None, age_band: str | None
) -> tuple[Cell, ...]:
    """The cells one ballot lies in that are published while a dialogue runs (none crossed),
    and its never-published wijk-only cell."""
    kind = layout.session_kind.get(session_id)
    if kind is None:
        return ()
    if neighbourhood_id is None:
        places: tuple[str, ...] = (NOT_GIVEN, ALL)
    elif neighbourhood_id in layout.buurt_code:
        places = (layout.buurt_code[neighbourhood_id], layout.wijk_code[neighbourhood_id], ALL)
    else:
        wijk = layout.wijk_code[neighbourhood_id]
        places = (wijk, wijk_only(wijk), ALL)
    municipality = layout.session_municipality.get(session_id)
    return (
        *((place, ALL, ALL) for place in places),
        (ALL, kind, ALL),
        (ALL, session_key(session_id), ALL),
        (ALL, ALL, age_band or NOT_GIVEN),
        *(((ALL, municipality, ALL),) if municipality else ()),
    )


@dataclass(frozen=True)
class ReleaseView:
    """How a release's cells are shown: the hidden ones (never-published cells included),
    every cell's count (zero for empty ones, derived for never-published ones), and the lines
    whose members add up."""

    hidden: frozenset[Cell]
    counts: dict[Cell, int]
    lines: list[Line[Cell]]


def _full_counts(counts: dict[Cell, int], lattice: Lattice[Cell], layout: DialogueLayout):
    full = dict.fromkeys(lattice.cells(), 0)
    full.update(counts)
    wijk_of_buurt = {
        buurt: wijk for wijk, buurten in layout.buurten_by_wijk.items() for buurt in buurten
    }
    named_in_wijk: dict[Cell, int] = {}
    for (place, venue, band), count in counts.items():
        if place in layout.buurten_by_wijk:
            named_in_wijk.setdefault((place, venue, band), 0)
        elif place in wijk_of_buurt:
            key = (wijk_of_buurt[place], venue, band)
            named_in_wijk[key] = named_in_wijk.get(key, 0) + count
    for (wijk, venue, band), named in named_in_wijk.items():
        only = (wijk_only(wijk), venue, band)
        if only in full:
            full[only] = counts.get((wijk, venue, band), 0) - named
    return full


def _rooms(layout: DialogueLayout) -> list[Cell]:
    # Each room sees its own session's results, so those session totals are the partner that
    # hides a small sibling session last.
    return [(ALL, session_key(s), ALL) for s in layout.session_kind]


def release_view(
    counts: dict[Cell, int], layout: DialogueLayout, *, min_group_size: int
) -> ReleaseView:
    """Suppression of the cells published while a dialogue runs (none crossed)."""
    coarse = {cell: count for cell, count in counts.items() if not is_crossed(cell)}
    lattice = _lattice(coarse, layout, crossed=False)
    full = _full_counts(coarse, lattice, layout)
    hidden = lattice.hidden(full, min_group_size=min_group_size, keep_shown=_rooms(layout))
    return ReleaseView(
        hidden=frozenset(hidden), counts=full, lines=[*lattice.lines, *_read_apart(layout)]
    )


def _read_apart(layout: DialogueLayout) -> list[Line[Cell]]:
    """Lines readers take on their own that suppression keeps through others: the total and
    every session, as the breakdown by session shows them.

    Within one release its hidden sessions together are 0 or ≥ the minimum, because the
    venue-kind lines keep each part; between releases a part can change sides (a kind shown
    since), so the release rule compares this line's remainder too.
    """
    if len(layout.session_kind) < 2:
        return []
    return [Line((ALL, ALL, ALL), tuple((ALL, session_key(s), ALL) for s in layout.session_kind))]


# Rounds of withholding more before the final view falls back to no crossed cells at all (at
# 200,000 ballots over 500 buurten three were needed; each takes about a second and a half).
_ROUNDS_AGAINST_COMBINED_LINES = 8


def final_view(
    counts: dict[Cell, int], layout: DialogueLayout, *, min_group_size: int
) -> ReleaseView:
    """Suppression of every cell once the dialogue has ended: the crossed cells are decided
    around the others, whose figures were published as they are."""
    running = release_view(counts, layout, min_group_size=min_group_size)
    lattice = _lattice(counts, layout, crossed=True)
    full = _full_counts(counts, lattice, layout)
    decided = [cell for cell in full if not is_crossed(cell)]
    shown_before = [cell for cell in decided if cell not in running.hidden]
    # A hidden cell can be left alone in a line whose other members are all fixed or empty
    # (a wijk whose ballots were all cast at the library): anyone can then work it out, so it
    # protects nothing. Such a cell is decided again as if shown (it stays hidden), so that
    # the lines it was to close take another partner. Lines that each hold can still pin a
    # small group down together (checked exactly, see disclosure.py): then the shown crossed
    # cells of its lines are withheld as well and the cells decided again, until nothing
    # small can be worked out.
    worked_out: set[Cell] = set()
    withheld: set[Cell] = set()
    for _ in range(_ROUNDS_AGAINST_COMBINED_LINES):
        while True:
            hidden = lattice.hidden(
                full,
                min_group_size=min_group_size,
                fixed_hidden=[
                    *(cell for cell in running.hidden if cell not in worked_out),
                    *withheld,
                ],
                fixed_shown=[*shown_before, *worked_out],
            )
            exposed = lattice.exposed(full, hidden, min_group_size=min_group_size)
            lone = {
                members[0]
                for members in exposed
                if len(members) == 1 and full[members[0]] >= min_group_size
            }
            if lone <= worked_out:  # each round works out one cell more, so this ends
                break
            worked_out |= lone
        hidden |= worked_out
        if exposed:
            break
        shown = {cell for cell in full if cell not in hidden and cell not in lattice.unpublished}
        given_away = small_groups_given_away(
            full, shown=shown, layout=layout, min_group_size=min_group_size
        )
        if not given_away:
            return ReleaseView(hidden=frozenset(hidden), counts=full, lines=lattice.lines)
        partners = {
            p for group in given_away for p in _crossed_partners(group, lattice, full, shown)
        }
        if not partners:
            break
        withheld |= partners
    # A small group stays exposed and no partner is left that would protect it: the crossed
    # breakdowns are withheld, and only what was published while it ran is shown.
    hidden |= {cell for cell in full if is_crossed(cell)}
    return ReleaseView(hidden=frozenset(hidden), counts=full, lines=lattice.lines)


def _crossed_partners(
    group: Cell, lattice: Lattice[Cell], counts: dict[Cell, int], shown: set[Cell]
) -> set[Cell]:
    """The shown crossed cells in a line with the group."""
    return {
        member
        for position in lattice.lines_with_cell.get(group, ())
        for member in (lattice.lines[position].parent, *lattice.lines[position].children)
        if member in shown and is_crossed(member) and counts[member] > 0
    }


def hidden_cells(
    counts: dict[Cell, int], layout: DialogueLayout, *, min_group_size: int, final: bool
) -> set[Cell]:
    """The published cells to suppress, given every published cell's ballot count: while the
    dialogue runs every crossed cell, and after it has ended those its final view hides."""
    if final:
        view = final_view(counts, layout, min_group_size=min_group_size)
        return {cell for cell in view.hidden if cell in counts}
    view = release_view(counts, layout, min_group_size=min_group_size)
    return {cell for cell in counts if cell in view.hidden or is_crossed(cell)}
