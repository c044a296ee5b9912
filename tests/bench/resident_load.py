"""Load benchmark of the resident API (issue 3), against a real server on 127.0.0.1.

    .venv/bin/python -m tests.bench.resident_load --database sqlite --connections 64 --seconds 20
    .venv/bin/python -m tests.bench.resident_load --database postgresql --connections 64 --seconds 20

One run:
1. creates a fresh database (a temporary SQLite file, or a new PostgreSQL database), loads the
   demo (`welvaartgesprek demo`: an open poster-mode session, code WVSTAD) and starts
   `welvaartgesprek serve` (uvicorn, one worker, 127.0.0.1) in a subprocess, with the rate
   limits raised through the environment;
2. starts, the same way, a baseline: a minimal FastAPI app whose one endpoint does one raw
   `sqlite3` INSERT + COMMIT (WAL, synchronous=FULL, a connection per thread), and measures it;
3. drives the resident API from `--connections` keep-alive connections, each phase bounded by
   `--seconds`: check-ins, ballot PUTs (each with a fresh Idempotency-Key; 5% are sent twice,
   as after a lost response), ballot PUTs again at a fixed rate (open loop, by default half
   the rate just measured, so latency is seen without a queue of 64 requests in front of
   each), pledges, and the whole flow (check-in → ballot → pledge);
4. prints throughput, p50/p95/p99 latency and errors per endpoint, the ratio of ballot PUT
   throughput to the baseline, the CPU the client used, and then checks the database: every
   acknowledged write is there exactly once (a ballot's revision equals the number of PUTs
   acknowledged for it, its items are the last ranking acknowledged, pledges and check-ins
   match), and no replay wrote anything.

The client is a small asyncio HTTP/1.1 client in this process; the servers are other
processes. Exit status 1 if any request failed or the database disagrees with the answers.
The service runs as configured, results refresher included; RESULTS_REFRESH_SECONDS=0 in
the environment turns that off. With 64 connections sending back to back, latency is queueing:
a connection waits for the 63 requests ahead of it (Little's law), so p99 is reported for
the open-loop phase too.
"""

import argparse
import asyncio
import json
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
    """One endpoint, one raw sqlite3 INSERT + COMMIT, with the pragmas the service uses."""
    from fastapi import FastAPI
    from pydantic import BaseModel

    app = FastAPI()
    local = threading.local()
    lock = threading.Lock() if serialise else None

    class Item(BaseModel):
        payload: str

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


def serve_baseline(port: int, path: str, serialise: bool) -> None:
    import uvicorn

    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, payload TEXT)")
    uvicorn.run(
        baseline_app(path, serialise=serialise),
        host="127.0.0.1",
        port=port,
        workers=1,
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


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


async def drive_resident_api(
    world: World, connections: list[Http], seconds: float, pid: int, open_rate: float | None
):
    http = connections[0]
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
    rngs = [random.Random(worker) for worker in range(len(connections))]

    async def check_in_step(http: Http, worker: int, phase: Phase) -> None:
        resident = await check_in(world, http, phase)
        if resident is not None:
            mine[worker].append(resident)

    async def ballot_step(http: Http, worker: int, phase: Phase) -> None:
        residents = mine[worker]
        await put_ballot(world, http, phase, rngs[worker].choice(residents), rngs[worker])

    async def pledge_step(http: Http, worker: int, phase: Phase) -> None:
        open_ = [r for r in mine[worker][-50:] if r.pledges_acknowledged < 5]
        resident = open_[0] if open_ else None
        if resident is None:
            resident = await check_in(world, http, phase)
            if resident is None:
                return
            mine[worker].append(resident)
        await post_pledge(world, http, phase, resident, rngs[worker])

    async def flow_step(http: Http, worker: int, phase: Phase) -> None:
        resident = await check_in(world, http, phase)
        if resident is None:
            return
        await put_ballot(world, http, phase, resident, rngs[worker])
        await post_pledge(world, http, phase, resident, rngs[worker])

    async def open_ballot_step(http: Http, worker: int, phase: Phase) -> None:
        residents = mine[worker]
        await put_ballot(world, http, phase, rngs[worker].choice(residents), rngs[worker], 0.0)

    phases = [
        await run_phase(
            "check-ins",
            connections=connections,
            seconds=seconds,
            step=check_in_step,
            server_pid=pid,
            warmup=WARMUP_SECONDS,
        ),  # fmt: skip
        await run_phase(
            "ballots", connections=connections, seconds=seconds, step=ballot_step, server_pid=pid
        ),  # fmt: skip
    ]
    rate = open_rate or max(1.0, phases[-1].throughput("PUT /ballot") / 2)
    phases.append(
        await run_open_phase(
            f"ballots, open loop at {rate:.0f}/s",
            connections=connections,
            seconds=seconds,
            rate=rate,
            endpoint="PUT /ballot",
            step=open_ballot_step,
            server_pid=pid,
        )  # fmt: skip
    )
    phases += [
        await run_phase(
            "pledges", connections=connections, seconds=seconds, step=pledge_step, server_pid=pid
        ),  # fmt: skip
        await run_phase(
            "resident flow",
            connections=connections,
            seconds=seconds,
            step=flow_step,
            server_pid=pid,
        ),  # fmt: skip
    ]
    return phases


async def drive_baseline(connections: list[Http], seconds: float, pid: int) -> Phase:
    async def step(http: Http, worker: int, phase: Phase) -> None:
        status, _, content, took = await timed(
            phase, "insert", http, "POST", "/insert", body={"payload": "x" * 40}
        )
        if status == 200:
            phase.ok("POST /insert", took)
        else:
            phase.failed("POST /insert", f"{status} {content[:200]!r}")

    return await run_phase(
        "baseline",
        connections=connections,
        seconds=seconds,
        step=step,
        server_pid=pid,
        warmup=WARMUP_SECONDS,  # fmt: skip
    )


# --- servers and databases -----------------------------------------------------------------


def wait_until_ready(process: subprocess.Popen, port: int, path: str) -> None:
    deadline = time.monotonic() + 60
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
    raise SystemExit("the server did not get ready within 60 s")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument(
        "--baseline-writers",
        choices=["serialised", "free"],
        default="serialised",
        help="serialised: the baseline's writers queue on a Python lock, as ours do (the "
        "stronger baseline); free: they contend through SQLite's busy handler",
    )
    parser.add_argument(
        "--open-rate",
        type=float,
        help="ballot PUTs per second of the open-loop phase (default: half the closed-loop rate)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--serve-baseline", nargs=2, metavar=("PORT", "PATH"), help=argparse.SUPPRESS)  # fmt: skip
    parser.add_argument("--serialise", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(int(args.serve_baseline[0]), args.serve_baseline[1], args.serialise)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="wg-bench-"))
    postgres_name = None
    if args.database == "sqlite":
        database_url = f"sqlite:///{workdir / 'welvaartgesprek.db'}"
    else:
        postgres_name, database_url = create_postgres_database(ADMIN_URL, prefix="wg_bench")
    print(
        f"Resident load benchmark: {args.database}, {args.connections} connections, "
        f"{args.seconds:.0f} s per phase, one uvicorn worker on 127.0.0.1; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the run"
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

        # 1. the baseline, alone on the machine
        baseline_port = free_port()
        serialise = ["--serialise"] if args.baseline_writers == "serialised" else []
        baseline = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.bench.resident_load",
                "--serve-baseline",
                str(baseline_port),
                str(workdir / "baseline.db"),
                *serialise,
            ],  # fmt: skip
            cwd=Path(__file__).resolve().parents[2],
        )
        processes.append(baseline)
        wait_until_ready(baseline, baseline_port, "/ready")

        async def baseline_run():
            connections = await _connections(baseline_port, args.connections)
            try:
                return await drive_baseline(connections, args.seconds, baseline.pid)
            finally:
                await _close(connections)

        baseline_phase = asyncio.run(baseline_run())
        stop(baseline)
        with sqlite3.connect(workdir / "baseline.db") as db:
            baseline_rows = db.execute("SELECT count(*) FROM items").fetchone()[0]

        # 2. the service
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
                "1",
            ],  # fmt: skip
            env=env,
            cwd=workdir,
        )
        processes.append(server)
        wait_until_ready(server, port, "/api/v1/themes")
        print(f"service: pid {server.pid}, http://127.0.0.1:{port}", flush=True)
        world = World(port=port)

        async def resident_run():
            connections = await _connections(port, args.connections)
            try:
                return await drive_resident_api(
                    world, connections, args.seconds, server.pid, args.open_rate
                )
            finally:
                await _close(connections)

        phases = asyncio.run(resident_run())
        stop(server)
    finally:
        for process in processes:
            stop(process)

    # 3. the report
    print_phase(baseline_phase)
    for phase in phases:
        print_phase(phase)
    problems = verify(database_url, world, participants_before)
    acknowledged = len(baseline_phase.latencies["POST /insert"]) + baseline_phase.warmup_ok
    if baseline_rows != acknowledged:
        problems.append(f"baseline: {baseline_rows} rows, {acknowledged} inserts acknowledged")
    ballots = next(p for p in phases if p.name == "ballots")
    flow = next(p for p in phases if p.name == "resident flow")
    open_loop = next(p for p in phases if p.name.startswith("ballots, open loop"))
    errors = baseline_phase.error_count() + sum(p.error_count() for p in phases)
    ratio = ballots.throughput("PUT /ballot") / baseline_phase.throughput("POST /insert")
    flow_ratio = flow.throughput("PUT /ballot") / baseline_phase.throughput("POST /insert")
    p99 = ballots.percentile("PUT /ballot", 99)
    print("\nSummary")
    print(f"  baseline (raw sqlite3 INSERT, {args.baseline_writers} writers): "
          f"{baseline_phase.throughput('POST /insert'):.1f} inserts/s, "
          f"p99 {baseline_phase.percentile('POST /insert', 99):.1f} ms ({baseline_rows} rows = "
          f"{acknowledged} acknowledged, warm-up included)")  # fmt: skip
    print(f"  ballot PUTs (ballot phase):   {ballots.throughput('PUT /ballot'):.1f}/s, p99 {p99:.1f} ms, "
          f"ratio to baseline {ratio:.2f}")  # fmt: skip
    print(f"  ballot PUTs ({open_loop.name}): p50 {open_loop.percentile('PUT /ballot', 50):.1f} ms, "
          f"p95 {open_loop.percentile('PUT /ballot', 95):.1f} ms, p99 {open_loop.percentile('PUT /ballot', 99):.1f} ms "
          f"(from when each was due)")  # fmt: skip
    print(f"  ballot PUTs (resident flow):  {flow.throughput('PUT /ballot'):.1f}/s "
          f"(with as many check-ins and pledges), ratio to baseline {flow_ratio:.2f}")  # fmt: skip
    print(f"  errors: {errors}; replays answered from the store: {world.replays}")
    print(f"  client CPU: {sum(p.client_cpu for p in phases) + baseline_phase.client_cpu:.1f} s over "
          f"{sum(p.seconds for p in phases) + baseline_phase.seconds:.0f} s of load")  # fmt: skip
    if problems:
        print("  DATABASE CHECK FAILED:")
        for problem in problems:
            print(f"    {problem}")
    else:
        print(
            f"  database check: {world.check_ins_acknowledged} check-ins, "
            f"{sum(1 for r in world.residents if r.ballots_acknowledged)} ballots "
            f"({sum(r.ballots_acknowledged for r in world.residents)} acknowledged PUTs = sum of "
            f"revisions), {sum(r.pledges_acknowledged for r in world.residents)} pledges: "
            "every acknowledged write stored exactly once"
        )
    if args.database == "sqlite":
        open_p99 = open_loop.percentile("PUT /ballot", 99)
        goal = ratio >= 1 / 3 and p99 < 100 and errors == 0
        print(
            f"  goal (ratio >= 0.33, p99 < 100 ms, no errors): {'met' if goal else 'MISSED'} "
            f"(ratio {ratio:.2f}; p99 {p99:.0f} ms with 64 connections sending back to back, "
            f"{open_p99:.0f} ms at half that rate; {errors} errors)"
        )
    if not args.keep:
        if postgres_name:
            drop_postgres_database(ADMIN_URL, postgres_name)
        for path in sorted(workdir.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        workdir.rmdir()
    else:
        print(f"  kept: {database_url} and {workdir}")
    return 1 if errors or problems else 0


if __name__ == "__main__":
    sys.exit(main())
