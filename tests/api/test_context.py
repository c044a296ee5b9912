"""The photo and who took part, through the API: imports, figures, roles."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.ballots.schemas import BallotPut
from api.ballots.service import store_ballot
from api.core.access import Role
from api.results.refresher import refresh_all
from api.sessions import service as sessions
from api.sessions.service import OpenDialogueSession
from tests.helpers import assert_problem, staff_headers
from tests.support.places import Place
from tests.unit.test_context_importers import AREAS_CSV

LABELS = ("Ervaren gezondheid", "Eenzaamheid", "Tevredenheid met de woning")
AREAS = ("Tilburg", "Midden-Noord-Brabant", "Noord-Brabant", "Midden-Brabant", "Nederland")


def _indicator_file() -> tuple[str, dict[tuple[str, int, str], float]]:
    """A regional monitor file for Tilburg, with the figures it holds per (label, year, area)."""
    figures, lines = {}, ["label;jaar;statnaam;waarde"]
    for i, label in enumerate(LABELS):
        for year in (2022, 2023):
            for j, area in enumerate(AREAS):
                value = round(50 + 7 * i + 1.5 * j - (year - 2022) * 2.5, 1)
                figures[(label, year, area)] = value
                lines.append(f"{label};{year};{area};{str(value).replace('.', ',')}")
    lines += [
        "Ervaren gezondheid;2023;Utrecht (gemeente);80,1",  # another municipality: skipped
        "Een indicator die niemand kent;2023;Tilburg;3",  # not in the curated list
    ]
    return "\n".join(lines) + "\n", figures


def _import_wellbeing(client: TestClient, headers: dict[str, str], indicators: str):
    return client.post(
        "/municipalities/GM0855/wellbeing/import",
        files={
            "indicators": ("monitor.csv", indicators.encode(), "text/csv"),
            "areas": ("gebieden.csv", AREAS_CSV.encode(), "text/csv"),
        },
        headers=headers,
    )


def test_the_photo_shows_exactly_the_imported_figures(client, admin, tilburg, tilburg_analyst):
    indicators, figures = _indicator_file()
    response = _import_wellbeing(client, admin, indicators)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["figures"] == len(figures)
    assert report["skippedRows"] == 1
    assert report["unmappedIndicators"] == ["Een indicator die niemand kent"]
    assert [a["code"] for a in report["areas"]] == ["GM0855", "CR35", "PV30", "AM31", "NL00"]

    photo = client.get("/municipalities/GM0855/wellbeing", headers=tilburg_analyst).json()
    assert photo["years"] == [2022, 2023]
    shown = [i for theme in photo["themes"] for i in theme["indicators"]]
    assert sorted(i["label"] for i in shown) == sorted(LABELS)
    for indicator in shown:
        label = indicator["label"]
        assert indicator["year"] == 2023
        assert indicator["value"] == figures[(label, 2023, "Tilburg")]
        assert {c["name"]: c["value"] for c in indicator["comparisons"]} == {
            area: figures[(label, 2023, area)] for area in AREAS[1:]
        }
        assert [(p["year"], p["value"]) for p in indicator["trend"]] == [
            (year, figures[(label, year, "Tilburg")]) for year in (2022, 2023)
        ]
    # Tilburg is lowest of its areas in this file: higher is better for health, worse for
    # loneliness; and its figures fall over the years.
    by_label = {i["label"]: i for i in shown}
    assert set(by_label["Ervaren gezondheid"]["compared"].values()) == {"worse"}
    assert set(by_label["Eenzaamheid"]["compared"].values()) == {"better"}
    assert by_label["Ervaren gezondheid"]["trendDirection"] == "worsening"
    assert by_label["Eenzaamheid"]["trendDirection"] == "improving"
    themes = {t["themeKey"]: t for t in photo["themes"]}
    assert themes["gezondheid"]["standing"] == "low"
    assert themes["samenleving"]["standing"] == "high"
    assert themes["veiligheid"]["standing"] is None


def test_an_indicator_file_with_an_unknown_area_is_a_400_naming_the_row(client, admin, tilburg):
    indicators, _ = _indicator_file()
    body = assert_problem(
        _import_wellbeing(client, admin, indicators + "Eenzaamheid;2023;Tilbrug;9\n"), 400
    )
    assert "Row 34" in body["detail"] and "Tilbrug" in body["detail"]


def _cast(db: Session, place: Place, ballots: list[tuple[list[int], str | None, str | None]]):
    target = OpenDialogueSession(id=place.session_id, dialogue_id=place.dialogue_id,
                         municipality_id=_municipality_id(db, place))  # fmt: skip
    for ranking, buurt, band in ballots:
        participant = sessions.create_simulated_participant(db, session_id=place.session_id)
        db.flush()
        body = {"ranking": ranking, "ageBand": band}
        if buurt:
            body["neighbourhoodCode"] = buurt
        store_ballot(
            db, participant_id=participant, target=target, ballot=BallotPut.model_validate(body)
        )
    db.commit()


def _municipality_id(db: Session, place: Place) -> int:
    from api.municipalities.service import find_municipality

    return find_municipality(db, cbs_code=place.code).id


def _kwb(rows: list[tuple[str, int, tuple[int, int, int, int, int]]]) -> bytes:
    """A KWB StatLine v3 document, codes right-padded as CBS sends them."""
    keys = ("AantalInwoners_5", "k_0Tot15Jaar_8", "k_15Tot25Jaar_9", "k_25Tot45Jaar_10",
            "k_45Tot65Jaar_11", "k_65JaarOfOuder_12")  # fmt: skip
    return json.dumps(
        {
            "value": [
                {
                    "ID": i,
                    "WijkenEnBuurten": code.ljust(10),
                    **dict(zip(keys, (n, *bands), strict=True)),
                }
                for i, (code, n, bands) in enumerate(rows)
            ]
        }  # fmt: skip
    ).encode()


TILBURG_KWB = [
    ("NL00", 17942942, (2756312, 2189117, 4591842, 4758095, 3647576)),
    ("GM0855", 400, (0, 0, 300, 0, 100)),
    ("WK085501", 400, (0, 0, 300, 0, 100)),
    ("BU08550101", 300, (0, 0, 300, 0, 0)),
    ("BU08550102", 100, (0, 0, 0, 0, 100)),
    ("GM0796", 160000, (24000, 21000, 41000, 43000, 31000)),
]


def test_population_import_counts_other_municipalities_and_names_an_unknown_row(
    client, admin, tilburg
):
    url = "/municipalities/GM0855/population/import?year=2024"
    response = client.post(
        url, content=_kwb(TILBURG_KWB), headers=admin | {"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "municipality": "GM0855", "year": 2024, "source": "statline", "areas": 4,
        "skippedOtherMunicipalities": 2, "suppressedValues": 0,
    }  # fmt: skip
    unknown = [*TILBURG_KWB, ("BU08550199", 5, (1, 1, 1, 1, 1))]
    body = assert_problem(
        client.post(
            url, content=_kwb(unknown), headers=admin | {"Content-Type": "application/json"}
        ),
        400,
    )
    assert "Row 7 (BU08550199)" in body["detail"]


def _released(client: TestClient, headers, dialogue_id: int, group_by: str) -> dict[str, dict]:
    results = client.get(
        f"/dialogues/{dialogue_id}/results?groupBy={group_by}", headers=headers
    ).json()
    return {g["key"]: g for g in results["groups"]}


def test_representativeness_is_the_released_counts_beside_the_population_with_weighted_scores(
    client, admin, db, clean_engine: Engine, tilburg: Place, tilburg_analyst
):
    p = tilburg.priority_ids
    buurt_a, buurt_b = tilburg.buurten
    # Ten residents of buurt A (25-44) rank the priorities in order, ten of buurt B (65+) in
    # reverse. With five priorities a first place is worth 4/4 = 1 and a last 0/4 = 0.
    _cast(db, tilburg, [(p, buurt_a, "25-44")] * 10 + [(p[::-1], buurt_b, "65+")] * 10)
    refresh_all(clean_engine)
    url = "/municipalities/GM0855/population/import?year=2024"
    assert (
        client.post(
            url, content=_kwb(TILBURG_KWB), headers=admin | {"Content-Type": "application/json"}
        ).status_code
        == 200
    )

    report = client.get(
        f"/dialogues/{tilburg.dialogue_id}/representativeness", headers=tilburg_analyst
    ).json()
    groups = {g["key"]: g for g in report["groups"]}
    assert (groups[buurt_a]["participants"], groups[buurt_a]["population"]) == (10, 300)
    assert (groups[buurt_b]["participants"], groups[buurt_b]["population"]) == (10, 100)
    assert groups[buurt_a]["responseRate"] == pytest.approx(10 / 300)
    assert groups[buurt_a]["shareDifference"] == pytest.approx(0.5 - 0.75)
    assert groups[buurt_b]["shareDifference"] == pytest.approx(0.5 - 0.25)
    assert groups["25-44"]["participants"] == 10 and groups["65+"]["population"] == 100
    assert groups["12-24"]["suppressed"] and groups["12-24"]["participants"] is None
    assert "KWB 15-24" in groups["12-24"]["populationBands"]
    scores = {s["priorityId"]: s for s in report["scores"]}
    # By hand: unweighted, both buurten count alike: p1 = (1 + 0) / 2 = 0.5. Weighted, buurt A
    # holds 300 of the 400 residents: p1 = 0.75 × 1 + 0.25 × 0 = 0.75; p2 = 0.75 × 0.75 +
    # 0.25 × 0.25 = 0.625; the middle one stays 0.5. Age bands split the same way here.
    assert scores[p[0]]["unweighted"] == pytest.approx(0.5)
    for priority, expected in zip(p, (0.75, 0.625, 0.5, 0.375, 0.25), strict=True):
        assert scores[priority]["weightedByBuurt"] == pytest.approx(expected)
        assert scores[priority]["weightedByAgeBand"] == pytest.approx(expected)
    assert report["weightedPopulationCovered"] == {"buurt": 1.0, "ageBand": 1.0}
    assert any("random sample" in note for note in report["notes"]["en"])


def test_representativeness_participants_are_the_released_figures_suppression_included(
    client, admin, db, clean_engine: Engine, tilburg: Place, tilburg_analyst
):
    p = tilburg.priority_ids
    buurt_a, buurt_b = tilburg.buurten
    _cast(db, tilburg, [(p, buurt_a, "25-44")] * 12 + [(p[::-1], buurt_b, "65+")] * 10)
    refresh_all(clean_engine)
    _cast(db, tilburg, [(p, buurt_b, "45-64")] * 3 + [(p, None, "18-24")] * 4)
    refresh_all(clean_engine)
    url = "/municipalities/GM0855/population/import?year=2024"
    client.post(
        url, content=_kwb(TILBURG_KWB), headers=admin | {"Content-Type": "application/json"}
    )
    report = client.get(
        f"/dialogues/{tilburg.dialogue_id}/representativeness", headers=tilburg_analyst
    ).json()
    places = _released(client, tilburg_analyst, tilburg.dialogue_id, "neighbourhood")
    bands = _released(client, tilburg_analyst, tilburg.dialogue_id, "ageBand")
    for group in report["groups"]:
        if group["kind"] in ("buurt", "wijk"):
            released = places[group["key"]]
            assert group["participants"] == released["ballots"]
            assert group["suppressed"] == released["suppressed"]
        elif group["key"] != "12-24":
            assert group["participants"] == bands[group["key"]]["ballots"]
    assert report["totalParticipants"] == places["dialogue"]["ballots"]
    assert any(group["suppressed"] for group in report["groups"])


@pytest.mark.parametrize(
    ("role", "status_import", "status_read"),
    [
        (None, 401, 401),
        (Role.FACILITATOR, 403, 403),
        (Role.ANALYST, 403, 200),
        (Role.COORDINATOR, 200, 200),
        (Role.ADMIN, 200, 200),
    ],
)
def test_who_may_import_and_read(client, db, tilburg, role, status_import, status_read):
    headers = staff_headers(client, db, role=role, municipalities=["GM0855"]) if role else {}
    indicators, _ = _indicator_file()
    assert _import_wellbeing(client, headers, indicators).status_code == status_import
    population = client.post(
        "/municipalities/GM0855/population/import?year=2024",
        content=_kwb(TILBURG_KWB),
        headers=headers | {"Content-Type": "application/json"},
    )
    assert population.status_code == status_import
    for path in (
        "/municipalities/GM0855/wellbeing",
        f"/dialogues/{tilburg.dialogue_id}/wellbeing",
        f"/dialogues/{tilburg.dialogue_id}/representativeness",
    ):
        assert client.get(path, headers=headers).status_code == status_read, path


def test_staff_of_another_municipality_see_none_of_it(client, db, admin, tilburg, den_bosch):
    analyst = staff_headers(client, db, role=Role.ANALYST, municipalities=["GM0796"])
    for path in (
        "/municipalities/GM0855/wellbeing",
        f"/dialogues/{tilburg.dialogue_id}/wellbeing",
        f"/dialogues/{tilburg.dialogue_id}/representativeness",
    ):
        assert_problem(client.get(path, headers=analyst), 404)


def test_the_dialogue_photo_puts_the_released_ranking_beside_it_and_names_the_gaps(
    client, admin, db, clean_engine: Engine, tilburg: Place, tilburg_analyst
):
    p = tilburg.priority_ids  # themes milieu, wonen, veiligheid, gezondheid, later
    _cast(db, tilburg, [(p, tilburg.buurten[0], None)] * 12 + [(p[::-1], None, None)] * 10)
    refresh_all(clean_engine)
    indicators, _ = _indicator_file()
    assert _import_wellbeing(client, admin, indicators).status_code == 200

    photo = client.get(
        f"/dialogues/{tilburg.dialogue_id}/wellbeing", headers=tilburg_analyst
    ).json()
    overall = _released(client, tilburg_analyst, tilburg.dialogue_id, "dialogue")["dialogue"]
    released = {figure["id"]: figure for figure in overall["priorities"]}
    themes = {t["themeKey"]: t for t in photo["themes"]}
    for key, priority in (("milieu", p[0]), ("wonen", p[1]), ("gezondheid", p[3])):
        residents = themes[key]["residents"]
        assert residents["priorityId"] == priority
        assert residents["score"] == released[priority]["score"]
        assert residents["rank"] == released[priority]["schulzeRank"]
    # Ranked high: the top third of five priorities, ranks 1 and 2 (milieu, wonen). Scoring
    # low: wonen and gezondheid. Milieu has no indicator in this file.
    assert themes["milieu"]["standing"] is None
    assert photo["rankHighScoreLow"] == ["wonen"]
    assert (
        photo["resultsVersion"]
        == client.get(
            f"/dialogues/{tilburg.dialogue_id}/results?groupBy=dialogue", headers=tilburg_analyst
        ).json()["version"]
    )


def test_a_pdok_geojson_population_file_is_accepted_as_a_form_upload(client, admin, tilburg):
    geojson = (Path(__file__).parents[1] / "data" / "context" / "pdok-buurten.geojson").read_bytes()
    response = client.post(
        "/municipalities/GM0855/population/import?year=2023",
        files={"file": ("buurten.geojson", geojson, "application/geo+json")},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "municipality": "GM0855", "year": 2023, "source": "pdok", "areas": 2,
        "skippedOtherMunicipalities": 1, "suppressedValues": 6,
    }  # fmt: skip


def test_a_coordinator_imports_for_their_own_municipality_only(client, db, tilburg, den_bosch):
    tilburg_coordinator = staff_headers(
        client, db, role=Role.COORDINATOR, municipalities=["GM0855"]
    )
    bosch_coordinator = staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0796"])
    indicators, figures = _indicator_file()
    as_json = {"Content-Type": "application/json"}

    def import_population(code: str, headers: dict[str, str]):
        return client.post(
            f"/municipalities/{code}/population/import?year=2024",
            content=_kwb(TILBURG_KWB),
            headers=headers | as_json,
        )

    def labels_shown() -> list[str]:
        photo = client.get("/municipalities/GM0855/wellbeing", headers=tilburg_coordinator)
        return sorted(i["label"] for t in photo.json()["themes"] for i in t["indicators"])

    # Another municipality's coordinator: a 404, as for any object outside their reach, and
    # nothing written.
    assert_problem(_import_wellbeing(client, bosch_coordinator, indicators), 404)
    assert_problem(import_population("GM0855", bosch_coordinator), 404)
    assert labels_shown() == []
    assert (
        client.get(
            f"/dialogues/{tilburg.dialogue_id}/representativeness", headers=tilburg_coordinator
        ).json()["populationYear"]
        is None
    )

    # Tilburg's own coordinator: both imports, and the photo then holds the file's figures.
    imported = _import_wellbeing(client, tilburg_coordinator, indicators)
    assert imported.status_code == 200, imported.text
    assert imported.json()["figures"] == len(figures)
    population = import_population("GM0855", tilburg_coordinator)
    assert population.status_code == 200, population.text
    assert population.json()["municipality"] == "GM0855"
    assert labels_shown() == sorted(LABELS)
    assert (
        client.get(
            f"/dialogues/{tilburg.dialogue_id}/representativeness", headers=tilburg_coordinator
        ).json()["populationYear"]
        == 2024
    )

    # Nor may Tilburg's coordinator import into 's-Hertogenbosch.
    assert_problem(import_population("GM0796", tilburg_coordinator), 404)
