"""Database engine, sessions and the column types shared by every domain."""

import asyncio
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event, exc
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)

_WRITE = "welvaartgesprek_write"
_RETURNED = "welvaartgesprek_returned"
_PING_AFTER_IDLE_SECONDS = 1.0
WRITER_THREADS = 8  # PostgreSQL: the resident writes running at once in one app instance
T = TypeVar("T")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def create_db_engine(
    database_url: str, *, sqlite_foreign_keys: bool = True, **kwargs: Any
) -> Engine:
    """An engine for SQLite (WAL, foreign keys, one writer at a time) or PostgreSQL."""
    url = make_url(database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 16 if is_sqlite else 10)
        kwargs.setdefault("max_overflow", 48 if is_sqlite else 30)
    if not is_sqlite:
        engine = create_engine(url, **kwargs)
        _ping_when_idle(engine)
        return engine
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
    _configure_sqlite(engine, foreign_keys=sqlite_foreign_keys)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use if it has been idle a while (`pool_pre_ping`
    pings before every use: a round trip more on every request, mostly on connections used a
    moment ago). One found dead is replaced; the pool then tries its other connections."""

    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_RETURNED, 0.0) < _PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:
            raise exc.DisconnectionError("the pooled connection was closed while idle")


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    # SQLite allows one writer. Writers queue on a Python lock (woken the moment it is free)
    # instead of SQLite's busy handler, which sleeps in steps of up to 100 ms and ruins
    # latency under load; BEGIN IMMEDIATE then takes the file lock before anything is read,
    # so a read-then-write transaction can never fail half-way with SQLITE_BUSY.
    write_lock = threading.Lock()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(_WRITE, True):
            record = connection.connection._connection_record
            if not record.info.get(_WRITE):
                write_lock.acquire()
                record.info[_WRITE] = True
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    # Savepoints straight to the driver: SQLAlchemy compiles a new statement for each one
    # (their names differ), a sixth of the writer thread's time under group commit.
    dialect: Any = engine.dialect
    dialect.do_savepoint = lambda connection, name: _driver(connection).execute(f"SAVEPOINT {name}")
    dialect.do_release_savepoint = lambda connection, name: _driver(connection).execute(
        f"RELEASE SAVEPOINT {name}"
    )
    dialect.do_rollback_to_savepoint = lambda connection, name: _driver(connection).execute(
        f"ROLLBACK TO SAVEPOINT {name}"
    )

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_WRITE, False):
            write_lock.release()

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_WRITE, False):
            write_lock.release()


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def open_session(engine: Engine, *, write: bool = True) -> Session:
    """A session; read-only ones never wait for SQLite's single writer."""
    bind = engine if write else engine.execution_options(**{_WRITE: False})
    return Session(bind, expire_on_commit=False)


class Writer:
    """Runs the resident writes off the event loop, each with a database session of its own,
    and returns a write's result only once it is committed.

    SQLite has one writer at a time and a disk flush per commit. One thread takes the writes
    in turn and commits every write queued meanwhile in one transaction, each in a savepoint
    of its own (group commit): a write that fails rolls back its savepoint alone, and a write
    that commits (releases its savepoint) is answered only after the transaction's commit.
    One flush then serves many writes, and no thread waiting on the writer lock competes for
    the GIL with the one holding it. If that transaction cannot commit, or SQLite rolled it
    back, each write of it runs again alone, in a transaction of its own, in the same order:
    only a write that fails on its own fails. PostgreSQL writes in parallel, a transaction each.
    """

    _BATCH = 128

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._executor: ThreadPoolExecutor | None = None
        self._queue: queue.SimpleQueue[_Queued | None] = queue.SimpleQueue()
        if engine.dialect.name == "sqlite":
            self._thread = threading.Thread(target=self._serve, name="writer", daemon=True)
            self._thread.start()
        else:
            self._executor = ThreadPoolExecutor(
                max_workers=WRITER_THREADS, thread_name_prefix="writer"
            )

    async def run(self, write: Callable[[Session], T]) -> T:
        """Run `write(db)` on a writer thread; its result (or error) once committed.

        `write` commits through its session; with group commit that releases its savepoint,
        and the transaction holding it commits before the result comes back here.
        """
        loop = asyncio.get_running_loop()
        if self._executor is not None:
            return await loop.run_in_executor(self._executor, self._alone, write)
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Queued(write, future, loop))
        return await future

    def _alone(self, write: Callable[[Session], T]) -> T:
        with open_session(self._engine) as db:
            return write(db)

    def _serve(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._BATCH:
                try:
                    queued = self._queue.get_nowait()
                except queue.Empty:
                    break
                if queued is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(queued)
            try:
                outcomes = self._commit_together(batch)
            except Exception:  # no connection to be had: each write meets that on its own
                outcomes = None
            if outcomes is None:  # nothing of the batch was kept: each runs again, alone
                for queued in batch:
                    queued.settle(self._outcome(queued.write, self._alone))
                continue
            for queued, outcome in zip(batch, outcomes, strict=True):
                queued.settle(outcome)

    def _commit_together(self, batch: list["_Queued"]) -> list[tuple[bool, Any]] | None:
        """The outcome of each write, all committed in one transaction; None if it was lost."""
        outcomes: list[tuple[bool, Any]] = []
        with self._engine.connect() as connection:
            try:
                transaction = connection.begin()
                for queued in batch:
                    outcome = self._outcome(
                        queued.write, lambda write: self._in_savepoint(connection, write)
                    )
                    outcomes.append(outcome)
                    driver = connection.connection.driver_connection
                    if not outcome[0] and not driver.in_transaction:  # type: ignore[union-attr]  # a pooled connection's driver connection is set while it is checked out
                        # SQLite rolled the whole transaction back (disk full, I/O error):
                        # the writes before this one went with it.
                        raise _BatchLost
                transaction.commit()
            except Exception:
                # Whatever state the failure left it in, this connection is not used again:
                # closing it rolls back what it holds and gives the write lock back.
                connection.invalidate()
                return None
        return outcomes

    @staticmethod
    def _in_savepoint(connection: Connection, write: Callable[[Session], T]) -> T:
        with Session(
            connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as db:
            try:
                return write(db)
            except Exception:
                db.rollback()  # this write's savepoint only
                raise

    @staticmethod
    def _outcome(
        write: Callable[[Session], T], run: Callable[[Callable[[Session], T]], T]
    ) -> tuple[bool, Any]:
        try:
            return True, run(write)
        except Exception as error:
            return False, error

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        else:
            self._queue.put(None)
            self._thread.join()


class _BatchLost(Exception):
    """The database dropped a group commit's transaction before its commit."""


@dataclass(frozen=True)
class _Queued:
    """A write waiting for the writer thread, and where its outcome goes."""

    write: Callable[[Session], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop

    def settle(self, outcome: tuple[bool, Any]) -> None:
        self.loop.call_soon_threadsafe(self._settle, outcome)

    def _settle(self, outcome: tuple[bool, Any]) -> None:
        if self.future.done():  # the request was cancelled meanwhile (the client left)
            return
        succeeded, value = outcome
        if succeeded:
            self.future.set_result(value)
        else:
            self.future.set_exception(value)


def get_session(request: Request) -> Iterator[Session]:
    """Yield the request's session: writing for POST/PUT/PATCH/DELETE, reading for GET.

    A writing session takes SQLite's write lock at its first query, not before, and gives it
    back when it commits or closes. So nothing slow may come before that first query or
    between it and the commit: FastAPI reads a declared body before it resolves dependencies,
    the staff dependency reads the account in a short session of its own, and a route that
    reads its body itself (the neighbourhood import) opens its sessions after reading it.
    """
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    with open_session(request.app.state.engine, write=write) as db:
        yield db


# Closed when the endpoint has returned and its response is serialised, before the response
# is sent: a slow client reading a large answer never holds the write lock (a streaming
# response reads with short sessions of its own).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def enum_type(enum_cls: type[StrEnum], name: str) -> SAEnum:
    """A portable enum column: a VARCHAR with a named CHECK constraint on both databases."""
    return SAEnum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
