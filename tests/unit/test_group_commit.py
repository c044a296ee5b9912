"""The SQLite writer commits the writes queued together in one transaction, a savepoint each:
a write that fails takes back only its own changes, no result comes back before the commit,
and when that transaction is lost each of its writes runs again alone."""

import asyncio
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from api.core.db import Writer, create_db_engine
from api.idempotency import service as idempotency
from api.idempotency.models import IdempotencyRecord
from api.idempotency.service import StoredResponse

Write = Callable[[Session], str]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'group.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT NOT NULL)"))
    yield engine
    engine.dispose()


def _committed(engine: Engine) -> list[str]:
    with engine.connect() as reader:  # another connection: sees committed rows only
        return sorted(reader.execute(text("SELECT body FROM notes")).scalars())


def _note(
    body: str, *, fail: bool = False, before_commit: Callable[[Session], None] | None = None
) -> Write:
    def write(db: Session) -> str:
        db.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": body})
        if before_commit is not None:
            before_commit(db)
        if fail:
            raise ValueError(body)
        db.commit()  # in a group commit: releases this write's savepoint only
        return body

    return write


def _run_grouped(
    engine: Engine, rest: list[Callable[[Session], object]]
) -> tuple[list[object], list[list[str]]]:
    """Run `first` holding the writer while `rest` queue behind it (so they form one batch);
    each outcome, and what was committed when each answer came."""
    holding, release = threading.Event(), threading.Event()

    def hold(_db: Session) -> None:
        holding.set()
        release.wait(timeout=30)

    writer = Writer(engine)
    committed_when_answered: list[list[str]] = []

    async def scenario() -> list[object]:
        first = asyncio.ensure_future(writer.run(_note("first", before_commit=hold)))
        await asyncio.to_thread(holding.wait, 30)
        queued = [asyncio.ensure_future(writer.run(write)) for write in rest]
        await asyncio.sleep(0)  # the tasks put their writes on the queue
        release.set()
        outcomes: list[object] = []
        for future in [first, *queued]:
            try:
                outcomes.append(await future)
            except ValueError as error:
                outcomes.append(error)
            committed_when_answered.append(_committed(engine))
        return outcomes

    try:
        return asyncio.run(scenario()), committed_when_answered
    finally:
        writer.shutdown()


def test_writes_queued_together_commit_together_and_a_failing_one_leaves_nothing(
    engine: Engine,
) -> None:
    batches: list[int] = []

    @event.listens_for(engine, "commit")
    def count_rows(connection) -> None:  # type: ignore[no-untyped-def]
        batches.append(connection.exec_driver_sql("SELECT count(*) FROM notes").scalar())

    outcomes, committed_when_answered = _run_grouped(
        engine, [_note("second"), _note("bad", fail=True), _note("third")]
    )

    assert outcomes[0] == "first" and outcomes[1] == "second" and outcomes[3] == "third"
    assert isinstance(outcomes[2], ValueError)
    assert _committed(engine) == ["first", "second", "third"]
    assert batches == [1, 3]  # the three queued meanwhile were one transaction
    # Each answer came after the commit holding its write.
    assert "first" in committed_when_answered[0]
    assert all(seen == ["first", "second", "third"] for seen in committed_when_answered[1:])


def test_a_batch_that_cannot_commit_runs_each_write_again_alone(engine: Engine) -> None:
    commits: list[int] = []

    @event.listens_for(engine, "commit")
    def fail_the_batch(connection) -> None:  # type: ignore[no-untyped-def]
        rows = connection.exec_driver_sql("SELECT count(*) FROM notes").scalar()
        commits.append(rows)
        if len(commits) == 2:  # the transaction holding second and third besides first
            raise OSError("disk I/O error")

    outcomes, committed_when_answered = _run_grouped(
        engine, [_note("second"), _note("bad", fail=True), _note("third")]
    )

    # Only the write that fails on its own failed; each write stored once.
    assert outcomes[0] == "first" and outcomes[1] == "second" and outcomes[3] == "third"
    assert isinstance(outcomes[2], ValueError)
    assert _committed(engine) == ["first", "second", "third"]
    assert commits == [1, 3, 2, 3]  # the lost batch, then second and third alone
    # Each answer came after the commit of its own write, never after the lost one alone.
    assert committed_when_answered[1][:2] == ["first", "second"]
    assert committed_when_answered[3] == ["first", "second", "third"]


def test_a_batch_that_sqlite_rolled_back_runs_each_write_again_alone(engine: Engine) -> None:
    aborted: list[bool] = []

    def abort_once(db: Session) -> None:
        if not aborted:  # as SQLite does on a full disk: the whole transaction is gone
            aborted.append(True)
            db.connection().exec_driver_sql("ROLLBACK")
            raise ValueError("database or disk is full")

    outcomes, _ = _run_grouped(
        engine, [_note("second"), _note("third", before_commit=abort_once), _note("fourth")]
    )

    assert outcomes[0] == "first"
    assert outcomes[1:] == ["second", "third", "fourth"]
    assert _committed(engine) == ["first", "fourth", "second", "third"]


class _Note(BaseModel):
    body: str


def _keyed(body: str) -> Callable[[Session], StoredResponse]:
    """A write of `body` once per Idempotency-Key "same-key", as a resident write runs."""

    def write(db: Session) -> StoredResponse:
        def insert(_target: None) -> _Note:
            db.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": body})
            return _Note(body=body)

        return idempotency.run_once(
            db,
            scope="participant:p",
            key="same-key",
            request_hash="hash",
            ttl=timedelta(hours=1),
            status=200,
            prepare=lambda: None,
            write=insert,
        )

    return write


@pytest.mark.parametrize("commit_fails", [False, True])
def test_a_retry_in_the_same_batch_is_answered_from_the_first_and_after_its_commit(
    engine: Engine, commit_fails: bool
) -> None:
    IdempotencyRecord.__table__.create(engine)  # type: ignore[attr-defined]
    commits: list[int] = []

    @event.listens_for(engine, "commit")
    def fail_the_batch(_connection) -> None:  # type: ignore[no-untyped-def]
        commits.append(1)
        if commit_fails and len(commits) == 2:  # the batch holding both requests
            raise OSError("disk I/O error")

    outcomes, committed_when_answered = _run_grouped(engine, [_keyed("once"), _keyed("once")])

    first, retry = outcomes[1], outcomes[2]
    assert isinstance(first, StoredResponse) and isinstance(retry, StoredResponse)
    assert (first.replayed, retry.replayed) == (False, True)
    assert retry.body == first.body == {"body": "once"}
    assert _committed(engine) == ["first", "once"]  # written once
    assert committed_when_answered[1] == committed_when_answered[2] == ["first", "once"]
    # One transaction for both (a replay commits nothing); after a lost one, the first alone.
    assert len(commits) == (3 if commit_fails else 2)
