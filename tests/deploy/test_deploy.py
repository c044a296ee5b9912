"""The deployment in deploy/ as it runs: PostgreSQL, two app instances (`welvaartgesprek
serve`) and nginx with deploy/nginx/welvaartgesprek.conf (its TLS includes swapped for a plain
listener on 127.0.0.1). Residents go through nginx as a phone's outbox would; one instance is
killed with SIGKILL while they do. Run with `make test-deploy` (not part of `make test`)."""

import base64
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import Engine, text

from api.core.access import Role
from api.core.db import create_db_engine, open_session
from tests.conftest import POSTGRES_ADMIN_URL
from tests.helpers import (
    PASSWORD,
    bearer,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    leads_the_refresher,
    make_staff,
    next_status,
    plain_postgres_url,
    stop_process,
    wait_for,
)
from tests.results.conftest import JOIN_CODES, World, build_world

pytestmark = [pytest.mark.deploy, pytest.mark.timeout(170)]

PROJECT = Path(__file__).resolve().parents[2]
SITE = PROJECT / "deploy" / "nginx" / "welvaartgesprek.conf"
TLS_INCLUDE = "include /etc/nginx/welvaartgesprek/tls.conf;"
REDIRECT_INCLUDE = "include /etc/nginx/welvaartgesprek/redirect-http.conf;"
UPSTREAM_SERVER = re.compile(r"^(\s*server )127\.0\.0\.1:\d+( .*;)$", re.MULTILINE)
WAIT_SECONDS = 60
RESIDENTS = 36
PARTICIPANT_WRITES = 6  # PARTICIPANT_WRITES_LIMIT per minute
UNKNOWN_CODES = 4  # UNKNOWN_JOIN_CODES_LIMIT per minute


def drop_database(name: str) -> None:
    """Drop a test database; autovacuum (the server's own role, which the test role may not
    stop) may be busy in it after a restore or many writes: wait until it is done."""

    def dropped() -> bool:
        try:
            drop_postgres_database(POSTGRES_ADMIN_URL, name)
        except psycopg.errors.InsufficientPrivilege:
            return False
        return True

    wait_for(dropped, what=f"database {name} dropped")


def _get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=2)
    except httpx.HTTPError:
        return None


@dataclass
class Instance:
    process: subprocess.Popen
    url: str
    log: Path

    def leads_the_refresher(self) -> bool:
        return leads_the_refresher(self.url)


@dataclass
class Stack:
    url: str  # nginx
    instances: list[Instance]
    engine: Engine
    world: World
    nginx_log: Path


def start_instance(env: dict[str, str], log: Path) -> Instance:
    port = free_port()
    command = [str(Path(sys.executable).parent / "welvaartgesprek"), "serve",
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=output, stderr=output)
    instance = Instance(process, f"http://127.0.0.1:{port}", log)
    wait_for(
        lambda: (
            process.poll() is not None
            or (_get(f"{instance.url}/readyz") or httpx.Response(0)).status_code == 200
        ),  # fmt: skip
        what=f"instance on port {port} ready",
    )
    assert process.poll() is None, log.read_text()[-3000:]
    return instance


def render_site(*, listen_port: int, instance_ports: list[int]) -> str:
    """deploy/nginx/welvaartgesprek.conf without TLS, for these instances; plus a header
    naming the instance that answered (the test's only addition)."""
    site = SITE.read_text()
    assert site.count(TLS_INCLUDE) == 1 and site.count(REDIRECT_INCLUDE) == 1
    site = site.replace(TLS_INCLUDE, f"listen 127.0.0.1:{listen_port};")
    site = site.replace(REDIRECT_INCLUDE, "")
    servers = UPSTREAM_SERVER.findall(site)
    assert len(servers) == len(instance_ports), servers
    ports = iter(instance_ports)
    site = UPSTREAM_SERVER.sub(lambda m: f"{m.group(1)}127.0.0.1:{next(ports)}{m.group(2)}", site)
    return site.replace(
        "    server_tokens off;\n",
        "    server_tokens off;\n    add_header X-Test-Upstream $upstream_addr always;\n",
        1,
    )


def start_nginx(directory: Path, instance_ports: list[int]) -> tuple[subprocess.Popen, str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: run tests/services/install-nginx.sh"
    port = free_port()
    (directory / "site.conf").write_text(render_site(listen_port=port, instance_ports=instance_ports))  # fmt: skip
    # As root, nginx's workers would run as `nobody`, who cannot enter the test's temporary
    # directory to buffer a large request body.
    user = "user root;" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {directory}/access.log;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    include {directory}/site.conf;
}}
""")
    base = [nginx, "-p", str(directory), "-e", str(directory / "error.log"),
            "-c", str(directory / "nginx.conf")]  # fmt: skip
    checked = subprocess.run([*base, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*base, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: process.poll() is not None or _get(f"{url}/healthz") is not None, what="nginx up")  # fmt: skip
    assert process.poll() is None, (directory / "error.log").read_text()
    return process, url


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    name, database_url = create_postgres_database(POSTGRES_ADMIN_URL, prefix="wg_deploy")
    directory = tmp_path_factory.mktemp("deploy")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WG_", "DATABASE_"))}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        DATA_DIR=str(directory),
        RESULTS_REFRESH_SECONDS="0.5",
        LIVE_FALLBACK_SECONDS="60",  # a stream reports in time only when an event wakes it
        PARTICIPANT_WRITES_LIMIT=f"{PARTICIPANT_WRITES}/minute",
        UNKNOWN_JOIN_CODES_LIMIT=f"{UNKNOWN_CODES}/minute",
        CHECK_INS_PER_CLIENT_LIMIT="1000/minute",  # every resident here comes from 127.0.0.1
        LOG_FORMAT="json",
        LOG_LEVEL="warning",
    )
    engine = None
    with ExitStack() as cleanup:
        cleanup.callback(drop_database, name)
        migrate = [str(Path(sys.executable).parent / "welvaartgesprek"), "migrate"]
        migrated = subprocess.run(migrate, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert migrated.returncode == 0, migrated.stderr
        engine = create_db_engine(database_url)
        cleanup.callback(engine.dispose)
        world = build_world(engine)
        instances = []
        for n in range(2):
            instance = start_instance(env, directory / f"app{n}.log")
            cleanup.callback(stop_process, instance.process)
            instances.append(instance)
        nginx, url = start_nginx(directory, [int(i.url.rsplit(":", 1)[1]) for i in instances])
        cleanup.callback(stop_process, nginx)
        yield Stack(url, instances, engine, world, directory / "error.log")


def http(stack: Stack, timeout: float = 10) -> httpx.Client:
    return httpx.Client(base_url=f"{stack.url}/api/v1", timeout=timeout)


def check_in(client: httpx.Client, join_code: str) -> tuple[int, str]:
    response = client.post("/check-ins", json={"joinCode": join_code})
    assert response.status_code == 201, response.text
    return response.json()["session"]["id"], response.json()["participantToken"]


def participant_of(token: str) -> str:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def test_nginx_keeps_the_apps_headers_and_adds_its_own_once(stack: Stack):
    with httpx.Client(base_url=stack.url, timeout=10) as client:
        page = client.get("/", headers={"Accept-Encoding": "gzip"})
        worker = client.get("/sw.js")
        blocked = client.get("/metrics")
    assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
    assert page.headers.get_list("content-security-policy") == [
        _direct(stack, "/").headers["content-security-policy"]
    ]
    assert page.headers.get_list("x-content-type-options") == ["nosniff"]
    assert page.headers.get_list("cache-control") == ["no-cache"]
    assert worker.headers.get_list("cache-control") == ["no-cache"]
    assert "server" not in page.headers or "nginx/" not in page.headers["server"]
    assert blocked.status_code == 404


def _direct(stack: Stack, path: str) -> httpx.Response:
    return httpx.get(f"{stack.instances[0].url}{path}", timeout=10)


def test_nginx_refuses_a_body_over_the_apps_limit_and_lets_an_import_through(stack: Stack):
    with http(stack) as client:
        too_large = client.post("/check-ins", content=b"x" * (64 * 1024 + 1),
                                headers={"Content-Type": "application/json"})  # fmt: skip
        an_import = client.post(f"/municipalities/{stack.world.code}/neighbourhoods/import",
                                content=b"x" * (1024 * 1024),
                                headers={"Content-Type": "application/json"})  # fmt: skip
    assert too_large.status_code == 413
    assert too_large.headers["content-type"] == "application/problem+json"
    assert an_import.status_code in (401, 403)  # reached the app, which wants a coordinator


def test_a_limit_is_counted_across_both_instances_and_a_spoofed_address_is_ignored(stack: Stack):
    """Unknown join codes are limited per client address: every attempt names another
    address in X-Forwarded-For, nginx replaces it with the real one, and the attempts that
    landed on both instances are counted together."""
    upstreams, answers = set(), []
    # From an address of its own (127.0.0.2), so that the residents below are not locked out.
    elsewhere = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=f"{stack.url}/api/v1", timeout=10, transport=elsewhere) as client:
        for n in range(UNKNOWN_CODES + 2):
            response = client.post("/check-ins", json={"joinCode": "ZZZZZ9"},
                                   headers={"X-Forwarded-For": f"198.51.100.{n + 1}"})  # fmt: skip
            upstreams.add(response.headers["x-test-upstream"])
            answers.append(response.status_code)
    assert len(upstreams) == 2, upstreams
    assert 429 not in answers[:UNKNOWN_CODES] and answers[UNKNOWN_CODES:] == [429, 429], answers


def test_a_residents_write_limit_is_counted_across_both_instances(stack: Stack):
    world = stack.world
    upstreams, answers = set(), []
    with http(stack) as client:
        session_id, token = check_in(client, JOIN_CODES[3])
        for n in range(PARTICIPANT_WRITES + 2):
            response = client.put(f"/sessions/{session_id}/ballot", headers=bearer(token),
                                  json={"ranking": world.priority_ids[: 1 + n % 3]})  # fmt: skip
            upstreams.add(response.headers["x-test-upstream"])
            answers.append(response.status_code)
    assert len(upstreams) == 2, upstreams
    assert answers == [200] * PARTICIPANT_WRITES + [429, 429]


@dataclass
class Acknowledged:
    participant: str
    session_id: int
    ranking: list[int]
    attempts: int


def resident(stack: Stack, number: int, deadline: float) -> Acknowledged:
    """One resident (all in one session: the ballots cast after the kill then make a release
    of their own, as a cell moves by at least min_group_size ballots): check in, then send
    the ballot until it is acknowledged, retrying with the same Idempotency-Key on every
    failure, as the phone's outbox does; then once more, as when the answer was lost."""
    world = stack.world
    ranking = world.priority_ids[: 1 + number % len(world.priority_ids)]
    key = str(uuid.uuid4())
    with http(stack, timeout=5) as client:
        checked_in = None
        while checked_in is None:
            assert time.monotonic() < deadline, f"resident {number} never checked in"
            try:
                response = client.post("/check-ins", json={"joinCode": JOIN_CODES[0]})
            except httpx.HTTPError:
                continue
            if response.status_code == 201:
                checked_in = response.json()
            else:
                assert response.status_code in (502, 503, 504), response.text
                time.sleep(0.05)
        session_id, token = checked_in["session"]["id"], checked_in["participantToken"]

        def send() -> tuple[httpx.Response, int]:
            attempts = 0
            while True:
                assert time.monotonic() < deadline, f"resident {number}: no answer after {attempts}"  # fmt: skip
                attempts += 1
                try:
                    response = client.put(
                        f"/sessions/{session_id}/ballot", json={"ranking": ranking},
                        headers={**bearer(token), "Idempotency-Key": key},
                    )  # fmt: skip
                except httpx.HTTPError:
                    continue
                if response.status_code == 200:
                    return response, attempts
                assert response.status_code in (409, 429, 502, 503, 504), response.text
                if response.status_code == 429:
                    assert int(response.headers.get("retry-after", "1")) <= 2, response.text
                time.sleep(0.05 if response.status_code != 429 else 1)

        acknowledged, attempts = send()
        replayed, _ = send()
    assert replayed.headers.get("idempotent-replayed") == "true"
    assert replayed.json() == acknowledged.json()
    return Acknowledged(participant_of(token), session_id, ranking, attempts)


RELEASE_VERSION = "SELECT coalesce(max(version), 0) FROM result_states WHERE dialogue_id = :d"


def scalar(engine: Engine, sql: str, **params) -> int:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def test_residents_through_nginx_lose_nothing_when_an_instance_is_killed(stack: Stack):
    """Last in this module: it kills one instance (the refresher's leader)."""
    world, engine = stack.world, stack.engine
    a, b = stack.instances
    wait_for(lambda: a.leads_the_refresher() or b.leads_the_refresher(), what="a leader")
    leader, survivor = (a, b) if a.leads_the_refresher() else (b, a)
    before = scalar(engine, "SELECT count(*) FROM ballots WHERE dialogue_id = :d", d=world.dialogue_id)  # fmt: skip

    deadline = time.monotonic() + 100
    acknowledged: list[Acknowledged] = []
    lock = threading.Lock()

    def run(number: int) -> Acknowledged:
        done = resident(stack, number, deadline)
        with lock:
            acknowledged.append(done)
        return done

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(run, n) for n in range(RESIDENTS)]
        wait_for(lambda: len(acknowledged) >= RESIDENTS // 3, what="a third of the ballots")
        leader.process.send_signal(signal.SIGKILL)
        leader.process.wait(timeout=30)
        version_at_kill = scalar(engine, RELEASE_VERSION, d=world.dialogue_id)  # fmt: skip
        results = [future.result() for future in futures]

    # every acknowledged ballot stored exactly once, as it was sent
    assert len(results) == RESIDENTS
    with engine.connect() as connection:
        stored = dict(
            connection.execute(
                text("SELECT participant_id, ranked_count FROM ballots WHERE dialogue_id = :d"),
                {"d": world.dialogue_id},
            ).all()
        )
    assert len(stored) == before + RESIDENTS
    assert {r.participant: len(r.ranking) for r in results}.items() <= stored.items()
    retried = sum(r.attempts > 1 for r in results)

    # the refresher taken over by the survivor, and it releases the new ballots
    wait_for(survivor.leads_the_refresher, what="the survivor leads the refresher")
    # (the killed leader can release nothing after its death: a newer release is the survivor's)
    wait_for(
        lambda: scalar(engine, RELEASE_VERSION, d=world.dialogue_id) > version_at_kill,
        what="a release of the ballots cast after the kill",
    )

    # the live stream, through nginx, on the survivor, still reports new ballots
    with open_session(engine) as db:
        email = make_staff(db, role=Role.FACILITATOR, municipalities=[world.code])
        db.commit()
    with http(stack) as client:
        signed_in = client.post("/auth/token", data={"username": email, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        session_id, token = check_in(client, JOIN_CODES[2])
        live = f"{stack.url}/api/v1/sessions/{session_id}/live"
        with (
            httpx.Client(timeout=httpx.Timeout(WAIT_SECONDS)) as streaming,
            streaming.stream(
                "GET", live, headers=bearer(signed_in.json()["access_token"])
            ) as stream,  # fmt: skip
        ):
            assert stream.status_code == 200
            assert stream.headers["x-test-upstream"] == survivor.url.removeprefix("http://")
            lines = stream.iter_lines()
            first = next_status(lines)
            cast = client.put(f"/sessions/{session_id}/ballot", headers=bearer(token),
                              json={"ranking": world.priority_ids[:2]})  # fmt: skip
            assert cast.status_code == 200, cast.text
            reported = next_status(lines, differs_from=first)
    assert reported["ballots"] == first["ballots"] + 1
    failovers = stack.nginx_log.read_text().count("upstream")
    print(
        f"\ndeploy: {RESIDENTS} residents acknowledged, {retried} retried by the resident, "
        f"{failovers} upstream errors nginx logged (and retried or answered 503), "
        f"{len(stored) - before} ballots stored; killed {leader.url}, survivor {survivor.url}"
    )


BACKED_UP_TABLES = ("ballots", "participants", "result_states", "group_tallies", "released_ballots", "alembic_version")  # fmt: skip


def test_a_backup_with_pg_dump_restores_the_same_ballots_and_results(stack: Stack, tmp_path: Path):
    """deploy/README.md's backup and restore, as written there: `pg_dump -Fc`, then
    `pg_restore --no-owner` into a new database."""
    source = plain_postgres_url(stack.engine.url.render_as_string(hide_password=False))
    dump = tmp_path / "welvaartgesprek.dump"
    dumped = subprocess.run(["pg_dump", "-Fc", "-f", str(dump), "--dbname", source],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert dumped.returncode == 0, dumped.stderr
    name, restored_url = create_postgres_database(POSTGRES_ADMIN_URL, prefix="wg_restored")
    try:
        restored = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
             plain_postgres_url(restored_url), str(dump)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr
        copy = create_db_engine(restored_url)
        try:
            for table in BACKED_UP_TABLES:
                assert rows(copy, table) == rows(stack.engine, table), table
            assert rows(stack.engine, "ballots") and rows(stack.engine, "group_tallies")
        finally:
            copy.dispose()
    finally:
        drop_database(name)


def rows(engine: Engine, table: str) -> list[tuple]:
    with engine.connect() as connection:
        return sorted(map(tuple, connection.execute(text(f"SELECT * FROM {table}")).all()), key=repr)  # fmt: skip


def test_the_whole_site_with_tls_passes_nginx_t(tmp_path: Path):
    """The production site as shipped (TLS, redirect, brotli left out as it is by default),
    with a throwaway certificate in place of the municipality's own."""
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=welvaart.example.nl", "-keyout", str(tmp_path / "privkey.pem"),
         "-out", str(tmp_path / "fullchain.pem")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    for name in ("tls.conf", "redirect-http.conf"):
        included = (SITE.parent / name).read_text()
        (tmp_path / name).write_text(included.replace("/etc/ssl/welvaartgesprek", str(tmp_path)))  # fmt: skip
    site = SITE.read_text().replace("/etc/nginx/welvaartgesprek", str(tmp_path))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
         "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "Strict-Transport-Security" in (SITE.parent / "tls.conf").read_text()
