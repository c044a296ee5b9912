"""A neighbourhood's geometry (megabytes for a detailed polygon) is read only by the map, which
sends it, and by an import that compares it: every other request leaves it in the database."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from tests.resident.conftest import check_in
from tests.support.places import Place

pytestmark = pytest.mark.both_databases  # the geometry test differs per dialect


def ring(points: int) -> dict[str, Any]:
    """A closed polygon of `points` corners around Tilburg (about 40 bytes per corner)."""
    corners = [[5.0 + 0.1 * (i % 7) / 7, 51.5 + 0.1 * i / points] for i in range(points)]
    return {"type": "Polygon", "coordinates": [[*corners, corners[0]]]}


@contextmanager
def columns_read(engine: Engine) -> Iterator[list[str]]:
    """The name of every column of every result set the engine fetches meanwhile."""
    names: list[str] = []

    def record(_conn, cursor, _statement, _parameters, _context, _many) -> None:
        names.extend(str(column[0]).lower() for column in cursor.description or ())

    event.listen(engine, "after_cursor_execute", record)
    try:
        yield names
    finally:
        event.remove(engine, "after_cursor_execute", record)


def geometry_read(names: list[str]) -> bool:
    return any(name.endswith("geometry") and name != "has_geometry" for name in names)


def give_geometry(db: Session, code: str, geometry: dict[str, Any]) -> None:
    db.execute(
        text("UPDATE neighbourhoods SET geometry = :g WHERE code = :code"),
        {"g": json.dumps(geometry), "code": code},
    )
    db.commit()


def test_neighbourhood_list_does_not_load_geometry(
    client: TestClient, tilburg: Place, db: Session, clean_engine: Engine
):
    give_geometry(db, tilburg.buurten[0], ring(20_000))  # about 800 kB
    with columns_read(clean_engine) as names:
        listed = client.get(f"/municipalities/{tilburg.code}/neighbourhoods")
    assert listed.status_code == 200, listed.text
    assert names, "the probe saw no query at all"
    assert not geometry_read(names), names
    assert {n["code"]: n["hasGeometry"] for n in listed.json()} == {
        tilburg.wijk: False,
        tilburg.buurten[0]: True,
        tilburg.buurten[1]: False,
    }
    assert len(listed.content) < 2_000


def test_the_map_reads_the_geometry_it_sends(
    client: TestClient, tilburg: Place, db: Session, clean_engine: Engine
):
    shape = ring(50)
    give_geometry(db, tilburg.buurten[0], shape)
    with columns_read(clean_engine) as names:
        geo = client.get(f"/municipalities/{tilburg.code}/neighbourhoods?format=geojson")
    assert geometry_read(names)  # the probe sees geometry when it is read
    [only] = geo.json()["features"]
    assert (only["id"], only["geometry"], only["properties"]["wijkCode"]) == (
        tilburg.buurten[0],
        shape,
        tilburg.wijk,
    )


def test_check_in_ballot_and_venues_do_not_load_geometry(
    client: TestClient, admin, tilburg: Place, db: Session, clean_engine: Engine
):
    for code in (tilburg.wijk, *tilburg.buurten):
        give_geometry(db, code, ring(2_000))
    with columns_read(clean_engine) as names:
        resident = check_in(client, tilburg.join_code)
        ballot = {"ranking": tilburg.priority_ids[:3], "neighbourhoodCode": tilburg.buurten[0]}
        path = f"/sessions/{tilburg.session_id}/ballot"
        assert client.put(path, json=ballot, headers=resident.headers).status_code == 200
        read = client.get(path, headers=resident.headers).json()
        venues = client.get(f"/municipalities/{tilburg.code}/venues", headers=admin).json()
        added = client.post(
            f"/municipalities/{tilburg.code}/venues",
            json={
                "name": "Buurthuis",
                "kind": "community_centre",
                "neighbourhoodCode": tilburg.wijk,
            },
            headers=admin,
        )
        results = client.get(f"/dialogues/{tilburg.dialogue_id}/results", headers=admin)
    assert added.status_code == 201, added.text
    assert results.status_code == 200, results.text
    assert read["neighbourhoodCode"] == tilburg.buurten[0]
    assert venues[0]["neighbourhoodCode"] == tilburg.buurten[0]
    assert not geometry_read(names), names


def test_import_without_shapes_keeps_stored_shapes_unread_and_unchanged(
    client: TestClient, admin, tilburg: Place, db: Session, clean_engine: Engine
):
    shape = ring(50)
    give_geometry(db, tilburg.buurten[0], shape)
    csv = f"statcode;statnaam\n{tilburg.wijk};Centrum\n{tilburg.buurten[0]};Nieuwe naam\n"
    with columns_read(clean_engine) as names:
        response = client.post(
            f"/municipalities/{tilburg.code}/neighbourhoods/import",
            content=csv.encode(),
            headers={**admin, "Content-Type": "text/csv"},
        )
    assert response.status_code == 200, response.text
    assert (response.json()["updated"], response.json()["unchanged"]) == (1, 1)
    assert not geometry_read(names), names
    geo = client.get(f"/municipalities/{tilburg.code}/neighbourhoods?format=geojson").json()
    assert [(f["properties"]["name"], f["geometry"]) for f in geo["features"]] == [
        ("Nieuwe naam", shape)
    ]


def test_a_neighbourhood_without_geometry_stores_sql_null(client: TestClient, admin, tilburg, db):
    response = client.post(
        f"/municipalities/{tilburg.code}/neighbourhoods",
        json={"code": "WK085509", "name": "Noord"},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    stored = db.execute(text("SELECT geometry IS NULL FROM neighbourhoods WHERE code = 'WK085509'"))
    assert bool(stored.scalar_one())
    db.commit()
