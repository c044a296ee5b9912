"""Whether this instance can serve: the database reachable and its schema at the newest migration."""

from typing import NamedTuple

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy import exc as sa_exc

from api.core.migrations import alembic_config


def migration_heads() -> set[str]:
    """The newest migration(s) this code expects."""
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


class Unready(NamedTuple):
    """Why an instance can't serve, in English and Dutch."""

    en: str
    nl: str


def readiness_problem(engine: Engine, *, expected_heads: set[str]) -> Unready | None:
    """What keeps this instance from serving, or None when it can."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
        cause = type(getattr(error, "orig", None) or error).__name__
        return Unready(
            f"The database can't be reached ({cause}).",
            f"De database is niet bereikbaar ({cause}).",
        )
    if current != expected_heads:
        at, needed = ", ".join(sorted(current)), ", ".join(sorted(expected_heads))
        return Unready(
            f"The database schema is at {at or 'nothing'}, this code needs {needed}: "
            "run `welvaartgesprek migrate`.",
            f"Het databaseschema staat op {at or 'niets'}, deze code heeft {needed} nodig: "
            "voer `welvaartgesprek migrate` uit.",
        )
    return None
