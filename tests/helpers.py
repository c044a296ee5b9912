"""Small helpers shared by the tests and benchmarks."""

import json
import os
import re
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import psycopg
import uvicorn
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.accounts import service as accounts
from api.core.access import Role

PASSWORD = "correct horse battery staple"

CHROMIUM = os.environ.get("WG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The default theme taxonomy that every fresh database has (docs/design.md, "Domain"), in its order.
DEFAULT_THEME_KEYS = [
    "welzijn",
    "materiele-welvaart",
    "gezondheid",
    "arbeid-en-vrije-tijd",
    "wonen",
    "samenleving",
    "veiligheid",
    "milieu",
    "onderwijs-en-ontwikkeling",
    "later",
]


class CountingHasher:
    """The app's password hasher, counting password checks and hashes; both can be held at a
    gate (`gate`, a `threading.Event`) so that a test knows requests are inside argon2."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.checks = 0
        self.hashes = 0
        self.condition = threading.Condition()
        self.gate: threading.Event | None = None

    @classmethod
    def install(cls, monkeypatch: Any) -> "CountingHasher":
        """Wrap `api.core.security`'s hasher for the rest of the test."""
        from api.core import security

        counting = cls(security._password_hash)
        monkeypatch.setattr(security, "_password_hash", counting)
        # Requests held at the gate must not queue for the few hashing threads of the machine.
        if hasattr(security, "_hashing_pool"):
            pool = ThreadPoolExecutor(max_workers=200, thread_name_prefix="test-argon2")
            monkeypatch.setattr(security, "_hashing_pool", pool)
        return counting

    def _enter(self, *, check: bool) -> None:
        with self.condition:
            if check:
                self.checks += 1
            else:
                self.hashes += 1
            self.condition.notify_all()
        if self.gate is not None and not self.gate.wait(timeout=90):
            raise RuntimeError("the test never opened the gate")

    def wait_until(self, predicate: Any, *, timeout: float = 60) -> bool:
        """Wait until `predicate(self)` holds (re-checked whenever a check or hash starts)."""
        with self.condition:
            return self.condition.wait_for(lambda: predicate(self), timeout=timeout)

    def verify(self, password: str, hash_: str) -> bool:
        self._enter(check=True)
        return self.inner.verify(password, hash_)

    def verify_and_update(self, password: str, hash_: str) -> tuple[bool, str | None]:
        self._enter(check=True)
        return self.inner.verify_and_update(password, hash_)

    def hash(self, password: str) -> str:
        self._enter(check=False)
        return self.inner.hash(password)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(
    response: Response, status: int, *, mentions: str | None = None
) -> dict[str, Any]:
    """The response is a problem+json error with this status (and says `mentions`)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    if mentions:
        assert mentions.lower() in response.text.lower(), response.text
    return body


def make_staff(
    db: Session, *, role: Role, municipalities: list[str] = (), email: str | None = None
) -> str:
    """Create a staff account; returns its e-mail address (the password is PASSWORD)."""
    email = email or f"{role.value}-{'-'.join(municipalities) or 'all'}@example.org".lower()
    accounts.create_user(
        db, email=email, password=PASSWORD, role=role, municipality_codes=list(municipalities)
    )
    return email


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


def staff_headers(client: TestClient, db: Session, *, role: Role, municipalities: list[str] = ()):
    """Sign in a new staff member with this role and scope; returns the auth headers."""
    return login(client, make_staff(db, role=role, municipalities=municipalities))


def create_municipality(client: TestClient, admin: dict[str, str], code: str, name: str) -> None:
    response = client.post("/municipalities", json={"cbsCode": code, "name": name}, headers=admin)
    assert response.status_code == 201, response.text


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (another process may take it before you
    bind it: where you can, let `served` choose the port instead)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(app: Any, *, port: int | None = None) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on 127.0.0.1 (lifespan off); yield its base URL.

    The listening socket is bound here and handed to uvicorn, so no other process (another
    test run beside this one) can take the port between choosing it and listening on it.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", port or 0))
    port = sock.getsockname()[1]
    # Keep idle connections open for a minute, not uvicorn's 5 s: a client starved of CPU on a
    # loaded machine (its event loop shares this process with the server) can pause longer
    # than 5 s between two requests on one connection, and the server would then close it
    # just as the client sends the next request on it (httpx.ReadError: connection reset).
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            timeout_keep_alive=60,
            server_header=False,  # as `welvaartgesprek serve` does
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server stopped before it started")
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start within 60 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def plain_postgres_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as psycopg takes it (no `+psycopg`, password kept)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_postgres_database(admin_url: str, *, prefix: str) -> tuple[str, str]:
    """A new, empty database on the server of `admin_url`: (its name, its SQLAlchemy URL)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain_postgres_url(admin_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(admin_url: str, name: str) -> None:
    """Drop a database made by `create_postgres_database`, whoever is still connected.

    An autovacuum worker in it (the tests delete many rows) is a process the test role may
    not end: FORCE then refuses, and the drop is tried again until the worker is done.
    """
    deadline = time.monotonic() + 120
    with psycopg.connect(plain_postgres_url(admin_url), autocommit=True) as connection:
        while True:
            try:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except psycopg.errors.InsufficientPrivilege:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def wait_for(condition: Callable[[], bool], *, what: str, seconds: float = 60) -> None:
    """Poll `condition` until it holds; fail after `seconds` (a bound, not a measurement)."""
    import pytest

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.05)


def answers_health(url: str) -> bool:
    """Whether the app at `url` answers its /healthz."""
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def leads_the_refresher(url: str) -> bool:
    """Whether the app at `url` says (in /metrics) that it leads the results refresher."""
    try:
        response = httpx.get(f"{url}/metrics", timeout=10)
    except httpx.HTTPError:
        return False
    found = re.search(r"^welvaartgesprek_refresher_leader (\S+)$", response.text, re.MULTILINE)
    return response.status_code == 200 and found is not None and float(found.group(1)) == 1.0


def next_status(
    lines: Iterator[str], *, differs_from: dict | None = None, seconds: float = 30
) -> dict:
    """The data of the next `status` event of a server-sent event stream (the next one that
    differs from `differs_from`), within `seconds` (the stream pings every 15 s)."""
    deadline = time.monotonic() + seconds
    name = None
    for line in lines:
        if time.monotonic() > deadline:
            break
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and name == "status":
            status = json.loads(line.split(":", 1)[1])
            if status != differs_from:
                return status
    raise AssertionError(f"no new status within {seconds} s")


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server process, and kill it if it does not stop within 20 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
