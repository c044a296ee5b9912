"""Small-cell suppression: primary, secondary, and that hidden cells cannot be recovered."""

from collections.abc import Hashable, Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.results.suppression import Lattice, Line, suppressed_cells

# ---------------------------------------------------------------- checks


def assert_small_cells_hidden(counts: Mapping, hidden: set, min_group_size: int) -> None:
    assert {key for key, count in counts.items() if count < min_group_size} <= hidden


def assert_no_line_with_a_shown_total_hides_exactly_one_cell(
    lines: list[Line], hidden: set, counts: Mapping, min_group_size: int
) -> None:
    """Only hidden cells with ballots count: an empty cell protects nothing; and under a shown
    total the hidden cells together hold none or at least the minimum."""
    for line in lines:
        if line.parent is None:
            continue
        hidden_children = sum(child in hidden and counts[child] > 0 for child in line.children)
        hidden_members = hidden_children + (line.parent in hidden and counts[line.parent] > 0)
        if line.parent not in hidden:
            assert hidden_children != 1, line
            hidden_sum = sum(counts[child] for child in line.children if child in hidden)
            assert hidden_sum == 0 or hidden_sum >= min_group_size, line
        assert hidden_members != 1, line


def recoverable_cells(
    leaves_of: Mapping[Hashable, frozenset], leaves: list, hidden: set, counts: Mapping
) -> set[Hashable]:
    """Hidden cells with ballots whose leaf indicator lies in the row space of what is known.

    Known: the shown cells, and the hidden empty cells (anyone may guess that a cell is empty).
    """

    def indicator(cell: Hashable) -> np.ndarray:
        return np.array([leaf in leaves_of[cell] for leaf in leaves], dtype=float)

    known = [cell for cell in leaves_of if cell not in hidden or counts[cell] == 0]
    hidden = {cell for cell in hidden if counts[cell] > 0}
    shown = [indicator(cell) for cell in known]
    shown_matrix = np.array(shown).reshape(len(shown), len(leaves))
    shown_rank = np.linalg.matrix_rank(shown_matrix) if shown else 0
    return {
        cell
        for cell in hidden
        if np.linalg.matrix_rank(np.vstack([shown_matrix, indicator(cell)])) == shown_rank
    }


# ---------------------------------------------------------------- random breakdowns

cell_counts = st.integers(0, 30)
min_group_sizes = st.integers(1, 12)


@settings(max_examples=300, deadline=None)
@given(st.lists(cell_counts, min_size=1, max_size=8), min_group_sizes, st.booleans())
def test_flat_breakdown_hides_small_cells_and_leaves_none_recoverable(
    children_counts, min_group_size, total_shown
):
    children = [f"c{i}" for i in range(len(children_counts))]
    counts = dict(zip(children, children_counts, strict=True))
    counts["total"] = sum(children_counts)
    lines = [Line("total" if total_shown else None, tuple(children))]
    if not total_shown:
        del counts["total"]

    hidden = suppressed_cells(counts, lines, min_group_size=min_group_size)

    assert_small_cells_hidden(counts, hidden, min_group_size)
    assert_no_line_with_a_shown_total_hides_exactly_one_cell(lines, hidden, counts, min_group_size)
    leaves_of = {child: frozenset([child]) for child in children}
    if total_shown:
        leaves_of["total"] = frozenset(children)
    assert recoverable_cells(leaves_of, children, hidden, counts) == set()


@st.composite
def nested_breakdowns(draw: st.DrawFn) -> tuple[dict, list[Line], dict, list]:
    """Buurten within wijken within a total that is shown or not."""
    wijken = draw(st.lists(st.lists(cell_counts, min_size=1, max_size=4), min_size=1, max_size=4))
    total_shown = draw(st.booleans())
    counts: dict = {}
    leaves_of: dict = {}
    lines: list[Line] = []
    for w, buurt_counts in enumerate(wijken):
        buurten = [("buurt", w, b) for b in range(len(buurt_counts))]
        counts.update(zip(buurten, buurt_counts, strict=True))
        counts[("wijk", w)] = sum(buurt_counts)
        leaves_of.update({buurt: frozenset([buurt]) for buurt in buurten})
        leaves_of[("wijk", w)] = frozenset(buurten)
        lines.append(Line(("wijk", w), tuple(buurten)))
    wijk_keys = tuple(("wijk", w) for w in range(len(wijken)))
    if total_shown:
        counts["total"] = sum(sum(c) for c in wijken)
        leaves_of["total"] = frozenset(key for key in leaves_of if key[0] == "buurt")
    lines.append(Line("total" if total_shown else None, wijk_keys))
    leaves = [key for key in leaves_of if key[0] == "buurt"]
    return counts, lines, leaves_of, leaves


@settings(max_examples=300, deadline=None)
@given(nested_breakdowns(), min_group_sizes)
def test_nested_breakdown_hides_small_cells_and_leaves_none_recoverable(breakdown, min_group_size):
    counts, lines, leaves_of, leaves = breakdown

    hidden = suppressed_cells(counts, lines, min_group_size=min_group_size)

    assert_small_cells_hidden(counts, hidden, min_group_size)
    assert_no_line_with_a_shown_total_hides_exactly_one_cell(lines, hidden, counts, min_group_size)
    assert recoverable_cells(leaves_of, leaves, hidden, counts) == set()


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.lists(
            st.lists(cell_counts, min_size=rows, max_size=rows), min_size=1, max_size=4
        )
    ),
    min_group_sizes,
)
def test_crossed_table_with_both_margins_never_hides_a_lone_cell_in_a_line(columns, min_group_size):
    n_rows = len(columns[0])
    cells = {("cell", r, a): columns[a][r] for a in range(len(columns)) for r in range(n_rows)}
    counts = dict(cells)
    counts.update({("row", r): sum(col[r] for col in columns) for r in range(n_rows)})
    counts.update({("column", a): sum(col) for a, col in enumerate(columns)})
    counts["total"] = sum(sum(col) for col in columns)
    row_keys = tuple(("row", r) for r in range(n_rows))
    column_keys = tuple(("column", a) for a in range(len(columns)))
    lines = [
        *(
            Line(("row", r), tuple(("cell", r, a) for a in range(len(columns))))
            for r in range(n_rows)
        ),
        *(
            Line(("column", a), tuple(("cell", r, a) for r in range(n_rows)))
            for a in range(len(columns))
        ),
        Line("total", row_keys),
        Line("total", column_keys),
    ]

    hidden = suppressed_cells(counts, lines, min_group_size=min_group_size)

    assert_small_cells_hidden(counts, hidden, min_group_size)
    assert_no_line_with_a_shown_total_hides_exactly_one_cell(lines, hidden, counts, min_group_size)
    assert hidden <= set(counts)


# ---------------------------------------------------------------- worked examples


def test_lone_small_child_takes_the_next_smallest_child_with_it():
    counts = {"a": 3, "b": 12, "c": 20, "d": 25, "total": 60}
    lines = [Line("total", ("a", "b", "c", "d"))]
    assert suppressed_cells(counts, lines, min_group_size=10) == {"a", "b"}


def test_two_small_children_that_together_reach_the_minimum_need_no_partner():
    counts = {"a": 4, "b": 7, "c": 30, "total": 41}
    lines = [Line("total", ("a", "b", "c"))]
    assert suppressed_cells(counts, lines, min_group_size=10) == {"a", "b"}


def test_two_small_children_that_together_stay_small_take_a_partner():
    # total - c = a + b = 7 would be a readable figure of seven people.
    counts = {"a": 3, "b": 4, "c": 30, "d": 40, "total": 77}
    lines = [Line("total", ("a", "b", "c", "d"))]
    assert suppressed_cells(counts, lines, min_group_size=10) == {"a", "b", "c"}


def test_what_no_shown_group_covers_in_a_two_level_breakdown_is_never_small():
    # W1 is hidden as W2's partner but its buurt b1 is shown: total - W3 - b1 = b2 + W2 = 8.
    counts = {
        "total": 78, "W1": 25, "b1": 20, "b2": 5, "W2": 3, "c1": 3, "W3": 50, "d1": 50,
    }  # fmt: skip
    lines = [
        Line("total", ("W1", "W2", "W3")),
        Line("W1", ("b1", "b2")),
        Line("W2", ("c1",)),
        Line("W3", ("d1",)),
        Line("total", ("b1", "b2", "c1", "d1"), ("W1", "W1", "W2", "W3")),
    ]
    hidden = suppressed_cells(counts, lines, min_group_size=10)
    uncovered = (
        counts["total"]
        - sum(counts[c] for c in ("W1", "W2", "W3") if c not in hidden)
        - sum(
            counts[b]
            for b, w in (("b1", "W1"), ("b2", "W1"), ("c1", "W2"))
            if b not in hidden and w in hidden
        )
    )
    assert uncovered == 0 or uncovered >= 10, (hidden, uncovered)
    assert {"b2", "W2", "c1"} <= hidden


def test_no_small_cells_hides_nothing():
    counts = {"a": 10, "b": 11, "total": 21}
    assert suppressed_cells(counts, [Line("total", ("a", "b"))], min_group_size=10) == set()


def test_an_empty_cell_is_hidden_but_never_counts_as_a_partner():
    lone_empty = {"empty": 0, "b": 15, "c": 20, "total": 35}
    assert suppressed_cells(
        lone_empty, [Line("total", ("empty", "b", "c"))], min_group_size=10
    ) == {"empty"}
    small_and_empty = {"small": 3, "empty": 0, "b": 15, "c": 20, "total": 38}
    assert suppressed_cells(
        small_and_empty, [Line("total", ("small", "empty", "b", "c"))], min_group_size=10
    ) == {"small", "empty", "b"}


def test_an_unpublished_cell_is_hidden_and_protects_its_line():
    counts = {"buurt": 4, "wijk-only": 25, "other": 12, "wijk": 41}
    line = Line("wijk", ("buurt", "wijk-only", "other"))
    assert suppressed_cells(counts, [line], min_group_size=10, unpublished=["wijk-only"]) == {
        "buurt",
        "wijk-only",
    }


def test_line_without_a_shown_total_needs_no_partner():
    counts = {"a": 3, "b": 12, "c": 20}
    assert suppressed_cells(counts, [Line(None, ("a", "b", "c"))], min_group_size=10) == {"a"}


def test_ties_for_the_partner_go_to_the_earliest_child_of_the_line():
    counts = {"a": 2, "b": 15, "c": 15, "total": 32}
    assert suppressed_cells(counts, [Line("total", ("a", "b", "c"))], min_group_size=10) == {
        "a",
        "b",
    }
    assert suppressed_cells(counts, [Line("total", ("a", "c", "b"))], min_group_size=10) == {
        "a",
        "c",
    }


def test_line_whose_other_children_are_already_hidden_needs_nothing_more():
    counts = {"a": 2, "b": 3, "c": 4, "total": 9}
    assert suppressed_cells(counts, [Line("total", ("a", "b", "c"))], min_group_size=5) == {
        "a",
        "b",
        "c",
    }


def test_hidden_wijk_whose_buurten_are_all_shown_gets_a_buurt_hidden():
    # W2 is hidden only as W1's partner; shown buurten c1 + c2 would give W2 back, and so
    # W1 = total - W2 - W3. Hiding c1 (the smaller) closes that.
    counts = {
        "total": 69,
        "W1": 4,
        "b1": 2,
        "b2": 2,
        "W2": 25,
        "c1": 12,
        "c2": 13,
        "W3": 40,
        "d1": 40,
    }
    lines = [
        Line("total", ("W1", "W2", "W3")),
        Line("W1", ("b1", "b2")),
        Line("W2", ("c1", "c2")),
        Line("W3", ("d1",)),
    ]
    assert suppressed_cells(counts, lines, min_group_size=10) == {"W1", "b1", "b2", "W2", "c1"}


def test_single_child_line_hides_its_parent_when_the_child_is_hidden():
    # Buurt B is the only buurt of wijk W, and B is hidden as C's partner in breakdown X.
    counts = {"W": 12, "B": 12, "X": 15, "C": 3}
    lines = [Line("X", ("B", "C")), Line("W", ("B",))]
    assert suppressed_cells(counts, lines, min_group_size=10) == {"B", "C", "W"}


def test_hiding_spreads_through_rows_and_columns_of_a_crossed_table():
    counts = {
        ("r1", "a1"): 3,
        ("r1", "a2"): 20,
        ("r2", "a1"): 20,
        ("r2", "a2"): 30,
        "r1": 23,
        "r2": 50,
        "a1": 23,
        "a2": 50,
        "total": 73,
    }
    lines = [
        Line("r1", (("r1", "a1"), ("r1", "a2"))),
        Line("r2", (("r2", "a1"), ("r2", "a2"))),
        Line("a1", (("r1", "a1"), ("r2", "a1"))),
        Line("a2", (("r1", "a2"), ("r2", "a2"))),
        Line("total", ("r1", "r2")),
        Line("total", ("a1", "a2")),
    ]
    assert suppressed_cells(counts, lines, min_group_size=10) == {
        ("r1", "a1"),
        ("r1", "a2"),
        ("r2", "a1"),
        ("r2", "a2"),
    }


def test_line_without_children_is_refused():
    with pytest.raises(ValueError):
        suppressed_cells({"total": 3}, [Line("total", ())], min_group_size=10)


def test_cells_without_a_count_are_refused():
    with pytest.raises(ValueError):
        suppressed_cells({"a": 3}, [Line("total", ("a", "b"))], min_group_size=10)


def test_a_room_that_sees_its_results_is_not_the_partner_its_total_is():
    counts = {"room a": 40, "room b": 3, "library": 43, "youth": 30, "total": 73}
    lines = [Line("library", ("room a", "room b")), Line("total", ("library", "youth"))]
    hidden = Lattice(lines).hidden(counts, min_group_size=10, keep_shown=["room a"])
    assert "room a" not in hidden
    assert {"room b", "library", "youth"} <= hidden


def test_a_room_is_hidden_after_all_when_nothing_else_can_protect_its_line():
    counts = {"room a": 40, "room b": 20, "library": 60, "other": 4, "total": 64}
    lines = [Line("library", ("room a", "room b")), Line("total", ("library", "other"))]
    hidden = Lattice(lines).hidden(counts, min_group_size=10, keep_shown=["room a", "room b"])
    assert hidden == {"other", "library", "room b"}
