"""How far the published release lags behind the ballots received (the price of the rule).

    .venv/bin/python -m tests.bench.release_lag [--seeds 5] [--per-refresh 20] [--refreshes 12]

A simulated dialogue like the results tests' world (two wijken with five buurten, four
sessions of three venue kinds, one of them small, six age bands, six priorities, partial
rankings, some residents naming only a wijk or nothing), minGroupSize 10: 120 ballots, then
`--per-refresh` new ballots between refreshes. Each refresh chooses the next release exactly
as the refresher does (`tests.unit.test_releases.next_release`). Printed per seed: after each
refresh the ballots received, released and waiting; then the share of received ballots the
release holds (baseline: every received ballot, as the old live tallies showed them).
"""

import argparse
import random
import statistics

from api.results.layout import DialogueLayout
from api.results.releases import Snapshot
from tests.unit.test_cells import BANDS, RandomBallot
from tests.unit.test_releases import next_release

LAYOUT = DialogueLayout(
    priority_ids=(1, 2, 3, 4, 5, 6),
    buurt_code={
        2: "BU03440101",
        3: "BU03440102",
        4: "BU03440103",
        6: "BU03440201",
        7: "BU03440202",
    },
    wijk_code={
        1: "WK034401",
        2: "WK034401",
        3: "WK034401",
        4: "WK034401",
        5: "WK034402",
        6: "WK034402",
        7: "WK034402",
    },  # fmt: skip
    session_kind={1: "library", 2: "library", 3: "youth_centre", 4: "community_centre"},
    session_ids_by_kind={"library": (1, 2), "youth_centre": (3,), "community_centre": (4,)},
    buurten_by_wijk={
        "WK034401": ("BU03440101", "BU03440102", "BU03440103"),
        "WK034402": ("BU03440201", "BU03440202"),
    },
    age_bands=BANDS,
    place_names={},
    session_labels={},
)


def random_ballot(rng: random.Random) -> RandomBallot:
    session_id = rng.choices([1, 2, 3, 4], weights=[6, 1, 3, 4])[0]
    place = rng.random()
    if place < 0.6:
        neighbourhood = rng.choice([2, 3, 4, 6, 7])
    elif place < 0.75:
        neighbourhood = rng.choice([1, 5])
    else:
        neighbourhood = None
    order = list(LAYOUT.priority_ids)
    rng.shuffle(order)
    return RandomBallot(
        session_id, neighbourhood, rng.choice([*BANDS, None]), tuple(order[: rng.randint(1, 6)])
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--per-refresh", type=int, default=20)
    parser.add_argument("--refreshes", type=int, default=12)
    parser.add_argument("--min-group-size", type=int, default=10)
    args = parser.parse_args()
    shares, waits, releases = [], [], 0
    for seed in range(args.seeds):
        rng = random.Random(seed)
        received = {unit: random_ballot(rng) for unit in range(120)}
        history: list[Snapshot] = []
        released = next_release(LAYOUT, {}, received, args.min_group_size, history)
        line = [f"seed {seed}: 120 → released {len(released)}"]
        for _ in range(args.refreshes):
            for _ in range(args.per_refresh):
                received[len(received)] = random_ballot(rng)
            before = released
            released = next_release(LAYOUT, released, received, args.min_group_size, history)
            releases += released != before
            waiting = sum(released.get(u) != v for u, v in received.items())
            waits.append(waiting)
            shares.append(len(released) / len(received))
            line.append(f"{len(received)}:{len(released)}")
        print("  ".join(line))
    print(
        f"released / received (baseline: every received ballot = 1.00): median "
        f"{statistics.median(shares):.2f}, lowest {min(shares):.2f}"
    )
    print(
        f"ballots waiting after a refresh: median {statistics.median(waits):.0f}, "
        f"most {max(waits)}; releases that changed: {releases} of "
        f"{args.seeds * args.refreshes} refreshes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
