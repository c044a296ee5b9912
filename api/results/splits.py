"""Figures published from a dialogue's last release only: every group's life satisfaction
(split into those who answered the question and those who did not), and the dialogue's
ballots split by how people take part.

While a dialogue runs, its release moves by the release rule over the cells of `cells.py`.
These splits are new figures over the same ballots; they are decided once, when the release
no longer changes (`result_states.final_at`), like the crossed breakdowns. A split key is
(cell, (participant type or ALL, answered / skipped or ALL)); (cell, (ALL, ALL)) is the cell
itself, whose state the published results fixed. Every published cell is split into who
answered and who did not (both readable: the group's ballots minus its answers), the
dialogue's total also by participant type. The keys form lines like the cells do, and one
suppression decides them all: no shown split figure, nor any difference between a total and
its shown parts, covers 1 … min_group_size − 1 ballots or answers. See docs/release-rule.md.

Participant type is crossed with nothing else on purpose: crossed with a venue, age band or
buurt, a handful of others next to the young people of one age band hides the young people's
group of the whole dialogue too (a line with one hidden part gives it back), so the crossed
views would cost the one breakdown by type that matters.
"""

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache
from sqlalchemy import select
from sqlmodel import Session

from api.results.aggregation import Z_95
from api.results.cells import (
    BallotColumns,
    ReleaseView,
    ballot_columns_from,
    final_view,
    published_tallies,
)
from api.results.layout import Cell, DialogueLayout, wijk_only
from api.results.models import ALL, NOT_GIVEN, ReleasedBallot
from api.results.schemas import LifeSatisfaction
from api.results.suppression import Lattice, Line
from api.sessions.ballot_box import LIFE_SATISFACTION_MAX
from api.sessions.models import ParticipantType

TYPES = (*(kind.value for kind in ParticipantType), NOT_GIVEN)
ANSWERED, SKIPPED = "answered", "skipped"
Split = tuple[str, str]  # (participant type or ALL, ANSWERED / SKIPPED or ALL)
Key = tuple[Cell, Split]
WHOLE: Split = (ALL, ALL)
TOTAL: Cell = (ALL, ALL, ALL)
# The shares CBS publishes for the question: 0–5 (dissatisfied), 6, 7–8, 9–10 (very satisfied).
SHARE_BANDS = {"0-5": range(0, 6), "6": range(6, 7), "7-8": range(7, 9), "9-10": range(9, 11)}


@dataclass(frozen=True)
class SplitView:
    """The final release split: tallies of the type groups, the answers per score, and which
    split keys are hidden."""

    tallies: dict[Key, np.ndarray]
    scores: dict[Key, np.ndarray]  # answers per score 0…10, for keys with ANSWERED
    hidden: frozenset[Key]
    base: ReleaseView


_CACHE: LRUCache[tuple, SplitView] = LRUCache(maxsize=32)
_CACHE_LOCK = threading.Lock()


def split_view(
    db: Session,
    *,
    dialogue_id: int,
    layout: DialogueLayout,
    min_group_size: int,
    release: tuple,
) -> SplitView:
    """The split of a dialogue's final release (`release` identifies it, for the cache)."""
    cache_key = (dialogue_id, min_group_size, *release)
    with _CACHE_LOCK:
        cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    ballots, types, scores = _released(db, dialogue_id=dialogue_id, layout=layout)
    view = decide_splits(ballots, types, scores, layout=layout, min_group_size=min_group_size)
    with _CACHE_LOCK:
        _CACHE[cache_key] = view
    return view


def _released(
    db: Session, *, dialogue_id: int, layout: DialogueLayout
) -> tuple[BallotColumns, np.ndarray, np.ndarray]:
    rows = db.execute(
        select(
            ReleasedBallot.ranking,
            ReleasedBallot.session_id,
            ReleasedBallot.neighbourhood_id,
            ReleasedBallot.age_band,
            ReleasedBallot.participant_type,
            ReleasedBallot.life_satisfaction,
        ).where(ReleasedBallot.dialogue_id == dialogue_id)
    ).all()
    columns = ballot_columns_from(
        [[int(p) for p in r[0].split(",")] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        layout,
    )
    types = np.array([r[4] or NOT_GIVEN for r in rows], dtype=object)
    scores = np.array([-1 if r[5] is None else r[5] for r in rows], dtype=np.int64)
    return columns, types, scores


def _subset(ballots: BallotColumns, chosen: np.ndarray) -> BallotColumns:
    return BallotColumns(
        rankings=ballots.rankings[chosen],
        session_id=ballots.session_id[chosen],
        neighbourhood_id=ballots.neighbourhood_id[chosen],
        age_band=ballots.age_band[chosen],
    )


def _with_wijk_only(counts: dict[Cell, int], layout: DialogueLayout, cells: Iterable[Cell]):
    """Counts of `cells`, with the never-published wijk-only cells derived (wijk − buurten)."""
    wijk_of_only = {wijk_only(wijk): wijk for wijk in layout.buurten_by_wijk}
    full = {cell: counts.get(cell, 0) for cell in cells}
    for cell in full:
        place, venue, band = cell
        if place in wijk_of_only:
            wijk = wijk_of_only[place]
            full[cell] = counts.get((wijk, venue, band), 0) - sum(
                counts.get((b, venue, band), 0) for b in layout.buurten_by_wijk[wijk]
            )
    return full


def decide_splits(
    ballots: BallotColumns,
    types: np.ndarray,
    scores: np.ndarray,
    *,
    layout: DialogueLayout,
    min_group_size: int,
) -> SplitView:
    """Tally every split of the final release and decide which split keys are hidden."""
    whole = published_tallies(ballots, layout)
    base = final_view(
        {c: int(v[0]) for c, v in whole.items()}, layout, min_group_size=min_group_size
    )
    cells = list(base.counts)
    answered = scores >= 0
    counts: dict[Key, int] = {(cell, WHOLE): count for cell, count in base.counts.items()}
    part = published_tallies(_subset(ballots, answered), layout) if answered.any() else {}
    plain = {cell: int(values[0]) for cell, values in part.items()}
    for cell, count in _with_wijk_only(plain, layout, cells).items():
        counts[(cell, (ALL, ANSWERED))] = count
        counts[(cell, (ALL, SKIPPED))] = base.counts[cell] - count
    score_counts: dict[Key, np.ndarray] = {}
    for score in range(LIFE_SATISFACTION_MAX + 1):
        chosen = scores == score
        if chosen.any():
            for cell, values in published_tallies(_subset(ballots, chosen), layout).items():
                key = (cell, (ALL, ANSWERED))
                score_counts.setdefault(key, _no_answers())[score] += int(values[0])
    tallies: dict[Key, np.ndarray] = {(cell, WHOLE): values for cell, values in whole.items()}
    for kind in TYPES:
        of_kind = types == kind
        total = (
            published_tallies(_subset(ballots, of_kind), layout).get(TOTAL)
            if of_kind.any()
            else None
        )
        if total is not None:
            tallies[(TOTAL, (kind, ALL))] = total
        kind_scores = np.bincount(scores[of_kind & answered], minlength=LIFE_SATISFACTION_MAX + 1)
        if kind_scores.any():
            score_counts[(TOTAL, (kind, ANSWERED))] = kind_scores
        counts[(TOTAL, (kind, ALL))] = int(of_kind.sum())
        counts[(TOTAL, (kind, ANSWERED))] = int(kind_scores.sum())
        counts[(TOTAL, (kind, SKIPPED))] = int(of_kind.sum() - kind_scores.sum())
    only = {wijk_only(wijk) for wijk in layout.buurten_by_wijk}
    hidden = Lattice(
        split_lines(base), unpublished={key for key in counts if key[0][0] in only}
    ).hidden(
        counts,
        min_group_size=min_group_size,
        fixed_hidden=[(cell, WHOLE) for cell in cells if cell in base.hidden],
        fixed_shown=[(cell, WHOLE) for cell in cells if cell not in base.hidden],
    )
    return SplitView(tallies=tallies, scores=score_counts, hidden=frozenset(hidden), base=base)


def _no_answers() -> np.ndarray:
    return np.zeros(LIFE_SATISFACTION_MAX + 1, dtype=np.int64)


def split_lines(base: ReleaseView) -> list[Line[Key]]:
    """The lines of the split keys: every line of the final release again among those who
    answered and among those who did not; each cell split into both; and the dialogue's
    total split by participant type, each type again into both."""
    lines: list[Line[Key]] = []
    for split in ((ALL, ANSWERED), (ALL, SKIPPED)):
        for line in base.lines:
            lines.append(
                Line(
                    None if line.parent is None else (line.parent, split),
                    tuple((child, split) for child in line.children),
                    tuple(None if via is None else (via, split) for via in line.via),
                )
            )
    for cell in base.counts:
        lines.append(Line((cell, WHOLE), ((cell, (ALL, ANSWERED)), (cell, (ALL, SKIPPED)))))
    for answered in (ALL, ANSWERED, SKIPPED):
        lines.append(
            Line((TOTAL, (ALL, answered)), tuple((TOTAL, (kind, answered)) for kind in TYPES))
        )
    for kind in TYPES:
        lines.append(
            Line((TOTAL, (kind, ALL)), ((TOTAL, (kind, ANSWERED)), (TOTAL, (kind, SKIPPED))))
        )
    return lines


def life_satisfaction(view: SplitView, cell: Cell, kind: str = ALL) -> LifeSatisfaction | None:
    """The life-satisfaction figures of a group, or None when its answers are hidden (too few
    of them, or protecting a smaller group's) or nobody answered."""
    key = (cell, (kind, ANSWERED))
    group = (cell, (kind, ALL))
    if key in view.hidden or group in view.hidden or key not in view.scores:
        return None
    return life_satisfaction_of(view.scores[key])


def life_satisfaction_of(per_score: Sequence[int]) -> LifeSatisfaction | None:
    """Mean, its 95% normal interval (mean ± 1.96·s/√n, s the sample standard deviation)
    and the CBS shares, from the number of answers per score 0…10."""
    answered = int(sum(per_score))
    if not answered:
        return None
    values = np.arange(len(per_score), dtype=np.float64)
    weights = np.asarray(per_score, dtype=np.float64)
    mean = float((values * weights).sum() / answered)
    spread = float((weights * (values - mean) ** 2).sum())
    half = Z_95 * math.sqrt(spread / (answered - 1)) / math.sqrt(answered) if answered > 1 else 0.0
    return LifeSatisfaction(
        answered=answered,
        mean=mean,
        mean_low=max(mean - half, 0.0),
        mean_high=min(mean + half, float(LIFE_SATISFACTION_MAX)),
        shares={
            band: float(sum(per_score[s] for s in scores if s < len(per_score)) / answered)
            for band, scores in SHARE_BANDS.items()
        },
    )
