"""Statements compiled once per database and run on the driver's cursor (DB-API), for the few
that every resident write runs.

SQLAlchemy spends 25–35 µs executing an already compiled statement (cache lookup, execution
context, events, result object), twenty times what SQLite takes for the statement itself:
most of a ballot's time under SQLite's single writer. A `Prepared` statement keeps what
SQLAlchemy compiled (the SQL, the order of its parameters and their types' conversions) and
hands it to the session's own DB-API connection, in the session's transaction. Its rows come
back as the driver gives them (no result processing: an enum is its value, a boolean on
SQLite an integer). Errors are SQLAlchemy's, as from `Session.execute`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlmodel import Session

_NO_VALUE = object()


@dataclass(frozen=True)
class _Compiled:
    """One database's SQL, and how to turn named values into the driver's parameters."""

    sql: str
    positional: bool
    binds: tuple[tuple[str, str, Callable[[Any], Any] | None, Any], ...]  # name, driver name, …

    @classmethod
    def of(cls, statement: ClauseElement, dialect: Dialect, column_keys: Sequence[str] | None):
        compiled: Any = statement.compile(
            dialect=dialect, column_keys=list(column_keys) if column_keys else None
        )
        if compiled.insert_prefetch or compiled.update_prefetch:
            raise ValueError("a Prepared statement needs every column's value: no defaults")
        names = compiled.positiontup if dialect.positional else list(compiled.binds)
        binds = []
        for name in names:
            bind = compiled.binds[name]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            value = _NO_VALUE if bind.required else bind.effective_value
            binds.append((bind.key, compiled.escaped_bind_names.get(name, name), processor, value))
        return cls(compiled.string, dialect.positional, tuple(binds))

    def parameters(self, values: Mapping[str, Any]) -> Any:
        converted = []
        for key, _name, processor, default in self.binds:
            value = values[key] if default is _NO_VALUE else values.get(key, default)
            converted.append(value if processor is None else processor(value))
        if self.positional:
            return tuple(converted)
        return {
            name: value for (_k, name, _p, _d), value in zip(self.binds, converted, strict=True)
        }


class Prepared:
    """A statement (or one per database) run on the DB-API connection of a session."""

    def __init__(self, statement: Any, *, column_keys: Sequence[str] = ()) -> None:
        """`statement`: a statement, or a `PerDialect` of them (one for each database)."""
        self._statement = statement
        self._column_keys = column_keys
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            statement = self._statement
            if not isinstance(statement, ClauseElement):
                statement = statement.for_dialect(dialect.name)
            compiled = _Compiled.of(statement, dialect, self._column_keys)
            self._compiled[dialect.name] = compiled
        return compiled

    def execute(self, db: Session, values: Mapping[str, Any]) -> Any:
        """Run it with `values` in the session's transaction; the driver's cursor."""
        connection = _flushed_connection(db)
        compiled = self._for(connection.dialect)
        return _run(connection, compiled.sql, compiled.parameters(values), many=False)

    def executemany(self, db: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run it once for each of `rows`, in the session's transaction."""
        connection = _flushed_connection(db)
        compiled = self._for(connection.dialect)
        parameters = [compiled.parameters(row) for row in rows]
        _run(connection, compiled.sql, parameters, many=True).close()


def _flushed_connection(db: Session) -> Any:
    """The session's connection, after what the session holds unwritten is written (as
    `Session.execute` autoflushes: a participant added just before its ballot must exist for
    the ballot's foreign key). A session with nothing pending costs a set's truth test."""
    if db.autoflush:
        db.flush()
    return db.connection()


def _run(connection: Any, sql: str, parameters: Any, *, many: bool) -> Any:
    """The statement on a new cursor of the connection; the engine's `before_cursor_execute`
    listeners see it as they see every other (tests count statements and fail writes)."""
    cursor = connection.connection.driver_connection.cursor()
    try:
        listeners = connection.dispatch.before_cursor_execute
        if listeners:
            listeners(connection, cursor, sql, parameters, None, many)
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
    except connection.dialect.loaded_dbapi.Error as error:
        cursor.close()
        raise _translated(connection, sql, parameters, error) from error
    return cursor


def _translated(connection: Any, sql: str, parameters: Any, error: Exception) -> Exception:
    """The driver's error as SQLAlchemy's; a lost connection is not used again."""
    dialect = connection.dialect
    invalidated = dialect.is_disconnect(error, connection.connection.dbapi_connection, None)
    if invalidated:
        connection.invalidate(error)
    return sa_exc.DBAPIError.instance(
        sql,
        parameters,
        error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=invalidated,
        dialect=dialect,
    )
