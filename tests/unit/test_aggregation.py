"""Aggregation engine against a plain-Python reference of docs/design.md "Aggregation"."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.results.aggregation import (
    MAX_PRIORITIES,
    GroupSummary,
    Tally,
    TallyBatch,
    ballot_tally,
    summarise,
    tally_groups,
    tally_width,
)
from tests.reference import (  # noqa: E402
    Ballot,
    reference_summary,
    reference_tally_fields,
    tally_from_bytes,
    tally_to_bytes,
)


def assert_summary_matches_reference(summary: GroupSummary, ballots: list[Ballot], m: int) -> None:
    expected = reference_summary(ballots, m)
    assert summary.ballot_count == len(ballots)
    if expected is None:
        assert summary.priorities is None
        return
    assert summary.priorities is not None
    assert [p.priority_index for p in summary.priorities] == list(range(m))
    close = {"rel": 1e-12, "abs": 1e-12}
    for actual, wanted in zip(summary.priorities, expected, strict=True):
        assert actual.score == pytest.approx(float(wanted.score), **close)
        assert actual.score_low == pytest.approx(wanted.score_low, rel=1e-9, abs=1e-12)
        assert actual.score_high == pytest.approx(wanted.score_high, rel=1e-9, abs=1e-12)
        assert actual.first_choice_share == pytest.approx(float(wanted.first_choice_share), **close)
        assert actual.top_three_share == pytest.approx(float(wanted.top_three_share), **close)
        assert actual.mean_rank == pytest.approx(float(wanted.mean_rank), **close)
        assert actual.schulze_rank == wanted.schulze_rank
        assert all(
            type(value) is float
            for value in (actual.score, actual.score_low, actual.score_high, actual.mean_rank)
        )
        assert type(actual.schulze_rank) is int


def assert_tally_matches_reference(tally: Tally, ballots: list[Ballot], m: int) -> None:
    expected = reference_tally_fields(ballots, m)
    assert tally.n == expected["n"]
    for field in ("points2_sum", "points2_sq_sum", "first", "top3", "rank2_sum", "beats"):
        assert getattr(tally, field).tolist() == expected[field], field


def padded(ballots: list[Ballot], width: int) -> np.ndarray:
    rows = np.full((len(ballots), width), -1, dtype=np.int64)
    for row, ballot in zip(rows, ballots, strict=True):
        row[: len(ballot)] = ballot
    return rows


# ---------------------------------------------------------------- strategies


@st.composite
def ballots_for(draw: st.DrawFn, m: int) -> Ballot:
    order = draw(st.permutations(range(m)))
    return tuple(order[: draw(st.integers(1, m))])


@st.composite
def grouped_ballots(draw: st.DrawFn) -> tuple[int, int, list[Ballot], list[int]]:
    m = draw(st.integers(2, 12))
    n_groups = draw(st.integers(1, 6))
    ballots = draw(st.lists(ballots_for(m), max_size=40))
    groups = draw(
        st.lists(st.integers(0, n_groups - 1), min_size=len(ballots), max_size=len(ballots))
    )
    return m, n_groups, ballots, groups


def members(ballots: list[Ballot], groups: list[int], group: int) -> list[Ballot]:
    return [ballot for ballot, g in zip(ballots, groups, strict=True) if g == group]


# ---------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None)
@given(grouped_ballots(), st.booleans())
def test_every_figure_of_every_group_matches_the_reference(case, narrow_input):
    m, n_groups, ballots, groups = case
    width = max((len(b) for b in ballots), default=0) if narrow_input else m
    batch = tally_groups(padded(ballots, width), group_index=groups, n_groups=n_groups, m=m)
    summaries = summarise(batch)
    assert len(summaries) == n_groups
    for group, summary in enumerate(summaries):
        assert_summary_matches_reference(summary, members(ballots, groups, group), m)


@settings(max_examples=100, deadline=None)
@given(grouped_ballots())
def test_batch_tally_fields_equal_reference_sums(case):
    m, n_groups, ballots, groups = case
    batch = tally_groups(padded(ballots, m), group_index=groups, n_groups=n_groups, m=m)
    assert len(batch) == n_groups
    for group in range(n_groups):
        assert_tally_matches_reference(batch[group], members(ballots, groups, group), m)


@st.composite
def ballots_with_replacements(
    draw: st.DrawFn,
) -> tuple[int, list[Ballot], list[tuple[int, Ballot]]]:
    m = draw(st.integers(2, 12))
    ballots = draw(st.lists(ballots_for(m), min_size=1, max_size=25))
    replacements = draw(
        st.lists(st.tuples(st.integers(0, len(ballots) - 1), ballots_for(m)), max_size=10)
    )
    return m, ballots, replacements


@settings(max_examples=100, deadline=None)
@given(ballots_with_replacements())
def test_tally_kept_ballot_by_ballot_with_replacements_equals_batch_and_reference(case):
    m, ballots, replacements = case
    kept = Tally.empty(m)
    for ballot in ballots:
        kept += ballot_tally(ballot, m=m)
    current = list(ballots)
    for position, new_ballot in replacements:
        kept = kept - ballot_tally(current[position], m=m) + ballot_tally(new_ballot, m=m)
        current[position] = new_ballot

    assert (
        kept == tally_groups(padded(current, m), group_index=[0] * len(current), n_groups=1, m=m)[0]
    )
    assert_tally_matches_reference(kept, current, m)
    assert_summary_matches_reference(summarise(TallyBatch.stack([kept], m=m))[0], current, m)

    for ballot in current:
        kept -= ballot_tally(ballot, m=m)
    assert kept == Tally.empty(m)


@settings(max_examples=60, deadline=None)
@given(grouped_ballots(), st.data())
def test_summing_cells_into_parents_equals_tallying_by_parent(case, data):
    m, n_cells, ballots, cells = case
    n_parents = data.draw(st.integers(1, 3))
    parent_of_cell = data.draw(
        st.lists(st.integers(0, n_parents - 1), min_size=n_cells, max_size=n_cells)
    )
    rankings = padded(ballots, m)
    by_cell = tally_groups(rankings, group_index=cells, n_groups=n_cells, m=m)
    by_parent = tally_groups(
        rankings, group_index=[parent_of_cell[c] for c in cells], n_groups=n_parents, m=m
    )
    rolled_up = by_cell.sum_groups(parent_of_cell, n_targets=n_parents)
    assert all(rolled_up[p] == by_parent[p] for p in range(n_parents))
    assert (
        by_cell.total()
        == tally_groups(rankings, group_index=[0] * len(ballots), n_groups=1, m=m)[0]
    )


@settings(max_examples=40, deadline=None)
@given(grouped_ballots())
def test_stacking_group_tallies_gives_back_the_batch(case):
    m, n_groups, ballots, groups = case
    batch = tally_groups(padded(ballots, m), group_index=groups, n_groups=n_groups, m=m)
    restacked = TallyBatch.stack([batch[g] for g in range(n_groups)], m=m)
    assert np.array_equal(restacked.values, batch.values)


@settings(max_examples=60, deadline=None)
@given(grouped_ballots(), st.sampled_from([1, -1, 300, -70_000, 3_000_000_000]))
def test_to_bytes_round_trips_any_tally(case, scale):
    m, n_groups, ballots, groups = case
    batch = tally_groups(padded(ballots, m), group_index=groups, n_groups=n_groups, m=m)
    tally = Tally(m=m, values=batch.total().values * scale)
    assert tally_from_bytes(tally_to_bytes(tally), m=m) == tally


@pytest.mark.parametrize("m", [30, MAX_PRIORITIES])
def test_large_dialogues_match_the_reference(m):
    rng = np.random.default_rng(m)
    ballots = [tuple(rng.permutation(m)[: rng.integers(1, m + 1)].tolist()) for _ in range(12)]
    groups = [i % 2 for i in range(len(ballots))]
    batch = tally_groups(padded(ballots, m), group_index=groups, n_groups=2, m=m)
    for group, summary in enumerate(summarise(batch)):
        assert_tally_matches_reference(batch[group], members(ballots, groups, group), m)
        assert_summary_matches_reference(summary, members(ballots, groups, group), m)


# ---------------------------------------------------------------- worked examples


def test_hand_computed_example_with_four_priorities_and_three_ballots():
    # Ballots: 0>1>2>3 (k=4), 1>0 (k=2), 2 (k=1); m = 4.
    # Points:  (3, 2, 1, 0), (2, 3, .5, .5), (1, 1, 3, 1)  -> sums 6, 6, 4.5, 1.5 over 3 ballots.
    # Ranks:   (1, 2, 3, 4), (2, 1, 3.5, 3.5), (3, 3, 1, 3) -> sums 6, 6, 7.5, 10.5.
    m = 4
    batch = tally_groups(
        [[0, 1, 2, 3], [1, 0, -1, -1], [2, -1, -1, -1]], group_index=[0, 0, 0], n_groups=1, m=m
    )
    tally = batch[0]
    assert tally.n == 3
    assert tally.points2_sum.tolist() == [12, 12, 9, 3]
    assert tally.points2_sq_sum.tolist() == [
        6**2 + 4**2 + 2**2,
        4**2 + 6**2 + 2**2,
        2**2 + 1 + 6**2,
        0 + 1 + 2**2,
    ]
    assert tally.first.tolist() == [1, 1, 1, 0]
    assert tally.top3.tolist() == [2, 2, 2, 0]
    assert tally.rank2_sum.tolist() == [12, 12, 15, 21]
    assert tally.beats.tolist() == [[0, 1, 2, 2], [1, 0, 2, 2], [1, 1, 0, 2], [0, 0, 0, 0]]

    priorities = summarise(batch)[0].priorities
    assert priorities is not None
    assert [p.score for p in priorities] == pytest.approx([2 / 3, 2 / 3, 1 / 2, 1 / 6])
    assert [p.first_choice_share for p in priorities] == pytest.approx([1 / 3, 1 / 3, 1 / 3, 0])
    assert [p.top_three_share for p in priorities] == pytest.approx([2 / 3, 2 / 3, 2 / 3, 0])
    assert [p.mean_rank for p in priorities] == pytest.approx([2, 2, 2.5, 3.5])
    # 0 and 1 tie head to head (1:1) and on score, so index decides; both beat 2 and 3.
    assert [p.schulze_rank for p in priorities] == [1, 2, 3, 4]
    # Priority 0: normalised points 1, 2/3, 1/3 -> s = 1/3; 2/3 + 1.96/(3√3) > 1 is clipped.
    assert priorities[0].score_low == pytest.approx(2 / 3 - 1.96 / (3 * math.sqrt(3)))
    assert priorities[0].score_high == 1.0
    # Priority 3: normalised points 0, 1/6, 1/3 -> s = 1/6; 1/6 - 1.96/(6√3) < 0 is clipped.
    assert priorities[3].score_low == 0.0
    assert priorities[3].score_high == pytest.approx(1 / 6 + 1.96 / (6 * math.sqrt(3)))


def test_schulze_wikipedia_example_orders_e_a_c_b_d():
    a, b, c, d, e = range(5)
    profile = [
        (5, (a, c, b, e, d)),
        (5, (a, d, e, c, b)),
        (8, (b, e, d, a, c)),
        (3, (c, a, b, e, d)),
        (7, (c, a, e, b, d)),
        (2, (c, b, a, d, e)),
        (7, (d, c, e, b, a)),
        (8, (e, b, a, d, c)),
    ]
    rankings = [list(order) for count, order in profile for _ in range(count)]
    batch = tally_groups(rankings, group_index=[0] * 45, n_groups=1, m=5)
    assert batch[0].beats.tolist() == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    priorities = summarise(batch)[0].priorities
    assert priorities is not None
    order = sorted(range(5), key=lambda i: priorities[i].schulze_rank)
    assert order == [e, a, c, b, d]


def test_single_ballot_group_has_a_degenerate_interval():
    # m = 5, ballot 2 > 0: points 3, 4 and 1 for each of the three unranked, divided by 4.
    priorities = summarise(TallyBatch.stack([ballot_tally([2, 0], m=5)], m=5))[0].priorities
    assert priorities is not None
    assert [p.score for p in priorities] == pytest.approx([3 / 4, 1 / 4, 1, 1 / 4, 1 / 4])
    for p in priorities:
        assert p.score_low == p.score == p.score_high


def test_group_without_ballots_has_no_numbers():
    batch = tally_groups([[1, 0]], group_index=[1], n_groups=3, m=2)
    summaries = summarise(batch)
    assert [s.ballot_count for s in summaries] == [0, 1, 0]
    assert summaries[0].priorities is None and summaries[2].priorities is None
    assert summaries[1].priorities is not None


def test_to_bytes_uses_the_narrowest_integers_that_fit():
    one_ballot = ballot_tally(list(range(12)), m=12)  # largest value: 22² = 484, two bytes
    assert len(tally_to_bytes(one_ballot)) == 2 + 2 * tally_width(12)
    assert len(tally_to_bytes(Tally.empty(12))) == 2 + tally_width(12)


def test_from_bytes_refuses_bytes_of_another_dialogue_size_or_format():
    data = tally_to_bytes(ballot_tally([0, 1], m=4))
    with pytest.raises(ValueError):
        tally_from_bytes(data, m=5)
    with pytest.raises(ValueError):
        tally_from_bytes(b"\x07" + data[1:], m=4)


def test_tallies_of_different_dialogue_sizes_do_not_combine():
    with pytest.raises(ValueError):
        _ = ballot_tally([0], m=3) + ballot_tally([0], m=4)
    with pytest.raises(ValueError):
        TallyBatch.stack([ballot_tally([0], m=3)], m=4)


@pytest.mark.parametrize(
    ("rankings", "group_index", "n_groups"),
    [
        ([[0, 0, -1]], [0], 1),  # duplicate priority
        ([[0, 3, -1]], [0], 1),  # unknown priority
        ([[0, -2, -1]], [0], 1),  # bad padding value
        ([[-1, -1, -1]], [0], 1),  # ranks nothing
        ([[0, -1, 1]], [0], 1),  # padding before a ranked priority
        ([[0, 1, 2, -1]], [0], 1),  # wider than m
        ([[0, 1, 2]], [1], 1),  # group out of range
        ([[0, 1, 2]], [0, 0], 1),  # group index of the wrong length
        ([[0.0, 1.0, 2.0]], [0], 1),  # not integers
    ],
)
def test_invalid_ballots_are_refused(rankings, group_index, n_groups):
    with pytest.raises(ValueError):
        tally_groups(rankings, group_index=group_index, n_groups=n_groups, m=3)


@pytest.mark.parametrize("m", [1, MAX_PRIORITIES + 1])
def test_dialogue_sizes_outside_the_supported_range_are_refused(m):
    with pytest.raises(ValueError):
        Tally.empty(m)
