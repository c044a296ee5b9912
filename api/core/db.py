"""Database engine, sessions and the column types shared by every domain."""

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
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
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
    _configure_sqlite(engine, foreign_keys=sqlite_foreign_keys)
    return engine


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

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_WRITE, False):
            write_lock.release()

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_WRITE, False):
            write_lock.release()


def open_session(engine: Engine, *, write: bool = True) -> Session:
    """A session; read-only ones never wait for SQLite's single writer."""
    bind = engine if write else engine.execution_options(**{_WRITE: False})
    return Session(bind, expire_on_commit=False)


class Writer:
    """Runs the resident writes off the event loop: in turn on one thread for SQLite.

    SQLite has one writer at a time. One thread taking the writes in turn does them faster
    than a pool of threads queueing on the writer lock, where each waiting thread still
    competes for the GIL with the one that holds the lock. PostgreSQL writes in parallel.
    """

    def __init__(self, engine: Engine) -> None:
        workers = 1 if engine.dialect.name == "sqlite" else 8
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="writer")

    async def run(self, write: Callable[[], T]) -> T:
        """Run `write` on a writer thread and return its result (or raise its error)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, write)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)


def get_session(request: Request) -> Iterator[Session]:
    """Yield the request's session: writing for POST/PUT/PATCH/DELETE, reading for GET.

    A writing session takes SQLite's write lock at its first query, not before, and gives it
    back when it commits or closes. So nothing slow may come before that first query or
    between it and the commit: FastAPI reads a declared body before it resolves dependencies,
    the staff dependency reads the account in a short session of its own, and a route that
    reads its body itself (the neighbourhood import) opens its sessions after reading it.
    """
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    with open_session(request.app.state.engine, write=write) as session:
        yield session


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
