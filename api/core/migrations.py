"""Running the Alembic migrations from code (the CLI, `serve` and the tests use this)."""

from alembic import command
from alembic.config import Config

from api.core.config import PROJECT_ROOT


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for the project's migrations against `database_url`."""
    config = Config(str(PROJECT_ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    """Bring the database schema up to the newest migration."""
    command.upgrade(alembic_config(database_url), "head")
