"""One leader among the app instances for work that must run once (the results refresher).

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own. When
its instance dies, PostgreSQL ends that session and frees the lock, and the next instance to
try takes it over. On SQLite the app is one process, which always leads.
"""

import logging

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from api.core.dialects import lock_number

logger = logging.getLogger("welvaartgesprek.leadership")


class Leadership:
    """Whether this instance leads `name`; call `lead()` before each turn of the work.

    Not thread-safe: one thread (the worker) asks.
    """

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self._lock = lock_number(name)
        self._name = name
        self._connection: Connection | None = None
        self._leading = False

    @property
    def leading(self) -> bool:
        return self._leading

    def lead(self) -> bool:
        """Take the lead if it is free, or check that it is still ours; True if we lead."""
        if self._engine.dialect.name != "postgresql":
            self._leading = True
            return True
        try:
            if self._connection is None:
                self._connection = self._engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            if self._leading:  # the lock lives as long as the connection: is it still there?
                self._connection.execute(text("SELECT 1"))
            else:
                self._leading = bool(
                    self._connection.execute(
                        text("SELECT pg_try_advisory_lock(:lock)"), {"lock": self._lock}
                    ).scalar()
                )
                if self._leading:
                    logger.info("this instance now leads %s", self._name)
        except DBAPIError:
            if self._leading:
                logger.warning("lost the lead of %s with the database connection", self._name)
            self._drop()
        return self._leading

    def resign(self) -> None:
        """Let another instance lead (on shutdown): closing the connection frees the lock."""
        self._drop()

    def _drop(self) -> None:
        self._leading = False
        if self._connection is not None:
            try:
                self._connection.invalidate()  # never back to the pool with a lock on it
                self._connection.close()
            except DBAPIError:
                pass
            self._connection = None
