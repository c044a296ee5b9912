"""Migration 0006c: a geometry stored as the JSON text `null` becomes SQL NULL."""

import pytest
from alembic import command
from sqlalchemy import text

from api.core.db import create_db_engine
from api.core.migrations import alembic_config

pytestmark = pytest.mark.both_databases  # a migration, on each dialect


def test_migration_turns_a_json_null_geometry_into_sql_null_and_keeps_real_shapes(
    fresh_database_url: str,
):
    config = alembic_config(fresh_database_url)
    command.upgrade(config, "0005")
    engine = create_db_engine(fresh_database_url)
    shape = '{"type": "Polygon", "coordinates": [[[5, 51], [6, 51], [6, 52], [5, 51]]]}'
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO municipalities (cbs_code, name, min_group_size, brand_colour, "
                "created_at) VALUES ('GM0855', 'Tilburg', 10, '#01689b', CURRENT_TIMESTAMP)"
            )
        )
        for code, geometry in (("WK085501", "null"), ("WK085502", shape), ("WK085503", None)):
            connection.execute(
                text(
                    "INSERT INTO neighbourhoods (municipality_id, code, name, kind, geometry, "
                    "updated_at) VALUES (1, :code, 'Wijk', 'wijk', :geometry, CURRENT_TIMESTAMP)"
                ),
                {"code": code, "geometry": geometry},
            )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT code, geometry IS NULL, CAST(geometry AS TEXT) FROM neighbourhoods "
                "ORDER BY code"
            )
        ).all()
    engine.dispose()
    assert [(code, bool(absent)) for code, absent, _ in rows] == [
        ("WK085501", True),
        ("WK085502", False),
        ("WK085503", True),
    ]
    assert rows[1][2].replace(" ", "") == shape.replace(" ", "")
