"""Additive integer tallies of ranked ballots, and the figures of docs/design.md "Aggregation"."""

# A dialogue has m priorities, named by index 0 … m-1. A ballot ranks k of them, best first.
# A tally keeps only integer sums over ballots, half points and half ranks doubled away, so
# tallies add and subtract exactly: a cell is kept up to date ballot by ballot (a replaced
# ballot is subtracted), and cells sum into larger groups (buurten into wijken).
# Layout of one tally, a flat int64 vector: n, then the per-priority vectors of
# _VECTOR_FIELDS (m each), then the m × m matrix beats[a, b] = ballots preferring a over b.
# A TallyBatch stacks these vectors for many groups along a leading axis.

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

Z_95 = 1.96
MAX_PRIORITIES = 63
TOP_POSITIONS = 3
_VECTOR_FIELDS = ("points2_sum", "points2_sq_sum", "first", "top3", "rank2_sum")
_PRIORITIES_PER_PASS = 4  # bits of the ranked-before mask binned per pass (16 bins each)


def tally_width(m: int) -> int:
    """Number of integers in one group's tally for a dialogue with ``m`` priorities."""
    return 1 + len(_VECTOR_FIELDS) * m + m * m


def _check_priority_count(m: int) -> None:
    """Refuse dialogue sizes without a defined score or beyond 64-bit ranked-before masks."""
    if not 2 <= m <= MAX_PRIORITIES:
        raise ValueError(f"a dialogue needs 2 … {MAX_PRIORITIES} priorities, got m={m}")


class _TallyFields:
    """Named views into the flat tally layout, for one group or a leading axis of groups."""

    __slots__ = ()
    m: int
    values: IntArray

    def _per_priority(self, field: str) -> IntArray:
        """View of one per-priority vector of the layout."""
        start = 1 + _VECTOR_FIELDS.index(field) * self.m
        return self.values[..., start : start + self.m]

    @property
    def points2_sum(self) -> IntArray:
        """Sum over ballots of twice the Borda points of each priority."""
        return self._per_priority("points2_sum")

    @property
    def points2_sq_sum(self) -> IntArray:
        """Sum over ballots of the square of twice the Borda points of each priority."""
        return self._per_priority("points2_sq_sum")

    @property
    def first(self) -> IntArray:
        """Number of ballots ranking each priority first."""
        return self._per_priority("first")

    @property
    def top3(self) -> IntArray:
        """Number of ballots ranking each priority within the first three positions."""
        return self._per_priority("top3")

    @property
    def rank2_sum(self) -> IntArray:
        """Sum over ballots of twice each priority's rank (unranked: the mean of the ranks left)."""
        return self._per_priority("rank2_sum")

    @property
    def beats(self) -> IntArray:
        """Pairwise matrix: ``beats[..., a, b]`` is the number of ballots preferring a over b."""
        start = 1 + len(_VECTOR_FIELDS) * self.m
        return self.values[..., start:].reshape(*self.values.shape[:-1], self.m, self.m)


class Tally(_TallyFields):
    """Integer sums over one group's ballots; supports +, -, +=, -= and exact equality."""

    __slots__ = ("m", "values")

    def __init__(self, *, m: int, values: npt.ArrayLike) -> None:
        _check_priority_count(m)
        flat = np.array(values, dtype=np.int64)
        if flat.shape != (tally_width(m),):
            raise ValueError(f"a tally for m={m} has {tally_width(m)} values, got {flat.shape}")
        self.m = m
        self.values = flat

    @classmethod
    def empty(cls, m: int) -> Tally:
        """The tally of no ballots."""
        return cls(m=m, values=np.zeros(tally_width(m), dtype=np.int64))

    @property
    def n(self) -> int:
        """Number of ballots."""
        return int(self.values[0])

    def _same_dialogue(self, other: Tally) -> None:
        """Refuse arithmetic between tallies of dialogues of different sizes."""
        if self.m != other.m:
            raise ValueError(f"cannot combine tallies with m={self.m} and m={other.m}")

    def __add__(self, other: Tally) -> Tally:
        self._same_dialogue(other)
        return Tally(m=self.m, values=self.values + other.values)

    def __sub__(self, other: Tally) -> Tally:
        self._same_dialogue(other)
        return Tally(m=self.m, values=self.values - other.values)

    def __iadd__(self, other: Tally) -> Tally:
        self._same_dialogue(other)
        self.values += other.values
        return self

    def __isub__(self, other: Tally) -> Tally:
        self._same_dialogue(other)
        self.values -= other.values
        return self

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tally):
            return NotImplemented
        return self.m == other.m and bool(np.array_equal(self.values, other.values))

    def __repr__(self) -> str:
        return f"Tally(m={self.m}, n={self.n})"


class TallyBatch(_TallyFields):
    """Tallies of many groups at once: every field gains a leading group axis."""

    __slots__ = ("m", "values")

    def __init__(self, *, m: int, values: npt.ArrayLike) -> None:
        _check_priority_count(m)
        rows = np.array(values, dtype=np.int64)
        if rows.ndim != 2 or rows.shape[1] != tally_width(m):
            raise ValueError(f"a tally batch for m={m} has shape (G, {tally_width(m)})")
        self.m = m
        self.values = rows

    @classmethod
    def stack(cls, tallies: Sequence[Tally], *, m: int) -> TallyBatch:
        """A batch with one group per tally, in order."""
        rows = np.zeros((len(tallies), tally_width(m)), dtype=np.int64)
        for row, tally in zip(rows, tallies, strict=True):
            if tally.m != m:
                raise ValueError(f"cannot stack a tally with m={tally.m} into a batch with m={m}")
            row[:] = tally.values
        return cls(m=m, values=rows)

    @property
    def n(self) -> IntArray:
        """Number of ballots of each group."""
        return self.values[:, 0]

    def __len__(self) -> int:
        return self.values.shape[0]

    def __getitem__(self, group: int) -> Tally:
        return Tally(m=self.m, values=self.values[group])

    def sum_groups(self, target_index: npt.ArrayLike, *, n_targets: int) -> TallyBatch:
        """Add each group into group ``target_index[g]`` of a new batch (buurten into wijken)."""
        targets = np.asarray(target_index, dtype=np.int64)
        if targets.shape != (len(self),):
            raise ValueError("target_index needs one entry per group")
        _check_group_index(targets, n_groups=n_targets)
        return TallyBatch(m=self.m, values=_sum_rows_by_index(self.values, targets, n_targets))

    def total(self) -> Tally:
        """The tally of all groups together."""
        return Tally(m=self.m, values=self.values.sum(axis=0))


def _check_group_index(group_index: IntArray, *, n_groups: int) -> None:
    """Refuse group indices outside ``0 … n_groups-1``."""
    if n_groups < 0:
        raise ValueError("n_groups cannot be negative")
    if group_index.size and (group_index.min() < 0 or group_index.max() >= n_groups):
        raise ValueError(f"group indices must lie in 0 … {n_groups - 1}")


def _sum_rows_by_index(rows: IntArray, index: IntArray, n_out: int) -> IntArray:
    """Sum the rows sharing an index, by sorting and ``np.add.reduceat``; absent indices give 0."""
    totals = np.zeros((n_out, rows.shape[1]), dtype=np.int64)
    rows_per_index = np.bincount(index, minlength=n_out)
    present = rows_per_index > 0
    if present.any():
        order = np.argsort(index, kind="stable")
        starts = (np.cumsum(rows_per_index) - rows_per_index)[present]
        totals[present] = np.add.reduceat(rows[order], starts, axis=0)
    return totals


def _checked_rankings(rankings: npt.ArrayLike, *, m: int) -> npt.NDArray[np.signedinteger]:
    """Padded rankings with valid entries and padding, in the narrowest integer type that fits."""
    ballots = np.asarray(rankings)
    if ballots.ndim != 2 or ballots.shape[1] > m:
        raise ValueError(f"rankings must have shape (N, width) with width ≤ m={m}")
    if ballots.shape[0] == 0:
        return np.zeros(ballots.shape, dtype=np.int8)
    if not np.issubdtype(ballots.dtype, np.integer):
        raise ValueError("rankings must be an integer array")
    if ballots.shape[1] == 0 or (ballots[:, 0] < 0).any():
        raise ValueError("every ballot ranks at least one priority")
    if ballots.min() < -1 or ballots.max() >= m:
        raise ValueError(f"ranking entries must be priority indices 0 … {m - 1} or -1 padding")
    compact = ballots.astype(np.min_scalar_type(-(m + 1)), copy=False)
    ranked = compact >= 0
    if (ranked[:, 1:] > ranked[:, :-1]).any():
        raise ValueError("-1 padding may only follow the ranked priorities")
    return compact


def _masks_ranked_before(ballots: npt.NDArray[np.signedinteger], *, m: int) -> npt.NDArray:
    """Per entry, the bitmask of the priorities its ballot ranks before it; refuses duplicates."""
    mask_type = np.min_scalar_type(-(1 << m))  # signed, so keys stay int64
    bit_by_priority_plus_one = np.zeros(m + 1, dtype=mask_type)  # padding -1 looks up 0
    bit_by_priority_plus_one[1:] = 1 << np.arange(m, dtype=mask_type)
    bits = bit_by_priority_plus_one[ballots + 1]
    masks = np.cumsum(bits, axis=1, dtype=mask_type)
    masks -= bits
    if (masks & bits).any():
        raise ValueError("a ballot ranks a priority twice")
    return masks


def _ranked_before_counts(
    entry_masks: npt.NDArray, *, entry_group_priority: IntArray, n_groups: int, m: int
) -> IntArray:
    """Count, per group g, ballots that rank a and rank b before a, as ``counts[g, a, b]``."""
    # Entries are binned by (group, priority, 4 bits of their ranked-before mask), one pass per
    # 4 priorities; a small matrix product then turns mask counts into pair counts.
    nibble_values = 1 << _PRIORITIES_PER_PASS
    key_base = entry_group_priority * nibble_values
    keys = np.empty_like(key_base)
    counts = np.empty((n_groups, m, m), dtype=np.int64)
    for chunk_start in range(0, m, _PRIORITIES_PER_PASS):
        chunk = np.arange(chunk_start, min(chunk_start + _PRIORITIES_PER_PASS, m))
        np.add(key_base, (entry_masks >> chunk_start) & (nibble_values - 1), out=keys)
        binned = np.bincount(keys, minlength=n_groups * m * nibble_values)
        bit_set = (np.arange(nibble_values)[:, None] >> np.arange(len(chunk))) & 1
        counts[:, :, chunk] = binned.reshape(n_groups, m, nibble_values) @ bit_set
    return counts


def tally_groups(
    rankings: npt.ArrayLike, *, group_index: npt.ArrayLike, n_groups: int, m: int
) -> TallyBatch:
    """Tally (N, width ≤ m) rankings, best first and -1 padded, into groups by ``group_index``."""
    # width may be less than m: pass only as many columns as the longest ballot needs.
    _check_priority_count(m)
    ballots = _checked_rankings(rankings, m=m)
    groups = np.asarray(group_index, dtype=np.int64)
    if groups.shape != (ballots.shape[0],):
        raise ValueError("group_index needs one entry per ballot")
    _check_group_index(groups, n_groups=n_groups)

    ranked = ballots >= 0
    lengths = ranked.sum(axis=1)
    entry_group_priority = np.repeat(groups * m, lengths)
    entry_group_priority += ballots[ranked]
    position_of_entry = np.broadcast_to(np.arange(ballots.shape[1], dtype=np.int8), ballots.shape)
    entry_position = position_of_entry[ranked]
    entry_length = np.repeat(lengths, lengths)

    position_keys = entry_group_priority * m
    position_keys += entry_position
    position_counts = np.bincount(position_keys, minlength=n_groups * m * m)
    position_counts = position_counts.reshape(n_groups, m, m)
    length_keys = entry_group_priority * (m + 1)
    length_keys += entry_length
    ranked_length_counts = np.bincount(length_keys, minlength=n_groups * m * (m + 1))
    ranked_length_counts = ranked_length_counts.reshape(n_groups, m, m + 1)
    length_counts = np.bincount(groups * (m + 1) + lengths, minlength=n_groups * (m + 1))
    length_counts = length_counts.reshape(n_groups, m + 1)

    def ranked_plus_unranked(value_at_position: IntArray, unranked_value: IntArray) -> IntArray:
        """Per group and priority: sum of a per-position value where ranked, else of k's value."""
        unranked_total = (length_counts @ unranked_value)[:, None]
        return (
            position_counts @ value_at_position
            + unranked_total
            - ranked_length_counts @ unranked_value
        )

    position = np.arange(m)
    length = np.arange(m + 1)
    ranked_points2 = 2 * (m - 1 - position)
    unranked_points2 = m - length - 1

    ranked_count = position_counts.sum(axis=2)
    ranked_before = _ranked_before_counts(
        _masks_ranked_before(ballots, m=m)[ranked],
        entry_group_priority=entry_group_priority,
        n_groups=n_groups,
        m=m,
    )
    beats = ranked_count[:, :, None] - ranked_before
    beats[:, position, position] = 0

    values = np.concatenate(
        [
            length_counts.sum(axis=1)[:, None],
            ranked_plus_unranked(ranked_points2, unranked_points2),
            ranked_plus_unranked(ranked_points2**2, unranked_points2**2),
            position_counts[:, :, 0],
            position_counts[:, :, :TOP_POSITIONS].sum(axis=2),
            ranked_plus_unranked(2 * (position + 1), length + 1 + m),
            beats.reshape(n_groups, m * m),
        ],
        axis=1,
    )
    return TallyBatch(m=m, values=values)


def ballot_tally(ranking: Sequence[int], *, m: int) -> Tally:
    """The tally of a single ballot (priority indices, best first)."""
    return tally_groups([list(ranking)], group_index=[0], n_groups=1, m=m)[0]


@dataclass(frozen=True, slots=True)
class PrioritySummary:
    """One priority's figures in one group; shares and scores are fractions 0…1, unrounded."""

    priority_index: int
    score: float
    score_low: float
    score_high: float
    first_choice_share: float
    top_three_share: float
    mean_rank: float
    schulze_rank: int


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """A group's ballot count and, when it has ballots, its figures per priority in index order."""

    ballot_count: int
    priorities: list[PrioritySummary] | None


def schulze_ranks(beats: IntArray, *, tie_break: npt.ArrayLike) -> IntArray:
    """1-based Schulze positions from (G, m, m) pairwise counts; ties: tie_break, then index."""
    n_groups, m, _ = beats.shape
    strongest = np.where(beats > beats.transpose(0, 2, 1), beats, 0)
    for via in range(m):
        through_via = np.minimum(strongest[:, :, via, None], strongest[:, None, via, :])
        np.maximum(strongest, through_via, out=strongest)
    wins = (strongest > strongest.transpose(0, 2, 1)).sum(axis=2)
    index = np.broadcast_to(np.arange(m), (n_groups, m))
    order = np.lexsort((index, -np.asarray(tie_break), -wins), axis=-1)
    ranks = np.empty((n_groups, m), dtype=np.int64)
    np.put_along_axis(ranks, order, index + 1, axis=1)
    return ranks


def summarise(batch: TallyBatch) -> list[GroupSummary]:
    """Score, 95% interval, shares, mean rank and Schulze rank per group and priority."""
    m = batch.m
    counts = batch.n
    with_ballots = np.flatnonzero(counts > 0)
    n = counts[with_ballots][:, None].astype(np.float64)
    points2_sum = batch.points2_sum[with_ballots]
    max_points2 = 2 * (m - 1)

    score = points2_sum / (n * max_points2)
    spread_of_points2 = batch.points2_sq_sum[with_ballots] - points2_sum * (points2_sum / n)
    sample_variance = np.maximum(spread_of_points2, 0) / np.maximum(n - 1, 1)
    half_width = np.where(n >= 2, Z_95 * np.sqrt(sample_variance) / max_points2 / np.sqrt(n), 0.0)
    columns_in_field_order = (
        score,
        np.clip(score - half_width, 0.0, 1.0),
        np.clip(score + half_width, 0.0, 1.0),
        batch.first[with_ballots] / n,
        batch.top3[with_ballots] / n,
        batch.rank2_sum[with_ballots] / (2 * n),
        schulze_ranks(batch.beats[with_ballots], tie_break=points2_sum),
    )
    figures_per_group = zip(*(column.tolist() for column in columns_in_field_order), strict=True)

    summaries = [GroupSummary(ballot_count=count, priorities=None) for count in counts.tolist()]
    for group, group_figures in zip(with_ballots.tolist(), figures_per_group, strict=True):
        priorities = [
            PrioritySummary(priority, *figures)
            for priority, figures in enumerate(zip(*group_figures, strict=True))
        ]
        summaries[group] = GroupSummary(
            ballot_count=summaries[group].ballot_count, priorities=priorities
        )
    return summaries
