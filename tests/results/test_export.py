"""Results as CSV for Dutch spreadsheets: BOM, `;`, decimal comma, one row per group × priority."""

import csv
import io

import pytest
from fastapi.testclient import TestClient

from api.results.export import CSV_COLUMNS
from tests.results.conftest import World, results_of

FIGURES = ("score", "score_low", "score_high", "first_choice_share", "top_three_share", "mean_rank")
JSON_NAMES = dict(
    zip(
        FIGURES,
        ("score", "scoreLow", "scoreHigh", "firstChoiceShare", "topThreeShare", "meanRank"),
        strict=True,
    )
)


def get_csv(client: TestClient, headers, world: World, **params: str):
    response = client.get(
        f"/dialogues/{world.dialogue_id}/results",
        params=params,
        headers={**headers, "Accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    return response


def rows_of(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header, *rows = list(reader)
    assert tuple(header) == CSV_COLUMNS
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    return [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows]


def decimal_comma(value: str) -> float:
    assert "." not in value, value
    return float(value.replace(",", "."))


def test_csv_is_utf8_with_a_bom_separated_by_semicolons_with_the_documented_header(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    world.cast_random(12)
    world.refresh()
    response = get_csv(client, analyst, world, groupBy="neighbourhood")
    assert response.headers["content-type"].startswith("text/csv")
    assert "utf-8" in response.headers["content-type"].lower()
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    first_line = response.content[3:].split(b"\r\n", 1)[0].decode()
    assert first_line == ";".join(CSV_COLUMNS)
    assert rows_of(response)


EXPORTS = (
    {"groupBy": "neighbourhood"},
    {"groupBy": "neighbourhood", "ageBand": "12-17"},
    {"groupBy": "session", "ageBand": "25-44"},
    {"groupBy": "ageBand", "venueKind": "library"},
    {"groupBy": "venueKind"},
)


def test_csv_has_a_row_per_group_and_priority_and_one_empty_row_per_suppressed_group(
    client: TestClient, analyst, world: World
):
    world.end()  # filtered breakdowns are published once the dialogue has ended
    suppressed_seen = 0
    for params in EXPORTS:
        body = results_of(client, analyst, world, **params)
        rows = rows_of(get_csv(client, analyst, world, **params))
        suppressed_seen += assert_csv_matches_json(rows, body, world)
    assert suppressed_seen > 0


def assert_csv_matches_json(rows: list[dict[str, str]], body: dict, world: World) -> int:
    """The CSV has the JSON's groups in order; returns how many were suppressed."""
    by_group: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_group.setdefault(row["group_key"], []).append(row)
    assert list(by_group) == [g["key"] for g in body["groups"]]  # same groups, same order
    suppressed = 0
    for group in body["groups"]:
        group_rows = by_group[group["key"]]
        assert {(r["group_label"], r["group_kind"]) for r in group_rows} == {
            (group["label"], group["kind"])
        }
        if group["suppressed"]:
            suppressed += 1
            (row,) = group_rows  # one row, and no number in it
            assert row["suppressed"] == "ja"
            assert row["suppressed_reason"] == group["suppressedReason"]
            empty = ("ballots", "priority_id", "priority_title", *FIGURES, "schulze_rank")
            assert [row[c] for c in empty] == [""] * len(empty)
            continue
        assert len(group_rows) == world.m
        figures = {p["id"]: p for p in group["priorities"]}
        assert sorted(int(r["priority_id"]) for r in group_rows) == world.priority_ids
        for row in group_rows:
            priority = figures[int(row["priority_id"])]
            assert int(row["ballots"]) == group["ballots"]
            assert (row["suppressed"], row["suppressed_reason"]) == ("nee", "")
            assert row["priority_title"] == world.priority_titles[priority["id"]]
            assert int(row["schulze_rank"]) == priority["schulzeRank"]
            for name in FIGURES:
                assert decimal_comma(row[name]) == pytest.approx(
                    round(priority[JSON_NAMES[name]], 4), abs=1e-9
                ), name
    return suppressed


def test_json_is_unrounded_where_csv_rounds_to_four_decimals(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    world.cast_random(13)
    world.refresh()
    (total,) = results_of(client, analyst, world, groupBy="dialogue")["groups"]
    rows = rows_of(get_csv(client, analyst, world, groupBy="dialogue"))
    scores = {p["id"]: p["score"] for p in total["priorities"]}
    assert any(round(score, 4) != score for score in scores.values())
    expected = world.reference(list(world.released().values()))
    for index, wanted in enumerate(expected):
        priority_id = world.priority_ids[index]
        assert scores[priority_id] == pytest.approx(float(wanted.score), rel=1e-12)
        (row,) = [r for r in rows if int(r["priority_id"]) == priority_id]
        assert row["score"] == f"{float(wanted.score):.4f}".replace(".", ",")


def test_csv_cells_cannot_start_a_spreadsheet_formula(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    from api.core.access import SYSTEM
    from api.core.db import open_session
    from api.sessions import service as sessions
    from api.sessions.models import DialogueSession
    from api.sessions.schemas import SessionUpdate

    with open_session(world.engine) as db:
        row = db.get(DialogueSession, world.session_ids[0])
        sessions.update_session(
            db, row=row, changes=SessionUpdate(title='=HYPERLINK("http://x.example")'), actor=SYSTEM
        )
    world.cast_random(2, session_id=world.session_ids[0])
    world.refresh()
    rows = rows_of(get_csv(client, analyst, world, groupBy="session"))
    labels = [row["group_label"] for row in rows]
    assert any("HYPERLINK" in label for label in labels)
    assert not any(label[:1] in ("=", "+", "-", "@") for label in labels)
