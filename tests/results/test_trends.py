"""GET /municipalities/{cbsCode}/trends: a priority's score across dialogues, oldest first."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.results.conftest import World


def total_scores(world: World) -> dict[str, float]:
    """Each priority title's score over all of the dialogue's ballots, by the reference."""
    expected = world.reference(list(world.released().values()))
    return {
        world.priority_titles[pid]: float(expected[index].score)
        for index, pid in enumerate(world.priority_ids)
    }


def test_the_same_priority_in_two_dialogues_is_one_series_oldest_first(
    client: TestClient, analyst, world: World
):
    older = world.another_dialogue(
        "Brede welvaart Utrecht, eerste ronde",
        starts_on=date.today() - timedelta(days=400),
        priority_titles=[
            "Prioriteit 1",
            "Prioriteit 2",
            "Prioriteit 3",
            "Prioriteit 4",
            "Oud thema A",
            "Oud thema B",
        ],  # fmt: skip
        join_codes=("TRAAA2", "TRBBB3", "TRCCC4", "TRDDD5"),
        seed=7,
    )
    older.cast_random(25)
    small = world.another_dialogue(
        "Brede welvaart Utrecht, tussenronde",
        starts_on=date.today() - timedelta(days=200),
        join_codes=("TSAAA2", "TSBBB3", "TSCCC4", "TSDDD5"),
        seed=8,
    )
    small.cast_random(4)  # too few: its points are suppressed
    world.refresh()

    response = client.get(f"/municipalities/{world.code}/trends", headers=analyst)
    assert response.status_code == 200, response.text
    series = {trend["title"]: trend for trend in response.json()}
    newest, oldest = total_scores(world), total_scores(older)

    first = series["Prioriteit 1"]["points"]
    assert [p["dialogueId"] for p in first] == [
        older.dialogue_id,
        small.dialogue_id,
        world.dialogue_id,
    ]
    assert [p["startsOn"] for p in first] == sorted(p["startsOn"] for p in first)
    assert first[0]["score"] == pytest.approx(oldest["Prioriteit 1"], rel=1e-9)
    assert first[0]["ballots"] == len(older.released()) and first[0]["suppressed"] is False
    assert first[1]["suppressed"] is True
    assert first[1]["score"] is None and first[1]["ballots"] is None
    assert first[2]["score"] == pytest.approx(newest["Prioriteit 1"], rel=1e-9)
    assert first[2]["ballots"] == len(world.released())
    assert all(p["scoreLow"] <= p["score"] <= p["scoreHigh"] for p in (first[0], first[2]))

    assert [p["dialogueId"] for p in series["Oud thema A"]["points"]] == [older.dialogue_id]
    assert [p["dialogueId"] for p in series["Prioriteit 5"]["points"]] == [
        small.dialogue_id,
        world.dialogue_id,
    ]
    for title in ("Prioriteit 2", "Prioriteit 3", "Prioriteit 4"):
        points = series[title]["points"]
        assert len(points) == 3
        assert points[0]["score"] == pytest.approx(oldest[title], rel=1e-9)
        assert points[2]["score"] == pytest.approx(newest[title], rel=1e-9)
    assert len(series) == 8  # six shared or newer titles and two old ones, once each
