"""The helpers of `api.core.dialects` on each database: the same call, what each database does."""

from collections.abc import Iterator

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    func,
    select,
)

from api.core.db import open_session
from api.core.dialects import (
    RowLock,
    bulk_insert,
    for_update,
    insert_or_ignore,
    is_postgresql,
    is_sqlite,
    try_lock_for_transaction,
    upsert,
)

pytestmark = pytest.mark.both_databases  # what they prove is what differs between databases

_PROBES = Table(
    "dialect_probes",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(20), nullable=False, unique=True),
    Column("value", Integer, nullable=False),
    Column("data", LargeBinary),
)
_ADD = insert_or_ignore(_PROBES, unique=[_PROBES.c.name], returning=_PROBES.c.id)
_SET = upsert(
    _PROBES,
    unique=[_PROBES.c.name],
    values={"name": bindparam("name"), "value": bindparam("value")},
    update={"value": bindparam("value")},
)
_ROW_A = select(_PROBES.c.name).where(_PROBES.c.name == "a")


@pytest.fixture
def probes(engine: Engine) -> Iterator[Table]:
    """A table of the test's own, with one row (name "a", value 1)."""
    _PROBES.create(engine)
    try:
        with engine.begin() as connection:
            connection.execute(_PROBES.insert(), {"name": "a", "value": 1})
        yield _PROBES
    finally:
        _PROBES.drop(engine)


def _values(engine: Engine) -> dict[str, int]:
    with open_session(engine, write=False) as db:
        return dict(db.execute(select(_PROBES.c.name, _PROBES.c.value)).all())


def test_the_session_knows_its_database(engine: Engine):
    with open_session(engine, write=False) as db:
        assert (is_postgresql(db), is_sqlite(db)) == (
            engine.dialect.name == "postgresql",
            engine.dialect.name == "sqlite",
        )


def test_insert_or_ignore_adds_a_new_row_and_leaves_an_existing_one_as_it_is(
    engine: Engine, probes: Table
):
    with open_session(engine) as db:
        new = db.execute(_ADD.on(db), {"name": "b", "value": 2}).scalar()
        existing = db.execute(_ADD.on(db), {"name": "a", "value": 3}).scalar()
        db.commit()
    assert new is not None
    assert existing is None
    assert _values(engine) == {"a": 1, "b": 2}


def test_upsert_adds_a_new_row_and_updates_an_existing_one(engine: Engine, probes: Table):
    with open_session(engine) as db:
        db.execute(_SET.on(db), {"name": "b", "value": 2})
        db.execute(_SET.on(db), {"name": "a", "value": 3})
        db.commit()
    assert _values(engine) == {"a": 3, "b": 2}


def test_a_skip_locked_read_leaves_out_rows_another_transaction_locked_where_rows_can_be_locked(
    engine: Engine, probes: Table
):
    with open_session(engine) as holder, open_session(engine, write=False) as other:
        assert holder.execute(for_update(_ROW_A)).scalars().all() == ["a"]
        seen = other.execute(for_update(_ROW_A, skip_locked=True)).scalars().all()
        # SQLite has no row locks: its single writer excludes other writers, not readers.
        assert seen == ([] if is_postgresql(holder) else ["a"])
        holder.rollback()
        other.rollback()
        assert other.execute(for_update(_ROW_A, skip_locked=True)).scalars().all() == ["a"]


def test_locked_rows_are_held_on_postgresql_and_cost_sqlite_no_query(engine: Engine, probes: Table):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with open_session(engine) as holder, open_session(engine, write=False) as other:
        holder.execute(select(1))  # the transaction has begun: only the lock's query is counted
        event.listen(engine, "before_cursor_execute", count)
        try:
            RowLock(_ROW_A).take(holder, {})
        finally:
            event.remove(engine, "before_cursor_execute", count)
        if is_postgresql(holder):
            assert len(statements) == 1 and "FOR UPDATE" in statements[0]
            assert other.execute(for_update(_ROW_A, skip_locked=True)).scalars().all() == []
        else:
            assert statements == []


def test_a_transaction_lock_excludes_other_transactions_on_postgresql_until_it_ends(
    engine: Engine,
):
    with open_session(engine) as holder, open_session(engine, write=False) as other:
        assert try_lock_for_transaction(holder, "probe key")
        # SQLite's single writer excludes the others itself: the lock is always there to take.
        assert try_lock_for_transaction(other, "probe key") is not is_postgresql(holder)
        other.rollback()
        assert try_lock_for_transaction(other, "another key")
        other.rollback()
        holder.commit()
        assert try_lock_for_transaction(other, "probe key")


def test_bulk_insert_stores_every_row_across_chunks(engine: Engine, probes: Table):
    rows = [(f"n{i}", i, i.to_bytes(4, "little")) for i in range(4_001)]
    with open_session(engine) as db:
        bulk_insert(db, _PROBES, ("name", "value", "data"), iter(rows))
        db.commit()
    with open_session(engine, write=False) as db:
        stored = db.execute(
            select(func.count(), func.sum(_PROBES.c.value)).where(_PROBES.c.name != "a")
        ).one()
        last = db.execute(select(_PROBES.c.data).where(_PROBES.c.name == "n4000")).scalar()
    assert tuple(stored) == (4_001, sum(range(4_001)))
    assert last == (4_000).to_bytes(4, "little")
