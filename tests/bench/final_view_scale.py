"""How long the final view's suppression takes as dialogues grow (the exact check included).

    .venv/bin/python -m tests.bench.final_view_scale

For synthetic dialogues of growing size (wijken × buurten, sessions over four kinds of venue,
ballots spread at random, one in ten without a place and one in six without an age band,
minimum group size 10) prints the CPU time of the final view and, as the baseline measured in
the same run, of the view while the dialogue runs (no crossed cells), their ratio, how many
rounds of the exact check were needed and how many crossed figures are shown in the end.
"""

import argparse
import time

import numpy as np

from api.results import cells
from api.results.cells import BallotColumns, final_view, is_crossed, published_tallies, release_view
from api.results.layout import DialogueLayout

KINDS = ("library", "youth_centre", "community_centre", "other")
BANDS = ("12-17", "18-24", "25-44", "45-64", "65+")
SIZES = [(5, 4, 4, 300), (20, 5, 8, 3_000), (40, 10, 10, 30_000), (100, 5, 12, 200_000)]


def synthetic_layout(wijken: int, buurten_per_wijk: int, sessions: int) -> DialogueLayout:
    """Wijken of equal size (each neighbourhood id also its wijk's own), sessions round-robin."""
    buurt_code: dict[int, str] = {}
    wijk_code: dict[int, str] = {}
    buurten_by_wijk: dict[str, tuple[str, ...]] = {}
    next_id = 1
    for w in range(wijken):
        wijk = f"WK{w:06d}"
        wijk_code[next_id] = wijk
        next_id += 1
        codes = []
        for b in range(buurten_per_wijk):
            code = f"BU{w:04d}{b:04d}"
            buurt_code[next_id] = code
            wijk_code[next_id] = wijk
            codes.append(code)
            next_id += 1
        buurten_by_wijk[wijk] = tuple(codes)
    session_kind = {s: KINDS[s % len(KINDS)] for s in range(1, sessions + 1)}
    by_kind: dict[str, list[int]] = {}
    for session, kind in session_kind.items():
        by_kind.setdefault(kind, []).append(session)
    return DialogueLayout(
        priority_ids=(1, 2, 3, 4, 5),
        buurt_code=buurt_code,
        wijk_code=wijk_code,
        session_kind=session_kind,
        session_ids_by_kind={kind: tuple(ids) for kind, ids in by_kind.items()},
        buurten_by_wijk=buurten_by_wijk,
        age_bands=BANDS,
        place_names={},
        session_labels={s: f"Gesprek {s}" for s in session_kind},
    )


def synthetic_counts(layout: DialogueLayout, ballots: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    places = np.array(list(layout.wijk_code))
    neighbourhood = np.where(rng.random(ballots) < 0.1, -1, rng.choice(places, ballots))
    columns = BallotColumns(
        rankings=np.tile(np.arange(5), (ballots, 1)),
        session_id=rng.integers(1, len(layout.session_kind) + 1, ballots),
        neighbourhood_id=neighbourhood,
        age_band=rng.integers(-1, len(BANDS), ballots),
    )
    return {cell: int(values[0]) for cell, values in published_tallies(columns, layout).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    checks: list[int] = []
    checked = cells.small_groups_given_away

    def counting_check(*positional, **named):
        found = checked(*positional, **named)
        checks.append(len(found))
        return found

    cells.small_groups_given_away = counting_check
    print(f"{'ballots':>8} {'places':>6} {'cells':>6} {'running s':>9} {'final s':>8} "
          f"{'ratio':>6} {'rounds':>6} {'crossed shown':>13}")  # fmt: skip
    for wijken, per_wijk, sessions, ballots in SIZES:
        layout = synthetic_layout(wijken, per_wijk, sessions)
        counts = synthetic_counts(layout, ballots, args.seed)
        started = time.process_time()
        release_view(counts, layout, min_group_size=10)
        running = time.process_time() - started
        checks.clear()
        started = time.process_time()
        view = final_view(counts, layout, min_group_size=10)
        final = time.process_time() - started
        shown = sum(
            1 for c, n in view.counts.items() if n and is_crossed(c) and c not in view.hidden
        )
        print(f"{ballots:>8} {len(layout.wijk_code):>6} {len(counts):>6} {running:>9.2f} "
              f"{final:>8.2f} {final / running:>6.1f} {len(checks):>6} {shown:>13}")  # fmt: skip


if __name__ == "__main__":
    main()
