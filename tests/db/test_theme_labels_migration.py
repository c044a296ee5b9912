"""Migration 0008e: the long-term theme is "Voor de toekomst", the default texts say "je"."""

import pytest
from alembic import command
from sqlalchemy import text

from api.core.db import create_db_engine
from api.core.migrations import alembic_config

pytestmark = pytest.mark.both_databases  # a migration, on each dialect


def _defaults(engine) -> dict[str, tuple[str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT key, name_nl, name_en, description_nl FROM themes "
                "WHERE municipality_id IS NULL"
            )
        ).all()
    return {key: (nl, en, description) for key, nl, en, description in rows}


def test_the_long_term_theme_is_named_for_the_future_and_can_be_downgraded(
    fresh_database_url: str,
):
    config = alembic_config(fresh_database_url)
    command.upgrade(config, "0008e")
    engine = create_db_engine(fresh_database_url)
    themes = _defaults(engine)
    assert themes["later"][:2] == ("Voor de toekomst", "For the future")
    assert "Voel je je goed? Heb je grip op je leven?" in themes["welzijn"][2]
    assert not any(f" {word} " in d for _, _, d in themes.values() for word in ("u", "uw"))

    command.downgrade(config, "0007")
    themes = _defaults(engine)
    engine.dispose()
    assert themes["later"][:2] == ("Later", "Future generations")
    assert "Voelt u zich goed?" in themes["welzijn"][2]


def test_a_label_an_admin_already_changed_is_kept(fresh_database_url: str):
    config = alembic_config(fresh_database_url)
    command.upgrade(config, "0007")
    engine = create_db_engine(fresh_database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE themes SET name_nl = 'Later leven' WHERE key = 'later'"))
    command.upgrade(config, "0008e")
    themes = _defaults(engine)
    engine.dispose()
    assert themes["later"][:2] == ("Later leven", "For the future")
