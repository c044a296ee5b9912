"""Issue 9's attacks on the results, replayed: each now learns nothing about one ballot."""

import pytest
from fastapi.testclient import TestClient

from api.results.models import GroupBy
from tests.helpers import assert_problem
from tests.results.conftest import AGE_BANDS, TruthBallot, World, results_of

pytestmark = pytest.mark.both_databases  # the release rule over the store of each dialect

COARSE = (GroupBy.NEIGHBOURHOOD, GroupBy.VENUE_KIND, GroupBy.AGE_BAND, GroupBy.SESSION)


def every_breakdown(client: TestClient, headers, world: World) -> dict[str, dict]:
    """Every breakdown an analyst can read while the dialogue runs, and every room's view."""
    views = {
        group_by.value: results_of(client, headers, world, groupBy=group_by.value)
        for group_by in (*COARSE, GroupBy.DIALOGUE)
    }
    for session_id in world.session_ids:
        response = client.get(f"/sessions/{session_id}/results")
        assert response.status_code == 200, response.text
        views[f"room {session_id}"] = response.json()
    return views


def figures(view: dict) -> list[tuple]:
    """What a reader learns from a view: each group's count and figures."""
    return [
        (g["key"], g["suppressed"], g["ballots"], tuple(map(str, g["priorities"] or ())))
        for g in view["groups"]
    ]


def test_the_public_room_view_and_the_analysts_session_group_are_one_release(
    client: TestClient, analyst, empty_world: World
):
    # Attack 1: the room's snapshot (10) against the analyst's current view (11) gave the
    # 11th ballot's ranking; two snapshots 10 → 15 gave five first choices.
    world = empty_world
    room = world.session_ids[0]
    world.cast_random(10, session_id=room)
    world.refresh()
    before = every_breakdown(client, analyst, world)
    assert before[f"room {room}"]["totalBallots"] == 10

    world.cast_random(1, session_id=room)
    world.refresh()
    after = every_breakdown(client, analyst, world)

    public = after[f"room {room}"]["groups"][0]
    staff = next(g for g in after["session"]["groups"] if g["key"] == str(room))
    assert public["ballots"] == staff["ballots"] == 10
    assert public["priorities"] == staff["priorities"]
    assert {name: figures(view) for name, view in after.items()} == {
        name: figures(view) for name, view in before.items()
    }

    world.cast_random(4, session_id=room)  # five new: still fewer than ten since the release
    world.refresh()
    assert figures(every_breakdown(client, analyst, world)[f"room {room}"]) == figures(
        before[f"room {room}"]
    )


def test_polling_every_breakdown_before_and_after_one_ballot_shows_no_difference(
    client: TestClient, analyst, world: World
):
    # Attack 2: an analyst polling groupBy=neighbourhood, ageBand and session around one
    # ballot saw which buurt, band and session went up by one, and the ranking.
    before = every_breakdown(client, analyst, world)
    for session_id in world.session_ids:
        world.cast_random(1, session_id=session_id)
        world.refresh()
        after = every_breakdown(client, analyst, world)
        assert {name: figures(view) for name, view in after.items()} == {
            name: figures(view) for name, view in before.items()
        }, session_id
        assert after["dialogue"]["version"] == before["dialogue"]["version"]


def test_ten_alike_ballots_move_every_figure_they_touch_by_ten(
    client: TestClient, analyst, world: World
):
    before = every_breakdown(client, analyst, world)
    alike = TruthBallot(
        world.session_ids[0], tuple(world.priority_ids[:3]), world.buurten[0], "65+"
    )
    world.cast((None, alike) for _ in range(10))
    world.refresh()
    after = every_breakdown(client, analyst, world)
    for name in ("neighbourhood", "ageBand", "session", "venueKind", "dialogue"):
        old = {g["key"]: g["ballots"] for g in before[name]["groups"]}
        for group in after[name]["groups"]:
            if group["ballots"] is not None and old[group["key"]] is not None:
                assert group["ballots"] - old[group["key"]] in (0, 10), (name, group["key"])


def test_an_empty_group_and_a_small_group_look_the_same(
    client: TestClient, analyst, empty_world: World
):
    # Attack 3: groups of 1–9 were listed as suppressed while empty ones were left out.
    world = empty_world
    crowded, small, empty = world.buurten[0], world.buurten[1], world.buurten[2]
    alike = TruthBallot(world.session_ids[0], tuple(world.priority_ids[:2]), crowded, "25-44")
    world.cast((None, alike) for _ in range(12))
    few = TruthBallot(world.session_ids[0], tuple(world.priority_ids[:2]), small, "25-44")
    world.cast((None, few) for _ in range(3))
    world.refresh()
    groups = {g["key"]: g for g in results_of(client, analyst, world)["groups"]}

    def seen(key: str) -> dict:
        group = dict(groups[key])
        del group["key"], group["label"]
        return group

    assert seen(small) == seen(empty)
    assert seen(empty) == {
        "kind": "buurt", "parent": world.wijk_of(empty), "ballots": None, "suppressed": True,
        "suppressedReason": "tooFew", "priorities": None, "presenceVerified": None,
        "lifeSatisfaction": None,
    }  # fmt: skip
    by_band = {g["key"]: g for g in results_of(client, analyst, world, groupBy="ageBand")["groups"]}
    assert set(by_band) == {"dialogue", *AGE_BANDS, "unknown"}


def test_the_ballots_in_no_shown_age_band_differ_by_enough_from_every_earlier_reading(
    client: TestClient, analyst, empty_world: World
):
    # One 65+ ballot hidden among five; then five more in hidden age bands; then 65+ and
    # 18-24 have enough to be shown. Each step moves "in no shown age band" by five, but the
    # first and the third reading would both hold five ballots, two of them different ones:
    # their difference is one 65+ ballot against one 12-17 ballot. The third step waits.
    world = empty_world
    world.set_min_group_size(5)
    room = world.session_ids[0]

    def cast(n: int, band: str | None) -> None:
        world.cast(
            (None, TruthBallot(room, (world.priority_ids[0],), None, band)) for _ in range(n)
        )

    readings = []
    for batch in (
        [(1, "65+"), (4, None)],
        [(1, "12-17"), (4, "18-24")],
        [(5, "65+"), (5, "18-24")],
    ):
        for n, band in batch:
            cast(n, band)
        world.refresh()
        view = results_of(client, analyst, world, groupBy=GroupBy.AGE_BAND.value)
        shown = {g["key"] for g in view["groups"] if not g["suppressed"]}
        released = world.released()
        readings.append(
            {p: b for p, b in released.items() if (b.age_band or "unknown") not in shown}
        )
        assert view["unshownBallots"] == len(readings[-1])
    assert [len(r) for r in readings] == [5, 10, 10]  # the third release waits
    for later, after in enumerate(readings):
        for before in readings[:later]:
            moved = len(before.keys() ^ after.keys())
            assert moved == 0 or moved >= 5, (before, after)


def test_a_release_is_kept_for_later_comparison_only_when_its_hidden_groups_changed(
    empty_world: World,
):
    world = empty_world
    world.set_min_group_size(5)
    room = world.session_ids[0]

    def cast(n: int, band: str) -> None:
        world.cast(
            (None, TruthBallot(room, (world.priority_ids[0],), None, band)) for _ in range(n)
        )

    kept = []
    for band in ("25-44", "25-44", "65+"):
        cast(5, band)
        world.refresh()
        kept.append(world.count_rows("release_snapshots"))
    # Five more in a shown age band change no hidden group: nothing new to compare with.
    assert kept == [1, 1, 2]


def test_filtered_views_wait_for_the_end_of_the_dialogue(client: TestClient, analyst, world: World):
    # Differencing across filters: groupBy=session&ageBand=… against groupBy=session, taken
    # at two moments, would isolate a ballot. Crossed views come once, from the last release.
    path = f"/dialogues/{world.dialogue_id}/results"
    for params in (
        {"groupBy": "neighbourhood", "ageBand": "25-44"},
        {"groupBy": "session", "venueKind": "library"},
        {"groupBy": "ageBand", "venueKind": "library"},
    ):
        problem = assert_problem(client.get(path, params=params, headers=analyst), 409)
        assert "ended" in problem["detail"]
        csv = client.get(path, params=params, headers={**analyst, "Accept": "text/csv"})
        assert_problem(csv, 409)

    world.end()
    last = results_of(client, analyst, world, groupBy="neighbourhood", ageBand="25-44")
    world.cast_random(15)  # too late: the release no longer changes
    world.refresh()
    assert results_of(client, analyst, world, groupBy="neighbourhood", ageBand="25-44") == last
