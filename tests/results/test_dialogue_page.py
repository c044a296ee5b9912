"""GET /dialogues/{id}/public: what anyone may read of a dialogue, and only released figures."""

from fastapi.testclient import TestClient

from tests.helpers import assert_problem
from tests.results.conftest import World, results_of

PAGE_FIELDS = {
    "id", "title", "question", "startsOn", "endsOn", "municipality", "municipalityName",
    "brandColour", "minGroupSize", "final", "ballots", "version", "refreshedAt", "priorities",
    "ranking", "reportBack", "agenda",
}  # fmt: skip


def page(client: TestClient, world: World) -> dict:
    response = client.get(f"/dialogues/{world.dialogue_id}/public")  # no sign-in: it is public
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == PAGE_FIELDS  # no breakdown, no groups, nothing else
    assert (
        body["reportBack"] is None and body["agenda"] is None
    )  # until the report back is published
    return body


def test_the_public_page_shows_no_figures_below_min_group_size(
    client: TestClient, empty_world: World
):
    world = empty_world
    world.cast_random(9)
    world.refresh()
    body = page(client, world)
    assert body["ballots"] is None and body["ranking"] is None
    assert body["minGroupSize"] == 10 and body["final"] is False
    assert body["title"] == world.dialogue_title
    assert [p["id"] for p in body["priorities"]] == sorted(world.priority_ids)
    later = next(p for p in body["priorities"] if p["themeKey"] == "later")
    assert later["sdgs"] == [4, 9, 12, 13, 17]


def test_the_public_page_shows_the_released_overall_ranking_and_nothing_unreleased(
    client: TestClient, analyst: dict[str, str], empty_world: World
):
    world = empty_world
    world.cast_random(10)
    world.refresh()
    released = page(client, world)
    total = results_of(client, analyst, world, groupBy="dialogue")
    (group,) = total["groups"]
    assert released["ballots"] == group["ballots"] == 10
    assert released["version"] == total["version"]
    expected = sorted(group["priorities"], key=lambda p: (p["schulzeRank"], -p["score"]))
    assert [r["id"] for r in released["ranking"]] == [p["id"] for p in expected]
    for shown, figures in zip(released["ranking"], expected, strict=True):
        assert shown == {
            "id": figures["id"],
            "schulzeRank": figures["schulzeRank"],
            "score": figures["score"],
            "meanRank": figures["meanRank"],
        }

    # Five more ballots wait for the next release: the page does not move.
    world.cast_random(5)
    world.refresh()
    assert page(client, world) == released
    assert len(world.released()) == 10


def test_the_public_page_of_an_unknown_dialogue_is_a_404(client: TestClient, empty_world: World):
    assert_problem(client.get("/dialogues/999999/public"), 404)
