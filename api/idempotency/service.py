"""`Idempotency-Key` handling (IETF draft-ietf-httpapi-idempotency-key-header).

A keyed write runs in one transaction: check that the write may happen, write, and store
the response under the key unless the key has a record already, then commit. Either the
write and its stored response are both kept or neither is, and a refused request leaves
nothing behind, so the client can correct it and retry with the same key. A key with a
record (found by that insert, or after a refusal) rolls the write back: a retry of a request
that was answered gets the stored answer (`Idempotent-Replayed: true`); the same key with
another request is a 422. The first request with a key, by far the most common, thus needs
no lookup of the key.

While a request with a key is running, the same key gets a 409 at once: this process keeps
the keys it is working on, and on PostgreSQL a transaction-scoped advisory lock on the key
does the same across app instances. The unique (scope, key) constraint is the last word:
a request that loses that race rolls back and answers from the winner's record.

One transaction per keyed write means one commit, so one disk flush: on SQLite, whose one
writer at a time waits for each flush, that is what bounds the writes per second.
"""

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from pydantic import BaseModel, JsonValue
from sqlalchemy import bindparam, delete, select
from sqlmodel import Session

from api.core.db import utcnow
from api.core.dialects import insert_or_ignore, try_lock_for_transaction
from api.core.driver import Prepared
from api.core.problems import Conflict, UnprocessableContent
from api.idempotency.models import IdempotencyRecord, IdempotencyState

PROCESSING_LEASE = timedelta(seconds=30)
_ATTEMPTS = 5
T = TypeVar("T")

_RECORDS = IdempotencyRecord.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it
# Built once, then only bound: they run in every keyed write.
_FIND = select(
    _RECORDS.c.id,
    _RECORDS.c.fingerprint,
    _RECORDS.c.state,
    _RECORDS.c.locked_until,
    _RECORDS.c.response_status,
    _RECORDS.c.response_body,
    _RECORDS.c.expires_at,
).where(_RECORDS.c.scope == bindparam("scope"), _RECORDS.c.key == bindparam("key"))
# Stores the record unless the key has one already: the usual first request needs no lookup.
# On the driver (see api/core/driver.py): it runs in every keyed write.
_INSERT_NEW = Prepared(
    insert_or_ignore(_RECORDS, unique=[_RECORDS.c.scope, _RECORDS.c.key], returning=_RECORDS.c.id),
    column_keys=(
        "scope",
        "key",
        "fingerprint",
        "state",
        "locked_until",
        "response_status",
        "response_body",
        "created_at",
        "expires_at",
    ),
)

_running: dict[tuple[str, str], str] = {}  # (scope, key) → fingerprint, of requests in flight
_running_lock = threading.Lock()


@dataclass(frozen=True)
class StoredResponse:
    """A response to send: fresh, or replayed from the first request with the key."""

    status: int
    body: dict[str, JsonValue]
    replayed: bool


def fingerprint(*, method: str, path: str, body: BaseModel, key: str) -> str:
    """A keyed hash (HMAC-SHA-256 with the app's secret `key`) of what the request asks,
    independent of JSON key order and spacing.

    Keyed, because the record sits under the participant's scope: a plain hash of a pledge
    could be recomputed from a contact offer (text, kind, contact) by anyone holding the
    database, and would link the offer to the participant.
    """
    canonical = json.dumps(body.model_dump(mode="json", by_alias=True), sort_keys=True)
    message = f"{method} {path} {canonical}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _in_progress() -> Conflict:
    return Conflict(
        "A request with this Idempotency-Key is still being processed. "
        "Wait a moment and try again.",
        nl="Een verzoek met deze Idempotency-Key wordt nog verwerkt. "
        "Wacht even en probeer het opnieuw.",
        kind="request-in-progress",
        headers={"Retry-After": "1"},
    )


def _reused() -> UnprocessableContent:
    return UnprocessableContent(
        "This Idempotency-Key was already used for a different request. "
        "Use a new key for a new request.",
        nl="Deze Idempotency-Key is al gebruikt voor een ander verzoek. "
        "Gebruik een nieuwe key voor een nieuw verzoek.",
        kind="idempotency-key-reused",
    )


def refuse_if_running(*, scope: str, key: str | None, request_hash: str) -> None:
    """409 (or 422) at once if a request with this key is in flight in this process.

    For a caller that queues its write: the answer must not wait for the request it names.
    """
    if key is not None:
        with _running_lock:
            running = _running.get((scope, key))
        if running is not None:
            raise _in_progress() if running == request_hash else _reused()


@contextmanager
def _running_here(scope: str, key: str, request_hash: str) -> Iterator[None]:
    """Mark the key as in flight in this process; 409 (or 422) if it already is."""
    with _running_lock:
        running = _running.get((scope, key))
        if running is None:
            _running[(scope, key)] = request_hash
    if running is not None:
        raise _in_progress() if running == request_hash else _reused()
    try:
        yield
    finally:
        with _running_lock:
            del _running[(scope, key)]


def _lock_key(db: Session, scope: str, key: str) -> None:
    """Hold the key for this transaction, across app instances; 409 if another holds it."""
    if not try_lock_for_transaction(db, f"{scope} {key}"):
        db.rollback()
        raise _in_progress()


def _stored(db: Session, *, scope: str, key: str, request_hash: str) -> StoredResponse | None:
    """The answer to a key seen before (replay, 422 or 409); None if the key is free."""
    now = utcnow()
    record = db.execute(_FIND, {"scope": scope, "key": key}).first()
    if record is None:
        return None
    stale = record.expires_at <= now or (
        record.state is IdempotencyState.PROCESSING and record.locked_until <= now
    )
    if stale:  # expired, or left behind by a request that never finished: the key is free
        db.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
        return None
    if record.fingerprint != request_hash:
        db.rollback()
        raise _reused()
    if record.state is IdempotencyState.PROCESSING:
        db.rollback()
        raise _in_progress()
    db.rollback()
    return StoredResponse(
        status=record.response_status or 200,
        body=json.loads(record.response_body or "{}"),
        replayed=True,
    )


def run_once(
    db: Session,
    *,
    scope: str,
    key: str | None,
    request_hash: str,
    ttl: timedelta,
    status: int,
    prepare: Callable[[], T],
    write: Callable[[T], BaseModel],
) -> StoredResponse:
    """Run `write` (which must not commit) at most once per key, and commit it with its response.

    `prepare` checks, in the same transaction, that the write may happen (the session is
    open, say) and returns what `write` needs. A replay skips it: the retry of a request that
    was answered gets the same answer, even when the request could not be made any more.
    """
    if key is None:
        try:
            body = write(prepare()).model_dump(mode="json", by_alias=True)
            db.commit()
        except BaseException:
            db.rollback()  # let the next writer in now, not when the request is torn down
            raise
        return StoredResponse(status=status, body=body, replayed=False)
    with _running_here(scope, key, request_hash):
        seen = False  # whether the key has a record: then it is looked up before the write
        for _attempt in range(_ATTEMPTS):
            _lock_key(db, scope, key)
            if seen:
                stored = _stored(db, scope=scope, key=key, request_hash=request_hash)
                if stored is not None:
                    return stored
            try:
                body = write(prepare()).model_dump(mode="json", by_alias=True)
                now = utcnow()
                inserted = _INSERT_NEW.execute(
                    db,
                    {
                        "scope": scope,
                        "key": key,
                        "fingerprint": request_hash,
                        "state": IdempotencyState.COMPLETED,
                        "locked_until": now,
                        "response_status": status,
                        "response_body": json.dumps(body),
                        "created_at": now,
                        "expires_at": now + ttl,
                    },
                ).fetchone()
            except Exception:
                db.rollback()
                if not seen:  # a retry answered before gets its answer, even if refused now
                    stored = _stored(db, scope=scope, key=key, request_hash=request_hash)
                    db.rollback()  # nothing of a stale record's removal is kept
                    if stored is not None:
                        return stored
                raise
            except BaseException:
                db.rollback()
                raise
            if inserted is None:  # the key has a record: drop this write, answer from it
                db.rollback()
                seen = True
                continue
            try:
                db.commit()
            except BaseException:
                db.rollback()
                raise
            return StoredResponse(status=status, body=body, replayed=False)
    raise _in_progress()


def purge_expired(db: Session) -> int:
    """Delete idempotency records past their expiry; returns how many."""
    deleted = db.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
    ).rowcount
    db.commit()
    return deleted
