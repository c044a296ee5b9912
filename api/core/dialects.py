"""What SQLite and PostgreSQL do differently, in one place, so that a service reads the same on
both: upserts, row locks, advisory locks, snapshots and bulk inserts.

SQLite has one writer at a time (see `api.core.db`): a writing transaction already excludes
every other, so what PostgreSQL needs a lock for costs SQLite nothing.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, Column, Select, Table, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import Session

from api.core.driver import Prepared

S = TypeVar("S")
Q = TypeVar("Q", bound=Select[Any])

_BULK_CHUNK = 2_000


def is_postgresql(db: Session) -> bool:
    """Whether the session runs on PostgreSQL."""
    return db.get_bind().dialect.name == "postgresql"


def is_sqlite(db: Session) -> bool:
    """Whether the session runs on SQLite."""
    return db.get_bind().dialect.name == "sqlite"


class PerDialect(Generic[S]):
    """A statement built once for each database, then only picked and bound per request (its SQL
    is compiled once per database and cached, instead of built anew on every call)."""

    def __init__(self, build: Callable[[Any], S]) -> None:
        self._sqlite = build(sqlite)
        self._postgresql = build(postgresql)

    def on(self, db: Session) -> S:
        """The statement for the database the session runs on."""
        return self.for_dialect(db.get_bind().dialect.name)

    def for_dialect(self, name: str) -> S:
        """The statement for the database named `name` (`sqlite` or `postgresql`)."""
        return self._postgresql if name == "postgresql" else self._sqlite


def insert_or_ignore(
    table: Table, *, unique: Sequence[Column[Any]], returning: Column[Any]
) -> PerDialect[ReturningInsert[Any]]:
    """An insert that does nothing when a row with the same `unique` columns exists; it returns
    `returning` of the new row, so no row means there was one already."""
    return PerDialect(
        lambda dialect: (
            dialect.insert(table)
            .on_conflict_do_nothing(index_elements=list(unique))
            .returning(returning)
        )
    )


def upsert(
    table: Table, *, unique: Sequence[Column[Any]], values: dict[str, Any], update: dict[str, Any]
) -> PerDialect[Any]:
    """An insert of `values` that sets `update` instead when a row with the same `unique`
    columns exists."""
    return PerDialect(
        lambda dialect: (
            dialect.insert(table)
            .values(values)
            .on_conflict_do_update(index_elements=list(unique), set_=update)
        )
    )


def for_update(query: Q, *, skip_locked: bool = False) -> Q:
    """The query, locking the rows it reads until the transaction ends; with `skip_locked`, rows
    another transaction holds are left out rather than waited for. PostgreSQL does both; on
    SQLite the query reads as it is (the single writer holds the whole database already)."""
    return query.with_for_update(skip_locked=skip_locked)


class RowLock:
    """Holds the rows a query reads until the transaction ends, so other writers of them queue;
    compiled once and run on the driver (it runs in resident writes).

    On SQLite nothing is sent: the single writer already runs one transaction at a time.
    """

    def __init__(self, query: Select[Any]) -> None:
        self._locking = Prepared(query.with_for_update())

    def take(self, db: Session, values: Mapping[str, Any]) -> None:
        """Lock the rows the query reads with these values."""
        if is_postgresql(db):
            self._locking.execute(db, values).close()


def lock_number(name: str) -> int:
    """The advisory lock number for `name` (a signed 64-bit integer)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


_TRY_LOCK = Prepared(select(func.pg_try_advisory_xact_lock(bindparam("lock", type_=BigInteger))))


def try_lock_for_transaction(db: Session, name: str) -> bool:
    """Take the lock `name` until the transaction ends, unless another transaction holds it
    (then False). PostgreSQL's advisory lock, shared by every app instance; on SQLite always
    True: the transaction itself excludes every other writer."""
    if not is_postgresql(db):
        return True
    return bool(_TRY_LOCK.execute(db, {"lock": lock_number(name)}).fetchone()[0])


def bulk_insert(
    db: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert many rows, each the values of `columns` in order: with COPY on PostgreSQL, in
    chunks of one prepared insert each on SQLite."""
    if is_postgresql(db):
        cursor = db.connection().connection.dbapi_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = insert(table)
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(dict(zip(columns, row, strict=True)))
        if len(chunk) == _BULK_CHUNK:
            db.execute(statement, chunk)
            chunk = []
    if chunk:
        db.execute(statement, chunk)
