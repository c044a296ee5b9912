"""What a 16.5 MB neighbourhood polygon costs a resident checking in (issue 9, point 8).

    .venv/bin/python -m tests.bench.checkin_geometry --database sqlite
    .venv/bin/python -m tests.bench.checkin_geometry --database postgresql --rounds 30

A fresh, migrated database gets two municipalities, each with a wijk, two buurten and an open
poster session: Tilburg, one of whose buurten has a 16.5 MB polygon (the size of a detailed
CBS/PDOK shape), and 's-Hertogenbosch, with no geometry at all. A resident's check-in is
what the resident app does: `POST /check-ins`, then `GET /municipalities/{code}/neighbourhoods`
to offer the buurten; then a ballot naming the buurt (`PUT /sessions/{id}/ballot`). The two
municipalities take turns, `--rounds` times each, in the same process and run; the script
prints the median and p90 of each and the ratio with geometry / without. A ratio near 1 means
the polygon costs nothing; before the fix it was loaded (and thrown away) by both requests.
"""

import argparse
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from api.core.config import Settings
from api.core.db import create_db_engine, open_session
from api.core.migrations import upgrade_to_head
from api.main import create_app
from tests.conftest import POSTGRES_ADMIN_URL
from tests.helpers import create_postgres_database, drop_postgres_database
from tests.support.places import build_place

POLYGON_BYTES = 16_500_000


def big_polygon(size: int) -> str:
    """A closed GeoJSON polygon of about `size` bytes, in Tilburg."""
    corner = "[5.012345, 51.512345]"
    count = size // (len(corner) + 2)
    corners = ", ".join(
        f"[{5 + (i % 1000) / 10000:.6f}, {51.5 + i / count / 10:.6f}]" for i in range(count)
    )
    return f'{{"type": "Polygon", "coordinates": [[{corners}, [5.000000, 51.500000]]]}}'


def measure(client: TestClient, place, *, ranking: list[int]) -> float:
    """Seconds for one resident: check-in, neighbourhood list, ballot with their buurt."""
    started = time.perf_counter()
    checked_in = client.post("/check-ins", json={"joinCode": place.join_code})
    assert checked_in.status_code == 201, checked_in.text
    token = checked_in.json()["participantToken"]
    listed = client.get(f"/municipalities/{place.code}/neighbourhoods")
    assert listed.status_code == 200, listed.text
    voted = client.put(
        f"/sessions/{place.session_id}/ballot",
        json={"ranking": ranking, "neighbourhoodCode": place.buurten[0]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert voted.status_code == 200, voted.text
    return time.perf_counter() - started


def run(database_url: str, rounds: int, data_dir: Path) -> None:
    upgrade_to_head(database_url)
    engine = create_db_engine(database_url)
    with open_session(engine) as db:
        heavy = build_place(db, "GM0855", "Tilburg", join_code="TBGAAA")
        light = build_place(db, "GM0796", "'s-Hertogenbosch", join_code="DBSBBB")
        polygon = big_polygon(POLYGON_BYTES)
        db.execute(
            text("UPDATE neighbourhoods SET geometry = :g WHERE code = :code"),
            {"g": polygon, "code": heavy.buurten[0]},
        )
        db.commit()
    print(f"polygon: {len(polygon) / 1e6:.1f} MB on {heavy.buurten[0]}")
    settings = Settings(
        database_url=database_url,
        secret_key=secrets.token_urlsafe(48),
        data_dir=data_dir,
        public_url="http://testserver",
        results_refresh_seconds=0,
        check_ins_per_session_limit="10000/minute",
    )
    app = create_app(settings, engine=engine)
    times: dict[str, list[float]] = {"with geometry": [], "without geometry": []}
    with TestClient(app, base_url="http://testserver/api/v1") as client:
        measure(client, heavy, ranking=heavy.priority_ids[:3])  # warm up both
        measure(client, light, ranking=light.priority_ids[:3])
        for _ in range(rounds):
            times["with geometry"].append(measure(client, heavy, ranking=heavy.priority_ids[:3]))
            times["without geometry"].append(measure(client, light, ranking=light.priority_ids[:3]))
    engine.dispose()
    for name, values in times.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        print(
            f"{name:>17}: median {statistics.median(values) * 1000:8.1f} ms, p90 {p90 * 1000:8.1f} ms"
        )
    ratio = statistics.median(times["with geometry"]) / statistics.median(times["without geometry"])
    print(f"ratio with/without geometry (medians): {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if args.database == "sqlite":
            run(f"sqlite:///{scratch}/bench.db", args.rounds, Path(scratch))
            return
        name, url = create_postgres_database(POSTGRES_ADMIN_URL, prefix="wg_bench")
        try:
            run(url, args.rounds, Path(scratch))
        finally:
            drop_postgres_database(POSTGRES_ADMIN_URL, name)


if __name__ == "__main__":
    main()
