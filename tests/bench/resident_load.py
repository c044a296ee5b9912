"""Load benchmark of the resident write path against a raw-insert baseline, on 127.0.0.1.

    .venv/bin/python -m tests.bench.resident_load --database sqlite --workers 1,2,4
    .venv/bin/python -m tests.bench.resident_load --database postgresql --workers 1,2,4

For each number of uvicorn workers:
1. creates a fresh database (a temporary SQLite file, or a new PostgreSQL database), loads the
   demo (`welvaartgesprek demo`: an open poster-mode session, code WVSTAD) and starts
   `welvaartgesprek serve` with that many workers, the rate limits raised through the
   environment; next to it, a baseline with as many workers: a minimal FastAPI app whose one
   endpoint does one raw INSERT + COMMIT with the service's driver (`sqlite3` with WAL and
   synchronous=FULL, a connection per thread; or psycopg, from a pool of as many connections
   as the service has writer threads);
2. drives both from `--connections` keep-alive connections: check-ins, then `--rounds` rounds
   of baseline inserts, ballot PUTs (each with a fresh Idempotency-Key; 5% are sent twice, as
   after a lost response) and pledge POSTs, alternating so that the machine's load (other
   work on it) falls on both alike, each phase `--seconds` long (residents to pledge are
   checked in before each pledge phase, unmeasured: one makes five at most); then ballot
   PUTs at a fixed rate (open loop, `--open-rate`), whose latency counts from when each was
   due;
3. prints per round and as the median of the rounds: throughput and the ratio of ballot PUTs
   and pledge POSTs to the baseline's inserts, closed-loop p99 of each, and the server's CPU
   per request (all its processes); then checks the database: every acknowledged write is
   there exactly once (a ballot's revision equals the number of PUTs acknowledged for it, its
   items are the last ranking acknowledged, pledges, check-ins and baseline rows match), and no
   replay wrote anything.

The client is a small asyncio HTTP/1.1 client in this process; the servers are other
processes. Exit status 1 if any request failed or the database disagrees with the answers.
The service runs as configured, results refresher included; RESULTS_REFRESH_SECONDS=0 in
the environment turns that off. With 64 connections sending back to back, latency is queueing:
a connection waits for the 63 requests ahead of it (Little's law), hence the open loop.
With several workers on SQLite each worker has its own in-memory rate limits (raised here).
On PostgreSQL the run stops at once if `max_connections` is too low for the workers asked
(61 per instance, as deploy/README.md says, and the baseline's): 4 workers need 286.
"""

import argparse
import asyncio
import json
import math
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from api.core.db import WRITER_THREADS
from tests.helpers import (
    create_postgres_database,
    drop_postgres_database,
    free_port,
    plain_postgres_url,
)

ADMIN_URL = os.environ.get(
    "WG_BENCH_POSTGRES_URL",
    os.environ.get(
        "WG_TEST_POSTGRES_URL",
        "postgresql+psycopg://welvaartgesprek:welvaartgesprek@127.0.0.1:5432/postgres",
    ),
)
JOIN_CODE = "WVSTAD"
MUNICIPALITY = "GM9999"
AGE_BANDS = ["12-17", "18-24", "25-44", "45-64", "65+"]
KINDS = ["time", "skill", "space", "materials", "network", "other"]
RETRY_SHARE = 0.05
PLEDGING_RESIDENTS = 50  # per connection: the latest residents, who pledge in turn
WARMUP_SECONDS = 2.0
BIN = Path(sys.executable).parent
RAISED_LIMITS = {
    "PARTICIPANT_WRITES_LIMIT": "100000/minute",
    "SESSION_WRITES_LIMIT": "10000000/minute",
    "CHECK_INS_PER_SESSION_LIMIT": "10000000/minute",
    "CHECK_INS_PER_CLIENT_LIMIT": "10000000/minute",  # every connection is from 127.0.0.1
    "CHECK_IN_FAILURES_LIMIT": "10000000/minute",
}


# --- the baseline server -------------------------------------------------------------------


def baseline_app(path: str, *, serialise: bool):
    """One endpoint, one raw INSERT + COMMIT: sqlite3 with the pragmas the service uses, or
    psycopg when `path` is a PostgreSQL URL (the same driver as the service's)."""
    from fastapi import FastAPI
    from pydantic import BaseModel

    app = FastAPI()
    local = threading.local()
    lock = threading.Lock() if serialise else None

    class Item(BaseModel):
        payload: str

    if path.startswith("postgresql"):
        url = plain_postgres_url(path)
        # As many connections as the service's writer threads, pooled: a connection per thread
        # of the thread pool (40 per worker) ran PostgreSQL out of connections at 4 workers.
        pool = QueuePool(lambda: psycopg.connect(url), pool_size=WRITER_THREADS, max_overflow=0)

        @app.post("/insert")
        def insert_postgresql(item: Item) -> dict[str, int]:
            connection = pool.connect()
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO bench_items (payload) VALUES (%s) RETURNING id",
                        (item.payload,),
                    )
                    (row_id,) = cursor.fetchone()
                connection.commit()
            finally:
                connection.close()  # back to the pool
            return {"id": row_id}

        @app.get("/ready")
        def ready_postgresql() -> dict[str, bool]:
            return {"ready": True}

        return app

    def connection() -> sqlite3.Connection:
        if not hasattr(local, "connection"):
            local.connection = sqlite3.connect(path, isolation_level=None, timeout=30)
            local.connection.execute("PRAGMA journal_mode=WAL")
            local.connection.execute("PRAGMA synchronous=FULL")
        return local.connection

    @app.post("/insert")
    def insert(item: Item) -> dict[str, int]:
        db = connection()
        if lock is None:
            cursor = db.execute("INSERT INTO items (payload) VALUES (?)", (item.payload,))
        else:
            with lock:  # writers queue in Python, as the service's engine makes them
                db.execute("BEGIN IMMEDIATE")
                cursor = db.execute("INSERT INTO items (payload) VALUES (?)", (item.payload,))
                db.execute("COMMIT")
        return {"id": cursor.lastrowid}

    @app.get("/ready")
    def ready() -> dict[str, bool]:
        return {"ready": True}

    return app


def baseline_from_environment():
    """The baseline app for uvicorn's workers (they import it by name)."""
    return baseline_app(
        os.environ["WG_BASELINE_PATH"], serialise=bool(os.environ.get("WG_BASELINE_SERIALISE"))
    )


def serve_baseline(port: int, path: str, serialise: bool, workers: int) -> None:
    import uvicorn

    if path.startswith("postgresql"):
        with psycopg.connect(plain_postgres_url(path)) as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS bench_items (id serial PRIMARY KEY, payload text)"
            )
    else:
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, payload TEXT)")
    os.environ["WG_BASELINE_PATH"] = path
    os.environ["WG_BASELINE_SERIALISE"] = "1" if serialise else ""
    uvicorn.run(
        "tests.bench.resident_load:baseline_from_environment",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_level="warning",
    )


# --- a lean HTTP/1.1 client ----------------------------------------------------------------


class Http:
    """One keep-alive HTTP/1.1 connection; just enough HTTP for JSON APIs (Content-Length)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(
        self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            await self._connect()
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        try:
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
            head = await self.reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
            response_headers = {}
            for line in header_lines:
                name, _, value = line.partition(":")
                response_headers[name.strip().lower()] = value.strip()
            length = int(response_headers.get("content-length", "0"))
            content = await self.reader.readexactly(length) if length else b""
        except (OSError, asyncio.IncompleteReadError):
            await self.close()
            raise
        if response_headers.get("connection", "").lower() == "close":
            await self.close()
        return int(status_line.split(" ", 2)[1]), response_headers, content


# --- bookkeeping ---------------------------------------------------------------------------


@dataclass
class Phase:
    """What one phase measured: per endpoint, latencies of successes, and the failures."""

    name: str
    seconds: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    machine_busy: float = 0.0
    warmup_ok: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def ok(self, endpoint: str, seconds: float) -> None:
        self.latencies[endpoint].append(seconds)

    def failed(self, endpoint: str, reason: str) -> None:
        self.errors[endpoint].append(reason)

    def throughput(self, endpoint: str) -> float:
        return len(self.latencies[endpoint]) / self.seconds if self.seconds else 0.0

    def percentile(self, endpoint: str, q: int) -> float:
        values = sorted(self.latencies[endpoint])
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0] * 1000
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000

    def error_count(self) -> int:
        return sum(len(v) for v in self.errors.values())


@dataclass
class Resident:
    participant_id: str
    token: str
    ballots_acknowledged: int = 0
    last_ranking: list[int] | None = None
    pledges_acknowledged: int = 0


@dataclass
class World:
    port: int
    session_id: int = 0
    priorities: list[int] = field(default_factory=list)
    neighbourhoods: list[str] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    check_ins_acknowledged: int = 0
    replays: int = 0
    unmeasured: list["Phase"] = field(default_factory=list)  # check-ins between the phases


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) and its living children
    (uvicorn's workers)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            child_pids = [int(child) for child in children.read().split()]
    except FileNotFoundError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_of(child) for child in child_pids)


def _machine_busy() -> tuple[float, float]:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


async def run_phase(
    name: str,
    *,
    connections: list[Http],
    seconds: float,
    step,
    server_pid: int,
    warmup: float = 0.0,
) -> Phase:
    """Run `step(http, worker, phase)` on every connection until the time is up."""
    await _close(connections)  # idle through the other server's phase: the server closed them
    if warmup:
        warm = Phase(f"{name} (warm-up)")
        deadline = time.perf_counter() + warmup
        await asyncio.gather(
            *(_loop(h, i, deadline, step, warm) for i, h in enumerate(connections))
        )
    phase = Phase(name)
    if warmup:
        phase.warmup_ok = sum(len(v) for v in warm.latencies.values())
    cpu, server_cpu, busy = time.process_time(), _cpu_of(server_pid), _machine_busy()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_loop(h, i, deadline, step, phase) for i, h in enumerate(connections)))
    phase.seconds = time.perf_counter() - started
    phase.client_cpu = time.process_time() - cpu
    phase.server_cpu = _cpu_of(server_pid) - server_cpu
    busy_after = _machine_busy()
    phase.machine_busy = (busy_after[0] - busy[0]) / max(1, busy_after[1] - busy[1])
    return phase


async def run_open_phase(
    name: str,
    *,
    connections: list[Http],
    seconds: float,
    rate: float,
    endpoint: str,
    step,
    server_pid: int,
) -> Phase:
    """Start one `step` every 1/`rate` s on a free connection (open loop), for `seconds`.

    Latency counts from when the request was due, so time spent waiting for a free
    connection is not hidden (no coordinated omission)."""
    await _close(connections)
    phase, scratch = Phase(name), Phase("scratch")
    free: asyncio.Queue[Http] = asyncio.Queue()
    for http in connections:
        free.put_nowait(http)

    async def one(number: int, due: float) -> None:
        http = await free.get()
        try:
            failures = scratch.error_count()
            await step(http, number % len(connections), scratch)
            if scratch.error_count() == failures:
                phase.ok(endpoint, time.perf_counter() - due)
            else:
                phase.errors[endpoint].extend(scratch.errors[endpoint][failures:] or ["failed"])
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            phase.failed("transport", repr(error))
        finally:
            free.put_nowait(http)

    cpu, server_cpu, busy = time.process_time(), _cpu_of(server_pid), _machine_busy()
    started = time.perf_counter()
    tasks, number = [], 0
    while (due := started + number / rate) < started + seconds:
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(number, due)))
        number += 1
    await asyncio.gather(*tasks)
    phase.seconds = time.perf_counter() - started
    phase.client_cpu = time.process_time() - cpu
    phase.server_cpu = _cpu_of(server_pid) - server_cpu
    busy_after = _machine_busy()
    phase.machine_busy = (busy_after[0] - busy[0]) / max(1, busy_after[1] - busy[1])
    return phase


async def _loop(http: Http, worker: int, deadline: float, step, phase: Phase) -> None:
    while time.perf_counter() < deadline:
        try:
            await step(http, worker, phase)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            phase.failed("transport", repr(error))


async def timed(phase: Phase, endpoint: str, http: Http, method: str, path: str, **kwargs):
    started = time.perf_counter()
    status, headers, content = await http.request(method, path, **kwargs)
    return status, headers, content, time.perf_counter() - started


# --- the resident flow ---------------------------------------------------------------------

API = "/api/v1"


def _auth(resident: Resident, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {resident.token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


async def check_in(world: World, http: Http, phase: Phase) -> Resident | None:
    status, _, content, took = await timed(
        phase, "check-in", http, "POST", f"{API}/check-ins", body={"joinCode": JOIN_CODE}
    )
    if status != 201:
        phase.failed("POST /check-ins", f"{status} {content[:200]!r}")
        return None
    phase.ok("POST /check-ins", took)
    body = json.loads(content)
    from jose import jwt

    claims = jwt.get_unverified_claims(body["participantToken"])
    resident = Resident(participant_id=claims["sub"], token=body["participantToken"])
    world.check_ins_acknowledged += 1
    world.residents.append(resident)
    return resident


def _ballot_body(world: World, rng: random.Random) -> dict:
    ranking = rng.sample(world.priorities, rng.randint(min(3, len(world.priorities)), len(world.priorities)))  # fmt: skip
    return {
        "ranking": ranking,
        "neighbourhoodCode": rng.choice(world.neighbourhoods + [None]),
        "ageBand": rng.choice(AGE_BANDS + [None]),
    }


async def put_ballot(
    world: World, http: Http, phase: Phase, resident: Resident, rng, retry_share=RETRY_SHARE
) -> None:
    body = _ballot_body(world, rng)
    key = str(uuid.uuid4())
    path = f"{API}/sessions/{world.session_id}/ballot"
    status, headers, content, took = await timed(
        phase, "ballot", http, "PUT", path, body=body, headers=_auth(resident, key)
    )
    if status != 200 or "idempotent-replayed" in headers:
        phase.failed("PUT /ballot", f"{status} {content[:200]!r}")
        return
    phase.ok("PUT /ballot", took)
    resident.ballots_acknowledged += 1
    resident.last_ranking = body["ranking"]
    if json.loads(content)["revision"] != resident.ballots_acknowledged:
        phase.failed("PUT /ballot", f"revision {content[:200]!r}")
    if rng.random() < retry_share:  # the answer got lost; the outbox sends it again
        again, again_headers, again_content, took = await timed(
            phase, "ballot", http, "PUT", path, body=body, headers=_auth(resident, key)
        )
        if again != 200 or again_headers.get("idempotent-replayed") != "true" or again_content != content:  # fmt: skip
            phase.failed("PUT /ballot (replay)", f"{again} {again_content[:200]!r}")
        else:
            phase.ok("PUT /ballot (replay)", took)
            world.replays += 1


async def post_pledge(world: World, http: Http, phase: Phase, resident: Resident, rng) -> None:
    body = {
        "kind": rng.choice(KINDS),
        "priorityId": rng.choice(world.priorities + [None]),
        "hoursPerMonth": rng.choice([None, 1, 2, 4, 8.5]),
        "text": "Ik help mee in de buurt.",
    }
    key = str(uuid.uuid4())
    path = f"{API}/sessions/{world.session_id}/pledges"
    status, headers, content, took = await timed(
        phase, "pledge", http, "POST", path, body=body, headers=_auth(resident, key)
    )
    if status != 201 or "idempotent-replayed" in headers:
        phase.failed("POST /pledges", f"{status} {content[:200]!r}")
        return
    phase.ok("POST /pledges", took)
    resident.pledges_acknowledged += 1
    if rng.random() < RETRY_SHARE:
        again, again_headers, again_content, took = await timed(
            phase, "pledge", http, "POST", path, body=body, headers=_auth(resident, key)
        )
        if again != 201 or again_headers.get("idempotent-replayed") != "true" or again_content != content:  # fmt: skip
            phase.failed("POST /pledges (replay)", f"{again} {again_content[:200]!r}")
        else:
            phase.ok("POST /pledges (replay)", took)
            world.replays += 1


async def drive(
    world: World,
    service: list[Http],
    baseline: list[Http],
    *,
    seconds: float,
    rounds: int,
    open_rate: float,
    service_pid: int,
    baseline_pid: int,
) -> tuple[Phase, list[tuple[Phase, Phase, Phase]], Phase]:
    """Check-ins, then `rounds` × (baseline, ballots, pledges) alternating, then an open loop."""
    http = service[0]
    status, _, content = await http.request(
        "POST", f"{API}/check-ins", body={"joinCode": JOIN_CODE}
    )
    assert status == 201, content
    first = json.loads(content)
    world.session_id = first["session"]["id"]
    world.priorities = [p["id"] for p in first["priorities"]]
    status, _, content = await http.request("GET", f"{API}/municipalities/{MUNICIPALITY}/neighbourhoods")  # fmt: skip
    world.neighbourhoods = [n["code"] for n in json.loads(content)]
    world.check_ins_acknowledged += 1  # the participant of that first check-in
    mine: dict[int, list[Resident]] = defaultdict(list)
    rngs = [random.Random(worker) for worker in range(len(service))]

    async def check_in_step(http: Http, worker: int, phase: Phase) -> None:
        resident = await check_in(world, http, phase)
        if resident is not None:
            mine[worker].append(resident)

    async def ballot_step(http: Http, worker: int, phase: Phase) -> None:
        residents = mine[worker]
        await put_ballot(world, http, phase, rngs[worker].choice(residents), rngs[worker])

    def pledging(worker: int) -> list[Resident]:
        return [r for r in mine[worker][-PLEDGING_RESIDENTS:] if r.pledges_acknowledged < 5]

    async def top_up(phase: Phase, inserts_per_second: float) -> None:
        """Check residents in before a pledge phase, so that it measures pledges alone."""
        pledges = 1.5 * inserts_per_second * seconds / len(service)  # per connection, at most
        wanted = min(PLEDGING_RESIDENTS, math.ceil(pledges / 5))

        async def one(http: Http, worker: int) -> None:
            for _ in range(wanted - len(pledging(worker))):
                await check_in_step(http, worker, phase)

        started = time.perf_counter()
        await asyncio.gather(*(one(http, worker) for worker, http in enumerate(service)))
        phase.seconds = time.perf_counter() - started

    async def pledge_step(http: Http, worker: int, phase: Phase) -> None:
        open_ = pledging(worker)
        resident = open_[0] if open_ else None
        if resident is None:
            resident = await check_in(world, http, phase)
            if resident is None:
                return
            mine[worker].append(resident)
        await post_pledge(world, http, phase, resident, rngs[worker])

    async def insert_step(http: Http, worker: int, phase: Phase) -> None:
        status, _, content, took = await timed(
            phase, "insert", http, "POST", "/insert", body={"payload": "x" * 40}
        )
        if status == 200:
            phase.ok("POST /insert", took)
        else:
            phase.failed("POST /insert", f"{status} {content[:200]!r}")

    sending: set[str] = set()  # residents with a PUT in flight in the open loop

    async def open_ballot_step(http: Http, worker: int, phase: Phase) -> None:
        # One PUT at a time per resident, as a phone sends them: the revision each answer
        # carries is then the number of PUTs acknowledged before it.
        idle = [r for r in mine[worker] if r.participant_id not in sending]
        idle = idle or [r for r in world.residents if r.participant_id not in sending]
        resident = rngs[worker].choice(idle)
        sending.add(resident.participant_id)
        try:
            await put_ballot(world, http, phase, resident, rngs[worker], 0.0)
        finally:
            sending.discard(resident.participant_id)

    check_ins = await run_phase(
        "check-ins",
        connections=service,
        seconds=seconds,
        step=check_in_step,
        server_pid=service_pid,
        warmup=WARMUP_SECONDS,
    )
    measured = []
    for number in range(1, rounds + 1):
        inserts = await run_phase(
            f"round {number}: baseline",
            connections=baseline,
            seconds=seconds,
            step=insert_step,
            server_pid=baseline_pid,
            warmup=WARMUP_SECONDS if number == 1 else 0.0,
        )
        ballots = await run_phase(
            f"round {number}: ballots",
            connections=service,
            seconds=seconds,
            step=ballot_step,
            server_pid=service_pid,
        )
        top_ups = Phase(f"round {number}: check-ins before the pledges (not measured)")
        world.unmeasured.append(top_ups)
        await top_up(top_ups, inserts_per_second=inserts.throughput("POST /insert"))
        pledges = await run_phase(
            f"round {number}: pledges",
            connections=service,
            seconds=seconds,
            step=pledge_step,
            server_pid=service_pid,
        )
        measured.append((inserts, ballots, pledges))
    open_loop = await run_open_phase(
        f"ballots, open loop at {open_rate:.0f}/s",
        connections=service,
        seconds=seconds,
        rate=open_rate,
        endpoint="PUT /ballot",
        step=open_ballot_step,
        server_pid=service_pid,
    )
    return check_ins, measured, open_loop


# --- servers and databases -----------------------------------------------------------------


def wait_until_ready(process: subprocess.Popen, port: int, path: str) -> None:
    deadline = time.monotonic() + 180  # the machine may be busy with other work
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode}) before it was ready")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                probe.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                if probe.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not get ready within 180 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_environment(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "DATA_DIR": str(data_dir),
        "PUBLIC_URL": "http://127.0.0.1",
        "ENVIRONMENT": "development",
        "LOG_LEVEL": "warning",
        **RAISED_LIMITS,
    }


# --- checking the database afterwards ------------------------------------------------------


def query(database_url: str, sql: str, params: dict) -> list[tuple]:
    if database_url.startswith("sqlite"):
        path = make_url(database_url).database
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            for name in params:
                sql = sql.replace(f"%({name})s", f":{name}")
            return db.execute(sql, params).fetchall()
    with psycopg.connect(plain_postgres_url(database_url)) as db:
        return db.execute(sql, params).fetchall()


def verify(database_url: str, world: World, participants_before: int) -> list[str]:
    """Compare the database with what the server acknowledged; returns the disagreements."""
    problems = []
    sid = {"sid": world.session_id}
    (participants,) = query(database_url, "SELECT count(*) FROM participants WHERE session_id = %(sid)s", sid)  # fmt: skip
    if participants[0] - participants_before != world.check_ins_acknowledged:
        problems.append(
            f"participants: {participants[0] - participants_before} stored, "
            f"{world.check_ins_acknowledged} check-ins acknowledged"
        )
    ballots = {
        participant: revision
        for participant, revision in query(
            database_url,
            "SELECT participant_id, revision FROM ballots WHERE session_id = %(sid)s",
            sid,  # fmt: skip
        )
    }
    items: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for participant, rank, priority in query(
        database_url,
        "SELECT b.participant_id, i.rank, i.priority_id FROM ballot_items i"
        " JOIN ballots b ON b.id = i.ballot_id WHERE b.session_id = %(sid)s",
        sid,
    ):
        items[participant].append((rank, priority))
    pledges = dict(
        query(
            database_url,
            "SELECT participant_id, count(*) FROM pledges WHERE session_id = %(sid)s GROUP BY participant_id",  # fmt: skip
            sid,
        )
    )
    voted = [r for r in world.residents if r.ballots_acknowledged]
    if len(ballots) != len(voted):
        problems.append(f"ballots: {len(ballots)} stored, {len(voted)} participants acknowledged")
    wrong_revision = [r for r in voted if ballots.get(r.participant_id) != r.ballots_acknowledged]
    if wrong_revision:
        r = wrong_revision[0]
        problems.append(
            f"{len(wrong_revision)} ballots whose revision is not the number of acknowledged PUTs"
            f" (e.g. {r.participant_id}: {ballots.get(r.participant_id)} vs {r.ballots_acknowledged})"
        )
    wrong_items = [
        r for r in voted if [p for _, p in sorted(items[r.participant_id])] != r.last_ranking
    ]
    if wrong_items:
        problems.append(f"{len(wrong_items)} ballots whose items are not the last ranking sent")
    pledged = {r.participant_id: r.pledges_acknowledged for r in world.residents if r.pledges_acknowledged}  # fmt: skip
    if pledges != pledged:
        problems.append(
            f"pledges: {sum(pledges.values())} stored for {len(pledges)} participants, "
            f"{sum(pledged.values())} acknowledged for {len(pledged)}"
        )
    return problems


# --- the report ----------------------------------------------------------------------------


def print_phase(phase: Phase) -> None:
    print(
        f"\n{phase.name}: {phase.seconds:.1f} s; client CPU {phase.client_cpu:.1f} s "
        f"({100 * phase.client_cpu / phase.seconds:.0f}% of one core); server process CPU "
        f"{phase.server_cpu:.1f} s ({100 * phase.server_cpu / phase.seconds:.0f}%); machine busy "
        f"{100 * phase.machine_busy:.0f}% of {os.cpu_count()} cores"
    )
    print(
        f"  {'endpoint':<24}{'ok':>8}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
    )
    for endpoint in sorted(set(phase.latencies) | set(phase.errors)):
        print(
            f"  {endpoint:<24}{len(phase.latencies[endpoint]):>8}{phase.throughput(endpoint):>9.1f}"
            f"{phase.percentile(endpoint, 50):>9.1f}{phase.percentile(endpoint, 95):>9.1f}"
            f"{phase.percentile(endpoint, 99):>9.1f}{len(phase.errors[endpoint]):>8}"
        )
    for endpoint, reasons in phase.errors.items():
        for reason in reasons[:3]:
            print(f"    {endpoint}: {reason}")


async def _connections(port: int, count: int) -> list[Http]:
    return [Http(port) for _ in range(count)]


async def _close(connections: list[Http]) -> None:
    for http in connections:
        await http.close()


def _cpu_per_request_ms(phase: Phase, endpoint: str) -> float:
    done = len(phase.latencies[endpoint])
    return 1000 * phase.server_cpu / done if done else float("nan")


def bench(args: argparse.Namespace, workers: int) -> tuple[dict[str, float], list[str]]:
    """One configuration: fresh databases, the baseline and the service with `workers`
    uvicorn workers each, the alternating rounds; returns the summary and any disagreement."""
    workdir = Path(tempfile.mkdtemp(prefix="wg-bench-"))
    postgres_name = None
    if args.database == "sqlite":
        database_url = f"sqlite:///{workdir / 'welvaartgesprek.db'}"
        baseline_target = str(workdir / "baseline.db")
    else:
        postgres_name, database_url = create_postgres_database(ADMIN_URL, prefix="wg_bench")
        baseline_target = database_url
    print(
        f"\n=== {args.database}, {workers} worker(s), {args.connections} connections, "
        f"{args.rounds} rounds of {args.seconds:.0f} s per phase; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} before",
        flush=True,
    )
    env = server_environment(database_url, workdir)
    processes = []
    try:
        demo = subprocess.run(
            [str(BIN / "welvaartgesprek"), "demo"],
            env=env,
            cwd=workdir,
            capture_output=True,
            text=True,  # fmt: skip
        )
        if demo.returncode != 0:
            raise SystemExit(f"welvaartgesprek demo failed:\n{demo.stdout}\n{demo.stderr}")
        participants_before = query(
            database_url,
            "SELECT count(*) FROM participants p JOIN sessions s ON s.id = p.session_id"
            " WHERE s.join_code = %(code)s",
            {"code": JOIN_CODE},
        )[0][0]
        baseline_port = free_port()
        serialise = ["--serialise"] if args.baseline_writers == "serialised" else []
        baseline = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.bench.resident_load",
                "--serve-baseline",
                str(baseline_port),
                baseline_target,
                "--workers",
                str(workers),
                *serialise,
            ],  # fmt: skip
            cwd=Path(__file__).resolve().parents[2],
        )
        processes.append(baseline)
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "welvaartgesprek"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],  # fmt: skip
            env=env,
            cwd=workdir,
        )
        processes.append(server)
        wait_until_ready(baseline, baseline_port, "/ready")
        wait_until_ready(server, port, "/api/v1/themes")
        world = World(port=port)

        async def run():
            service = await _connections(port, args.connections)
            base = await _connections(baseline_port, args.connections)
            try:
                return await drive(
                    world,
                    service,
                    base,
                    seconds=args.seconds,
                    rounds=args.rounds,
                    open_rate=args.open_rate,
                    service_pid=server.pid,
                    baseline_pid=baseline.pid,
                )
            finally:
                await _close(service)
                await _close(base)

        check_ins, measured, open_loop = asyncio.run(run())
    finally:
        for process in processes:
            stop(process)

    every_phase = [
        check_ins,
        *world.unmeasured,
        *(p for triple in measured for p in triple),
        open_loop,
    ]
    if args.verbose:
        for phase in every_phase:
            print_phase(phase)
    problems = verify(database_url, world, participants_before)
    if args.database == "sqlite":
        with sqlite3.connect(baseline_target) as db:
            baseline_rows = db.execute("SELECT count(*) FROM items").fetchone()[0]
    else:
        baseline_rows = query(database_url, "SELECT count(*) FROM bench_items", {})[0][0]
    acknowledged = sum(len(b.latencies["POST /insert"]) + b.warmup_ok for b, _, _ in measured)
    if baseline_rows != acknowledged:
        problems.append(f"baseline: {baseline_rows} rows, {acknowledged} inserts acknowledged")
    errors = sum(p.error_count() for p in every_phase)

    print(
        f"  {'round':<6}{'insert/s':>9}{'PUT/s':>8}{'ratio':>7}{'POST/s':>8}{'ratio':>7}"
        f"{'p99 ins':>9}{'p99 PUT':>9}{'p99 POST':>9}{'CPU/ins':>9}{'CPU/PUT':>9}{'busy':>6}"
    )
    rows = []
    for number, (base, ballots, pledges) in enumerate(measured, 1):
        inserts = base.throughput("POST /insert")
        row = {
            "inserts": inserts,
            "puts": ballots.throughput("PUT /ballot"),
            "ballot_ratio": ballots.throughput("PUT /ballot") / inserts if inserts else 0.0,
            "posts": pledges.throughput("POST /pledges"),
            "pledge_ratio": pledges.throughput("POST /pledges") / inserts if inserts else 0.0,
            "insert_p99": base.percentile("POST /insert", 99),
            "put_p99": ballots.percentile("PUT /ballot", 99),
            "post_p99": pledges.percentile("POST /pledges", 99),
            "insert_cpu": _cpu_per_request_ms(base, "POST /insert"),
            "put_cpu": _cpu_per_request_ms(ballots, "PUT /ballot"),
            "busy": ballots.machine_busy,
        }
        rows.append(row)
        print(
            f"  {number:<6}{row['inserts']:>9.0f}{row['puts']:>8.0f}{row['ballot_ratio']:>7.2f}"
            f"{row['posts']:>8.0f}{row['pledge_ratio']:>7.2f}{row['insert_p99']:>9.1f}"
            f"{row['put_p99']:>9.1f}{row['post_p99']:>9.1f}{row['insert_cpu']:>9.2f}"
            f"{row['put_cpu']:>9.2f}{100 * row['busy']:>5.0f}%"
        )
    summary = {name: statistics.median(r[name] for r in rows) for name in rows[0]}
    summary["open_p99"] = open_loop.percentile("PUT /ballot", 99)
    summary["open_rate"] = open_loop.throughput("PUT /ballot")
    summary["errors"] = errors
    print(
        f"  median: ballot PUT {summary['ballot_ratio']:.2f} of the baseline "
        f"({summary['puts']:.0f} vs {summary['inserts']:.0f}/s), pledge POST "
        f"{summary['pledge_ratio']:.2f}; closed-loop p99 PUT {summary['put_p99']:.1f} ms vs "
        f"insert {summary['insert_p99']:.1f} ms; server CPU {summary['put_cpu']:.2f} ms per PUT "
        f"vs {summary['insert_cpu']:.2f} per insert\n"
        f"  open loop: {summary['open_rate']:.0f} PUT/s, p99 {summary['open_p99']:.1f} ms "
        f"(from when each was due); errors {errors}; replays answered from the store "
        f"{world.replays}"
    )
    if problems:
        print("  DATABASE CHECK FAILED:")
        for problem in problems:
            print(f"    {problem}")
    else:
        print(
            f"  database check: {world.check_ins_acknowledged} check-ins, "
            f"{sum(1 for r in world.residents if r.ballots_acknowledged)} ballots "
            f"({sum(r.ballots_acknowledged for r in world.residents)} acknowledged PUTs = sum of "
            f"revisions), {sum(r.pledges_acknowledged for r in world.residents)} pledges, "
            f"{baseline_rows} baseline rows: every acknowledged write stored exactly once"
        )
    if not args.keep:
        if postgres_name:
            drop_postgres_database(ADMIN_URL, postgres_name)
        for path in sorted(workdir.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        workdir.rmdir()
    else:
        print(f"  kept: {database_url} and {workdir}")
    return summary, problems


# An instance holds up to 61 connections under load (deploy/README.md), the baseline 8 per
# worker; PostgreSQL keeps 3 for superusers.
CONNECTIONS_PER_INSTANCE = 61


def enough_connections(workers: int) -> None:
    """Stop at once, saying what to do, when PostgreSQL would refuse connections midway."""
    (limit,) = query(ADMIN_URL, "SHOW max_connections", {})[0]
    needed = workers * (CONNECTIONS_PER_INSTANCE + WRITER_THREADS) + 10
    if int(limit) < needed:
        raise SystemExit(
            f"PostgreSQL allows {limit} connections; {workers} workers and the baseline need "
            f"{needed}. As for production (deploy/README.md): ALTER SYSTEM SET "
            f"max_connections = {needed}; then restart PostgreSQL."
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/ballots/pledges rounds")
    parser.add_argument(
        "--workers", default="1", help="uvicorn workers, comma-separated: one configuration each"
    )
    parser.add_argument(
        "--baseline-writers",
        choices=["serialised", "free"],
        default="serialised",
        help="serialised: the baseline's writers queue on a Python lock, as ours do (the "
        "stronger baseline); free: they contend through SQLite's busy handler",
    )
    parser.add_argument(
        "--open-rate", type=float, default=300.0, help="ballot PUTs per second of the open loop"
    )
    parser.add_argument("--verbose", action="store_true", help="print every phase in full")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--serve-baseline", nargs=2, metavar=("PORT", "PATH"), help=argparse.SUPPRESS)  # fmt: skip
    parser.add_argument("--serialise", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        port, target = args.serve_baseline
        serve_baseline(int(port), target, args.serialise, int(args.workers))
        return 0
    counts = [int(w) for w in args.workers.split(",")]
    if args.database == "postgresql":
        enough_connections(max(counts))
    results = {}
    failed = False
    for workers in counts:
        summary, problems = bench(args, workers)
        results[workers] = summary
        failed = failed or bool(problems) or bool(summary["errors"])
    print(f"\nSummary ({args.database}; medians of {args.rounds} alternating rounds)")
    print(
        f"  {'workers':<8}{'insert/s':>9}{'PUT/s':>8}{'ratio':>7}{'pledge':>8}{'p99 PUT':>9}"
        f"{'p99 ins':>9}{'CPU/PUT':>9}{'open p99':>10}"
    )
    for workers, r in results.items():
        print(
            f"  {workers:<8}{r['inserts']:>9.0f}{r['puts']:>8.0f}{r['ballot_ratio']:>7.2f}"
            f"{r['pledge_ratio']:>8.2f}{r['put_p99']:>9.1f}{r['insert_p99']:>9.1f}"
            f"{r['put_cpu']:>9.2f}{r['open_p99']:>10.1f}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
