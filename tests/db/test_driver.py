"""`api.core.driver.Prepared` on each database: what it stores and raises is what the ORM's
`Session.execute` stores and raises."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, bindparam, event, select
from sqlalchemy.exc import IntegrityError

from api.core.db import UTCDateTime, open_session
from api.core.driver import Prepared
from api.municipalities.models import Municipality

pytestmark = pytest.mark.both_databases

_STAMPS = Table(
    "driver_probes",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(20), nullable=False, unique=True),
    Column("at", UTCDateTime, nullable=False),
)
_ADD = Prepared(_STAMPS.insert().returning(_STAMPS.c.id), column_keys=("name", "at"))
_AT_MICROSECONDS = datetime(2026, 12, 6, 20, 0, 0, 123456, tzinfo=UTC)
_AT_WHOLE_SECOND = datetime(2026, 12, 6, 20, 0, 1, tzinfo=UTC)


@pytest.fixture
def stamps(engine: Engine) -> Iterator[Table]:
    _STAMPS.create(engine)
    try:
        yield _STAMPS
    finally:
        _STAMPS.drop(engine)


def test_a_prepared_insert_stores_what_the_orm_stores(engine: Engine, stamps):
    with open_session(engine) as db:
        for name, at in (("micro", _AT_MICROSECONDS), ("whole", _AT_WHOLE_SECOND)):
            _ADD.execute(db, {"name": name, "at": at})
            db.execute(stamps.insert(), {"name": f"orm-{name}", "at": at})
        db.commit()
        stored = dict(db.execute(select(stamps.c.name, stamps.c.at)).all())
        text = dict(db.execute(select(stamps.c.name, stamps.c.at.cast(String))).all())
    assert stored["micro"] == stored["orm-micro"] == _AT_MICROSECONDS
    assert stored["whole"] == stored["orm-whole"] == _AT_WHOLE_SECOND
    # the same text on SQLite, so the two compare and sort alike there
    assert (text["micro"], text["whole"]) == (text["orm-micro"], text["orm-whole"])


def test_a_prepared_statement_is_seen_by_the_engines_listeners(engine: Engine, stamps):
    seen: list[str] = []

    def listen(_conn, _cursor, statement: str, *_args) -> None:
        seen.append(statement)

    with open_session(engine) as db:
        db.execute(select(1))
        event.listen(engine, "before_cursor_execute", listen)
        try:
            _ADD.execute(db, {"name": "a", "at": _AT_WHOLE_SECOND})
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        db.rollback()
    assert len(seen) == 1 and seen[0].startswith("INSERT INTO driver_probes")


def test_a_refusal_by_the_database_is_sqlalchemys_integrity_error(engine: Engine, stamps):
    with open_session(engine) as db:
        _ADD.execute(db, {"name": "twice", "at": _AT_WHOLE_SECOND})
        with pytest.raises(IntegrityError):
            _ADD.execute(db, {"name": "twice", "at": _AT_WHOLE_SECOND})
        db.rollback()
        assert db.execute(select(stamps.c.id)).all() == []


_MUNICIPALITY_NAMED = Prepared(
    select(Municipality.id).where(Municipality.cbs_code == bindparam("code"))  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
)


def test_a_prepared_statement_sees_what_the_session_added_before_it(clean_engine: Engine):
    # As Session.execute autoflushes: a participant added just before its ballot must exist
    # for the ballot's foreign key (the demo's simulated ballots failed on it).
    with open_session(clean_engine) as db:
        db.add(Municipality(cbs_code="GM0855", name="Tilburg"))
        found = _MUNICIPALITY_NAMED.execute(db, {"code": "GM0855"}).fetchall()
        db.rollback()
    assert len(found) == 1
