"""Alembic environment: the schema of `api.tables`, on SQLite (batch mode) or PostgreSQL."""

from alembic import context
from sqlalchemy import Connection, pool
from sqlmodel import SQLModel

import api.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from api.core.config import get_settings
from api.core.db import create_db_engine

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    # Batch migrations copy and drop SQLite tables, which enforced foreign keys would block;
    # integrity is checked with PRAGMA foreign_key_check once they ran.
    engine = create_db_engine(url, poolclass=pool.NullPool, sqlite_foreign_keys=False)
    try:
        with engine.connect() as connection:
            _run(connection)
            if connection.dialect.name == "sqlite":
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"foreign keys broken after migrating: {problems[:5]}")
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run against a database.")
run_migrations_online()
