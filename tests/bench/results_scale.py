"""Results at scale (issue 4): a million ballots over 500 neighbourhoods, on PostgreSQL.

    .venv/bin/python -m tests.bench.results_scale [--ballots 1000000] [--keep]

Measures, in one run and against baselines measured in that same run:
- full recompute from scratch vs a hand-written single SQL GROUP BY of Borda points;
- results read latency (median, warm) vs a trivial API request (GET /themes);
- how long a batch of ten like ballots takes to show in the results (refresher on).
The ballot write throughput (the fourth figure of the issue) comes from
`tests.bench.resident_load`, run before and after the results work.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
import numpy as np
import psycopg
from sqlalchemy.engine import make_url

from api.accounts import service as accounts
from api.core.access import SYSTEM, Role
from api.core.db import create_db_engine, open_session, utcnow
from api.core.migrations import upgrade_to_head
from api.dialogues import service as dialogues
from api.dialogues.schemas import DialogueCreate, PriorityCreate
from api.municipalities import service as municipalities
from api.results import service as results
from api.sessions import service as sessions
from api.sessions.models import SessionStatus
from api.sessions.schemas import SessionCreate, SessionUpdate
from api.venues import service as venues
from api.venues.models import VenueKind
from api.venues.schemas import VenueCreate
from tests.helpers import create_postgres_database, drop_postgres_database, plain_postgres_url

ADMIN_URL = os.environ.get(
    "WG_BENCH_POSTGRES_URL",
    "postgresql+psycopg://welvaartgesprek:welvaartgesprek@127.0.0.1:5432/postgres",
)
PRIORITIES = 12
WIJKEN, BUURTEN_PER_WIJK = 50, 10
SESSIONS = 40
THEMES = ["milieu", "wonen", "veiligheid", "gezondheid", "samenleving", "welzijn",
          "materiele-welvaart", "arbeid-en-vrije-tijd", "onderwijs-en-ontwikkeling", "later"]  # fmt: skip
BANDS = ["12-17", "18-24", "25-44", "45-64", "65+"]
PASSWORD = "benchmark-analyst-password"


def build_world(url: str) -> dict:
    """A municipality with 500 buurten, four kinds of venue, 40 sessions, one dialogue."""
    engine = create_db_engine(url)
    with open_session(engine) as db:
        municipality = municipalities.create_municipality(
            db, cbs_code="GM8888", name="Benchstad", min_group_size=10, brand_colour="#01689b"
        )
        buurt_ids = []
        for w in range(1, WIJKEN + 1):
            wijk = f"WK8888{w:02d}"
            municipalities.create_neighbourhood(
                db, municipality=municipality, code=wijk, name=f"Wijk {w}", wijk_code=None, geometry=None
            )  # fmt: skip
            for b in range(1, BUURTEN_PER_WIJK + 1):
                row = municipalities.create_neighbourhood(
                    db, municipality=municipality, code=f"BU8888{w:02d}{b:02d}",
                    name=f"Buurt {w}.{b}", wijk_code=wijk, geometry=None,
                )  # fmt: skip
                buurt_ids.append(row.id)
        wijk_ids = [
            n.id
            for n in municipalities.list_neighbourhoods(db, municipality=municipality)
            if n.code.startswith("WK")
        ]
        kinds = [
            VenueKind.LIBRARY,
            VenueKind.YOUTH_CENTRE,
            VenueKind.COMMUNITY_CENTRE,
            VenueKind.OTHER,
        ]
        venue_ids = [
            venues.create_venue(db, municipality=municipality, venue=VenueCreate(name=f"Plek {i}", kind=kind)).id
            for i, kind in enumerate(kinds * 3)
        ]  # fmt: skip
        today = date.today()
        dialogue = dialogues.create_dialogue(
            db,
            dialogue=DialogueCreate(
                municipality="GM8888", title="Brede welvaart Benchstad", startsOn=today,
                endsOn=today + timedelta(days=90),
                priorities=[PriorityCreate(title=f"Prioriteit {i + 1}", themeKey=THEMES[i % len(THEMES)]) for i in range(PRIORITIES)],
            ),
            actor=SYSTEM,
        )  # fmt: skip
        now = utcnow()
        session_ids = []
        for i in range(SESSIONS):
            row = sessions.create_session(
                db, dialogue=dialogue,
                body=SessionCreate(venueId=venue_ids[i % len(venue_ids)], startsAt=now - timedelta(hours=2), endsAt=now + timedelta(days=2)),
                actor=SYSTEM,
            )  # fmt: skip
            sessions.update_session(
                db, row=row, changes=SessionUpdate(status=SessionStatus.OPEN), actor=SYSTEM
            )
            session_ids.append(row.id)
        accounts.create_user(
            db,
            email="analyst@bench.example",
            password=PASSWORD,
            role=Role.ANALYST,
            municipality_codes=["GM8888"],
        )
        priority_ids = sorted(p.id for p in dialogues.priorities_of(db, dialogue_id=dialogue.id))
        world = {
            "dialogue_id": dialogue.id, "priority_ids": priority_ids, "buurt_ids": buurt_ids,
            "wijk_ids": wijk_ids, "session_ids": session_ids,
            "join_code": sessions.get_dialogue_session(db, session_id=session_ids[0], actor=None).join_code,
        }  # fmt: skip
    engine.dispose()
    return world


_BULK_TABLES = ("participants", "ballots", "ballot_items")


def _secondary_structures() -> list:
    """Foreign keys, unique constraints and indexes of the bulk-loaded tables (not the PKs)."""
    from sqlmodel import SQLModel

    import api.tables  # noqa: F401

    tables = SQLModel.metadata.sorted_tables
    # Foreign keys first: one may lean on a unique constraint of another bulk table.
    found = [
        fk
        for table in tables
        for fk in table.foreign_key_constraints
        if table.name in _BULK_TABLES or fk.referred_table.name in _BULK_TABLES
    ]
    for table in tables:
        if table.name in _BULK_TABLES:
            found += [c for c in table.constraints if c.__class__.__name__ == "UniqueConstraint"]
            found += list(table.indexes)
    return found


def _without_secondary_structures(url: str, load) -> None:
    """Load rows with foreign keys, unique constraints and indexes dropped, then put them back
    (which checks every row once, far faster than row-by-row while loading)."""
    from sqlalchemy import Index
    from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

    structures = _secondary_structures()
    engine = create_db_engine(url)
    with engine.begin() as connection:
        for item in structures:
            connection.execute(DropIndex(item) if isinstance(item, Index) else DropConstraint(item))
    load()
    with engine.begin() as connection:
        for item in reversed(structures):
            connection.execute(
                CreateIndex(item) if isinstance(item, Index) else AddConstraint(item)
            )
    engine.dispose()


def generate_ballots(url: str, world: dict, count: int, seed: int = 1) -> int:
    """COPY `count` ballots into the database: partial rankings, skewed preferences."""
    rng = np.random.default_rng(seed)
    m = PRIORITIES
    appeal = rng.gamma(2.0, 1.0, size=m)
    lengths = rng.choice([3, 4, 5, 6, m], size=count, p=[0.55, 0.1, 0.08, 0.07, 0.2])
    keys = -np.log(rng.random((count, m))) / appeal  # Plackett–Luce by exponential races
    order = np.argsort(keys, axis=1)
    priority_ids = np.array(world["priority_ids"])
    buurten = np.array(world["buurt_ids"])
    wijken = np.array(world["wijk_ids"])
    popularity = rng.dirichlet(np.full(len(buurten), 2.0))
    place = rng.random(count)
    neighbourhood = np.where(
        place < 0.85, buurten[rng.choice(len(buurten), size=count, p=popularity)],
        np.where(place < 0.9, wijken[rng.integers(0, len(wijken), size=count)], -1),
    )  # fmt: skip
    band_index = rng.integers(0, len(BANDS) + 1, size=count)
    session_of = np.array(world["session_ids"])[
        rng.integers(0, len(world["session_ids"]), size=count)
    ]
    now = utcnow().isoformat()
    first_id = 1

    def load() -> None:
        _copy_ballots(
            url,
            world,
            count,
            lengths,
            order,
            priority_ids,
            neighbourhood,
            band_index,
            session_of,
            now,
            first_id,
        )

    _without_secondary_structures(url, load)
    with psycopg.connect(plain_postgres_url(url)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('ballots', 'id'), (SELECT max(id) FROM ballots))"
        )
        # The dialogue's release holds every generated ballot, as after an evening's releases.
        cursor.execute(
            "INSERT INTO released_ballots (ballot_id, dialogue_id, session_id, neighbourhood_id, "
            "age_band, ranked_count, ranking) SELECT id, dialogue_id, session_id, "
            "neighbourhood_id, age_band, ranked_count, ranking FROM ballots"
        )
        cursor.execute("ANALYZE")
        connection.commit()
    return int(lengths.sum())


def _copy_ballots(
    url,
    world,
    count,
    lengths,
    order,
    priority_ids,
    neighbourhood,
    band_index,
    session_of,
    now,
    first_id,
) -> None:
    with psycopg.connect(plain_postgres_url(url)) as connection, connection.cursor() as cursor:
        chunk = 100_000
        for start in range(0, count, chunk):
            stop = min(count, start + chunk)
            participants, ballots_out, items = io.StringIO(), io.StringIO(), io.StringIO()
            for row in range(start, stop):
                ballot_id = first_id + row
                participant = uuid.UUID(int=rng_bits(row)).hex
                participants.write(f"{participant}\t{session_of[row]}\tsimulated\t\\N\t{now}\n")
                n = neighbourhood[row]
                band = BANDS[band_index[row]] if band_index[row] < len(BANDS) else "\\N"
                ranking = ",".join(str(priority_ids[order[row, r]]) for r in range(lengths[row]))
                ballots_out.write(
                    f"{ballot_id}\t{participant}\t{session_of[row]}\t{world['dialogue_id']}\t"
                    f"{n if n >= 0 else chr(92) + 'N'}\t{band}\t{lengths[row]}\t{ranking}\t1\t{now}\t{now}\n"
                )
                for rank in range(lengths[row]):
                    items.write(
                        f"{ballot_id}\t{rank + 1}\t{priority_ids[order[row, rank]]}\t{world['dialogue_id']}\n"
                    )
            for table, columns, buffer in (
                ("participants", "id, session_id, origin, entered_by_id, created_at", participants),
                ("ballots", "id, participant_id, session_id, dialogue_id, neighbourhood_id, age_band, ranked_count, ranking, revision, created_at, updated_at", ballots_out),
                ("ballot_items", "ballot_id, rank, priority_id, dialogue_id", items),
            ):  # fmt: skip
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            connection.commit()
            print(f"  generated {stop:,} ballots", flush=True)


def reuse_world(url: str) -> dict:
    with psycopg.connect(plain_postgres_url(url)) as connection:
        dialogue_id = connection.execute(
            "SELECT id FROM dialogues WHERE title = 'Brede welvaart Benchstad'"
        ).fetchone()[0]
        session_id, join_code = connection.execute(
            "SELECT id, join_code FROM sessions WHERE dialogue_id = %s ORDER BY id LIMIT 1",
            (dialogue_id,),
        ).fetchone()
        ballots = connection.execute("SELECT count(*) FROM ballots").fetchone()[0]
    return {
        "dialogue_id": dialogue_id,
        "join_code": join_code,
        "session_ids": [session_id],
        "ballots": ballots,
    }


def rng_bits(row: int) -> int:
    return (row * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & ((1 << 128) - 1) | (1 << 120)


def baseline_group_by(url: str, dialogue_id: int) -> float:
    """The hand-written single SQL GROUP BY of Borda points per neighbourhood and priority."""
    query = f"""
        SELECT b.neighbourhood_id, i.priority_id, sum({PRIORITIES} - i.rank) AS points, count(*)
        FROM ballot_items i JOIN ballots b ON b.id = i.ballot_id
        WHERE b.dialogue_id = {dialogue_id}
        GROUP BY b.neighbourhood_id, i.priority_id
    """
    with psycopg.connect(plain_postgres_url(url)) as connection:
        started = time.perf_counter()
        connection.execute(query).fetchall()
        return time.perf_counter() - started


def full_recompute(url: str, dialogue_id: int) -> float:
    engine = create_db_engine(url)
    with open_session(engine) as db:
        started = time.perf_counter()
        counted = results.recompute_dialogue(db, dialogue_id=dialogue_id)
        elapsed = time.perf_counter() - started
    engine.dispose()
    assert counted > 0
    return elapsed


def serve(url: str, port: int, workdir: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
           "PUBLIC_URL": f"http://127.0.0.1:{port}", "RESULTS_REFRESH_SECONDS": "1",
           "PARTICIPANT_WRITES_LIMIT": "100000/minute", "SESSION_WRITES_LIMIT": "1000000/minute",
           "CHECK_INS_PER_SESSION_LIMIT": "1000000/minute"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/themes", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def timed_gets(client: httpx.Client, path: str, headers: dict, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append(time.perf_counter() - started)
        response.raise_for_status()
    return times


def visibility(client: httpx.Client, world: dict, headers: dict, tries: int = 3) -> list[float]:
    """Seconds from the last of a batch of ten like ballots being acknowledged to the results
    counting them (a release moves every figure by none or at least minGroupSize ballots).
    Three batches: thirty check-ins stay within one client's check-in limit (40 a minute)."""
    delays = []
    path = f"/api/v1/dialogues/{world['dialogue_id']}/results?groupBy=dialogue"
    for _ in range(tries):
        before = client.get(path, headers=headers).json()["totalBallots"]
        for _ in range(10):
            answer = client.post("/api/v1/check-ins", json={"joinCode": world["join_code"]})
            answer.raise_for_status()
            check_in = answer.json()
            token = {"Authorization": f"Bearer {check_in['participantToken']}"}
            ranking = [p["id"] for p in check_in["priorities"]][:3]
            session_id = check_in["session"]["id"]
            put = client.put(
                f"/api/v1/sessions/{session_id}/ballot", json={"ranking": ranking}, headers=token
            )
            put.raise_for_status()
        acknowledged = time.perf_counter()
        while client.get(path, headers=headers).json()["totalBallots"] != before + 10:
            if time.perf_counter() - acknowledged > 30:
                raise RuntimeError("a batch of ten ballots did not show within 30 s")
            time.sleep(0.05)
        delays.append(time.perf_counter() - acknowledged)
    return delays


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", metavar="DATABASE", help="a database kept by an earlier --keep run"
    )
    args = parser.parse_args()

    if args.reuse:
        name = args.reuse
        url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        upgrade_to_head(url)  # kept by an older version, perhaps
        world = reuse_world(url)
        args.keep = True
        print(f"Reusing database {name} with {world['ballots']:,} ballots")
    else:
        name, url = create_postgres_database(ADMIN_URL, prefix="wg_bench")
        print(f"Database {name}: migrating and building the world...", flush=True)
    try:
        if not args.reuse:
            upgrade_to_head(url)
            world = build_world(url)
            started = time.perf_counter()
            items = generate_ballots(url, world, args.ballots)
            print(
                f"Generated {args.ballots:,} ballots ({items:,} ranked items) in {time.perf_counter() - started:.1f} s"
            )
        args.ballots = world.get("ballots", args.ballots)

        baseline_group_by(url, world["dialogue_id"])  # warm the cache
        baselines, recomputes = [], []
        for _ in range(args.repeat):
            baselines.append(baseline_group_by(url, world["dialogue_id"]))
            recomputes.append(full_recompute(url, world["dialogue_id"]))
        baseline, recompute = statistics.median(baselines), statistics.median(recomputes)

        with tempfile.TemporaryDirectory() as workdir:
            port = 8190
            server = serve(url, port, Path(workdir))
            try:
                client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
                token = client.post(
                    "/api/v1/auth/token",
                    data={"username": "analyst@bench.example", "password": PASSWORD},
                ).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                reads = {}
                for label, path in (
                    ("groupBy=neighbourhood", f"/api/v1/dialogues/{world['dialogue_id']}/results?groupBy=neighbourhood"),
                    ("groupBy=ageBand", f"/api/v1/dialogues/{world['dialogue_id']}/results?groupBy=ageBand"),
                    ("groupBy=session", f"/api/v1/dialogues/{world['dialogue_id']}/results?groupBy=session"),
                ):  # fmt: skip
                    cold = timed_gets(client, path, headers, 1)[0]
                    warm = timed_gets(client, path, headers, 30)
                    reads[label] = (
                        cold,
                        statistics.median(warm),
                        sorted(warm)[int(len(warm) * 0.95) - 1],
                    )
                trivial = statistics.median(timed_gets(client, "/api/v1/themes", {}, 30))
                delays = visibility(client, world, headers)
            finally:
                server.terminate()
                server.wait(timeout=30)

        print()
        print(
            f"Results at scale — {args.ballots:,} ballots, {WIJKEN * BUURTEN_PER_WIJK} buurten in {WIJKEN} wijken, {PRIORITIES} priorities, {SESSIONS} sessions, PostgreSQL"
        )
        print(
            f"  full recompute from scratch   {recompute:7.2f} s   (median of {args.repeat}: {', '.join(f'{t:.2f}' for t in recomputes)})"
        )
        print(
            f"  baseline: one SQL GROUP BY    {baseline:7.2f} s   (median of {args.repeat}: {', '.join(f'{t:.2f}' for t in baselines)})"
        )
        print(f"  ratio recompute / baseline    {recompute / baseline:7.2f}     goal ≤ 2")
        for label, (cold, median, p95) in reads.items():
            print(
                f"  read {label:<36} cold {cold * 1000:6.0f} ms, warm median {median * 1000:5.1f} ms, p95 {p95 * 1000:5.1f} ms   goal median < 100 ms"
            )
        print(
            f"  baseline: GET /themes         warm median {trivial * 1000:5.1f} ms; ratio neighbourhood read / themes {reads['groupBy=neighbourhood'][1] / trivial:.1f}"
        )
        print(
            f"  batch of 10 visible after      max {max(delays):.2f} s, median {statistics.median(delays):.2f} s over {len(delays)}   goal < 5 s"
        )
    finally:
        if args.keep:
            print(f"Kept database {name}: {url}")
        else:
            drop_postgres_database(ADMIN_URL, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
