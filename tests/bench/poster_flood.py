"""One client flooding a poster-mode session vs. 20 residents on other networks (issue 9.4).

    .venv/bin/python -m tests.bench.poster_flood                      # this checkout
    .venv/bin/python -m tests.bench.poster_flood --code /path/to/old  # another checkout

One run, bounded in count and time, everything on 127.0.0.1:
1. a fresh SQLite database with the demo (`python -m api.cli demo`: an open poster-mode
   session, code WVSTAD), served by `python -m api.cli serve` (uvicorn, one worker) from the
   checkout given by `--code`, as configured by default (no limits raised);
2. the flood: `--connections` connections from one address (127.0.1.1) check in and vote
   back to back for `--seconds`; meanwhile 20 residents, each from its own /24 (127.0.10.1,
   127.0.11.1, …), arrive spread over the flood and check in and vote once, on the first
   try (no retries, so a 429 locks them out as it would a resident who gives up);
3. guessing: `--connections` connections from one address (127.0.2.1) try random unknown
   join codes for `--guess-seconds`; every 404 is a guess the server answered. Meanwhile
   one other client (127.0.3.1) tries an unknown code and then the real one, once a second.

Loopback addresses other than 127.0.0.1 work on Linux without any set-up (all of 127/8 is
loopback); the server sees them as `request.client.host`.
"""

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from tests.helpers import free_port

JOIN_CODE = "WVSTAD"
FLOODER = "127.0.1.1"
GUESSER = "127.0.2.1"
BYSTANDER = "127.0.3.1"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def client(port: int, local_address: str, connections: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}/api/v1",
        transport=httpx.AsyncHTTPTransport(
            local_address=local_address,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        ),
        timeout=30,
    )


async def check_in_and_vote(http: httpx.AsyncClient) -> tuple[int, int]:
    """(check-in status, ballot status or 0)."""
    checked_in = await http.post("/check-ins", json={"joinCode": JOIN_CODE})
    if checked_in.status_code != 201:
        return checked_in.status_code, 0
    body = checked_in.json()
    ranking = [p["id"] for p in body["priorities"]][:3]
    voted = await http.put(
        f"/sessions/{body['session']['id']}/ballot",
        json={"ranking": ranking},
        headers={"Authorization": f"Bearer {body['participantToken']}"},
    )
    return 201, voted.status_code


async def flood(port: int, *, seconds: float, connections: int, residents: int) -> dict:
    flood_results: Counter[tuple[int, int]] = Counter()
    resident_results: list[tuple[int, int]] = []
    start = time.monotonic()
    deadline = start + seconds

    async def flooder(http: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            flood_results[await check_in_and_vote(http)] += 1

    async def resident(number: int) -> None:
        await asyncio.sleep((number + 0.5) * seconds / residents)
        async with client(port, f"127.0.{10 + number}.1", 1) as http:
            resident_results.append(await check_in_and_vote(http))

    async with client(port, FLOODER, connections) as http:
        await asyncio.gather(
            *(flooder(http) for _ in range(connections)), *(resident(n) for n in range(residents))
        )
    return {
        "seconds": time.monotonic() - start,
        "flood": flood_results,
        "residents": resident_results,
    }


async def guess(port: int, *, seconds: float, connections: int) -> dict:
    answers: Counter[int] = Counter()
    bystander: list[tuple[int, int]] = []
    deadline = time.monotonic() + seconds
    rng = random.Random(9)

    async def guesser(http: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            code = "".join(rng.choice(ALPHABET) for _ in range(6))
            if code == JOIN_CODE:
                continue
            answers[(await http.post("/check-ins", json={"joinCode": code})).status_code] += 1

    async def other_client() -> None:
        async with client(port, BYSTANDER, 1) as http:
            while time.monotonic() < deadline:
                wrong = await http.post("/check-ins", json={"joinCode": "ZZZZZZ"})
                right = await http.post("/check-ins", json={"joinCode": JOIN_CODE})
                bystander.append((wrong.status_code, right.status_code))
                await asyncio.sleep(1)

    async with client(port, GUESSER, connections) as http:
        await asyncio.gather(*(guesser(http) for _ in range(connections)), other_client())
    return {"answers": answers, "bystander": bystander}


def start_server(code: Path, workdir: Path) -> tuple[subprocess.Popen, int]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'welvaartgesprek.db'}",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "DATA_DIR": str(workdir),
        "PUBLIC_URL": "http://127.0.0.1",
        "LOG_LEVEL": "warning",
        "PYTHONPATH": str(code),
    }
    demo = subprocess.run(
        [sys.executable, "-m", "api.cli", "demo"], env=env, cwd=code, capture_output=True, text=True
    )
    if demo.returncode != 0:
        raise SystemExit(f"the demo failed:\n{demo.stdout}\n{demo.stderr}")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=code,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/themes", timeout=1).status_code == 200:
                return server, port
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not get ready within 60 s")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--seconds", type=float, default=60, help="flood duration (≤ 300)")
    parser.add_argument("--guess-seconds", type=float, default=20, help="guessing (≤ 120)")
    parser.add_argument("--connections", type=int, default=8, help="of the flooder (≤ 64)")
    parser.add_argument("--residents", type=int, default=20)
    args = parser.parse_args()
    args.seconds = min(args.seconds, 300)
    args.guess_seconds = min(args.guess_seconds, 120)
    args.connections = min(args.connections, 64)

    workdir = Path(tempfile.mkdtemp(prefix="wg-flood-"))
    commit = subprocess.run(
        ["git", "-C", str(args.code), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(
        f"Poster flood: code {args.code} ({commit}), SQLite, one uvicorn worker on 127.0.0.1; "
        f"flood {args.seconds:.0f} s from {args.connections} connections of one address, "
        f"{args.residents} residents on other /24s; guessing {args.guess_seconds:.0f} s; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    server, port = start_server(args.code, workdir)
    try:
        flooded = asyncio.run(
            flood(
                port, seconds=args.seconds, connections=args.connections, residents=args.residents
            )
        )
        guessed = asyncio.run(guess(port, seconds=args.guess_seconds, connections=args.connections))
    finally:
        stop(server)
    got_in = sum(n for (c, b), n in flooded["flood"].items() if c == 201)
    voted = sum(n for (c, b), n in flooded["flood"].items() if b == 200)
    refused = sum(n for (c, _), n in flooded["flood"].items() if c == 429)
    residents_ok = sum(1 for r in flooded["residents"] if r == (201, 200))
    print(
        f"flood ({flooded['seconds']:.0f} s): {got_in} check-ins and {voted} ballots accepted, "
        f"{refused} check-ins refused with 429; statuses {dict(flooded['flood'])}"
    )
    print(
        f"residents on other networks: {residents_ok} of {len(flooded['residents'])} checked in "
        f"and voted on the first try; statuses {Counter(flooded['residents'])}"
    )
    answers = guessed["answers"]
    print(
        f"unknown-code guesses in {args.guess_seconds:.0f} s: {answers.get(404, 0)} answered "
        f"(404), {answers.get(429, 0)} refused (429); other client (unknown, real code) "
        f"each second: {Counter(guessed['bystander'])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
