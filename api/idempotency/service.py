"""`Idempotency-Key` handling (IETF draft-ietf-httpapi-idempotency-key-header).

A key is claimed in a short transaction of its own, so a second request with the same key
can see that the first is still running (409). The response is stored in the same
transaction as the write it describes: either both are kept or neither is. A failed request
releases its claim, so the client can correct and retry.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from api.core.db import utcnow
from api.core.problems import Conflict, UnprocessableContent
from api.idempotency.models import IdempotencyRecord, IdempotencyState

PROCESSING_LEASE = timedelta(seconds=30)


@dataclass(frozen=True)
class StoredResponse:
    """A response to send: fresh, or replayed from the first request with the key."""

    status: int
    body: dict[str, Any]
    replayed: bool


def fingerprint(*, method: str, path: str, body: BaseModel) -> str:
    """A hash of what the request asks, independent of JSON key order and spacing."""
    canonical = json.dumps(body.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(f"{method} {path} {canonical}".encode()).hexdigest()


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(IdempotencyRecord)


def _claim(
    session: Session, *, scope: str, key: str, request_hash: str, ttl: timedelta
) -> int | StoredResponse:
    now = utcnow()
    claimed = session.execute(
        _insert(session)
        .values(
            scope=scope,
            key=key,
            fingerprint=request_hash,
            state=IdempotencyState.PROCESSING,
            locked_until=now + PROCESSING_LEASE,
            created_at=now,
            expires_at=now + ttl,
        )
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(IdempotencyRecord.id)
    ).scalar()
    if claimed is not None:
        session.commit()
        return claimed
    record = session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    ).one()
    if record.expires_at <= now:
        session.delete(record)
        session.commit()
        return _claim(session, scope=scope, key=key, request_hash=request_hash, ttl=ttl)
    if record.fingerprint != request_hash:
        session.rollback()
        raise UnprocessableContent(
            "This Idempotency-Key was already used for a different request. "
            "Use a new key for a new request.",
            title="Idempotency-Key reused",
        )
    if record.state is IdempotencyState.COMPLETED:
        session.rollback()
        return StoredResponse(
            status=record.response_status or 200,
            body=json.loads(record.response_body or "{}"),
            replayed=True,
        )
    if record.locked_until > now:
        session.rollback()
        raise Conflict(
            "A request with this Idempotency-Key is still being processed. "
            "Wait a moment and try again.",
            title="Request in progress",
            headers={"Retry-After": "1"},
        )
    taken_over = session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == record.id,
            IdempotencyRecord.locked_until == record.locked_until,
        )
        .values(locked_until=now + PROCESSING_LEASE)
    ).rowcount
    session.commit()
    if not taken_over:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed. "
            "Wait a moment and try again.",
            title="Request in progress",
            headers={"Retry-After": "1"},
        )
    assert record.id is not None
    return record.id


def run_once(
    session: Session,
    *,
    scope: str,
    key: str | None,
    request_hash: str,
    ttl: timedelta,
    status: int,
    write: Callable[[], BaseModel],
) -> StoredResponse:
    """Run `write` (which must not commit) at most once per key; commit it with its response."""
    if key is None:
        body = write().model_dump(mode="json", by_alias=True)
        session.commit()
        return StoredResponse(status=status, body=body, replayed=False)
    claim = _claim(session, scope=scope, key=key, request_hash=request_hash, ttl=ttl)
    if isinstance(claim, StoredResponse):
        return claim
    try:
        body = write().model_dump(mode="json", by_alias=True)
        session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == claim)
            .values(
                state=IdempotencyState.COMPLETED,
                response_status=status,
                response_body=json.dumps(body),
            )
        )
        session.commit()
    except BaseException:
        session.rollback()
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == claim))
        session.commit()
        raise
    return StoredResponse(status=status, body=body, replayed=False)


def purge_expired(session: Session) -> int:
    """Delete idempotency records past their expiry; returns how many."""
    deleted = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
    ).rowcount
    session.commit()
    return deleted
