"""Whether this instance can serve: the database reachable and its schema at the newest migration."""

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy import exc as sa_exc

from api.core.migrations import alembic_config


def migration_heads() -> set[str]:
    """The newest migration(s) this code expects."""
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def readiness_problem(engine: Engine, *, expected_heads: set[str]) -> str | None:
    """What keeps this instance from serving, or None when it can."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
        return f"The database can't be reached: {type(error.orig or error).__name__}."
    if current != expected_heads:
        return (
            f"The database schema is at {', '.join(sorted(current)) or 'nothing'}, this code "
            f"needs {', '.join(sorted(expected_heads))}: run `welvaartgesprek migrate`."
        )
    return None
