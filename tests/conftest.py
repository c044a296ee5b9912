"""Fixtures: every API and database test runs on SQLite; those marked `both_databases` (they
prove locking, a constraint, concurrency or dialect-specific SQL) run on PostgreSQL as well.

WG_TEST_DATABASES lists the databases (default "sqlite,postgresql"): every test runs on the
first, marked tests on all of them. WG_TEST_EVERY_DATABASE=1 runs every test on all of them
(the whole suite on PostgreSQL too, as before the marker; slow).
"""

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import api.tables  # noqa: F401  (all tables on the metadata)
from api.core.config import Settings
from api.core.db import create_db_engine, open_session
from api.core.migrations import upgrade_to_head
from api.main import create_app
from tests.helpers import create_postgres_database, drop_postgres_database

POSTGRES_ADMIN_URL = os.environ.get(
    "WG_TEST_POSTGRES_URL",
    "postgresql+psycopg://welvaartgesprek:welvaartgesprek@127.0.0.1:5432/postgres",
)
DATABASES = [d for d in os.environ.get("WG_TEST_DATABASES", "sqlite,postgresql").split(",") if d]
EVERY_TEST_ON_EVERY_DATABASE = os.environ.get("WG_TEST_EVERY_DATABASE", "") not in ("", "0")
DATABASE_FIXTURES = ("database_url", "fresh_database_url")

# The world of two municipalities and its fixtures (tilburg, den_bosch, admin, ...).
pytest_plugins = ["tests.support.places"]


def _parametrized_names(metafunc: pytest.Metafunc) -> set[str]:
    """The argument names the test's own `parametrize` marks give values to."""
    names: set[str] = set()
    for mark in metafunc.definition.iter_markers("parametrize"):
        argnames = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
        if isinstance(argnames, str):
            argnames = argnames.split(",")
        names.update(name.strip() for name in argnames)
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize the database fixtures: the first database for every test, all of them for
    tests marked `both_databases` (a test's own `parametrize` of the fixture wins)."""
    on_all = EVERY_TEST_ON_EVERY_DATABASE or metafunc.definition.get_closest_marker(
        "both_databases"
    )
    own = _parametrized_names(metafunc)
    for name in DATABASE_FIXTURES:
        if name in metafunc.fixturenames and name not in own:
            metafunc.parametrize(name, DATABASES if on_all else DATABASES[:1], indirect=True)


@pytest.fixture(scope="session", autouse=True)
def _test_clients_read_english() -> Iterator[None]:
    """HTTP clients of the tests ask for English problems (the API answers Dutch when nothing
    is asked), so that tests can check the English texts; a test of the language sets its own
    header."""
    with pytest.MonkeyPatch.context() as patch:
        for client_class in (httpx.Client, httpx.AsyncClient):

            def init(self, *args, __original=client_class.__init__, **kwargs) -> None:
                __original(self, *args, **kwargs)
                self.headers.setdefault("Accept-Language", "en")

            patch.setattr(client_class, "__init__", init)
        yield


@pytest.fixture(scope="session", autouse=True)
def _migration_heads_read_once() -> Iterator[None]:
    """Every app the tests create reads the migration heads from the scripts once, not once
    per app (a tenth of a second each, on every test with a client)."""
    import api.main
    from api.ops.service import migration_heads

    heads = frozenset(migration_heads())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api.main, "migration_heads", lambda: set(heads))
        yield


def _create_postgres_database() -> tuple[str, str]:
    try:
        return create_postgres_database(POSTGRES_ADMIN_URL, prefix="wg_test")
    except psycopg.OperationalError as error:
        admin = make_url(POSTGRES_ADMIN_URL)
        pytest.fail(
            f"PostgreSQL is not reachable at {admin.host}:{admin.port} ({error}). "
            "Run the tests with `make test`, which starts it, or set WG_TEST_DATABASES=sqlite."
        )


def _drop_postgres_database(name: str) -> None:
    drop_postgres_database(POSTGRES_ADMIN_URL, name)


class _SharedDatabases:
    """The migrated database of each kind and its engine, made when a test first needs it and
    kept until the session ends: a test on the other kind in between drops neither (as a
    session-scoped parametrized fixture would, each time the kind changes)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp_path_factory = tmp_path_factory
        self._urls: dict[str, str] = {}
        self._engines: dict[str, Engine] = {}
        self._postgres_names: list[str] = []

    def url(self, kind: str) -> str:
        if kind not in self._urls:
            if kind == "sqlite":
                url = f"sqlite:///{self._tmp_path_factory.mktemp('sqlite') / 'test.db'}"
            else:
                name, url = _create_postgres_database()
                self._postgres_names.append(name)
            upgrade_to_head(url)
            self._urls[kind] = url
        return self._urls[kind]

    def engine(self, url: str) -> Engine:
        if url not in self._engines:
            engine = create_db_engine(url)
            if engine.dialect.name == "sqlite":
                # No fsync on each commit (the app's FULL): the tests' databases are thrown
                # away, and the one test of durability (tests/resident/test_sigkill_durability.py)
                # runs its server in a process of its own, on the app's own settings.
                @event.listens_for(engine, "connect")
                def _no_fsync(dbapi_connection, _record) -> None:
                    dbapi_connection.execute("PRAGMA synchronous=OFF")

            self._engines[url] = engine
        return self._engines[url]

    def close(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        for name in self._postgres_names:
            _drop_postgres_database(name)


@pytest.fixture(scope="session")
def _shared_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_SharedDatabases]:
    shared = _SharedDatabases(tmp_path_factory)
    yield shared
    shared.close()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, _shared_databases: _SharedDatabases) -> str:
    """A freshly migrated database of each kind, shared by the tests of that kind."""
    return _shared_databases.url(request.param)


@pytest.fixture
def engine(database_url: str, _shared_databases: _SharedDatabases) -> Engine:
    return _shared_databases.engine(database_url)


def _empty_tables(engine: Engine) -> None:
    """Empty every table but keep the default themes the migration seeded."""
    themes = SQLModel.metadata.tables["themes"]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # DELETE, not TRUNCATE: the tables of a test hold a few rows, and TRUNCATE makes new
            # files for every table and index (about a second a test on a loaded machine).
            statements = [
                f'DELETE FROM "{table.name}"'
                + (" WHERE municipality_id IS NOT NULL" if table is themes else "")
                for table in reversed(SQLModel.metadata.sorted_tables)
            ]
            # Identities start again at 1, as on SQLite (the default themes keep theirs).
            statements += [
                "SELECT setval((quote_ident(schemaname) || '.' || quote_ident(sequencename))"
                "::regclass, 1, false) FROM pg_sequences WHERE schemaname = current_schema()",
                "SELECT setval(pg_get_serial_sequence('themes', 'id'), max(id)) FROM themes",
            ]
            connection.exec_driver_sql(";\n".join(statements))
        else:
            connection.execute(text("PRAGMA defer_foreign_keys = ON"))
            for table in reversed(SQLModel.metadata.sorted_tables):
                if table is themes:
                    connection.execute(table.delete().where(table.c.municipality_id.is_not(None)))
                else:
                    connection.execute(table.delete())


@pytest.fixture
def clean_engine(engine: Engine) -> Iterator[Engine]:
    """The engine, with every table emptied (default themes kept) before the test."""
    _empty_tables(engine)
    yield engine


@pytest.fixture
def db(clean_engine: Engine) -> Iterator:
    """A session for arranging and checking data; it never waits for the app's writer lock.

    Commit (or roll back) after reading with it, so that no snapshot stays open while the
    app writes.
    """
    with open_session(clean_engine, write=False) as db:
        yield db


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=secrets.token_urlsafe(48),
        data_dir=tmp_path,
        public_url="http://testserver",
        results_refresh_seconds=0,  # tests tally explicitly (see tests/results)
    )


@pytest.fixture
def app(settings: Settings, clean_engine: Engine):
    return create_app(settings, engine=clean_engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver/api/v1") as test_client:
        yield test_client


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 (a real socket, a real thread pool)."""
    from tests.helpers import served

    with served(app) as url:
        yield url


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2 at minimal cost: production parameters cost about half a second per hash
    and per check on a small CI machine, and no test here is about their strength. The hash
    checked when an account does not exist too: a check takes its cost from the hash."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from api.core import security

    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1),))
    monkeypatch.setattr(security, "_password_hash", cheap)
    monkeypatch.setattr(security, "_DUMMY_HASH", cheap.hash("not-a-real-password"))
