"""An obviously correct, slow implementation of docs/design.md "Aggregation", to test against."""

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from api.results.aggregation import Tally, tally_width

Ballot = tuple[int, ...]


def reference_points(ballot: Ballot, m: int) -> list[Fraction]:
    """Borda points per priority: m - rank if ranked, else (m - k - 1) / 2."""
    points = [Fraction(m - len(ballot) - 1, 2)] * m
    for position, priority in enumerate(ballot):
        points[priority] = Fraction(m - (position + 1))
    return points


def reference_ranks(ballot: Ballot, m: int) -> list[Fraction]:
    """Rank per priority: its rank if ranked, else (k + 1 + m) / 2."""
    ranks = [Fraction(len(ballot) + 1 + m, 2)] * m
    for position, priority in enumerate(ballot):
        ranks[priority] = Fraction(position + 1)
    return ranks


def prefers(ballot: Ballot, a: int, b: int) -> bool:
    """Whether the ballot puts a above b (ranked beats unranked, two unranked tie)."""
    if a not in ballot:
        return False
    return b not in ballot or ballot.index(a) < ballot.index(b)


def reference_pairwise(ballots: list[Ballot], m: int) -> list[list[int]]:
    return [[sum(prefers(ballot, a, b) for ballot in ballots) for b in range(m)] for a in range(m)]


def reference_schulze_ranks(d: list[list[int]], scores: list[Fraction]) -> list[int]:
    m = len(d)
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(m)] for i in range(m)]
    for i in range(m):
        for j in range(m):
            if i == j:
                continue
            for k in range(m):
                if k not in (i, j):
                    p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
    wins = [sum(p[i][j] > p[j][i] for j in range(m) if j != i) for i in range(m)]
    order = sorted(range(m), key=lambda i: (-wins[i], -scores[i], i))
    ranks = [0] * m
    for position, priority in enumerate(order):
        ranks[priority] = position + 1
    return ranks


@dataclass
class ReferencePriority:
    score: Fraction
    score_low: float
    score_high: float
    first_choice_share: Fraction
    top_three_share: Fraction
    mean_rank: Fraction
    schulze_rank: int


def reference_summary(ballots: list[Ballot], m: int) -> list[ReferencePriority] | None:
    n = len(ballots)
    if n == 0:
        return None
    normalised = [[p / (m - 1) for p in reference_points(ballot, m)] for ballot in ballots]
    ranks = [reference_ranks(ballot, m) for ballot in ballots]
    scores = [sum(row[i] for row in normalised) / n for i in range(m)]
    schulze = reference_schulze_ranks(reference_pairwise(ballots, m), scores)
    result = []
    for i in range(m):
        if n >= 2:
            variance = sum((row[i] - scores[i]) ** 2 for row in normalised) / (n - 1)
            half_width = 1.96 * math.sqrt(variance) / math.sqrt(n)
        else:
            half_width = 0.0
        result.append(
            ReferencePriority(
                score=scores[i],
                score_low=min(1.0, max(0.0, float(scores[i]) - half_width)),
                score_high=min(1.0, max(0.0, float(scores[i]) + half_width)),
                first_choice_share=Fraction(sum(b[0] == i for b in ballots), n),
                top_three_share=Fraction(sum(i in b[:3] for b in ballots), n),
                mean_rank=sum(row[i] for row in ranks) / n,
                schulze_rank=schulze[i],
            )
        )
    return result


def reference_tally_fields(ballots: list[Ballot], m: int) -> dict[str, object]:
    points2 = [[2 * p for p in reference_points(ballot, m)] for ballot in ballots]
    ranks2 = [[2 * r for r in reference_ranks(ballot, m)] for ballot in ballots]
    return {
        "n": len(ballots),
        "points2_sum": [int(sum(row[i] for row in points2)) for i in range(m)],
        "points2_sq_sum": [int(sum(row[i] ** 2 for row in points2)) for i in range(m)],
        "first": [sum(b[0] == i for b in ballots) for i in range(m)],
        "top3": [sum(i in b[:3] for b in ballots) for i in range(m)],
        "rank2_sum": [int(sum(row[i] for row in ranks2)) for i in range(m)],
        "beats": reference_pairwise(ballots, m),
    }


@dataclass(frozen=True)
class ReferenceLifeSatisfaction:
    answered: int
    mean: Fraction
    mean_low: float
    mean_high: float
    shares: dict[str, Fraction]


def reference_life_satisfaction(answers: list[int]) -> ReferenceLifeSatisfaction | None:
    """Mean of the 0–10 answers, its 95% normal interval (mean ± 1.96 s/√n, s the sample
    standard deviation) within 0…10, and the shares scoring 0–5, 6, 7–8 and 9–10."""
    n = len(answers)
    if n == 0:
        return None
    mean = Fraction(sum(answers), n)
    if n >= 2:
        variance = sum((a - mean) ** 2 for a in answers) / (n - 1)
        half_width = 1.96 * math.sqrt(variance) / math.sqrt(n)
    else:
        half_width = 0.0
    bands = {"0-5": range(0, 6), "6": range(6, 7), "7-8": range(7, 9), "9-10": range(9, 11)}
    return ReferenceLifeSatisfaction(
        answered=n,
        mean=mean,
        mean_low=max(0.0, float(mean) - half_width),
        mean_high=min(10.0, float(mean) + half_width),
        shares={band: Fraction(sum(a in r for a in answers), n) for band, r in bands.items()},
    )


# --- a byte form of a tally (no production code stores one; kept to prove Tally round-trips) ---

TALLY_BYTES_FORMAT_VERSION = 1
TALLY_BYTES_ITEM_SIZES = (1, 2, 4, 8)


def tally_to_bytes(tally: Tally) -> bytes:
    """Compact little-endian form of a tally, using the narrowest integer that fits."""
    lowest, highest = int(tally.values.min()), int(tally.values.max())
    item_size = next(
        size
        for size in TALLY_BYTES_ITEM_SIZES
        if -(1 << (8 * size - 1)) <= lowest and highest < (1 << (8 * size - 1))
    )
    header = bytes((TALLY_BYTES_FORMAT_VERSION, item_size))
    return header + tally.values.astype(f"<i{item_size}").tobytes()


def tally_from_bytes(data: bytes, *, m: int) -> Tally:
    """Read a tally written by ``tally_to_bytes`` for a dialogue with ``m`` priorities."""
    if (
        len(data) < 2
        or data[0] != TALLY_BYTES_FORMAT_VERSION
        or data[1] not in TALLY_BYTES_ITEM_SIZES
    ):
        raise ValueError("not a tally written by tally_to_bytes")
    item_size = data[1]
    if len(data) != 2 + item_size * tally_width(m):
        raise ValueError(f"tally bytes do not match m={m}")
    stored = np.frombuffer(data, dtype=f"<i{item_size}", offset=2)
    return Tally(m=m, values=stored.astype(np.int64))
